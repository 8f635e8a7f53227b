"""Read a workspace export (workspace_export.py, docs/export-format.md) into an empty database, on SQLite or
PostgreSQL, whichever engine wrote it: `manage.py import_workspace FILE`.

Refuses, before writing anything: a file that is not an export, an export made by a newer Baton (migrations this code
does not know), a database whose migrations differ from the export's, and a database that already holds a workspace,
a user, or any row in a table the export fills. Then, in one transaction: every table in the manifest's order with
its primary keys kept (so every reference holds; the foreign-key checks are deferred to the end of the transaction
and run explicitly before it commits), PostgreSQL's sequences moved past the largest id, and the uploaded files
written under MEDIA_ROOT (each checked against its sha256; removed again when the transaction fails). Rows are read
line by line from the ZIP and inserted in batches, so memory stays flat. An import is an operation on the whole
installation, not an action in a workspace: like `restore`, it emits no event.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader

from baton.core import backup
from baton.core.models import User, Workspace
from baton.imports import workspace_export as export
from baton.imports.workspace_export import ExportError

BATCH = 1000


@dataclass
class Imported:
    manifest: dict[str, Any]
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0


def _exported_set(manifest: dict[str, Any]) -> set[str]:
    state = manifest.get("migrations")
    if not isinstance(state, dict):
        raise ExportError("The export's manifest lists its migrations wrongly.")
    return {f"{app}.{name}" for app, names in state.items() for name in names}


def export_leaves(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """Each app's last migration in the export: `manage.py migrate APP NAME` for each reaches the export's state."""
    exported = _exported_set(manifest)
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    leaves = []
    for key in sorted(exported):
        app, name = key.split(".", 1)
        children = graph.node_map[(app, name)].children if (app, name) in graph.node_map else set()
        if not any(child[0] == app and f"{child[0]}.{child[1]}" in exported for child in children):
            leaves.append((app, name))
    return leaves


def check_migrations_known(manifest: dict[str, Any]) -> None:
    """An export made by a newer Baton (migrations this code does not have) is refused."""
    unknown = sorted(_exported_set(manifest) - backup.known_migrations())
    if unknown:
        raise ExportError(
            f"The export was made by a newer Baton ({manifest.get('baton_version')}); this code does not know the "
            f"migrations {', '.join(unknown[:5])}{' ...' if len(unknown) > 5 else ''}. Upgrade Baton first."
        )


def check_migrations(manifest: dict[str, Any]) -> None:
    """A newer export is refused; the database must stand at the export's migration state."""
    check_migrations_known(manifest)
    exported = _exported_set(manifest)
    applied = set(backup.applied_migrations())
    if applied == exported:
        return
    if not applied:
        raise ExportError(
            "The database is not migrated: run `manage.py migrate` first (or import into a database "
            "with no tables at all, and import_workspace migrates it to the export's state)."
        )
    missing, extra = sorted(exported - applied), sorted(applied - exported)
    steps = "; ".join(f"manage.py migrate {app} {name}" for app, name in export_leaves(manifest))
    raise ExportError(
        "The database's migrations differ from the export's"
        + (f" (not applied here: {', '.join(missing[:5])})" if missing else "")
        + (f" (applied here, not in the export: {', '.join(extra[:5])})" if extra else "")
        + f". Import into a new, empty database (import_workspace migrates it to the export's state), or migrate "
        f"an empty one to exactly that state first ({steps}), import, then run `manage.py migrate`."
    )


def _models_by_label() -> dict[str, type[models.Model]]:
    return {m._meta.label_lower: m for m in apps.get_models(include_auto_created=True)}


def _resolve(manifest: dict[str, Any]) -> list[tuple[dict[str, Any], type[models.Model]]]:
    known = _models_by_label()
    tables = manifest.get("tables")
    if not isinstance(tables, list):
        raise ExportError("The export's manifest lists its tables wrongly.")
    resolved = []
    for entry in tables:
        model = known.get(str(entry.get("model")))
        if model is None:
            raise ExportError(f"The export holds {entry.get('model')}, a table this Baton does not have.")
        columns = {f.column for f in model._meta.concrete_fields}
        unknown = sorted(set(entry.get("columns") or {}) - columns)
        if unknown:
            raise ExportError(f"The export's {entry['model']} has columns this Baton does not: {', '.join(unknown)}.")
        resolved.append((entry, model))
    return resolved


def check_empty(resolved: list[tuple[dict[str, Any], type[models.Model]]]) -> None:
    """No workspace, no user, no row in any table the export fills."""
    candidates: set[type[models.Model]] = {Workspace, User, *(model for _, model in resolved)}
    busy = [model._meta.label_lower for model in candidates if model._base_manager.exists()]
    if busy:
        raise ExportError(
            f"Refusing to import: the database ({connection.settings_dict['NAME']}) is not empty "
            f"({', '.join(sorted(busy)[:5])} hold rows). Import into a new, empty database."
        )


# --- Reading values ------------------------------------------------------------------------------------------------


def decode(field_: models.Field[Any, Any], value: Any) -> Any:
    """The inverse of `workspace_export.encode`: a Python value the field writes to this engine."""
    if value is None:
        return None
    if isinstance(field_, models.JSONField):
        return value
    if isinstance(field_, models.BinaryField):
        return base64.b64decode(value)
    if isinstance(field_, models.FileField):
        return str(value)
    if field_.is_relation:
        target = field_.target_field  # type: ignore[attr-defined]
        return target.to_python(value)
    return field_.to_python(value)


def _insert_sql(model: type[models.Model], columns: list[str]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 (quoted model names)


def _batches(rows: Iterator[list[Any]]) -> Iterator[list[list[Any]]]:
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _load_table(archive: zipfile.ZipFile, entry: dict[str, Any], model: type[models.Model]) -> int:
    fields = {f.column: f for f in model._meta.concrete_fields}
    exported = list(entry.get("columns") or {})
    missing = [fields[c] for c in fields if c not in exported]  # added since the export: the field's default
    columns = exported + [f.column for f in missing]
    count = 0

    def prepared() -> Iterator[list[Any]]:
        nonlocal count
        for record in export.iter_rows(archive, entry["file"]):
            values = [fields[c].get_db_prep_save(decode(fields[c], record.get(c)), connection) for c in exported]
            values += [f.get_db_prep_save(f.get_default(), connection) for f in missing]
            count += 1
            yield values

    sql = _insert_sql(model, columns)
    with connection.cursor() as cursor:
        for batch in _batches(prepared()):
            cursor.executemany(sql, batch)
    if count != entry.get("rows"):
        raise ExportError(f"{entry['file']} holds {count} rows, its manifest says {entry.get('rows')}: damaged.")
    return count


def _media_target(name: str) -> Path:
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        raise ExportError(f"The export names an unsafe file path: {name!r}.")
    return Path(settings.MEDIA_ROOT).joinpath(*path.parts)


def _restore_files(archive: zipfile.ZipFile, manifest: dict[str, Any], written: list[Path]) -> int:
    for entry in manifest.get("files") or []:
        target = _media_target(str(entry["name"]))
        digest = hashlib.sha256()
        if target.exists():
            raise ExportError(f"{target} exists already: import into an empty MEDIA_ROOT.")
        target.parent.mkdir(parents=True, exist_ok=True)
        written.append(target)
        with archive.open(entry["path"]) as source, target.open("wb") as out:
            for chunk in iter(lambda: source.read(export.COPY_CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != entry["sha256"]:
            raise ExportError(f"{entry['path']} does not match its checksum in the manifest: the export is damaged.")
    return len(written)


def _reset_sequences(loaded: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), loaded)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def has_no_tables() -> bool:
    """A brand-new database (SQLite file or PostgreSQL database) that `migrate` has not touched."""
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def open_export(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ExportError(f"Cannot read {path} as a ZIP file: {exc}") from exc


def import_export(path: Path, *, say: Callable[[str], None] = lambda _: None) -> Imported:
    """Load the export at `path` into this (empty, migrated) database and MEDIA_ROOT."""
    with open_export(path) as archive:
        manifest = export.read_manifest(archive)
        check_migrations(manifest)
        resolved = _resolve(manifest)
        check_empty(resolved)
        result = Imported(manifest=manifest)
        written: list[Path] = []
        try:
            with transaction.atomic():
                for entry, model in resolved:
                    result.rows[entry["model"]] = _load_table(archive, entry, model)
                    say(f"{entry['model']}: {result.rows[entry['model']]} rows")
                connection.check_constraints(table_names=[m._meta.db_table for _, m in resolved])
                _reset_sequences([m for _, m in resolved])
                result.files = _restore_files(archive, manifest, written)
        except DatabaseError as exc:
            _remove(written)
            raise ExportError(f"The export did not load, nothing was imported: {exc}") from exc
        except BaseException:
            _remove(written)
            raise
    return result


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
