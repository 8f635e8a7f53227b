"""Development data: the demo agency, the test personas and helpers, and the scale generator for the benchmarks.

It sits above every other app (it may import them all) and nothing in the live code imports it: only the management
commands `load_demo` and `generate_agency`, the tests, `conftest.py` and `bench/` do.
"""
