"""Scale benchmarks (issue #10): `make bench`. See bench/run.py."""
