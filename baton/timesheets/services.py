"""Writes for time: entries (rates resolved once and copied), the weekly grid, timers, timesheet approval.

Locks (409, naming the reason): an entry on an issued or draft invoice cannot change; a week that is submitted or
approved cannot change until it is rejected or reopened.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, IntegerField, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Membership
from baton.core.services import bump_version, check_version, validate
from baton.core.validators import whole_minutes
from baton.delivery.models import Billing, Project, ProjectStatus, Task
from baton.delivery.selectors import visible_projects
from baton.people.models import Person
from baton.rates.resolution import amount_for, resolve_rates
from baton.timesheets import rollups
from baton.timesheets.models import MINUTES_PER_DAY, TimeEntry, Timer, Timesheet, TimesheetStatus

ENTRY_FIELDS = ("person_id", "project_id", "task_id", "date", "minutes", "note", "billable")
LOCKED_WEEK = (TimesheetStatus.SUBMITTED, TimesheetStatus.APPROVED)
# Checked by the service itself before `validate` (loaded and scoped; minutes 1-1440; amounts are never negative), so
# full_clean skips them: no existence query per foreign key and no constraint queries on the hot path of logging time.
# The database still enforces the constraints.
CHECKED_FIELDS = ["workspace", "person", "project", "task", "minutes"]


def week_start_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


# --- Checks -------------------------------------------------------------------------------------------------------


def _project(
    actor: Actor, project_id: Any, errors: dict[str, str], *, day_of: tuple[int, date] | None = None
) -> Project | None:
    """The visible project to log on. With `day_of` (person id, day), the same query also reads that person's minutes
    that day (`day_logged`) and that week's status (`week_status`), which logging a new entry needs."""
    if project_id is None:
        errors["project_id"] = "Choose the project the time was spent on."
        return None

    # The scope baseline comes along (a one-to-one join): finance checks it right after logging (`events.on_emit`).
    projects = visible_projects(actor).select_related("client", "scope_baseline").filter(pk=project_id)
    if day_of is not None:
        projects = projects.annotate(**_day_logged_and_week_status_columns(*day_of))
    project = projects.first()
    if project is None:
        errors["project_id"] = "No such project in this workspace."
        return None
    if project.archived_at is not None:
        errors["project_id"] = f"“{project.name}” is archived."
    elif project.status == ProjectStatus.CANCELLED:
        errors["project_id"] = f"“{project.name}” is cancelled; time cannot be logged on it."
    return project


def _task(project: Project | None, task_id: Any, errors: dict[str, str]) -> Task | None:
    if task_id is None:
        return None
    task = Task.objects.filter(workspace_id=project.workspace_id if project else 0, pk=task_id).first()
    if task is None or project is None:
        errors["task_id"] = "No such task in this workspace."
        return None
    if task.project_id != project.pk:
        errors["task_id"] = f"This task belongs to another project, not “{project.name}”."
        return None
    return task


def _actors_person(actor: Actor, person_id: Any) -> Person | None:
    """The actor's own person as it was read with the actor (with the token's membership, no query), when `person_id`
    names it (or names nobody); None otherwise."""
    if person_id is not None and person_id != actor.person_id:
        return None
    membership = actor.membership
    if membership is None or not Membership.person.is_cached(membership):
        return None
    person = getattr(membership, "person", None)
    if not isinstance(person, Person) or person.pk != actor.person_id or person.workspace_id != actor.workspace.pk:
        return None
    return person


def _person(actor: Actor, person_id: Any, errors: dict[str, str], *, day: date | None = None) -> Person | None:
    """The person whose time this is. With `day`, the same query also reads what logging a new entry on that day
    needs: the minutes the person has logged that day (`day_logged`) and the week's status (`week_status`)."""
    if person_id is None:
        if actor.person_id is None:
            errors["person_id"] = "Name the person whose time this is."
            return None
        person_id = actor.person_id
    people = Person.objects.filter(workspace=actor.workspace, pk=person_id).select_related("membership")
    if day is not None:
        people = people.annotate(**_day_logged_and_week_status_columns(OuterRef("pk"), day))
    return _person_checked(actor, people.first(), errors)


def _person_checked(actor: Actor, person: Person | None, errors: dict[str, str]) -> Person | None:
    if person is None or (actor.role == access.MEMBER and person.pk != actor.person_id):
        errors["person_id"] = "No such person in this workspace."
        return None
    if person.membership.role == access.CLIENT:
        errors["person_id"] = "A client portal user does not log time."
        return None
    if not person.active:
        errors["person_id"] = f"{person.name} is inactive."
    return person


def _minutes(value: Any, errors: dict[str, str]) -> int | None:
    """An entry is between 1 minute and 24 hours."""
    return whole_minutes(value, "minutes", errors, low=1, high=MINUTES_PER_DAY)


def _billable(project: Project | None, billable: bool | None, errors: dict[str, str]) -> bool:
    non_billable = project is not None and project.billing == Billing.NON_BILLABLE
    if billable is None:
        return not non_billable
    if billable and non_billable:
        errors["billable"] = f"“{project.name}” is non-billable; its time cannot be billable."  # type: ignore[union-attr]
    return bool(billable)


def week_status(person_id: int, day: date) -> str:
    status = (
        Timesheet.objects.filter(person_id=person_id, week_start=week_start_of(day))
        .values_list("status", flat=True)
        .first()
    )
    return status or TimesheetStatus.DRAFT


def _day_logged_and_week_status_columns(person_id: Any, day: date) -> dict[str, Subquery]:
    """Annotations for the person or project read of logging time: the minutes the person has logged on `day` (null:
    none) and the status of `day`'s week (null: no timesheet, a draft week)."""
    logged = (
        TimeEntry.objects.filter(person_id=person_id, date=day)
        .order_by()
        .values("person_id")
        .annotate(m=Sum("minutes"))
        .values("m")
    )
    status = Timesheet.objects.filter(person_id=person_id, week_start=week_start_of(day)).values("status")[:1]
    return {
        "day_logged": Subquery(logged, output_field=IntegerField()),
        "week_status": Subquery(status, output_field=CharField()),
    }


def _day_logged_and_week_status(person_id: int, day: date) -> tuple[int, str]:
    """(minutes the person has logged on `day`, `week_status(person_id, day)`) in one query."""
    row = (
        Person.objects.filter(pk=person_id)
        .annotate(**_day_logged_and_week_status_columns(OuterRef("pk"), day))
        .values_list("day_logged", "week_status")  # type: ignore[misc]
        .first()
    )
    logged_minutes, week = row if row is not None else (None, None)
    return int(logged_minutes or 0), week or TimesheetStatus.DRAFT


def ensure_week_open(person_id: int, day: date, *, status: str | None = None) -> None:
    if status is None:
        status = week_status(person_id, day)
    if status in LOCKED_WEEK:
        what = "approved" if status == TimesheetStatus.APPROVED else "submitted for approval"
        raise Conflict(
            f"The week of {week_start_of(day):%d %b %Y} is {what}, so its time is locked. "
            + (
                "Ask finance to reopen it to change it."
                if status == TimesheetStatus.APPROVED
                else "Ask your approver to reject it to change it."
            ),
            field="date",
        )


def ensure_entry_editable(entry: TimeEntry) -> None:
    if entry.invoiced or entry.invoice_line_id:
        invoice = entry.invoice_line.invoice if entry.invoice_line_id else None  # type: ignore[union-attr]
        label = str(invoice) if invoice else "an invoice"
        state = "invoiced on" if entry.invoiced else "on"
        raise Conflict(
            f"This entry is {state} {label}, so it cannot change. "
            + ("Correct the invoice with a credit note instead." if entry.invoiced else "Delete the draft first."),
            field="invoiced",
        )
    ensure_week_open(entry.person_id, entry.date)


def _day_total_errors(
    person_id: int, day: date, minutes: int, exclude_id: int | None, *, logged: int | None = None
) -> dict[str, str]:
    if logged is None:
        qs = TimeEntry.objects.filter(person_id=person_id, date=day)
        if exclude_id:
            qs = qs.exclude(pk=exclude_id)
        logged = qs.aggregate(m=Sum("minutes"))["m"] or 0
    if logged + minutes > MINUTES_PER_DAY:
        return {
            "minutes": f"That makes {(logged + minutes) / 60:.2f} h on {day:%d %b %Y}; a day has 24 hours "
            f"({logged} minutes are logged already)."
        }
    return {}


def _apply_rates(entry: TimeEntry, person: Person, project: Project) -> None:
    resolved = resolve_rates(person=person, project=project, on=entry.date)
    entry.bill_rate = resolved.bill_rate
    entry.cost_rate = resolved.cost_rate
    entry.bill_rate_source = resolved.bill_source
    entry.currency = project.currency


def _apply_amounts(entry: TimeEntry) -> None:
    entry.bill_amount = amount_for(entry.minutes, entry.bill_rate)
    entry.cost_amount = amount_for(entry.minutes, entry.cost_rate)


def _event_data(entry: TimeEntry) -> dict[str, Any]:
    # No rates or amounts: the event log is visible to every staff member.
    return {
        "person_id": entry.person_id,
        "project_id": entry.project_id,
        "task_id": entry.task_id,
        "date": entry.date,
        "minutes": entry.minutes,
        "billable": entry.billable,
    }


# --- Entries ------------------------------------------------------------------------------------------------------


@transaction.atomic
def time_entry_create(
    *,
    actor: Actor,
    project_id: int | None,
    date: date | None,
    minutes: Any,
    person_id: int | None = None,
    task_id: int | None = None,
    note: str = "",
    billable: bool | None = None,
    actor_read_now: bool = False,
) -> TimeEntry:
    """Log time. The bill and cost rates that apply on that date are resolved now and copied onto the entry.

    `actor_read_now`: the actor, with its membership and person, was read for this request (the API's token auth), so
    its own person is used as read instead of being read again. Callers holding an actor longer leave it off."""
    access.require(actor, "time_entry", "create")
    errors: dict[str, str] = {}
    # The day's total and the week's lock come with the first read that can carry them: the project read when the
    # person is the actor's own and was read with it for this request, else the person read.
    own = _actors_person(actor, person_id) if actor_read_now else None
    person = _person_checked(actor, own, errors) if own is not None else _person(actor, person_id, errors, day=date)
    day_of = (own.pk, date) if own is not None and date is not None else None
    project = _project(actor, project_id, errors, day_of=day_of)
    day_read: Any = project if day_of is not None else person
    task = _task(project, task_id, errors)
    mins = _minutes(minutes, errors)
    is_billable = _billable(project, billable, errors)
    if date is None:
        errors["date"] = "Enter the day the time was spent."
    if person is not None and project is not None:
        access.require(actor, "time_entry", "create", TimeEntry(person=person, project=project))
    week: str | None = None
    if person is not None and date is not None and mins is not None:
        if day_read is not None and hasattr(day_read, "week_status"):
            week = day_read.week_status or TimesheetStatus.DRAFT
            logged = int(day_read.day_logged or 0)
        else:  # the project was not found: its error stands, and so does the day's
            logged, week = _day_logged_and_week_status(person.pk, date)
        errors |= _day_total_errors(person.pk, date, mins, None, logged=logged)
    if errors or person is None or project is None or date is None:
        raise ValidationError(errors or {"body": "Incomplete entry."})
    entry = TimeEntry(
        workspace=actor.workspace,
        person=person,
        project=project,
        task=task,
        date=date,
        minutes=mins or 0,
        note=(note or "").strip(),
        billable=is_billable,
    )
    ensure_week_open(person.pk, date, status=week)
    _apply_rates(entry, person, project)
    _apply_amounts(entry)
    validate(entry, exclude=CHECKED_FIELDS, validate_constraints=False)
    entry.save()
    rollups.entry_added(entry)
    # Finance reacts in this transaction (`events.on_emit`): budget thresholds and unmanaged scope are checked.
    events.emit(actor, "time_entry.created", entry, data=_event_data(entry), client_id=project.client_id)
    return entry


@transaction.atomic
def time_entry_update(*, actor: Actor, entry: TimeEntry, version: int | None, **changes: Any) -> TimeEntry:
    """Change an entry. Its copied rates stay unless the person, project or date changes (then they are resolved
    again for the new day and project); the amounts follow the minutes."""
    entry = (
        TimeEntry.objects.select_for_update(of=("self",)).select_related("project", "project__client").get(pk=entry.pk)
    )
    access.require(actor, "time_entry", "update", entry)
    check_version(entry, version)
    before = rollups.snapshot(entry)
    unknown = set(changes) - set(ENTRY_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    ensure_entry_editable(entry)
    errors: dict[str, str] = {}
    person = entry.person
    project = entry.project
    if "person_id" in changes and changes["person_id"] != entry.person_id:
        person = _person(actor, changes["person_id"], errors) or person
    if "project_id" in changes and changes["project_id"] != entry.project_id:
        project = _project(actor, changes["project_id"], errors) or project
    if "task_id" in changes or "project_id" in changes:
        task_id = changes.get("task_id", entry.task_id if project.pk == entry.project_id else None)
        task = _task(project, task_id, errors)
        changes["task_id"] = task.pk if task else None
    if "minutes" in changes:
        changes["minutes"] = _minutes(changes["minutes"], errors)
    if "billable" in changes:
        changes["billable"] = _billable(project, changes["billable"], errors)
    elif project.pk != entry.project_id:
        changes["billable"] = _billable(project, None, errors)
    if "note" in changes:
        changes["note"] = (changes["note"] or "").strip()
    if changes.get("date", entry.date) is None:
        errors["date"] = "Enter the day the time was spent."
    if errors:
        raise ValidationError(errors)
    old_rates_key = (entry.person_id, entry.project_id, entry.date)
    changes["person_id"] = person.pk
    changes["project_id"] = project.pk
    changed = events.diff(entry, changes)
    if not changed:
        return entry
    access.require(actor, "time_entry", "update", TimeEntry(person=person, project=project))
    errors |= _day_total_errors(entry.person_id, entry.date, entry.minutes, entry.pk)
    if errors:
        raise ValidationError(errors)
    if "date" in changed or "person_id" in changed:
        ensure_week_open(entry.person_id, entry.date)
    entry.project = project
    entry.person = person
    if (entry.person_id, entry.project_id, entry.date) != old_rates_key:
        _apply_rates(entry, person, project)
    _apply_amounts(entry)
    validate(entry, exclude=CHECKED_FIELDS, validate_constraints=False)
    bump_version(entry)
    entry.save()
    rollups.entry_removed(before)
    rollups.entry_added(entry)
    events.emit(actor, "time_entry.updated", entry, data={"changes": changed}, client_id=project.client_id)
    return entry


@transaction.atomic
def time_entry_delete(*, actor: Actor, entry: TimeEntry) -> None:
    """Remove an entry that is on no invoice and in no locked week."""
    entry = TimeEntry.objects.select_for_update(of=("self",)).select_related("project").get(pk=entry.pk)
    access.require(actor, "time_entry", "delete", entry)
    ensure_entry_editable(entry)
    events.emit(actor, "time_entry.deleted", entry, data=_event_data(entry), client_id=entry.project.client_id)
    rollups.entry_removed(entry)
    entry.delete()


@transaction.atomic
def grid_cell_set(
    *,
    actor: Actor,
    person_id: int,
    project_id: int,
    task_id: int | None,
    day: date,
    minutes: int,
) -> TimeEntry | None:
    """The weekly grid: make the cell (person x project/task x day) hold `minutes` - create, change or remove its
    one entry. A cell with several entries is edited in the entry list instead (409)."""
    cell = list(
        TimeEntry.objects.select_for_update().filter(
            Q(task_id=task_id) if task_id else Q(task__isnull=True),
            workspace=actor.workspace,
            person_id=person_id,
            project_id=project_id,
            date=day,
        )
    )
    if len(cell) > 1:
        raise Conflict("This day has several entries for this row; change them in the entry list.", field="minutes")
    if not cell:
        if minutes <= 0:
            return None
        return time_entry_create(
            actor=actor, person_id=person_id, project_id=project_id, task_id=task_id, date=day, minutes=minutes
        )
    entry = cell[0]
    if minutes <= 0:
        time_entry_delete(actor=actor, entry=entry)
        return None
    return time_entry_update(actor=actor, entry=entry, version=entry.version, minutes=minutes)


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
        raise Conflict(f"The week of {monday:%d %b %Y} is already {timesheet.get_status_display().lower()}.")
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
