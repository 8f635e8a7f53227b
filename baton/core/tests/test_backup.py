"""`manage.py backup` and `manage.py restore` (baton/core/backup.py).

A seeded workspace (baton/devdata/testing/backup.py, with attachments) is backed up from the test database, restored
by a separate `manage.py restore` process into an empty data directory (SQLite) or a second database (PostgreSQL,
when DATABASE_URL is PostgreSQL, as in CI's PostgreSQL pass), and then compared: every table row for row, every
uploaded file byte for byte, and the secret key. The restored process itself must find each attachment's bytes and
verify a value signed with the original key. The old README method (a copy of the database alone) fails the same
comparison, which is what the README now replaces.
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core import signing
from django.core.management import CommandError, call_command
from django.db import connection

from baton.devdata.testing.backup import make_backup_world
from baton.knowledge.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)

SIGNED_VALUE = {"backup": "round trip"}
RESTORED_CHECK = """
import hashlib, json
from django.core import signing
from baton.knowledge.models import Attachment
files = {a.file.name: hashlib.sha256(a.file.open("rb").read()).hexdigest() == a.sha256 for a in Attachment.objects.all()}
print(json.dumps({"files": files, "signed": signing.loads(%r)}))
"""


# --- The source: a seeded world in the test database, its uploads in their own MEDIA_ROOT ------------------------


@pytest.fixture
def source_media(settings, tmp_path: Path) -> Path:
    media = tmp_path / "source-media"
    settings.MEDIA_ROOT = media
    return media


@pytest.fixture
def seeded(source_media: Path) -> None:
    make_backup_world()
    assert Attachment.objects.count() == 2
    assert len(_files(source_media)) == 2


@pytest.fixture
def archive(seeded: None, tmp_path: Path) -> Path:
    path = tmp_path / "backups" / "baton.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


# --- The target: a new data directory, and on PostgreSQL a second database ---------------------------------------


def _pg_url(name: str) -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "") + (":" + quote(str(s["PASSWORD"])) if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"


def _pg_admin() -> psycopg.Connection[Any]:
    return psycopg.connect(_pg_url("postgres"), autocommit=True)


@pytest.fixture
def target(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Where `manage.py restore` puts things: its environment, data directory and (PostgreSQL) database name."""
    data_dir = tmp_path / "restored-data"
    unset = ("SECRET_KEY", "SECRET_KEY_FILE", "REDIS_URL", "BATON_TESTING", "PYTEST_CURRENT_TEST", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["BATON_DATA_DIR"] = str(data_dir)
    database = None
    if connection.vendor == "postgresql":
        database = f"{connection.settings_dict['NAME']}_restored"
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = _pg_url(database)
    yield {"env": env, "data_dir": data_dir, "database": database}
    if database:
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def manage(target: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    """`manage.py` in its own process, configured like a server on the target (not under pytest)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=django_settings.BASE_DIR,
        env=target["env"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


# --- Comparing --------------------------------------------------------------------------------------------------


TABLES_SQL = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
}


def _rows(cursor: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (sorted), plus PostgreSQL's sequence positions, through a DB-API cursor."""
    cursor.execute(TABLES_SQL[connection.vendor])
    tables = [name for (name,) in cursor.fetchall()]
    contents = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        contents[table] = sorted(cursor.fetchall(), key=repr)
    if connection.vendor == "postgresql":
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()")
        contents["(sequences)"] = sorted(cursor.fetchall(), key=repr)
    return contents


def _pg_rows(name: str) -> dict[str, list[tuple[Any, ...]]]:
    """Both sides through the same plain psycopg connection (Django's own returns JSON as text)."""
    with psycopg.connect(_pg_url(name), options="-c TimeZone=UTC") as db, db.cursor() as cursor:
        return _rows(cursor)


def source_rows() -> dict[str, list[tuple[Any, ...]]]:
    if connection.vendor == "postgresql":
        return _pg_rows(connection.settings_dict["NAME"])  # committed: these tests run outside a transaction
    with connection.cursor() as cursor:
        return _rows(cursor)


def target_rows(target: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    if target["database"]:
        return _pg_rows(target["database"])
    path = target["data_dir"] / "baton.sqlite3"
    if not path.exists():
        return {}
    # The converters Django registered (dates, decimals, booleans) apply here as on Django's own connection.
    db = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        return _rows(db.cursor())
    finally:
        db.close()


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def differences(source_media: Path, target: dict[str, Any]) -> list[str]:
    """What the target lacks or holds differently: tables, rows, files, the secret key. Empty when all survived."""
    found = []
    source, restored = source_rows(), target_rows(target)
    for table in sorted(source.keys() | restored.keys()):
        ours, theirs = source.get(table), restored.get(table)
        if theirs is None or ours is None:
            found.append(f"table {table}: only in the {'source' if theirs is None else 'restore'}")
        elif len(ours) != len(theirs):
            found.append(f"table {table}: {len(ours)} rows, {len(theirs)} restored")
        elif ours != theirs:
            found.append(f"table {table}: rows differ")
    files, restored_files = _files(source_media), _files(target["data_dir"] / "media")
    for name in sorted(files.keys() | restored_files.keys()):
        if files.get(name) != restored_files.get(name):
            found.append(f"file {name}: {'missing' if name not in restored_files else 'differs'}")
    key = target["data_dir"] / "secret_key"
    if not key.exists() or key.read_text().strip() != django_settings.SECRET_KEY:
        found.append("secret key: missing or different")
    return found


def _check_restored_app(target: dict[str, Any]) -> None:
    """The restored installation, in its own process, reads every attachment and trusts the old signatures."""
    token = signing.dumps(SIGNED_VALUE)
    result = manage(target, "shell", "-c", RESTORED_CHECK % token)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    names = set(Attachment.objects.values_list("file", flat=True))
    assert answer == {"files": dict.fromkeys(names, True), "signed": SIGNED_VALUE}


def _rewrite(archive: Path, change: Any) -> Path:
    """A copy of `archive` whose members pass through `change(name, bytes) -> bytes`."""
    changed = archive.with_name("changed.tar.gz")
    with tarfile.open(archive, "r:gz") as source, tarfile.open(changed, "w:gz") as out:
        for member in source.getmembers():
            handle = source.extractfile(member)
            assert handle is not None
            body = change(member.name, handle.read())
            member.size = len(body)
            out.addfile(member, io.BytesIO(body))
    return changed


# --- Tests ------------------------------------------------------------------------------------------------------


def test_backup_archive_lists_the_database_every_upload_and_the_key(archive: Path, source_media: Path):
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[0] == "manifest.json"
    assert manifest["engine"] == connection.vendor
    assert manifest["format"] == "baton-backup" and manifest["baton_version"]
    listed = [entry["path"] for entry in manifest["files"]]
    assert sorted(names[1:]) == sorted(listed)
    media = sorted(f"media/{name}" for name in _files(source_media))
    assert sorted(p for p in listed if p.startswith("media/")) == media
    assert "secret_key" in listed and any(p.startswith("database/") for p in listed)
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"])
    assert archive.stat().st_mode & 0o077 == 0  # it holds the key: its owner's alone


def test_restore_round_trips_every_table_file_and_the_key(archive: Path, source_media: Path, target):
    restored = manage(target, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert differences(source_media, target) == []
    _check_restored_app(target)

    again = manage(target, "restore", str(archive))
    assert again.returncode != 0
    assert "Refusing to restore" in again.stderr and "--force" in again.stderr

    # --force replaces it all; a SECRET_KEY set in the environment that differs from the archive's is reported.
    forced = manage(
        {**target, "env": {**target["env"], "SECRET_KEY": "another key"}}, "restore", "--force", str(archive)
    )
    assert forced.returncode == 0, forced.stderr
    assert "differs from the archive's key" in forced.stderr
    assert differences(source_media, target) == []


def test_restore_refuses_a_damaged_archive_before_touching_anything(archive: Path, target):
    def damage(name: str, body: bytes) -> bytes:
        return body[:-1] + bytes([body[-1] ^ 1]) if name.startswith("media/") and name.endswith(".pdf") else body

    result = manage(target, "restore", str(_rewrite(archive, damage)))
    assert result.returncode != 0
    assert "does not match its checksum" in result.stderr
    assert target_rows(target) in ({}, {"(sequences)": []})
    assert not (target["data_dir"] / "media").exists()


def test_restore_refuses_another_engine_a_newer_baton_or_a_path_outside_media(archive: Path):
    """All are refused before anything is touched, so they run in this process against the test database."""
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def swap(name: str, body: bytes) -> bytes:
        return body.replace(f'"engine": "{connection.vendor}"'.encode(), f'"engine": "{other}"'.encode())

    def future(name: str, body: bytes) -> bytes:
        return body.replace(b'"migrations": [', b'"migrations": ["core.9999_from_the_future", ', 1)

    def escape(name: str, body: bytes) -> bytes:
        return (
            re.sub(rb'"media/attachments/[^"]+[.]pdf"', b'"media/../../escaped.pdf"', body)
            if name == "manifest.json"
            else body
        )

    with pytest.raises(CommandError, match=f"holds a {other} database and this Baton uses {connection.vendor}"):
        call_command("restore", str(_rewrite(archive, swap)))
    with pytest.raises(CommandError, match=r"made by a newer Baton .* core\.9999_from_the_future"):
        call_command("restore", str(_rewrite(archive, future)))
    with pytest.raises(CommandError, match=re.escape("unexpected path: 'media/../../escaped.pdf'")):
        call_command("restore", str(_rewrite(archive, escape)))
    assert Attachment.objects.count() == 2


@pytest.mark.skipif("postgres" in os.environ.get("DATABASE_URL", ""), reason="the README's SQLite line")
def test_the_old_readme_method_loses_the_uploads_and_the_key(seeded: None, source_media: Path, target):
    """`sqlite3 data/baton.sqlite3 ".backup backup.sqlite3"` and nothing else: the comparison above catches it."""
    target["data_dir"].mkdir(parents=True)
    copy = sqlite3.connect(target["data_dir"] / "baton.sqlite3")
    connection.ensure_connection()
    connection.connection.backup(copy)
    copy.close()

    found = differences(source_media, target)

    assert not [line for line in found if line.startswith("table")]
    assert sorted(line for line in found if line.startswith("file")) == [
        f"file {name}: missing" for name in _files(source_media)
    ]
    assert "secret key: missing or different" in found
