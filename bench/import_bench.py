"""Import parsing speed and memory: N Toggl Track rows written to a temporary CSV, then read through the importer.

    python -m bench.import_bench [ROWS]        (default 1,000,000; IMPORT_BENCH_ROWS also works)

Measures, in one process: writing the file (streamed), a bare `csv.reader` pass over it (the floor any CSV reader
pays), and `detect` + the Toggl reader producing SourceRows; rows per second for each, and peak RSS
(`resource.getrusage`) before and after parsing — the parse must stream, so the peak grows by a few MB at most, not
with the file. Prints a table and one JSON line. The import service (database writes, compared against PostgreSQL's
COPY and SQLite's executemany) is wired in on top of this at merge; this script measures the readers alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from baton.imports.formats import FORMATS, RowError, detect, open_upload  # noqa: E402

HEADER = [
    "User",
    "Email",
    "Client",
    "Project",
    "Task",
    "Description",
    "Billable",
    "Start date",
    "Start time",
    "End date",
    "End time",
    "Duration",
    "Tags",
    "Amount (USD)",
]
PEOPLE = [(f"Person {i:02d}", f"person{i:02d}@example.com") for i in range(40)]
PROJECTS = [(f"Client {i // 4:02d}", f"Project {i:03d}") for i in range(120)]
TASKS = ["Design", "Development", "Project Management", "QA", "Meetings", ""]
TAGS = ["", "Client work", "Design, Review", "Remote, Overtime, Urgent"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def write_rows(path: Path, rows: int) -> None:
    first = dt.date(2024, 1, 1)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            user, email = PEOPLE[i % len(PEOPLE)]
            client, project = PROJECTS[(i * 7) % len(PROJECTS)]
            day = (first + dt.timedelta(days=(i // 400) % 730)).isoformat()
            start_minute = 8 * 60 + (i * 13) % 480
            length = 15 + (i * 17) % 225
            end_minute = start_minute + length
            writer.writerow(
                [
                    user,
                    email,
                    client,
                    project,
                    TASKS[i % len(TASKS)],
                    f"Work item {i % 5000}",
                    "Yes" if i % 5 else "No",
                    day,
                    f"{start_minute // 60:02d}:{start_minute % 60:02d}:00",
                    day,
                    f"{end_minute // 60:02d}:{end_minute % 60:02d}:00",
                    f"{length // 60:02d}:{length % 60:02d}:00",
                    TAGS[i % len(TAGS)],
                    f"{length * 2.5:.2f}",
                ]
            )


def main() -> None:
    rows = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("IMPORT_BENCH_ROWS", "1000000"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "toggl.csv"
        started = time.perf_counter()
        write_rows(path, rows)
        write_s = time.perf_counter() - started
        size_mb = path.stat().st_size / 1024 / 1024

        started = time.perf_counter()
        with path.open(encoding="utf-8-sig", newline="") as handle:
            bare = sum(1 for _ in csv.reader(handle)) - 1
        bare_s = time.perf_counter() - started

        idle_mb = peak_rss_mb()
        started = time.perf_counter()
        parsed = errors = 0
        with path.open("rb") as stream:
            upload = open_upload(path.name, stream)
            fmt = detect(upload)
            for item in FORMATS[fmt.name].read(upload):
                if isinstance(item, RowError):
                    errors += 1
                else:
                    parsed += 1
        parse_s = time.perf_counter() - started
        peak_mb = peak_rss_mb()

    result = {
        "rows": rows,
        "file_mb": round(size_mb, 1),
        "write_s": round(write_s, 2),
        "csv_reader_rows_per_s": round(bare / bare_s),
        "parse_s": round(parse_s, 2),
        "parse_rows_per_s": round(parsed / parse_s),
        "parsed": parsed,
        "row_errors": errors,
        "rss_idle_mb": round(idle_mb, 1),
        "rss_peak_mb": round(peak_mb, 1),
        "rss_growth_mb": round(peak_mb - idle_mb, 1),
    }
    print(f"Toggl rows: {rows:,} ({size_mb:.0f} MB), written in {write_s:.1f} s")
    print(f"  bare csv.reader     {result['csv_reader_rows_per_s']:>10,} rows/s")
    print(f"  detect + read       {result['parse_rows_per_s']:>10,} rows/s  ({parse_s:.1f} s, {errors} row errors)")
    print(f"  peak RSS            {idle_mb:.0f} MB before parsing, {peak_mb:.0f} MB after (+{peak_mb - idle_mb:.1f})")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
