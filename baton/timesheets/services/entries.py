"""Time entries: log, change, delete, and the weekly grid's cell."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.locks import hold_until_commit
from baton.core.services import bump_version, check_version, validate
from baton.delivery.models import Project
from baton.people.models import Person
from baton.rates.resolution import Fx, price
from baton.timesheets import rollups
from baton.timesheets.models import TimeEntry, TimesheetStatus
from baton.timesheets.services._common import (
    CHECKED_FIELDS,
    _actors_person,
    _apply_amounts,
    _apply_rates,
    _billable,
    _day_logged_and_week_status,
    _day_total_errors,
    _event_data,
    _minutes,
    _person,
    _person_checked,
    _project,
    _task,
    ensure_entry_editable,
    ensure_week_open,
    week_start_of,
)

ENTRY_FIELDS = ("person_id", "project_id", "task_id", "date", "minutes", "note", "billable")
# The lock on (person, day) that logging and changing time hold while they check the day's 24 hours.
DAY_LOCK = "timesheets.day"
# SQLite's re-check of a new entry's day under the write lock (`_recheck_day`): the day's minutes, the week's status.
DAY_RECHECK_SQL = (
    "SELECT (SELECT COALESCE(SUM(minutes), 0) FROM timesheets_timeentry"
    " WHERE workspace_id = %s AND person_id = %s AND date = %s),"
    " (SELECT status FROM timesheets_timesheet WHERE person_id = %s AND week_start = %s)"
)
REPRICED_FIELDS = ("bill_rate", "exchange_rate", "bill_amount", "bill_amount_base", "missing_rate_currency")


# --- Entries ------------------------------------------------------------------------------------------------------


# The tuned hot path of logging time (BENCHMARKS.md, "Time-entry create path"; its statements are counted by
# tests/test_create_queries.py). What is tuned, and why:
# - one read carries the project, its client and scope baseline, the person's minutes that day and the week's lock
#   (by workspace, person and day: the `time_ws_person_date` index); the API's actor comes with its own person;
# - PostgreSQL: the (person, day) advisory lock is taken first, then everything runs in one transaction;
# - SQLite (one writer at a time; `transaction_mode` IMMEDIATE takes the write lock at BEGIN): the checks read first,
#   outside the transaction, and only the writes hold the write lock — which re-reads the day's total and the week's
#   lock in one raw statement before writing, so two creates racing for one day still cannot pass 24 hours.
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
    fields = {
        "project_id": project_id,
        "date": date,
        "minutes": minutes,
        "person_id": person_id,
        "task_id": task_id,
        "note": note,
        "billable": billable,
        "actor_read_now": actor_read_now,
    }
    connection = transaction.get_connection()
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        entry = _checked_entry(actor, **fields)
        with transaction.atomic():  # BEGIN IMMEDIATE: the write lock, from here to the commit
            _recheck_day(entry, minutes=entry.minutes)
            return _written_entry(actor, entry)
    with transaction.atomic():
        if date is not None:
            # Before the day's total is read: concurrent entries for one person and day queue here (the 24-hour cap).
            hold_until_commit(DAY_LOCK, person_id if person_id is not None else actor.person_id, date)
        entry = _checked_entry(actor, **fields)
        return _written_entry(actor, entry)


# Complexity: one pass over the checks, reads folded together (see above).
def _checked_entry(
    actor: Actor,
    *,
    project_id: int | None,
    date: date | None,
    minutes: Any,
    person_id: int | None,
    task_id: int | None,
    note: str,
    billable: bool | None,
    actor_read_now: bool,
) -> TimeEntry:
    """The entry to log: checked (the week's lock included) and priced, not saved."""
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
            logged, week = _day_logged_and_week_status(actor.workspace.pk, person.pk, date)
        errors |= _day_total_errors(actor.workspace.pk, person.pk, date, mins, None, logged=logged)
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
    return entry


def _recheck_day(entry: TimeEntry, *, minutes: int) -> None:
    """SQLite, under the write lock: the day's total and the week's lock again, as another writer may have changed
    them since the checks read them (one raw statement: the ORM would spend longer writing it than SQLite running it,
    and the lock is held meanwhile)."""
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            DAY_RECHECK_SQL,
            [
                entry.workspace_id,
                entry.person_id,
                entry.date.isoformat(),
                entry.person_id,
                week_start_of(entry.date).isoformat(),
            ],
        )
        logged, week = cursor.fetchone()
    errors = _day_total_errors(entry.workspace_id, entry.person_id, entry.date, minutes, None, logged=int(logged))
    if errors:
        raise ValidationError(errors)
    ensure_week_open(entry.person_id, entry.date, status=week or TimesheetStatus.DRAFT)


def _written_entry(actor: Actor, entry: TimeEntry) -> TimeEntry:
    entry.save()
    rollups.entry_added(entry)
    # Finance reacts in this transaction (`events.on_emit`): budget thresholds and unmanaged scope are checked.
    events.emit(actor, "time_entry.created", entry, data=_event_data(entry), client_id=entry.project.client_id)
    return entry


def _clean_changes(
    actor: Actor, entry: TimeEntry, changes: dict[str, Any], errors: dict[str, str]
) -> tuple[Person, Project]:
    """Check and normalise an entry's `changes` in place (the task follows a new project; so does billable, unless
    given); returns the person and project the entry will have."""
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
    return person, project


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
    person, project = _clean_changes(actor, entry, changes, errors)
    if errors:
        raise ValidationError(errors)
    old_rates_key = (entry.person_id, entry.project_id, entry.date)
    changes["person_id"] = person.pk
    changes["project_id"] = project.pk
    changed = events.diff(entry, changes)
    if not changed:
        return entry
    access.require(actor, "time_entry", "update", TimeEntry(person=person, project=project))
    hold_until_commit(DAY_LOCK, entry.person_id, entry.date)  # the day the entry lands on: its total is read next
    errors |= _day_total_errors(entry.workspace_id, entry.person_id, entry.date, entry.minutes, entry.pk)
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
def time_entries_reprice(*, actor: Actor, currency: str, since: date) -> int:
    """Price the entries that waited for an exchange rate for `currency` from `since` on (MONEY.md §2): an un-invoiced
    entry's bill rate is converted again from its recorded source rate, and its amounts and base amount follow; an
    invoiced one keeps its bill figures and gets only its base amount. The rollup follows in this transaction; each
    repriced entry is a `time_entry.repriced` event. Returns how many changed. Called when an exchange rate is added
    (timesheets' wiring) by the actor who added it."""
    fx = Fx.load(actor.workspace.pk)
    entries = (
        TimeEntry.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(workspace=actor.workspace, missing_rate_currency=currency, date__gte=since)
        .order_by("pk")
    )
    count = 0
    for entry in entries:
        locked = entry.invoiced or entry.invoice_line_id is not None
        if locked and entry.exchange_rate is None:
            continue  # its bill figures are on an invoice: they stay as they were drawn
        before = rollups.snapshot(entry)
        was = {f: getattr(entry, f) for f in REPRICED_FIELDS}
        if entry.exchange_rate is None:
            priced = price(
                fx,
                source_rate=entry.source_rate,
                source_currency=entry.source_currency or entry.currency,
                currency=entry.currency,
                on=entry.date,
            )
            entry.bill_rate = priced.bill_rate
            entry.exchange_rate = priced.exchange_rate
            entry.missing_rate_currency = priced.missing_rate_currency
            entry._base_rate = priced.base_rate  # type: ignore[attr-defined]
        else:
            entry._base_rate = fx.rate(entry.currency, entry.date)  # type: ignore[attr-defined]
        _apply_amounts(entry)
        changed = {f: [str(was[f]), str(getattr(entry, f))] for f in REPRICED_FIELDS if was[f] != getattr(entry, f)}
        if not changed:
            continue
        bump_version(entry)
        entry.save()
        rollups.entry_removed(before)
        rollups.entry_added(entry)
        # The fields' names only: the event log is visible to every staff member, amounts are not.
        events.emit(
            actor,
            "time_entry.repriced",
            entry,
            data={"changes": sorted(changed), "currency": currency, "date": entry.date},
            client_id=entry.project.client_id,
        )
        count += 1
    return count


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
