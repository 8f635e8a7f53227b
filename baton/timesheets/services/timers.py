"""Timers: one per person; stopping logs its minutes as an entry."""

from __future__ import annotations

import math
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.timesheets.models import MINUTES_PER_DAY, TimeEntry, Timer
from baton.timesheets.services._common import _billable, _person, _project, _task
from baton.timesheets.services.entries import time_entry_create

# --- Timers -------------------------------------------------------------------------------------------------------


@transaction.atomic
def timer_start(
    *,
    actor: Actor,
    project_id: int | None,
    task_id: int | None = None,
    note: str = "",
    billable: bool | None = None,
    now: datetime | None = None,
) -> Timer:
    """Start the actor's timer (one per person; a running one is stopped first and its time logged)."""
    access.require(actor, "timer", "use")
    errors: dict[str, str] = {}
    person = _person(actor, None, errors)
    project = _project(actor, project_id, errors)
    task = _task(project, task_id, errors)
    _billable(project, billable, errors)
    if errors:
        raise ValidationError(errors)
    assert person is not None and project is not None
    if Timer.objects.filter(person=person).exists():
        timer_stop(actor=actor, now=now)
    timer = Timer.objects.create(
        workspace=actor.workspace,
        person=person,
        project=project,
        task=task,
        note=(note or "").strip(),
        billable=billable,
        started_at=now or timezone.now(),
    )
    events.emit(
        actor, "timer.started", timer, data={"project_id": project.pk, "task_id": task_id}, client_id=project.client_id
    )
    return timer


@transaction.atomic
def timer_stop(*, actor: Actor, now: datetime | None = None) -> TimeEntry:
    """Stop the actor's timer and log its minutes (rounded to the nearest minute, at least one) on the day it
    started."""
    access.require(actor, "timer", "use")
    timer = Timer.objects.select_for_update().filter(workspace=actor.workspace, person_id=actor.person_id or 0).first()
    if timer is None:
        raise Conflict("No timer is running.")
    elapsed = ((now or timezone.now()) - timer.started_at).total_seconds()
    minutes = min(MINUTES_PER_DAY, max(1, math.floor(elapsed / 60 + 0.5)))
    day = timezone.localdate(timer.started_at)
    project_id, task_id, note, billable = timer.project_id, timer.task_id, timer.note, timer.billable
    events.emit(actor, "timer.stopped", timer, data={"minutes": minutes}, client_id=timer.project.client_id)
    timer.delete()
    return time_entry_create(
        actor=actor,
        person_id=actor.person_id,
        project_id=project_id,
        task_id=task_id,
        date=day,
        minutes=minutes,
        note=note,
        billable=billable,
    )


@transaction.atomic
def timer_discard(*, actor: Actor) -> None:
    access.require(actor, "timer", "use")
    timer = Timer.objects.select_for_update().filter(workspace=actor.workspace, person_id=actor.person_id or 0).first()
    if timer is None:
        raise Conflict("No timer is running.")
    events.emit(actor, "timer.discarded", timer, client_id=timer.project.client_id)
    timer.delete()
