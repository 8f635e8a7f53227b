"""The round trip SQLite ↔ PostgreSQL: export a seeded workspace, import it on the other engine, export it there,
import that back on the first engine, and compare everything.

The source is the test database (SQLite; the PostgreSQL pass leaves this test out), seeded with the
backup world (personas, a project with time, rates, an invoice, every knowledge kind, two uploaded files) plus a
second workspace that must not travel. Each hop is a separate `manage.py` process on a fresh database: the first
runs `migrate` then `import_workspace` (a migrated empty database), the second lets `import_workspace` migrate a
database with no tables itself. Every table (row for row, JSON compared as values), every file (byte for byte) and
the profitability report (by project and by person) must come out the same on both engines, and PostgreSQL's
sequences must be past the imported ids. A second import into a full database, and a damaged export (it leaves no
row and no file behind), are refused. Needs PostgreSQL on 127.0.0.1 (`BATON_ROUNDTRIP_PG_URL`, default
`postgres://postgres@127.0.0.1:5432`); skipped, saying so, when it is unreachable.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection

from baton.core.access import Actor
from baton.devdata.testing.backup import make_backup_world
from baton.finance.selectors import profitability
from baton.imports import workspace_export as export
from baton.knowledge.models import Attachment

# One pass is enough: each run already exports from and imports into both engines (the test database, then a fresh
# database of the other engine, then a fresh one of the first). CI's SQLite pass runs it; the PostgreSQL pass, whose
# run would repeat the same four hops the other way round (two minutes of migrations), leaves it out.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" in django_settings.DATABASES["default"]["ENGINE"],
        reason="the SQLite pass runs the round trip through both engines",
    ),
]

FIGURES = """
import json
from datetime import date
from django.db import connection
from baton.core.access import Actor
from baton.core.models import Event, Workspace
from baton.finance.selectors import profitability
ws = Workspace.objects.get(slug=%r)
system = Actor.system(ws)
figures = {}
for group in ("project", "person", "client"):
    report = profitability(actor=system, group_by=group, date_from=date(2026, 1, 1), date_to=date(2030, 12, 31),
                           today=date(2030, 12, 31))
    figures[group] = {"rows": [r.as_json() for r in report.rows], "totals": report.totals.as_json()}
largest = Event.objects.order_by("-id").values_list("id", flat=True).first()
fresh = Event.objects.create(workspace=ws, verb="roundtrip.checked", target_type="workspace", target_id=ws.id)
figures["next_id_after_largest"] = fresh.id > largest
fresh.delete()
figures["workspaces"] = sorted(Workspace.objects.values_list("slug", flat=True))
print(json.dumps(figures))
"""


def figures_here(workspace: Any) -> dict[str, Any]:
    system = Actor.system(workspace)
    figures = {}
    for group in ("project", "person", "client"):
        report = profitability(
            actor=system,
            group_by=group,
            date_from=date(2026, 1, 1),
            date_to=date(2030, 12, 31),
            today=date(2030, 12, 31),
        )
        figures[group] = {"rows": [r.as_json() for r in report.rows], "totals": report.totals.as_json()}
    return json.loads(json.dumps(figures))


# --- Databases: the test database's engine and the other one -------------------------------------------------------


def _admin_url() -> str:
    """A PostgreSQL server to create the targets on: the test database's in the PostgreSQL pass, else 127.0.0.1."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        auth = quote(s["USER"] or "") + (":" + quote(str(s["PASSWORD"])) if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return os.environ.get("BATON_ROUNDTRIP_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _pg_admin() -> psycopg.Connection[Any]:
    return psycopg.connect(_with_db(_admin_url(), "postgres"), autocommit=True, connect_timeout=5)


@pytest.fixture(scope="module")
def postgres_reachable() -> None:
    try:
        with _pg_admin():
            pass
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at {_admin_url()} (set BATON_ROUNDTRIP_PG_URL): {exc}")


class Targets:
    """Fresh installations, each a data directory and a database of the engine asked for; all removed at the end."""

    def __init__(self, root: Path) -> None:
        self.root, self.count = root, 0
        self.databases: list[str] = []

    def new(self, engine: str) -> dict[str, Any]:
        self.count += 1
        data_dir = self.root / f"target-{self.count}-{engine}"
        unset = ("SECRET_KEY", "SECRET_KEY_FILE", "REDIS_URL", "BATON_TESTING", "PYTEST_CURRENT_TEST", "DATABASE_URL")
        env = {k: v for k, v in os.environ.items() if k not in unset}
        env["BATON_DATA_DIR"] = str(data_dir)
        if engine == "postgresql":
            name = f"baton_export_rt_{secrets.token_hex(4)}"
            with _pg_admin() as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            self.databases.append(name)
            env["DATABASE_URL"] = _with_db(_admin_url(), name)
        return {"env": env, "data_dir": data_dir, "engine": engine}

    def drop(self) -> None:
        if self.databases:
            with _pg_admin() as admin:
                for name in self.databases:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def targets(tmp_path: Path, postgres_reachable: None) -> Iterator[Targets]:
    made = Targets(tmp_path)
    yield made
    made.drop()


def manage(target: dict[str, Any], *args: str, fails: bool = False) -> str:
    """`manage.py` in its own process on the target, configured like a server (not under pytest): its output, or
    its error when it is expected to fail."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=django_settings.BASE_DIR,
        env=target["env"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert (result.returncode != 0) == fails, (args, result.stdout[-2000:], result.stderr[-4000:])
    return result.stderr if fails else result.stdout


def damaged_copy(source: Path, target: Path) -> Path:
    """The export with the bytes of its last uploaded file changed (its checksum in the manifest no longer holds)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        last = export.read_manifest(old)["files"][-1]["path"]
        for item in old.infolist():
            body = old.read(item.filename)
            new.writestr(item, body + b"tampered" if item.filename == last else body)
    return target


# --- Comparing two exports --------------------------------------------------------------------------------------------


def _tables(path: Path) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]], dict[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        manifest = export.read_manifest(archive)
        tables = {
            t["model"]: sorted(export.iter_rows(archive, t["file"]), key=lambda row: row[t["primary_key"]])
            for t in manifest["tables"]
        }
        files = {f["name"]: archive.read(f["path"]) for f in manifest["files"]}
    return manifest, tables, files


def differences(first: Path, second: Path) -> list[str]:
    """What differs between two exports of one workspace: tables, rows (JSON as values), files. Empty when none."""
    (m1, t1, f1), (m2, t2, f2) = _tables(first), _tables(second)
    found = []
    for model in sorted(t1.keys() | t2.keys()):
        a, b = t1.get(model), t2.get(model)
        if a is None or b is None:
            found.append(f"{model}: only in the {'first' if b is None else 'second'}")
        elif len(a) != len(b):
            found.append(f"{model}: {len(a)} rows, then {len(b)}")
        elif a != b:
            row = next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
            found.append(f"{model}: rows differ, first {a[row]} then {b[row]}")
    if f1 != f2:
        found.append(f"files: {sorted(f1)} then {sorted(f2)} (or their bytes differ)")
    if m1["migrations"] != m2["migrations"] or m1["workspace"]["slug"] != m2["workspace"]["slug"]:
        found.append("manifest: migrations or workspace differ")
    return found


def _media(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- The round trip ---------------------------------------------------------------------------------------------------


def test_round_trip_sqlite_and_postgresql(settings, tmp_path: Path, targets: Targets) -> None:
    settings.MEDIA_ROOT = tmp_path / "source-media"
    personas = make_backup_world()
    workspace = personas.workspace
    assert Attachment.objects.filter(workspace=workspace).count() == 2
    here = connection.vendor
    there = "postgresql" if here == "sqlite" else "sqlite"

    source = tmp_path / "source.zip"
    with source.open("wb") as out:
        manifest = export.write_export(workspace, out, include_credentials=True)
    assert manifest["engine"] == here and len(manifest["files"]) == 2
    expected_figures = figures_here(workspace)
    assert expected_figures["project"]["rows"], "the seeded world has money to report"

    # Hop 1: onto the other engine, into a migrated empty database.
    first = targets.new(there)
    manage(first, "migrate", "--no-input", "-v0")
    manage(first, "import_workspace", str(source))
    moved = tmp_path / f"from-{there}.zip"
    manage(first, "export_workspace", workspace.slug, str(moved), "--with-credentials")
    assert json.loads(zipfile.ZipFile(moved).read("manifest.json"))["engine"] == there
    first_figures = json.loads(manage(first, "shell", "-c", FIGURES % workspace.slug).strip().splitlines()[-1])

    # A second import into the now full database is refused.
    assert "is not empty" in manage(first, "import_workspace", str(source), fails=True)

    # Hop 2: back onto the first engine. A damaged export first, into a database with no tables: import_workspace
    # migrates it to the export's state, loads, finds the damage and leaves nothing (no row, no file); then the real
    # one goes into that migrated, still empty database.
    second = targets.new(here)
    if here == "sqlite":
        second["data_dir"].mkdir(parents=True)
    damaged = damaged_copy(moved, tmp_path / "damaged.zip")
    assert "does not match its checksum" in manage(second, "import_workspace", str(damaged), fails=True)
    assert _media(second["data_dir"] / "media") == {}
    manage(second, "import_workspace", str(moved))
    back = tmp_path / f"back-on-{here}.zip"
    manage(second, "export_workspace", workspace.slug, str(back), "--with-credentials")
    second_figures = json.loads(manage(second, "shell", "-c", FIGURES % workspace.slug).strip().splitlines()[-1])

    assert differences(source, moved) == []
    assert differences(source, back) == []
    source_media = _media(settings.MEDIA_ROOT)
    assert len(source_media) == 2
    assert _media(first["data_dir"] / "media") == source_media
    assert _media(second["data_dir"] / "media") == source_media
    for figures in (first_figures, second_figures):
        assert figures["workspaces"] == [workspace.slug]  # the other workspace stayed behind
        assert figures["next_id_after_largest"] is True  # sequences reset (PostgreSQL), AUTOINCREMENT (SQLite)
        for group in ("project", "person", "client"):
            assert figures[group] == expected_figures[group], group
