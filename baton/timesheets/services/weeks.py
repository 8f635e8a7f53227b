"""Timesheets: a person's week submitted, approved, rejected or reopened."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from baton.core import access, events, formats
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import bump_version, check_version
from baton.timesheets.models import TimeEntry, Timesheet, TimesheetStatus
from baton.timesheets.services._common import LOCKED_WEEK, _person, week_start_of

# --- Timesheets ---------------------------------------------------------------------------------------------------


def _week_minutes(timesheet: Timesheet) -> int:
    end = timesheet.week_start + timedelta(days=6)
    return (
        TimeEntry.objects.filter(person_id=timesheet.person_id, date__range=(timesheet.week_start, end)).aggregate(
            m=Sum("minutes")
        )["m"]
        or 0
    )


def _week_entries(timesheet: Timesheet) -> Any:
    end = timesheet.week_start + timedelta(days=6)
    return TimeEntry.objects.filter(person_id=timesheet.person_id, date__range=(timesheet.week_start, end))


@transaction.atomic
def timesheet_submit(*, actor: Actor, week_start: date, person_id: int | None = None) -> Timesheet:
    """Submit a person's week (any day of it) for approval; its time is locked until it is decided."""
    access.require(actor, "timesheet", "submit")
    errors: dict[str, str] = {}
    person = _person(actor, person_id, errors)
    if week_start is None:
        errors["week_start"] = "Name the week (any day of it)."
    if errors:
        raise ValidationError(errors)
    assert person is not None
    monday = week_start_of(week_start)
    timesheet, _ = Timesheet.objects.select_for_update().get_or_create(
        person=person, week_start=monday, defaults={"workspace": actor.workspace}
    )
    access.require(actor, "timesheet", "submit", timesheet)
    if timesheet.status in LOCKED_WEEK:
        raise Conflict(f"The week of {formats.day(monday)} is already {timesheet.get_status_display().lower()}.")
    timesheet.status = TimesheetStatus.SUBMITTED
    timesheet.submitted_at = timezone.now()
    timesheet.decided_at = None
    timesheet.decided_by = None
    bump_version(timesheet)
    timesheet.save()
    events.emit(
        actor,
        "timesheet.submitted",
        timesheet,
        data={"person_id": person.pk, "week_start": monday, "minutes": _week_minutes(timesheet)},
    )
    return timesheet


def pm_may_approve(actor: Actor, timesheet: Timesheet) -> bool:
    """A project manager approves a week that has time on a project it manages."""
    if actor.role != access.PM:
        return True
    return bool(_week_entries(timesheet).filter(project__project_manager_id=actor.person_id or 0).exists())


def _decide_checks(actor: Actor, timesheet: Timesheet, version: int | None) -> Timesheet:
    timesheet = Timesheet.objects.select_for_update().get(pk=timesheet.pk)
    access.require(actor, "timesheet", "approve", timesheet)
    if not pm_may_approve(actor, timesheet):
        raise PermissionDenied("A project manager approves only weeks with time on the projects it manages.")
    if version is not None:
        check_version(timesheet, version)
    return timesheet


@transaction.atomic
def timesheet_approve(*, actor: Actor, timesheet: Timesheet, version: int | None = None) -> Timesheet:
    """Approve a submitted week: its entries are marked approved and stay locked."""
    timesheet = _decide_checks(actor, timesheet, version)
    if timesheet.status != TimesheetStatus.SUBMITTED:
        raise Conflict(f"Only a submitted week can be approved; this one is {timesheet.get_status_display().lower()}.")
    timesheet.status = TimesheetStatus.APPROVED
    timesheet.decided_at = timezone.now()
    timesheet.decided_by_id = actor.person_id
    timesheet.reason = ""
    bump_version(timesheet)
    timesheet.save()
    _week_entries(timesheet).update(approved=True, updated_at=timezone.now())
    events.emit(
        actor,
        "timesheet.approved",
        timesheet,
        data={
            "person_id": timesheet.person_id,
            "week_start": timesheet.week_start,
            "minutes": _week_minutes(timesheet),
        },
    )
    return timesheet


@transaction.atomic
def timesheet_reject(*, actor: Actor, timesheet: Timesheet, reason: str, version: int | None = None) -> Timesheet:
    """Send a submitted week back with a reason; it is open for changes again."""
    timesheet = _decide_checks(actor, timesheet, version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the week is rejected, so the person can fix it."})
    if timesheet.status != TimesheetStatus.SUBMITTED:
        raise Conflict(f"Only a submitted week can be rejected; this one is {timesheet.get_status_display().lower()}.")
    timesheet.status = TimesheetStatus.REJECTED
    timesheet.decided_at = timezone.now()
    timesheet.decided_by_id = actor.person_id
    timesheet.reason = reason
    bump_version(timesheet)
    timesheet.save()
    _week_entries(timesheet).update(approved=False, updated_at=timezone.now())
    events.emit(
        actor,
        "timesheet.rejected",
        timesheet,
        data={"person_id": timesheet.person_id, "week_start": timesheet.week_start, "reason": reason},
    )
    return timesheet


@transaction.atomic
def timesheet_reopen(*, actor: Actor, timesheet: Timesheet, reason: str) -> Timesheet:
    """Unlock an approved week (finance, owner, admin). Entries on invoices stay locked by their invoice."""
    access.require(actor, "timesheet", "reopen", timesheet)
    timesheet = Timesheet.objects.select_for_update().get(pk=timesheet.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the week is reopened."})
    if timesheet.status != TimesheetStatus.APPROVED:
        raise Conflict("Only an approved week can be reopened.")
    timesheet.status = TimesheetStatus.DRAFT
    timesheet.reason = reason
    bump_version(timesheet)
    timesheet.save()
    _week_entries(timesheet).update(approved=False, updated_at=timezone.now())
    events.emit(
        actor,
        "timesheet.reopened",
        timesheet,
        data={"person_id": timesheet.person_id, "week_start": timesheet.week_start, "reason": reason},
    )
    return timesheet
