"""Export one workspace, whole, as a ZIP of documented files (docs/export-format.md): `GET /api/v1/export`,
`manage.py export_workspace <slug> <file>`, read back by `manage.py import_workspace` (workspace_import.py).

Generic over every installed app: the tables come from Django's app registry, and each model's rows are narrowed to
the workspace by its own `workspace` foreign key, or, for a table without one (invoice lines, many-to-many rows,
template tasks, handoff gaps...), through the foreign keys that lead to a table that has one. So a new app's models
are exported without any change here, and `imports` imports no app above it. Tables that belong to no workspace
(Django's content types, permissions and groups, sessions, idempotency records) are listed in the manifest's
`left_out` with the reason.

The archive is written table by table, each row a line of JSON, straight into the ZIP stream: memory stays flat
whatever the workspace's size (rows are read with a server-side cursor in chunks). The manifest goes last, when the
counts are known. Reads happen in one transaction (repeatable read on PostgreSQL), so the rows agree with each other.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any
from uuid import UUID

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.duration import duration_iso_string

from baton.core import access, backup
from baton.core.access import Actor
from baton.core.models import Membership, User, Workspace

FORMAT = "baton-workspace-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES_DIR = "tables"
FILES_DIR = "files"
CHUNK = 2000
COPY_CHUNK = 1024 * 1024

# Tables that belong to no workspace: filled by `migrate` on every database, or short-lived, or global.
LEFT_OUT: dict[str, str] = {
    "contenttypes.contenttype": "created by `migrate` on every database",
    "auth.permission": "created by `migrate` on every database",
    "auth.group": "global, not a workspace's (Baton's roles are memberships)",
    "auth.group_permissions": "global, not a workspace's",
    "core.user_groups": "Django groups are not used by Baton",
    "core.user_user_permissions": "Django permissions are not used by Baton",
    "sessions.session": "sign-ins end with a move; people sign in again",
    "core.idempotencyrecord": "replayable API responses, kept 24 hours only",
    "timesheets.projectmonthrollup": "derived: the import's time rollup rows rebuild it through their triggers",
}
# Credentials: only in an export made with `include_credentials` (the CLI's --with-credentials), for a move that
# keeps every login. Otherwise the tables are left out and the columns replaced (see `_scrub`).
CREDENTIAL_TABLES = {
    "core.apitoken": "API token hashes",
    "otp_totp.totpdevice": "authenticator app secrets",
    "otp_static.staticdevice": "recovery code sets",
    "otp_static.statictoken": "recovery codes",
}
UNUSABLE_PASSWORD = "!"  # Django's prefix for an unusable password: people set a new one through "Forgot password"


class ExportError(Exception):
    """Why an export or an import refused; the commands show it as their error."""


@dataclass(frozen=True)
class Table:
    """One exported table: the model, its file in the archive, and the lookup that narrows it to a workspace."""

    model: type[models.Model]
    lookup: str  # e.g. "workspace", "invoice__workspace", "pk" (the workspace), "user__in" (members)

    @property
    def label(self) -> str:
        return str(self.model._meta.label_lower)

    @property
    def file(self) -> str:
        return f"{TABLES_DIR}/{self.label}.jsonl"

    @property
    def fields(self) -> list[models.Field[Any, Any]]:
        return list(self.model._meta.concrete_fields)


# --- Which tables, in which order ----------------------------------------------------------------------------------


def _all_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def _foreign_keys(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is not None]


def _direct_lookup(model: type[models.Model]) -> str | None:
    if model is Workspace:
        return "pk"
    if model is User:
        return "pk__in"
    for field in _foreign_keys(model):
        if field.related_model is Workspace:
            return field.name
    return None


def _path_lookup(model: type[models.Model]) -> str | None:
    """The shortest chain of foreign keys from `model` to a table with a workspace (or to users), required keys
    first: e.g. `invoice__workspace` for an invoice line, `deal__workspace` for a deal's contacts."""
    queue: deque[tuple[type[models.Model], str]] = deque([(model, "")])
    seen = {model}
    while queue:
        current, prefix = queue.popleft()
        for field in sorted(_foreign_keys(current), key=lambda f: f.null):  # required keys first
            target = field.related_model
            assert isinstance(target, type)
            if target in seen:
                continue
            direct = _direct_lookup(target)
            if direct is not None:
                return f"{prefix}{field.name}" if direct in ("pk", "pk__in") else f"{prefix}{field.name}__{direct}"
            seen.add(target)
            queue.append((target, f"{prefix}{field.name}__"))
    return None


def _load_order(models_: list[type[models.Model]]) -> list[type[models.Model]]:
    """Parents before children where the keys allow (a cycle, e.g. a brief and its versions, is broken at a
    nullable key: the import defers its constraint checks to the end of its one transaction anyway)."""
    chosen = set(models_)
    ordered: list[type[models.Model]] = []
    placed: set[type[models.Model]] = set()
    pending = sorted(models_, key=lambda m: m._meta.label_lower)
    while pending:
        progressed = False
        for model in list(pending):
            needs = {f.related_model for f in _foreign_keys(model) if not f.null} - {model}
            if all(n in placed or n not in chosen for n in needs):
                ordered.append(model)
                placed.add(model)
                pending.remove(model)
                progressed = True
        if not progressed:  # a cycle of required keys: take the first and go on
            ordered.append(pending.pop(0))
            placed.add(ordered[-1])
    return ordered


def plan(*, include_credentials: bool) -> tuple[list[Table], dict[str, str]]:
    """Every table of the export in load order, and what is left out with the reason."""
    tables: list[Table] = []
    left_out: dict[str, str] = {}
    for model in _all_models():
        label = model._meta.label_lower
        if label in LEFT_OUT:
            left_out[label] = LEFT_OUT[label]
            continue
        if label in CREDENTIAL_TABLES and not include_credentials:
            left_out[label] = f"credentials ({CREDENTIAL_TABLES[label]}): only with --with-credentials"
            continue
        lookup = _direct_lookup(model) or _path_lookup(model)
        if lookup is None:
            left_out[label] = "no foreign key leads to a workspace"
            continue
        tables.append(Table(model=model, lookup=lookup))
    by_model = {t.model: t for t in tables}
    return [by_model[m] for m in _load_order(list(by_model))], left_out


def rows_of(table: Table, workspace: Workspace) -> models.QuerySet[Any]:
    """The table's rows that belong to the workspace (users: its members), by primary key."""
    members = Membership.objects.filter(workspace=workspace).values("user_id")
    lookup = table.lookup
    if lookup == "pk__in":
        condition = Q(pk__in=members)
    elif lookup.endswith("__user") or lookup == "user":  # reached a user: the workspace's members
        condition = Q(**{f"{lookup}__in": members})
    else:
        condition = Q(**{lookup: workspace.pk})
    return table.model._base_manager.filter(condition).order_by("pk")


# --- Writing values ------------------------------------------------------------------------------------------------


def encode(field: models.Field[Any, Any], value: Any) -> Any:
    """A column's value as JSON (docs/export-format.md, "Values")."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return value
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, float):
        return value
    return str(value)  # a FieldFile and the like: its stored name


def _scrub(table: Table, include_credentials: bool) -> dict[str, Callable[[Any], Any]]:
    """Columns replaced in an export without credentials: password hashes and webhook signing secrets."""
    if include_credentials:
        return {}
    if table.model is User:
        return {"password": lambda _: UNUSABLE_PASSWORD}
    if table.label == "automation.webhook":
        return {"secret": lambda _: secrets.token_urlsafe(32)}
    return {}


def _file_fields(table: Table) -> list[str]:
    return [f.attname for f in table.fields if isinstance(f, models.FileField)]


def _member(name: str) -> zipfile.ZipInfo:
    """A ZIP member dated now (UTC), deflated, readable by its owner."""
    info = zipfile.ZipInfo(name, date_time=timezone.now().astimezone(UTC).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


class _Sha256Writer:
    """Count and hash what passes through to the ZIP member."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.digest, self.size = out, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        self.out.write(data)


def _write_table(
    archive: zipfile.ZipFile, table: Table, workspace: Workspace, include_credentials: bool, uploads: set[str]
) -> dict[str, Any]:
    fields = table.fields
    columns = [f.column for f in fields]
    attnames = [f.attname for f in fields]
    scrub = _scrub(table, include_credentials)
    files = _file_fields(table)
    count = 0
    with archive.open(_member(table.file), "w", force_zip64=True) as raw:
        out = _Sha256Writer(raw)
        rows = rows_of(table, workspace).values_list(*attnames).iterator(chunk_size=CHUNK)
        for values in rows:
            record = {}
            for field, column, attname, value in zip(fields, columns, attnames, values, strict=True):
                record[column] = scrub[attname](value) if attname in scrub else encode(field, value)
                if attname in files and value:
                    uploads.add(str(value))
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
            count += 1
    return {
        "model": table.label,
        "db_table": table.model._meta.db_table,
        "file": table.file,
        "primary_key": table.model._meta.pk.column,
        "columns": {f.column: f.get_internal_type() for f in fields},
        "rows": count,
        "sha256": out.digest.hexdigest(),
    }


def _write_uploads(archive: zipfile.ZipFile, names: Iterable[str]) -> tuple[list[dict[str, Any]], list[str]]:
    entries, missing = [], []
    for name in sorted(names):
        if not default_storage.exists(name):
            missing.append(name)
            continue
        member = f"{FILES_DIR}/{name}"
        with default_storage.open(name, "rb") as source, archive.open(_member(member), "w", force_zip64=True) as raw:
            out = _Sha256Writer(raw)
            for chunk in iter(lambda: source.read(COPY_CHUNK), b""):
                out.write(chunk)
        entries.append({"path": member, "name": name, "size": out.size, "sha256": out.digest.hexdigest()})
    return entries, missing


def migration_state() -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for applied in backup.applied_migrations():
        app, name = applied.split(".", 1)
        state.setdefault(app, []).append(name)
    return state


def _snapshot() -> None:
    """Repeatable read on PostgreSQL when the export opened the outermost transaction (no query ran in it yet);
    inside a caller's transaction it reads that transaction's view. SQLite reads one snapshot in a transaction."""
    if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def write_export(
    workspace: Workspace,
    out: IO[bytes],
    *,
    include_credentials: bool = False,
    say: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Write the workspace's export as a ZIP to `out` (a file or any writable stream; it need not seek) and return
    the manifest."""
    tables, left_out = plan(include_credentials=include_credentials)
    uploads: set[str] = set()
    with transaction.atomic(), zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _snapshot()
        exported_at = timezone.now()
        written = []
        for table in tables:
            written.append(_write_table(archive, table, workspace, include_credentials, uploads))
            say(f"{table.label}: {written[-1]['rows']} rows")
        files, missing = _write_uploads(archive, uploads)
        say(f"{len(files)} uploaded files")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "baton_version": backup.baton_version(),
            "engine": connection.vendor,
            "exported_at": exported_at.isoformat(),
            "workspace": {"id": workspace.pk, "slug": workspace.slug, "name": workspace.name},
            "includes_credentials": include_credentials,
            "migrations": migration_state(),
            "counts": {entry["model"]: entry["rows"] for entry in written},
            "tables": written,
            "files": files,
            "missing_files": missing,
            "left_out": [{"model": label, "reason": reason} for label, reason in sorted(left_out.items())],
        }
        archive.writestr(_member(MANIFEST), json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        raise ExportError(f"The file holds no {MANIFEST}: not a Baton workspace export.") from exc
    except ValueError as exc:
        raise ExportError(f"The export's {MANIFEST} is not valid JSON.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ExportError(f"This is not a Baton workspace export (format {FORMAT}).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ExportError(
            f"The export is format version {manifest.get('format_version')}; this Baton reads version "
            f"{FORMAT_VERSION}. Upgrade Baton first."
        )
    return manifest


def iter_rows(archive: zipfile.ZipFile, member: str) -> Iterator[dict[str, Any]]:
    with archive.open(member) as raw:
        for line in raw:
            if line.strip():
                yield json.loads(line)


def export_workspace(*, actor: Actor, out: IO[bytes], include_credentials: bool = False) -> dict[str, Any]:
    """What the API, the settings page and the command call: the owner's (or the command's system actor's) export
    of its workspace to `out`. A read like any other (a GET changes nothing, so it appends no event). Credentials
    only for the system actor of the command."""
    access.require(actor, "workspace", "export")
    if include_credentials and actor.user is not None:
        raise PermissionDenied("Only the export_workspace command writes credentials.")
    return write_export(actor.workspace, out, include_credentials=include_credentials)


def download_name(workspace: Workspace) -> str:
    return f"baton-{workspace.slug}-{timezone.localdate().isoformat()}.zip"
