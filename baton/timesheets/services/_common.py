"""Shared by the time services: the week lock, the entry checks (project, task, person, minutes, billable, the
day's total) and the rates copied onto an entry."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import CharField, IntegerField, OuterRef, Subquery, Sum

from baton.core import access, formats
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Membership
from baton.core.validators import whole_minutes
from baton.delivery.models import Billing, Project, ProjectStatus, Task
from baton.delivery.selectors import visible_projects
from baton.people.models import Person
from baton.rates.resolution import ZERO, amount_for, base_rate_on, converted, resolve_rates
from baton.timesheets.models import MINUTES_PER_DAY, TimeEntry, Timesheet, TimesheetStatus

MISSING = object()
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
        projects = projects.annotate(**_day_logged_and_week_status_columns(actor.workspace.pk, *day_of))
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
        people = people.annotate(**_day_logged_and_week_status_columns(actor.workspace.pk, OuterRef("pk"), day))
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


def _day_logged_and_week_status_columns(workspace_id: int, person_id: Any, day: date) -> dict[str, Subquery]:
    """Annotations for the person or project read of logging time: the minutes the person has logged on `day` (null:
    none) and the status of `day`'s week (null: no timesheet, a draft week). The day's entries are found by workspace,
    person and day: the `time_ws_person_date` index (by person and day alone, PostgreSQL scanned the person's whole
    history through the person's foreign-key index)."""
    logged = (
        TimeEntry.objects.filter(workspace_id=workspace_id, person_id=person_id, date=day)
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


def _day_logged_and_week_status(workspace_id: int, person_id: int, day: date) -> tuple[int, str]:
    """(minutes the person has logged on `day`, `week_status(person_id, day)`) in one query."""
    row = (
        Person.objects.filter(pk=person_id)
        .annotate(**_day_logged_and_week_status_columns(workspace_id, OuterRef("pk"), day))
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
            f"The week of {formats.day(week_start_of(day))} is {what}, so its time is locked. "
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
    workspace_id: int, person_id: int, day: date, minutes: int, exclude_id: int | None, *, logged: int | None = None
) -> dict[str, str]:
    if logged is None:
        qs = TimeEntry.objects.filter(workspace_id=workspace_id, person_id=person_id, date=day)
        if exclude_id:
            qs = qs.exclude(pk=exclude_id)
        logged = qs.aggregate(m=Sum("minutes"))["m"] or 0
    if logged + minutes > MINUTES_PER_DAY:
        return {
            "minutes": f"That makes {formats.duration(logged + minutes)} on {formats.day(day)}; a day has 24 hours "
            f"({formats.duration(logged)} logged already)."
        }
    return {}


def _apply_rates(entry: TimeEntry, person: Person, project: Project) -> None:
    """Copy the rates that apply on the entry's day: the bill rate in the project's currency (converted from the rate
    card's currency when it had to be, with the source rate, currency and factor kept), the cost rate in the base
    currency, and the project currency's base rate for the base amount (`_apply_amounts`)."""
    resolved = resolve_rates(person=person, project=project, on=entry.date)
    entry.bill_rate = resolved.bill_rate
    entry.cost_rate = resolved.cost_rate
    entry.bill_rate_source = resolved.bill_source
    entry.currency = project.currency
    entry.source_rate = resolved.source_rate
    entry.source_currency = resolved.source_currency
    entry.exchange_rate = resolved.exchange_rate
    entry.missing_rate_currency = resolved.missing_rate_currency
    entry._base_rate = resolved.base_rate  # type: ignore[attr-defined]


def _apply_amounts(entry: TimeEntry) -> None:
    """The amounts from the copied rates (minutes / 60 x rate, cents half up), and the bill amount in the base
    currency at the rate in force on the entry's day (0.00, and the entry marked, while a rate is missing)."""
    entry.bill_amount = amount_for(entry.minutes, entry.bill_rate)
    entry.cost_amount = amount_for(entry.minutes, entry.cost_rate)
    base_rate = entry.__dict__.pop("_base_rate", MISSING)
    if entry.exchange_rate is None:  # the bill rate itself waits for a rate (`missing_rate_currency` names it)
        entry.bill_amount_base = ZERO
        return
    if base_rate is MISSING:  # the rates were not resolved just now (only the minutes changed)
        base_rate = base_rate_on(workspace_id=entry.workspace_id, currency=entry.currency, on=entry.date)
    if base_rate is None:
        entry.bill_amount_base = ZERO
        entry.missing_rate_currency = entry.currency
    else:
        entry.bill_amount_base = converted(entry.bill_amount, base_rate)
        entry.missing_rate_currency = ""


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
