"""Importing N Toggl Track rows through Baton against the bare database load of the same file, in one run.

    python -m bench.import_db_bench [ROWS] [--db sqlite|postgresql]     (default 100,000 rows, SQLite)

A fresh database (a temporary SQLite file, or a new PostgreSQL database on 127.0.0.1 that is dropped afterwards) is
migrated and given a workspace. Then, side by side on the same file:
- the bare load: PostgreSQL's `COPY ... FROM STDIN (FORMAT csv)` into a plain table of the file's 14 columns, or on
  SQLite a bare `executemany` of `csv.reader` rows into such a table in one transaction;
- Baton: `manage.py import_time`'s path (`import_create` = store the file and read it as a dry run, then
  `import_execute` = create the people, clients, projects and tasks and write the priced entries in batches with
  their rollups and events).
Prints rows/s for each, Baton's share of the bare load, and peak RSS over idle. `bench/import_bench.py` measures the
readers alone.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PLAIN = (
    "CREATE TABLE plain_toggl (usr text, email text, client text, project text, task text, description text, "
    "billable text, start_date date, start_time text, end_date date, end_time text, duration text, tags text, "
    "amount numeric)"
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=int(os.environ.get("IMPORT_BENCH_ROWS", "100000")))
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="baton-import-bench-")
    os.environ["BATON_DATA_DIR"] = folder
    os.environ["DJANGO_SETTINGS_MODULE"] = "baton.settings"
    pg_name = ""
    if args.db == "postgresql":
        import psycopg

        pg_name = f"baton_import_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{pg_name}"')
        os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{pg_name}"
    else:
        os.environ.pop("DATABASE_URL", None)
    try:
        run(args.rows, args.db, Path(folder))
    finally:
        if pg_name:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def run(rows: int, db: str, folder: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from baton.core.access import Actor
    from baton.core.models import Membership
    from baton.imports import services
    from baton.people.services import workspace_create
    from baton.timesheets.models import TimeEntry
    from bench.import_bench import write_rows

    call_command("migrate", verbosity=0)
    workspace = workspace_create(
        slug="bench", name="Bench", owner_email="owner@bench.test", owner_password=None, owner_name="Owner"
    )
    actor = Actor.for_membership(Membership.objects.get(workspace=workspace))
    path = folder / "toggl.csv"
    write_rows(path, rows)
    size_mb = path.stat().st_size / 1024 / 1024

    with connection.cursor() as cursor:
        cursor.execute(PLAIN)
    started = time.perf_counter()
    if db == "postgresql":
        with connection.cursor() as cursor, path.open("rb") as handle:
            handle.read(3)  # the BOM
            with cursor.copy("COPY plain_toggl FROM STDIN (FORMAT csv, HEADER true)") as copy:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
    else:
        with transaction.atomic(), connection.cursor() as cursor, path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            cursor.executemany(f"INSERT INTO plain_toggl VALUES ({', '.join(['%s'] * 14)})", reader)
    bare_s = time.perf_counter() - started

    idle_mb = peak_rss_mb()
    started = time.perf_counter()
    with path.open("rb") as handle:
        import_run = services.import_create(actor=actor, upload=handle, source="toggl", file_name=path.name)
    dry_s = time.perf_counter() - started
    services.import_run(actor=actor, run=import_run, enqueue=False)
    started = time.perf_counter()
    done = services.import_execute(import_run.pk)
    write_s = time.perf_counter() - started
    peak_mb = peak_rss_mb()
    assert done.status == "done", done.failure
    assert TimeEntry.objects.filter(workspace=workspace, source="toggl").count() == done.created

    baton_s = dry_s + write_s
    result = {
        "db": db,
        "rows": rows,
        "file_mb": round(size_mb, 1),
        "bare_load": "COPY" if db == "postgresql" else "executemany",
        "bare_rows_per_s": round(rows / bare_s),
        "baton_dry_run_s": round(dry_s, 1),
        "baton_write_s": round(write_s, 1),
        "baton_rows_per_s": round(rows / baton_s),
        "baton_share_of_bare": round(bare_s / baton_s, 3),
        "created": done.created,
        "rss_idle_mb": round(idle_mb, 1),
        "rss_peak_mb": round(peak_mb, 1),
    }
    print(f"{rows:,} Toggl rows ({size_mb:.0f} MB) on {db}")
    print(f"  bare {result['bare_load']:<12} {result['bare_rows_per_s']:>10,} rows/s")
    share = f"{result['baton_share_of_bare']:.1%}"
    timing = f"dry run {dry_s:.1f} s + write {write_s:.1f} s"
    print(f"  Baton import      {result['baton_rows_per_s']:>10,} rows/s  ({timing}), {share} of the bare load")
    print(f"  peak RSS          {idle_mb:.0f} MB before the import, {peak_mb:.0f} MB after (+{peak_mb - idle_mb:.1f})")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
