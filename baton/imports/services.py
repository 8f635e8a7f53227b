"""The import flow, one path for the web, the API and the command: upload and dry run (`import_create`), map the
unknown people, clients and projects (`import_mapping_set`), queue (`import_run`) and write in the worker
(`import_execute`). See RULES.md for the rules (resumable in batches, what is refused, what is created).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from baton.core import access, events, outage
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import bump_version, check_version
from baton.imports import formats, tasks
from baton.imports.formats import csv_mapped
from baton.imports.formats.base import FormatError, Upload
from baton.imports.formats.sniff import header_cells
from baton.imports.models import ImportRun, ImportStatus
from baton.imports.reading import ErrorSink, batches, error_report, open_file, rows
from baton.imports.resolve import Plan, Resolver
from baton.imports.writer import BATCH, import_execute

__all__ = ["error_report", "import_create", "import_execute", "import_mapping_set", "import_run"]
MAX_BYTES = 200 * 1024 * 1024
# A running import saves its progress after every batch; one silent this long lost its worker and may be run again.
STALLED_AFTER = timedelta(minutes=15)


def _format_error(exc: FormatError) -> ValidationError:
    return ValidationError({exc.column or "file": exc.message})


# --- The dry run -------------------------------------------------------------------------------------------------


def _sha256_and_size(stream: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def _source_of(upload: Upload, source: str | None) -> str:
    """The format's name: the one asked for (checked), or the detected one."""
    if source:
        if formats.get(source) is None:
            raise ValidationError(
                {"source": f"Unknown source {source!r}; expected one of: {', '.join(formats.names())}."}
            )
        return source
    try:
        return formats.detect(upload).name
    except FormatError as exc:
        raise ValidationError({"file": exc.message}) from exc


def _check_columns(upload: Upload, source: str, column_mapping: Any) -> dict[str, str]:
    """For the generic CSV, the column mapping checked against the header."""
    if source != formats.GENERIC:
        if column_mapping:
            raise ValidationError({"mapping": "A column mapping is for the generic CSV (source csv) only."})
        return {}
    try:
        cells = header_cells(upload)
        return csv_mapped.check_mapping(column_mapping, cells)
    except FormatError as exc:
        raise _format_error(exc) from exc


@transaction.atomic
def import_create(
    *,
    actor: Actor,
    upload: Any,
    source: str | None = None,
    dry_run: bool = True,
    mapping: Any = None,
    file_name: str = "",
) -> ImportRun:
    """Store the uploaded file and read it once as a dry run: the rows it would create, those already imported
    (matched) and those refused (row, column, reason), and the people, clients, projects and tasks it would match or
    create. `mapping` is the generic CSV's column mapping {Baton field: column}. With `dry_run` False the run is
    queued at once (the unknown names are created). An unknown format answers 422 naming what was expected."""
    access.require(actor, "import", "create")
    stream: IO[bytes] = getattr(upload, "file", upload)
    name = (file_name or getattr(upload, "name", "") or "import.csv").rsplit("/", 1)[-1][:255]
    sha, size = _sha256_and_size(stream)
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    if size > MAX_BYTES:
        raise ValidationError({"file": f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."})
    probe = Upload(name=name, stream=stream)
    chosen = _source_of(probe, source)
    columns = _check_columns(probe, chosen, mapping)
    stream.seek(0)
    run = ImportRun(
        workspace=actor.workspace,
        created_by_id=actor.person_id,
        source=chosen,
        file_name=name,
        sha256=sha,
        size=size,
        column_mapping=columns,
    )
    run.file.save(f"{sha[:16]}-{name}", File(stream, name=name), save=False)
    try:
        _dry_run(actor, run)
    except FormatError as exc:
        run.file.delete(save=False)
        raise _format_error(exc) from exc
    run.save()
    events.emit(
        actor,
        "import.created",
        run,
        data={"source": run.source, "rows": run.rows, "created": run.created, "refused": run.refused},
    )
    if not dry_run:
        import_run(actor=actor, run=run, version=run.version)
    return run


def _dry_run(actor: Actor, run: ImportRun) -> None:
    """Read the whole file: the counts, the first row errors and the plan (what is matched and what created)."""
    resolver = Resolver(actor, run.source, mapping=run.mapping)
    run.rows = run.created = run.matched = 0
    sink = ErrorSink()
    stream = open_file(run)
    try:
        for batch in batches(rows(run, stream), BATCH):
            outcome = resolver.check(batch)
            run.rows += len(batch)
            run.created += len(outcome.fresh)
            run.matched += outcome.matched
            sink.add(outcome.errors)
    finally:
        run.file.close()
    run.refused, run.errors = sink.count, sink.first
    sink.keep(run)
    run.plan = resolver.plan.as_json()


# --- Mapping --------------------------------------------------------------------------------------------------


@transaction.atomic
def import_mapping_set(*, actor: Actor, run: ImportRun, mapping: Any, version: int | None) -> ImportRun:
    """Map the dry run's unknown people, clients and projects: `{"people": {key: person_id | "create"}, "clients":
    {...}, "projects": {...}}` (keys as the plan lists them). The dry run is read again with the mapping, so the
    counts and row errors follow it."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    access.require(actor, "import", "run", run)
    if version is not None:
        check_version(run, version)
    if run.status != ImportStatus.DRY_RUN:
        raise Conflict("This import has already run; upload the file again to change its mapping.", field="status")
    clean = Plan.from_json(run.plan).check_mapping(actor, mapping)
    run.mapping = clean
    _dry_run(actor, run)
    bump_version(run)
    run.save()
    events.emit(actor, "import.mapped", run, data={"created": run.created, "refused": run.refused})
    return run


# --- Running ------------------------------------------------------------------------------------------------------


@transaction.atomic
def import_run(*, actor: Actor, run: ImportRun, version: int | None = None, enqueue: bool = True) -> ImportRun:
    """Queue a dry run (or a failed or stalled run, which resumes) for the worker. Importing the same file again
    later is a new upload whose rows are all matched: it creates nothing new. `enqueue=False`: the caller runs
    `import_execute` itself (the command, showing its progress bar)."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    access.require(actor, "import", "run", run)
    if version is not None:  # optional: running twice is refused by the status anyway
        check_version(run, version)
    stalled = run.status == ImportStatus.RUNNING and run.updated_at < timezone.now() - STALLED_AFTER
    if run.status not in (ImportStatus.DRY_RUN, ImportStatus.FAILED) and not stalled:
        raise Conflict(f"This import is {run.get_status_display().lower()}; it runs once.", field="status")
    run.status = ImportStatus.QUEUED
    run.failure = ""
    bump_version(run)
    run.save()
    events.emit(actor, "import.queued", run, data={"rows": run.rows})
    if enqueue:
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    """Hand the run to the worker. An unreachable queue (Redis down) fails the run, saying so, rather than the request
    that committed it: a failed run can be run again, while a queued one would wait for a job that never comes."""
    try:
        tasks.import_task(run_id)
    except outage.QUEUE_ERRORS as exc:
        outage.failed(outage.QUEUE, exc, "An import that was to be queued is marked failed; run it again later.")
        ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(
            status=ImportStatus.FAILED,
            failure=f"The task queue could not be reached ({type(exc).__name__}); run the import again.",
            finished_at=timezone.now(),
        )
