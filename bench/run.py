"""`make bench`: generate agency-<size> on SQLite and PostgreSQL (once; kept for the next run), then measure.

For each database: reports vs the bare SQL aggregate and the main pages (bench/suite.py), time-entry creation over
HTTP under concurrency and peak RSS (bench/http_load.py). Prints one pass/miss table against the targets of issue
#10 and writes $BENCH_DATA_DIR/results-<db>-<size>.json.

Environment: BENCH_SIZE=S|M|L (default L), BENCH_DBS=sqlite,postgresql (default both), BENCH_DATA_DIR (SQLite
file; default /tmp/baton-bench), BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/baton_bench; PostgreSQL
is started like .ci/run does when it is down), BENCH_SKIP_HTTP=1 to leave out the HTTP load.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = str(Path(sys.executable))
SIZE = os.environ.get("BENCH_SIZE", "L").upper()
DBS = [d.strip() for d in os.environ.get("BENCH_DBS", "sqlite,postgresql").split(",") if d.strip()]
DATA_DIR = Path(os.environ.get("BENCH_DATA_DIR", "/tmp/baton-bench"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/baton_bench")
SLUG = f"agency-{SIZE.lower()}"

REPORT_P50_MS = 300  # reports: <= 300 ms p50 on PostgreSQL at L
REPORT_RATIO = 1.5  # and <= 1.5x the bare aggregate
REPORT_STRETCH_MS = 50  # the rollup aim: <= 50 ms p50 on both databases
PAGE_MS = 300
PAGE_QUERIES = 20
HTTP_RATIO = 0.5
SINGLE_CREATE_MS = 5


def _env(db: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    if db == "postgresql":
        env["DATABASE_URL"] = PG_URL
    else:
        env.pop("DATABASE_URL", None)
        env["BATON_DATA_DIR"] = str(DATA_DIR)
    return env


def _ensure_postgres() -> None:
    def ready() -> bool:
        return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode == 0

    if shutil.which("pg_isready") and not ready():
        print("PostgreSQL is down; starting it.")
        version = sorted(os.listdir("/etc/postgresql"))[0]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True)
        for _ in range(30):
            if ready():
                break
            time.sleep(1)
    name = PG_URL.rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=False, capture_output=True)


def _manage(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env={**_env(db), "DJANGO_SETTINGS_MODULE": "baton.settings"},
        check=True,
        text=True,
    )


def _has_workspace(db: str) -> bool:
    code = f"from baton.core.models import Workspace; print(Workspace.objects.filter(slug={SLUG!r}).exists())"
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**_env(db), "DJANGO_SETTINGS_MODULE": "baton.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().endswith("True")


def run_db(db: str) -> dict[str, Any]:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if db == "postgresql":
        _ensure_postgres()
    _manage(db, "migrate", "--noinput", "-v0")
    generated_s = None
    if not _has_workspace(db):
        t = time.monotonic()
        _manage(db, "generate_agency", "--size", SIZE)
        generated_s = round(time.monotonic() - t, 1)
    out = DATA_DIR / f"results-{db}-{SIZE}.json"
    subprocess.run([PY, "-m", "bench.suite", "--slug", SLUG, "--out", str(out)], cwd=ROOT, env=_env(db), check=True)
    result = json.loads(out.read_text())
    result["generate_s"] = generated_s
    if not os.environ.get("BENCH_SKIP_HTTP"):
        http_out = DATA_DIR / f"http-{db}-{SIZE}.json"
        subprocess.run(
            [PY, "-m", "bench.http_load", "--slug", SLUG, "--out", str(http_out)], cwd=ROOT, env=_env(db), check=True
        )
        result["http"] = json.loads(http_out.read_text())
        http_out.unlink()
    out.write_text(json.dumps(result, indent=1))
    return result


def _mark(ok: bool) -> str:
    return "pass" if ok else "MISS"


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = [f"| {'what':<52} | {'db':<10} | {'figure':<34} | target | result |", "|" + "---|" * 5]
    for db, res in results.items():
        pg = db == "postgresql"
        for r in res["reports"]:
            fig = f"{r['p50_ms']} ms p50, bare {r['bare_ms']} ms, x{r['ratio']}"
            ok = r["equal"] and r["ratio"] <= REPORT_RATIO and (not pg or r["p50_ms"] <= REPORT_P50_MS)
            target = f"<= {REPORT_RATIO}x, {REPORT_P50_MS} ms" if pg else f"<= {REPORT_RATIO}x"
            eq = "" if r["equal"] else " (FIGURES DIFFER)"
            lines.append(f"| {r['name']:<52} | {db:<10} | {fig:<34} | {target} | {_mark(ok)}{eq} |")
        for p in res["pages"]:
            fig = f"{p['p50_ms']} ms, {p['queries']} queries (HTTP {p['status']})"
            ok = p["p50_ms"] <= PAGE_MS and p["queries"] <= PAGE_QUERIES and p["status"] == 200
            lines.append(
                f"| page: {p['name']:<46} | {db:<10} | {fig:<34} | <= {PAGE_MS} ms, {PAGE_QUERIES} q | {_mark(ok)} |"
            )
        http = res.get("http")
        if http:
            api, bare = http["api"], http["bare"]
            fig = f"{api['throughput']}/s vs bare {bare['throughput']}/s = {http['ratio']}"
            lines.append(
                f"| {'time-entry create, ' + str(http['threads']) + ' clients':<52} | {db:<10} | {fig:<34} | "
                f">= {HTTP_RATIO} | {_mark(http['ratio'] >= HTTP_RATIO)} |"
            )
            lat = f"p50 {api['p50_ms']} ms, p99 {api['p99_ms']} ms"
            lines.append(f"| {'  concurrent latency':<52} | {db:<10} | {lat:<34} | - | - |")
            single = http["single"]
            fig = f"p50 {single['p50_ms']} ms (bare {http['single_bare']['p50_ms']} ms)"
            lines.append(
                f"| {'time-entry create, one client':<52} | {db:<10} | {fig:<34} | <= {SINGLE_CREATE_MS} ms | "
                f"{_mark(single['p50_ms'] <= SINGLE_CREATE_MS)} |"
            )
            lines.append(f"| {'peak RSS of a web process':<52} | {db:<10} | {http['peak_rss_mb']} MB{'':<27} | - | - |")
        if res.get("generate_s") is not None:
            gen = res["generate_s"]
            what = "generate_agency --size " + SIZE
            lines.append(f"| {what:<52} | {db:<10} | {str(gen) + ' s':<34} | < 900 s | {_mark(gen < 900)} |")
    return "\n".join(lines)


def main() -> None:
    started = time.monotonic()
    results = {db: run_db(db) for db in DBS}
    print()
    print(
        f"agency-{SIZE}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(table(results))
    print(f"\nbench total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
