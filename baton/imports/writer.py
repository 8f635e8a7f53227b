"""The worker's part of an import: create what the plan says to create, then write the rows in batches."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.services import bump_version
from baton.imports.models import ImportRun, ImportStatus
from baton.imports.reading import ErrorSink, batches, open_file, rows
from baton.imports.resolve import Plan, Resolver

logger = logging.getLogger(__name__)
BATCH = 2000  # rows per transaction of a running import (progress is saved after each)


def _actor_of(run: ImportRun) -> Actor:
    """Who the import acts as: the person who uploaded it, while they may still import; else Baton itself."""
    person = run.created_by
    membership = getattr(person, "membership", None) if person is not None else None
    if membership is not None and membership.is_active:
        actor = Actor.for_membership(membership)
        if access.allowed(actor, "import", "run"):
            return actor
    return Actor.system(run.workspace)


def import_execute(
    run_id: int, *, batch_size: int = BATCH, on_progress: Callable[[int, int], None] | None = None
) -> ImportRun:
    """The worker's part: create what the mapping says to create, then write the rows in batches of `batch_size`,
    each in its own transaction with the run's progress; rows already imported (their source key) are skipped, so a
    run that stopped half-way resumes where it was. Refused rows are listed and never imported."""
    with transaction.atomic():
        run = (
            ImportRun.objects.select_for_update(of=("self",))
            .select_related("workspace", "created_by__membership")
            .get(pk=run_id)
        )
        if run.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.FAILED):
            return run
        run.status = ImportStatus.RUNNING
        run.started_at = run.started_at or timezone.now()
        run.progress = 0
        run.save(update_fields=["status", "started_at", "progress", "updated_at"])
    actor = _actor_of(run)
    try:
        _write(actor, run, batch_size, on_progress)
    except Exception as exc:  # the run stops; its committed batches stay and a re-run resumes after them
        logger.exception("Import %s failed.", run.pk)
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED, failure=str(exc)[:2000], finished_at=timezone.now()
        )
    return ImportRun.objects.get(pk=run.pk)


def _write(actor: Actor, run: ImportRun, batch_size: int, on_progress: Callable[[int, int], None] | None) -> None:
    resolver = Resolver(actor, run.source, mapping=run.mapping)
    with transaction.atomic():
        plan = Plan.from_json(run.plan)
        resolver.create_planned(plan)
    created = matched = done = 0
    sink = ErrorSink()
    stream = open_file(run)
    try:
        for batch in batches(rows(run, stream), batch_size):
            with transaction.atomic():
                outcome = resolver.write(batch, target=run)
                created += outcome.written
                matched += outcome.matched
                sink.add(outcome.errors)
                done += len(batch)
                ImportRun.objects.filter(pk=run.pk).update(progress=done, updated_at=timezone.now())
            if on_progress is not None:
                on_progress(done, run.rows)
    finally:
        run.file.close()
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        run.status = ImportStatus.DONE
        run.rows, run.created, run.matched, run.refused = done, created, matched, sink.count
        run.errors = sink.first
        sink.keep(run)
        run.progress = done
        run.finished_at = timezone.now()
        bump_version(run)
        run.save()
        events.emit(
            actor,
            "import.finished",
            run,
            data={"rows": done, "created": created, "matched": matched, "refused": sink.count},
        )
