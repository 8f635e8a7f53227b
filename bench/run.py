"""`make bench`: generate agency-<size> for each size on SQLite and PostgreSQL (once; kept for the next run), then
measure every goal and print it with its figure and pass/miss.

For each database, at the largest size: each contract report against its bare SQL aggregate (figures equal, p50,
ratio; bench/suite.py), whether the report windows are dense, time-entry creation over HTTP under concurrency on a
budgeted project with tasks and peak RSS (bench/http_load.py); at every size: the main pages (time, queries), so a
page's time at the largest size is compared with the smallest (flat S -> L). The goals (issue 21):

- reports: <= 50 ms p50 on both databases, <= 1.5x the bare SQL, figures equal to the bare SQL;
- creates: <= 5 ms p50 from one client, >= 300 req/s from 8 clients, >= 50 % of the bare INSERT's throughput;
- pages: <= 300 ms and <= 20 queries at every size, and at the largest size <= 1.5x the time at the smallest.

Each run is written as one JSON file, $BENCH_DATA_DIR/bench-<UTC time>-<commit>.json (date, git commit, machine
load, sizes, every figure); `python -m bench.compare OLD.json NEW.json` prints the deltas.

Environment: BENCH_SIZES=S,L (default; the smallest and the largest are compared, M and XL may be added), BENCH_SIZE=X
(the old single size: BENCH_SIZES=S,X), BENCH_DBS=sqlite,postgresql (default both), BENCH_DATA_DIR (SQLite file and
results; default /tmp/baton-bench), BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/baton_bench; PostgreSQL
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
ORDER = ["S", "M", "L", "XL"]


def _sizes() -> list[str]:
    raw = os.environ.get("BENCH_SIZES") or ("S," + os.environ["BENCH_SIZE"] if os.environ.get("BENCH_SIZE") else "S,L")
    sizes = {s.strip().upper() for s in raw.split(",") if s.strip()}
    return sorted(sizes, key=ORDER.index)


SIZES = _sizes()
LARGEST = SIZES[-1]
DBS = [d.strip() for d in os.environ.get("BENCH_DBS", "sqlite,postgresql").split(",") if d.strip()]
DATA_DIR = Path(os.environ.get("BENCH_DATA_DIR", "/tmp/baton-bench"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/baton_bench")

REPORT_MS = 50  # reports: <= 50 ms p50 on both databases (issue 21; was 300 ms on PostgreSQL)
REPORT_RATIO = 1.5  # and <= 1.5x the bare aggregate
PAGE_MS = 300
PAGE_QUERIES = 20
PAGE_FLAT = 1.5  # a page at the largest size <= 1.5x its time at the smallest
SINGLE_CREATE_MS = 5
HTTP_RPS = 300
HTTP_RATIO = 0.5
DENSE = 0.15  # the report windows within 15 % of the mean year / an earlier quarter
GENERATE_S = {"S": 900, "M": 900, "L": 900}  # generate_agency at L in under 15 minutes; XL is recorded, not judged


def _slug(size: str) -> str:
    return f"agency-{size.lower()}"


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


def _has_workspace(db: str, slug: str) -> bool:
    code = f"from baton.core.models import Workspace; print(Workspace.objects.filter(slug={slug!r}).exists())"
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**_env(db), "DJANGO_SETTINGS_MODULE": "baton.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().endswith("True")


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_db(db: str) -> dict[str, Any]:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if db == "postgresql":
        _ensure_postgres()
    _manage(db, "migrate", "--noinput", "-v0")
    result: dict[str, Any] = {"generate_s": {}, "sizes": {}, "load_start": _load()}
    for size in SIZES:
        if not _has_workspace(db, _slug(size)):
            t = time.monotonic()
            _manage(db, "generate_agency", "--size", size)
            result["generate_s"][size] = round(time.monotonic() - t, 1)
    for size in SIZES:
        out = DATA_DIR / f"suite-{db}-{size}.json"
        parts = "reports,pages" if size == LARGEST else "pages"
        cmd = [PY, "-m", "bench.suite", "--slug", _slug(size), "--out", str(out), "--parts", parts]
        subprocess.run(cmd, cwd=ROOT, env=_env(db), check=True)
        result["sizes"][size] = json.loads(out.read_text()) | {"load": _load()}
        out.unlink()
    if not os.environ.get("BENCH_SKIP_HTTP"):
        http_out = DATA_DIR / f"http-{db}-{LARGEST}.json"
        cmd = [PY, "-m", "bench.http_load", "--slug", _slug(LARGEST), "--out", str(http_out)]
        subprocess.run(cmd, cwd=ROOT, env=_env(db), check=True)
        result["http"] = json.loads(http_out.read_text()) | {"load": _load()}
        http_out.unlink()
    result["load_end"] = _load()
    return result


# --- The table: one row per measured thing, each goal with pass/miss ------------------------------------------------

Row = tuple[str, str, str, list[tuple[str, bool | None]]]  # what, db, figure, [(goal, met; None: no goal)]


def _goals(goals: list[tuple[str, bool | None]]) -> str:
    return "; ".join(goal if ok is None else f"{goal} {'pass' if ok else 'MISS'}" for goal, ok in goals) or "-"


def _report_rows(db: str, suite: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for r in suite.get("reports", []):
        fig = f"{r['p50_ms']} ms p50, bare {r['bare_ms']} ms, x{r['ratio']}"
        ratio = r["ratio"] if r["ratio"] is not None else 0
        goals = [
            (f"<= {REPORT_MS} ms", r["p50_ms"] <= REPORT_MS),
            (f"<= {REPORT_RATIO}x bare", ratio <= REPORT_RATIO),
            ("= bare", bool(r["equal"])),
        ]
        rows.append((f"report: {r['name']}", db, fig, goals))
    dense = suite.get("density")
    if dense and dense["years"]:
        years = dense["years"]
        mean = sum(years) / len(years)
        fig = f"{years[0]:,} entries, mean year {mean:,.0f} (x{years[0] / mean:.2f})" if mean else "no entries"
        rows.append(
            ("the 1-year window is dense", db, fig, [(f"within {DENSE:.0%}", abs(years[0] - mean) <= DENSE * mean)])
        )
        last, before = dense["last_quarter"], dense["quarter_a_year_before"]
        fig = f"{last['loggers']} logging ({last['entries']:,} entries), a year before {before['loggers']}"
        ok = abs(last["loggers"] - before["loggers"]) <= DENSE * max(1, before["loggers"])
        rows.append(("the quarter's window is dense", db, fig, [(f"within {DENSE:.0%}", ok)]))
    return rows


def _page_rows(db: str, res: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    sizes = [s for s in SIZES if "pages" in res["sizes"][s]]
    small, large = sizes[0], sizes[-1]
    by_size = {s: {p["name"]: p for p in res["sizes"][s]["pages"]} for s in sizes}
    for name, big in by_size[large].items():
        figs, goals = [], []
        for s in sizes:
            p = by_size[s].get(name)
            if p:
                figs.append(f"{s} {p['p50_ms']} ms {p['queries']} q")
        ok_ms = all(by_size[s][name]["p50_ms"] <= PAGE_MS for s in sizes if name in by_size[s])
        ok_q = all(by_size[s][name]["queries"] <= PAGE_QUERIES for s in sizes if name in by_size[s])
        ok_status = all(by_size[s][name]["status"] == 200 for s in sizes if name in by_size[s])
        goals = [(f"<= {PAGE_MS} ms", ok_ms), (f"<= {PAGE_QUERIES} q", ok_q)]
        base = by_size[small].get(name)
        if base and large != small:
            ratio = big["p50_ms"] / base["p50_ms"] if base["p50_ms"] else 0
            figs.append(f"x{ratio:.2f}")
            goals.append((f"{large}/{small} <= {PAGE_FLAT}x", ratio <= PAGE_FLAT))
        if not ok_status:
            goals.append(("HTTP 200", False))
        rows.append((f"page: {name}", db, ", ".join(figs), goals))
    return rows


def _http_rows(db: str, http: dict[str, Any]) -> list[Row]:
    api, bare, single = http["api"], http["bare"], http["single"]
    errors = api["errors"] + single["errors"]
    note = f", {errors} errors" if errors else ""
    return [
        (
            "create: one client",
            db,
            f"p50 {single['p50_ms']} ms (bare {http['single_bare']['p50_ms']} ms){note}",
            [(f"<= {SINGLE_CREATE_MS} ms", single["p50_ms"] <= SINGLE_CREATE_MS and not errors)],
        ),
        (
            f"create: {http['threads']} clients",
            db,
            f"{api['throughput']}/s (p50 {api['p50_ms']}, p99 {api['p99_ms']} ms), bare {bare['throughput']}/s",
            [
                (f">= {HTTP_RPS}/s", api["throughput"] >= HTTP_RPS and not errors),
                (f">= {HTTP_RATIO:.0%} of bare", http["ratio"] >= HTTP_RATIO),
            ],
        ),
        ("  on", db, http.get("project", "?"), []),
    ]


def _memory_rows(db: str, res: dict[str, Any]) -> list[Row]:
    suite = res["sizes"][LARGEST]
    fig = f"{suite.get('rss_after_reports_mb')} MB after reports, {suite.get('rss_after_pages_mb')} MB after pages"
    rows: list[Row] = [("peak RSS: the suite's process", db, fig, [])]
    http = res.get("http")
    if http:
        fig = f"{http['peak_rss_mb']} MB after creates, {http.get('peak_rss_after_reads_mb')} MB after report+pages"
        rows.append(("peak RSS: a web worker", db, fig, []))
    return rows


def rows(results: dict[str, dict[str, Any]]) -> list[Row]:
    out: list[Row] = []
    for db, res in results.items():
        out += _report_rows(db, res["sizes"][LARGEST])
        out += _page_rows(db, res)
        if res.get("http"):
            out += _http_rows(db, res["http"])
        out += _memory_rows(db, res)
        for size, seconds in res["generate_s"].items():
            limit = GENERATE_S.get(size)
            goals = [(f"< {limit} s", seconds < limit)] if limit else []
            out.append((f"generate_agency --size {size}", db, f"{seconds} s", goals))
    return out


def table(results: dict[str, dict[str, Any]]) -> str:
    body = rows(results)
    w1 = max(len(r[0]) for r in body)
    w3 = max(len(r[2]) for r in body)
    lines = [f"| {'what':<{w1}} | {'db':<10} | {'figure':<{w3}} | goals |", "|" + "---|" * 4]
    for what, db, fig, goals in body:
        lines.append(f"| {what:<{w1}} | {db:<10} | {fig:<{w3}} | {_goals(goals)} |")
    met = [ok for *_, goals in body for _, ok in goals if ok is not None]
    lines.append(f"\n{sum(met)} of {len(met)} goals met")
    return "\n".join(lines)


def _commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def main() -> None:
    started = time.monotonic()
    load_before = _load()
    results = {db: run_db(db) for db in DBS}
    now = time.gmtime()
    commit = _commit()
    header = (
        f"agency {','.join(SIZES)} (reports and creates at {LARGEST}), {time.strftime('%Y-%m-%d %H:%M UTC', now)}, "
        f"commit {commit}, {os.cpu_count()} cores, load {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    text = table(results)
    print()
    print(header)
    print(text)
    run = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", now),
        "commit": commit,
        "cores": os.cpu_count(),
        "load_before": load_before,
        "load_after": _load(),
        "sizes": SIZES,
        "dbs": DBS,
        "results": results,
        "table": text,
        "seconds": round(time.monotonic() - started),
    }
    out = DATA_DIR / f"bench-{time.strftime('%Y%m%dT%H%M%SZ', now)}-{commit}.json"
    out.write_text(json.dumps(run, indent=1, default=str))
    print(f"\nbench total {time.monotonic() - started:.0f} s; written to {out}")


if __name__ == "__main__":
    main()
