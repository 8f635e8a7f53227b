"""`python -m bench.compare OLD.json NEW.json`: the deltas between two runs of `make bench` (the JSON files
bench/run.py writes, one per run): every figure both runs have, old -> new and the change in per cent, by database.
The machine's load of each run is printed first: compare figures taken under similar load only."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def figures(run: dict[str, Any]) -> dict[str, float]:
    """Flatten a run into "db | what | figure" -> number."""
    out: dict[str, float] = {}
    for db, res in run["results"].items():
        for size, suite in res["sizes"].items():
            for r in suite.get("reports", []):
                out[f"{db} | report {r['name']} ({size}) | p50 ms"] = r["p50_ms"]
                out[f"{db} | report {r['name']} ({size}) | bare ms"] = r["bare_ms"]
            for p in suite.get("pages", []):
                out[f"{db} | page {p['name']} ({size}) | p50 ms"] = p["p50_ms"]
                out[f"{db} | page {p['name']} ({size}) | queries"] = p["queries"]
            for key in ("rss_after_reports_mb", "rss_after_pages_mb"):
                if suite.get(key) is not None:
                    out[f"{db} | suite ({size}) | {key}"] = suite[key]
        http = res.get("http")
        if http:
            out[f"{db} | create, one client | p50 ms"] = http["single"]["p50_ms"]
            out[f"{db} | create, {http['threads']} clients | req/s"] = http["api"]["throughput"]
            out[f"{db} | create, {http['threads']} clients | p50 ms"] = http["api"]["p50_ms"]
            out[f"{db} | bare insert, {http['threads']} clients | req/s"] = http["bare"]["throughput"]
            out[f"{db} | web worker | peak RSS MB"] = http["peak_rss_mb"]
            if http.get("peak_rss_after_reads_mb") is not None:
                out[f"{db} | web worker after reads | peak RSS MB"] = http["peak_rss_after_reads_mb"]
        for size, seconds in res.get("generate_s", {}).items():
            out[f"{db} | generate_agency {size} | s"] = seconds
    return out


def compare(old: dict[str, Any], new: dict[str, Any]) -> str:
    lines = [
        f"old: {old['date']} commit {old['commit']} load {old['load_before']} sizes {','.join(old['sizes'])}",
        f"new: {new['date']} commit {new['commit']} load {new['load_before']} sizes {','.join(new['sizes'])}",
        "",
    ]
    a, b = figures(old), figures(new)
    width = max((len(k) for k in a.keys() & b.keys()), default=10)
    for key in [k for k in b if k in a]:
        before, after = a[key], b[key]
        change = f"{(after - before) / before * 100:+.0f} %" if before else "-"
        lines.append(f"{key:<{width}}  {before:>10} -> {after:<10} {change}")
    only = sorted(a.keys() ^ b.keys())
    if only:
        lines.append(f"\n{len(only)} figures in one run only (e.g. {only[0]})")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: python -m bench.compare OLD.json NEW.json")
    old, new = (json.loads(Path(p).read_text()) for p in sys.argv[1:])
    print(compare(old, new))


if __name__ == "__main__":
    main()
