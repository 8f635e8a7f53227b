"""Backups that lose nothing: the database, every uploaded file and the secret key in one `.tar.gz` archive.

`manage.py backup FILE` calls `create`, `manage.py restore FILE` calls `restore`. The archive holds, in this order:

    manifest.json            format, engine, Baton's version, the applied migrations, created_at, and every other
                             member's path, size and sha256
    database/baton.sqlite3   SQLite: a consistent copy made with sqlite3's backup API (never a copy of a live file)
    database/baton.pgdump    PostgreSQL: `pg_dump --format=custom` (see `_dump_postgresql` for why not dumpdata)
    media/...                every file under MEDIA_ROOT (attachments), by their stored names
    secret_key               the SECRET_KEY in use: sessions, password-reset links and calendar-feed URLs depend on it

The database is copied before the files, so every file the copied rows name is in the archive (stored files are
written before their rows commit and are never rewritten). The task queue (`huey.sqlite3` or Redis) is not backed
up: its jobs are re-derived from the database (automation's `recover()`), and the cache holds nothing to keep.

A restore goes into an empty database of the same engine (and an empty MEDIA_ROOT) unless `force` is given; it checks
every member against the manifest's checksums before it touches the target, then loads the database, moves the
files into MEDIA_ROOT and writes the key to `<BATON_DATA_DIR>/secret_key`. These are operations on the whole
installation, not on a workspace, so they emit no events.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "baton-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
KEY_MEMBER = "secret_key"
MEDIA_DIR = "media"
DATABASE_MEMBERS = {"sqlite": "database/baton.sqlite3", "postgresql": "database/baton.pgdump"}
DATABASE_FORMATS = {"sqlite": "sqlite3 database (backup API)", "postgresql": "pg_dump custom format"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Why a backup or a restore refused or failed; the commands show it as their error."""


@dataclass(frozen=True)
class Restored:
    manifest: dict[str, Any]
    media_files: int
    pending_migrations: list[str]
    key_warning: str | None


# --- Shared ------------------------------------------------------------------------------------------------------


def engine() -> str:
    """`sqlite` or `postgresql`: the engines a backup can hold."""
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return str(connection.vendor)


def baton_version() -> str:
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    try:
        return str(tomllib.loads(pyproject.read_text())["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> Iterator[Path]:
    """Every regular file under `root`, sorted (symbolic links are not followed)."""
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _pg_env() -> dict[str, str]:
    """The environment that points pg_dump/pg_restore at the configured database (password, SSL, host, port, user)."""
    settings_dict = connection.settings_dict
    _, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(extra or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _pg_run(program: str, arguments: list[str]) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not on PATH: install the PostgreSQL client tools of the server's major version "
            "(Debian: postgresql-client)."
        )
    result = subprocess.run(  # noqa: S603 (a fixed program with our own arguments, no shell)
        [executable, *arguments], env=_pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip() or result.stdout.strip()}")


def applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def known_migrations() -> set[str]:
    """The migrations this code has on disk (no database needed)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


# --- Backup ------------------------------------------------------------------------------------------------------


def _dump_sqlite(target: Path) -> None:
    """A consistent copy through sqlite3's backup API on Django's own connection: a plain copy of a live file can
    miss what sits in the write-ahead log or catch a half-written page."""
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()


def _dump_postgresql(target: Path) -> None:
    """`pg_dump --format=custom`, not Django's dumpdata: it is one consistent snapshot (a single repeatable-read
    transaction), keeps every table, index, constraint and sequence position exactly (dumpdata leaves sequences
    behind, so the first insert after a restore collides), streams large databases instead of building them in
    memory, and pg_restore loads it in one transaction. Ownership and grants are left out so the dump restores into
    a database owned by another role."""
    name = str(connection.settings_dict.get("NAME") or "")
    arguments = ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
    _pg_run("pg_dump", [*arguments, *([f"--dbname={name}"] if name else [])])


def _entry(path: Path, member: str) -> dict[str, Any]:
    return {"path": member, "size": path.stat().st_size, "sha256": _sha256(path)}


def create(path: Path) -> dict[str, Any]:
    """Write the archive to `path` (readable by its owner only) and return its manifest."""
    kind = engine()
    path = path.resolve()
    if path.is_relative_to(media_root().resolve()):
        raise BackupError(f"Write the archive outside MEDIA_ROOT ({media_root()}), or it would back up itself.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".baton-backup-") as tmp:
        work = Path(tmp)
        migrations = applied_migrations()  # read first: one applied meanwhile shows as pending, never the reverse
        database = work / "database"
        (_dump_sqlite if kind == "sqlite" else _dump_postgresql)(database)
        members: list[tuple[Path, str]] = [(database, DATABASE_MEMBERS[kind])]
        root = media_root()
        members += [(file, f"{MEDIA_DIR}/{file.relative_to(root).as_posix()}") for file in _media_files(root)]
        key = work / "secret_key"
        key.write_text(settings.SECRET_KEY)
        members.append((key, KEY_MEMBER))
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "baton_version": baton_version(),
            "engine": kind,
            "database": {"path": DATABASE_MEMBERS[kind], "format": DATABASE_FORMATS[kind]},
            "migrations": migrations,
            "files": [_entry(file, member) for file, member in members],
        }
        _write_archive(work / "archive.tar.gz", manifest, members)
        os.replace(work / "archive.tar.gz", path)
    return manifest


def _write_archive(target: Path, manifest: dict[str, Any], members: list[tuple[Path, str]]) -> None:
    body = json.dumps(manifest, indent=2).encode()
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(body)
        info.mtime = int(timezone.now().timestamp())
        info.mode = 0o600
        tar.addfile(info, io.BytesIO(body))
        for file, member in members:
            tar.add(file, arcname=member, recursive=False)


# --- Restore -----------------------------------------------------------------------------------------------------


def _member_path(name: str, kind: str) -> PurePosixPath:
    """A manifest path, refused unless it is the database, the key, or a plain relative path under media/."""
    path = PurePosixPath(name)
    plain = not path.is_absolute() and all(part not in ("", ".", "..") for part in path.parts)
    under_media = len(path.parts) > 1 and path.parts[0] == MEDIA_DIR
    if not plain or not (name in (DATABASE_MEMBERS[kind], KEY_MEMBER) or under_media):
        raise BackupError(f"The archive lists an unexpected path: {name!r}.")
    return path


def _well_formed(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and isinstance(entry.get("size"), int)
        and isinstance(entry.get("sha256"), str)
    )


def _check_manifest(manifest: dict[str, Any]) -> None:
    """Refuse another format, another engine, or an archive made by a newer Baton (migrations unknown here)."""
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError("This is not a Baton backup archive (format baton-backup, version 1).")
    here = engine()
    if manifest.get("engine") != here:
        raise BackupError(
            f"The archive holds a {manifest.get('engine')} database and this Baton uses {here}: restore it into a "
            f"{manifest.get('engine')} database (set DATABASE_URL)."
        )
    migrations = manifest.get("migrations")
    if not isinstance(migrations, list) or not all(isinstance(name, str) for name in migrations):
        raise BackupError(f"The archive's {MANIFEST} lists its migrations wrongly.")
    unknown = sorted(set(migrations) - known_migrations())
    if unknown:
        raise BackupError(
            f"The archive was made by a newer Baton ({manifest.get('baton_version')}); this code does not know "
            f"the migrations {', '.join(unknown[:5])}{' ...' if len(unknown) > 5 else ''}. Upgrade Baton first."
        )
    _check_files(manifest.get("files"), here)


def _check_files(entries: Any, kind: str) -> None:
    if not isinstance(entries, list) or not all(_well_formed(entry) for entry in entries):
        raise BackupError(f"The archive's {MANIFEST} lists its files wrongly (each needs path, size and sha256).")
    listed = {entry["path"] for entry in entries}
    for required in (DATABASE_MEMBERS[kind], KEY_MEMBER):
        if required not in listed:
            raise BackupError(f"The archive's manifest does not list {required}.")
    for name in listed:
        _member_path(name, kind)


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise BackupError(f"The archive does not start with {MANIFEST}: not a Baton backup.")
    handle = tar.extractfile(first)
    assert handle is not None  # a regular file always has a body
    try:
        manifest = json.loads(handle.read())
    except ValueError as exc:
        raise BackupError(f"The archive's {MANIFEST} is not valid JSON.") from exc
    if not isinstance(manifest, dict):
        raise BackupError(f"The archive's {MANIFEST} is not a JSON object.")
    return manifest


def _sqlite_path() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError("Restore needs a SQLite database file, not an in-memory database.")
    return Path(name)


def database_is_empty() -> bool:
    """True when the target database holds no table at all (a new file, or a new PostgreSQL database)."""
    if engine() == "sqlite":
        path = _sqlite_path()
        if not path.exists() or path.stat().st_size == 0:
            return True
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            tables: int = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        return tables == 0
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def media_is_empty() -> bool:
    return next(_media_files(media_root()), None) is None


def _check_target(force: bool) -> None:
    if force:
        return
    problems = []
    if not database_is_empty():
        problems.append(f"the database ({connection.settings_dict['NAME']}) has tables")
    if not media_is_empty():
        problems.append(f"MEDIA_ROOT ({media_root()}) has files")
    if problems:
        raise BackupError(
            f"Refusing to restore: {' and '.join(problems)}. Restore into an empty data directory and a new "
            "database, or pass --force to replace the database and write the archive's files over the existing ones."
        )


def _extract(tar: tarfile.TarFile, manifest: dict[str, Any], staging: Path) -> None:
    """Copy every member into `staging`, refusing members the manifest does not list, a wrong size or checksum,
    and any member missing from the archive."""
    expected = {entry["path"]: entry for entry in manifest["files"]}
    seen: set[str] = set()
    while (member := tar.next()) is not None:  # next(), not iteration: that would start again at the manifest
        entry = expected.get(member.name)
        if entry is None or not member.isfile() or member.name in seen:
            raise BackupError(f"The archive holds {member.name!r}, which its manifest does not list.")
        handle = tar.extractfile(member)
        assert handle is not None  # a regular file always has a body
        _copy_checked(handle, staging / member.name, entry)
        seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"The archive is incomplete: {', '.join(missing[:5])} missing.")


def _copy_checked(handle: IO[bytes], target: Path, entry: dict[str, Any]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
        raise BackupError(f"{entry['path']} does not match its checksum in the manifest: the archive is damaged.")


def _load_sqlite(dump: Path) -> None:
    """Move the copy into place; a stale -wal/-shm beside the old file would be replayed onto it, so they go."""
    target = _sqlite_path()
    connection.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.move(dump, target)


def _drop_postgresql_tables() -> None:
    """For --force: empty the schema of every table, sequence and function (the migrations' trigger functions, e.g.
    timesheets 0006's), so the dump loads as into a new database. Functions an extension owns are left alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_depend d "
            "WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')"
        )
        for (function,) in cursor.fetchall():
            cursor.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
        tables = connection.introspection.table_names(cursor)
        if tables:
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(connection.ops.quote_name(t) for t in tables)} CASCADE")
        cursor.execute(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema()"
        )
        for (sequence,) in cursor.fetchall():
            cursor.execute(f"DROP SEQUENCE IF EXISTS {connection.ops.quote_name(sequence)} CASCADE")


def _load_postgresql(dump: Path, force: bool) -> None:
    _pg_run("pg_restore", ["--list", str(dump)])  # this pg_restore reads the dump, before --force drops anything
    if force:
        _drop_postgresql_tables()
    connection.close()
    name = str(connection.settings_dict.get("NAME") or "")
    arguments = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    _pg_run("pg_restore", [*arguments, *([f"--dbname={name}"] if name else []), str(dump)])


def _move_media(staging: Path) -> int:
    root = media_root()
    moved = 0
    for file in _media_files(staging / MEDIA_DIR):
        target = root / file.relative_to(staging / MEDIA_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(file, target)
        moved += 1
    return moved


def _restore_key(staged: Path) -> str | None:
    """Write the key where settings read it when SECRET_KEY is not configured; warn when the environment's differs."""
    key = staged.read_text().strip()
    target = Path(settings.DATA_DIR) / "secret_key"
    temporary = target.with_name(".secret_key.restoring")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(key)
    os.replace(temporary, target)
    configured = os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE")
    if configured and settings.SECRET_KEY != key:
        return (
            f"SECRET_KEY is configured in the environment and differs from the archive's key, which was written to "
            f"{target}: set SECRET_KEY (or the file SECRET_KEY_FILE names) to it, or sessions, password-reset links "
            "and calendar-feed URLs made before the backup stop working."
        )
    return None


def restore(path: Path, *, force: bool = False, say: Callable[[str], None] = lambda _: None) -> Restored:
    """Restore the archive at `path` into the configured database, MEDIA_ROOT and data directory."""
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        tar = tarfile.open(path, mode="r|gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Cannot read {path}: {exc}") from exc
    with tar, tempfile.TemporaryDirectory(dir=data_dir, prefix=".baton-restore-") as tmp:
        staging = Path(tmp)
        try:
            manifest = _read_manifest(tar)
            _check_manifest(manifest)
            _check_target(force)
            say(f"Checking and unpacking {len(manifest['files'])} files from {path} ...")
            _extract(tar, manifest, staging)
        except tarfile.TarError as exc:
            raise BackupError(f"The archive is damaged: {exc}") from exc
        kind = manifest["engine"]
        say(f"Loading the {kind} database ...")
        dump = staging / DATABASE_MEMBERS[kind]
        if kind == "sqlite":
            _load_sqlite(dump)
        else:
            _load_postgresql(dump, force)
        media = _move_media(staging)
        key_warning = _restore_key(staging / KEY_MEMBER)
    pending = sorted(known_migrations() - set(manifest["migrations"]))
    return Restored(manifest=manifest, media_files=media, pending_migrations=pending, key_warning=key_warning)
