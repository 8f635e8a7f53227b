"""Reads for time: entries, timesheets, the weekly grid and the approval queue, through the acting membership.

Visibility: owner/admin/finance see every entry; a PM the entries on the projects it manages and its own; an AM the
entries on its clients' projects and its own; a member only its own; a client-role user none (403). Rates and
amounts are shown to owner/admin/finance/AM/PM only (members get null).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import IntegerField, Min, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.core.selectors import one_or_404, workspace_figures
from baton.delivery.models import Project, Task
from baton.delivery.selectors import visible_projects
from baton.people.models import Person
from baton.rates.selectors import own_or_money
from baton.timesheets.models import TimeEntry, Timer, Timesheet, TimesheetStatus
from baton.timesheets.services import LOCKED_WEEK, week_start_of


def entries_missing_rates(workspace_id: int, project_ids: list[int] | None) -> list[tuple[str, date]]:
    """(currency, first date) of the entries waiting for an exchange rate (registered with
    `rates.selectors.register_missing_rate_source` by timesheets' wiring)."""
    qs = TimeEntry.objects.filter(workspace_id=workspace_id).exclude(missing_rate_currency="")
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    rows = qs.order_by().values("missing_rate_currency").annotate(first=Min("date"))
    return [(row["missing_rate_currency"], row["first"]) for row in rows]


def can_see_amounts(actor: Actor) -> bool:
    """Rates and amounts of the entries the actor sees (members: never, not even their own)."""
    return access.allowed(actor, "time_entry", "view_amounts")


def plainly_visible(actor: Actor, entry: TimeEntry) -> bool:
    """Whether `visible_entries(actor)` includes `entry` by the rule alone, without a query: one's own entry, or any
    entry of the workspace for owner/admin/finance. False means "ask the database" (a PM's or AM's projects)."""
    if entry.workspace_id != actor.workspace.pk or not access.allowed(actor, "time_entry", "view"):
        return False
    return actor.role in access.ALL_MONEY or (actor.person_id is not None and entry.person_id == actor.person_id)


def visible_entries(actor: Actor) -> QuerySet[TimeEntry]:
    access.require(actor, "time_entry", "view")
    return TimeEntry.objects.filter(workspace=actor.workspace).filter(own_or_money(actor))


def minutes_by_day(*, actor: Actor, person_id: int, start: date, end: date) -> dict[date, int]:
    """A person's logged minutes per day over [start, end] (days without time are absent), of what the actor sees."""
    rows = (
        visible_entries(actor)
        .filter(person_id=person_id, date__range=(start, end))
        .values("date")
        .annotate(m=Sum("minutes"))
        .order_by()
        .values_list("date", "m")
    )
    return {d: int(m or 0) for d, m in rows}


def time_entry_list(
    *,
    actor: Actor,
    person_id: int | None = None,
    project_id: int | None = None,
    task_id: int | None = None,
    client_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    billable: bool | None = None,
    approved: bool | None = None,
    invoiced: bool | None = None,
) -> QuerySet[TimeEntry]:
    qs = visible_entries(actor).select_related("person", "project", "project__client", "task")
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if task_id is not None:
        qs = qs.filter(task_id=task_id)
    if client_id is not None:
        qs = qs.filter(project__client_id=client_id)
    if date_from is not None:
        qs = qs.filter(date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(date__lte=date_to)
    if billable is not None:
        qs = qs.filter(billable=billable)
    if approved is not None:
        qs = qs.filter(approved=approved)
    if invoiced is not None:
        qs = qs.filter(invoiced=invoiced)
    return qs.order_by("-date", "-id")


def time_entry_get(*, actor: Actor, entry_id: int) -> TimeEntry:
    if not access.allowed(actor, "time_entry", "view"):
        raise Http404("No such time entry.")  # a role that sees no time learns nothing about an id
    return one_or_404(time_entry_list(actor=actor).filter(pk=entry_id), "time entry")


def current_timer(*, actor: Actor) -> Timer | None:
    access.require(actor, "timer", "use")
    return (
        Timer.objects.filter(workspace=actor.workspace, person_id=actor.person_id or 0)
        .select_related("project", "project__client", "task")
        .first()
    )


def timesheet_list(
    *,
    actor: Actor,
    person_id: int | None = None,
    status: str | None = None,
    week_start: date | None = None,
) -> QuerySet[Timesheet]:
    """Weeks the actor may see: all for owner/admin/finance; a PM its own and those with time on its projects;
    everyone else its own."""
    access.require(actor, "timesheet", "view")
    qs = Timesheet.objects.filter(workspace=actor.workspace).select_related("person", "decided_by")
    mine = Q(person_id=actor.person_id or 0)
    if actor.role == access.PM:
        people_weeks = (
            TimeEntry.objects.filter(workspace=actor.workspace, project__project_manager_id=actor.person_id or 0)
            .values_list("person_id", flat=True)
            .distinct()
        )
        qs = qs.filter(mine | Q(person_id__in=people_weeks))
    elif actor.role not in access.ALL_MONEY:
        qs = qs.filter(mine)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if status:
        qs = qs.filter(status=status)
    if week_start is not None:
        qs = qs.filter(week_start=week_start_of(week_start))
    return qs.order_by("-week_start", "person__name", "id")


def timesheet_get(*, actor: Actor, timesheet_id: int) -> Timesheet:
    if not access.allowed(actor, "timesheet", "view"):
        raise Http404("No such timesheet.")
    return one_or_404(timesheet_list(actor=actor).filter(pk=timesheet_id), "timesheet")


def week_totals(timesheets: list[Timesheet]) -> dict[int, dict[str, int]]:
    """Minutes and billable minutes of each timesheet's week (one query). One branch per week, not per timesheet: a
    hundred per-person branches made PostgreSQL give up the (workspace, person, date) index (4.3 s at agency-L)."""
    if not timesheets:
        return {}
    people_by_week: dict[date, set[int]] = {}
    for ts in timesheets:
        people_by_week.setdefault(ts.week_start, set()).add(ts.person_id)
    q = Q()
    for monday, people in people_by_week.items():
        q |= Q(person_id__in=sorted(people), date__range=(monday, monday + timedelta(days=6)))
    rows = TimeEntry.objects.filter(q, workspace_id__in=sorted({ts.workspace_id for ts in timesheets})).values(
        "person_id", "date", "minutes", "billable"
    )
    out = {ts.pk: {"minutes": 0, "billable_minutes": 0} for ts in timesheets}
    index = {(ts.person_id, ts.week_start): ts.pk for ts in timesheets}
    for row in rows:
        key = index.get((row["person_id"], week_start_of(row["date"])))
        if key is None:
            continue
        out[key]["minutes"] += row["minutes"]
        if row["billable"]:
            out[key]["billable_minutes"] += row["minutes"]
    return out


def approval_queue(*, actor: Actor) -> list[Timesheet]:
    """Submitted weeks the actor may decide (never its own unless owner/admin), with their totals."""
    if not access.allowed(actor, "timesheet", "approve"):
        return []
    qs = timesheet_list(actor=actor, status=TimesheetStatus.SUBMITTED)
    if not actor.is_leader:
        qs = qs.exclude(person_id=actor.person_id or 0)
    sheets = list(qs.order_by("week_start", "person__name"))
    if actor.role == access.PM:
        mine = set(
            TimeEntry.objects.filter(
                workspace=actor.workspace,
                project__project_manager_id=actor.person_id or 0,
                person_id__in=[s.person_id for s in sheets],
            ).values_list("person_id", "date")
        )
        allowed = {(p, week_start_of(d)) for p, d in mine}
        sheets = [s for s in sheets if (s.person_id, s.week_start) in allowed]
    totals = week_totals(sheets)
    for sheet in sheets:
        sheet.minutes = totals[sheet.pk]["minutes"]  # type: ignore[attr-defined]
        sheet.billable_minutes = totals[sheet.pk]["billable_minutes"]  # type: ignore[attr-defined]
    return sheets


# --- The weekly grid ----------------------------------------------------------------------------------------------


@dataclass
class GridCell:
    day: date
    minutes: int = 0
    entry_id: int | None = None
    count: int = 0
    locked_reason: str = ""

    @property
    def editable(self) -> bool:
        return self.count <= 1 and not self.locked_reason


@dataclass
class GridRow:
    project: Project
    task: Task | None
    cells: list[GridCell]

    @property
    def key(self) -> str:
        return f"{self.project.pk}-{self.task.pk if self.task else 0}"

    @property
    def total(self) -> int:
        return sum(c.minutes for c in self.cells)


@dataclass
class Grid:
    person: Person
    week_start: date
    days: list[date]
    rows: list[GridRow]
    status: str
    timesheet: Timesheet | None
    day_totals: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.day_totals)

    @property
    def status_label(self) -> str:
        return str(TimesheetStatus(self.status).label)

    @property
    def locked(self) -> bool:
        return self.status in LOCKED_WEEK

    @property
    def prev_week(self) -> date:
        return self.week_start - timedelta(days=7)

    @property
    def next_week(self) -> date:
        return self.week_start + timedelta(days=7)


def _row_key(project_id: int, task_id: int | None) -> tuple[int, int]:
    return project_id, task_id or 0


def _offered_rows(
    actor: Actor,
    person: Person,
    monday: date,
    rows: dict[tuple[int, int], GridRow],
    extra_rows: list[tuple[int, int | None]] | None,
) -> list[tuple[Project, Task | None]]:
    """The empty rows to offer besides `rows`: `extra_rows`, then last week's rows, each while its project is
    visible, open and not archived (and its task is the project's)."""
    offered: list[tuple[Project, Task | None]] = []
    wanted = list(extra_rows or [])
    previous = (
        TimeEntry.objects.filter(
            workspace=actor.workspace,
            person_id=person.pk,
            date__range=(monday - timedelta(days=7), monday - timedelta(days=1)),
        )
        .values_list("project_id", "task_id")
        .distinct()
    )
    wanted += [(p, t) for p, t in previous]
    missing = [(p, t) for p, t in wanted if _row_key(p, t) not in rows]
    if missing:
        projects = {
            p.pk: p
            for p in visible_projects(actor)
            .filter(pk__in={p for p, _ in missing}, archived_at__isnull=True)
            .exclude(status="cancelled")
            .select_related("client")
        }
        tasks = {t.pk: t for t in Task.objects.filter(pk__in={t for _, t in missing if t})}
        for project_id, task_id in missing:
            project = projects.get(project_id)
            task = tasks.get(task_id) if task_id else None
            if project is not None and (task_id is None or (task is not None and task.project_id == project.pk)):
                offered.append((project, task))
    return offered


def week_grid(
    *, actor: Actor, person: Person, week_start: date, extra_rows: list[tuple[int, int | None]] | None = None
) -> Grid:
    """The person's week as rows of project/task x 7 days, with last week's rows offered empty. A fixed number
    of queries however many rows."""
    access.require(actor, "time_entry", "view")
    monday = week_start_of(week_start)
    days = [monday + timedelta(days=i) for i in range(7)]
    entries = list(
        visible_entries(actor)
        .filter(person_id=person.pk, date__range=(days[0], days[-1]))
        .select_related("project", "project__client", "task", "invoice_line__invoice")
        .order_by("project__client__name", "project__name", "task__title", "date", "id")
    )
    timesheet = Timesheet.objects.filter(person_id=person.pk, week_start=monday).first()
    status = timesheet.status if timesheet else TimesheetStatus.DRAFT
    week_lock = ""
    if status in LOCKED_WEEK:
        week_lock = "approved" if status == TimesheetStatus.APPROVED else "submitted"
    rows: dict[tuple[int, int], GridRow] = {}

    def row_for(project: Project, task: Task | None) -> GridRow:
        key = _row_key(project.pk, task.pk if task else None)
        if key not in rows:
            rows[key] = GridRow(
                project=project, task=task, cells=[GridCell(day=d, locked_reason=week_lock) for d in days]
            )
        return rows[key]

    for entry in entries:
        row = row_for(entry.project, entry.task)
        cell = row.cells[(entry.date - monday).days]
        cell.minutes += entry.minutes
        cell.count += 1
        cell.entry_id = entry.pk if cell.count == 1 else None
        if entry.invoiced or entry.invoice_line_id:
            cell.locked_reason = cell.locked_reason or "invoiced"
    for project, task in _offered_rows(actor, person, monday, rows, extra_rows):
        row_for(project, task)
    ordered = sorted(
        rows.values(),
        key=lambda r: (r.project.client.name.lower(), r.project.name.lower(), (r.task.title.lower() if r.task else "")),
    )
    day_totals = [sum(r.cells[i].minutes for r in ordered) for i in range(7)]
    return Grid(
        person=person,
        week_start=monday,
        days=days,
        rows=ordered,
        status=status,
        timesheet=timesheet,
        day_totals=day_totals,
    )


def my_week_figures(actor: Actor, today: date | None = None) -> dict[str, Any]:
    """The actor's week for its home page as scalar subqueries, for `core.selectors.workspace_figures`: its minutes
    and billable minutes this week, its weekly capacity and its timesheet's status. {} without a person."""
    if not actor.person_id:
        return {}
    monday = week_start_of(today or timezone.localdate())
    week = TimeEntry.objects.filter(
        workspace=actor.workspace, person_id=actor.person_id, date__range=(monday, monday + timedelta(days=6))
    ).order_by()

    def total(entries: QuerySet[TimeEntry]) -> Subquery:
        return Subquery(
            entries.values("person_id").annotate(s=Sum("minutes")).values("s")[:1], output_field=IntegerField()
        )

    return {
        "week_minutes": total(week),
        "week_billable": total(week.filter(billable=True)),
        "week_capacity": Subquery(
            Person.objects.filter(pk=actor.person_id).values("weekly_capacity_minutes")[:1],
            output_field=IntegerField(),
        ),
        "week_status": Subquery(
            Timesheet.objects.filter(person_id=actor.person_id, week_start=monday).values("status")[:1]
        ),
    }


def my_week(*, actor: Actor, today: date | None = None, figures: dict[str, Any] | None = None) -> dict[str, Any]:
    """The actor's hours this week (for its home page), in one query; none when the caller passes `figures`
    (`my_week_figures(actor, today)` already evaluated, with other blocks')."""
    today = today or timezone.localdate()
    monday = week_start_of(today)
    if not actor.person_id:
        return {}
    if figures is None or "week_minutes" not in figures:
        figures = workspace_figures(actor.workspace, my_week_figures(actor, today))
    row = figures
    totals = {"total_minutes": row.get("week_minutes"), "total_billable": row.get("week_billable")}
    status = row.get("week_status") or TimesheetStatus.DRAFT
    return {
        "week_start": monday,
        "minutes": totals["total_minutes"] or 0,
        "billable_minutes": totals["total_billable"] or 0,
        "capacity_minutes": row.get("week_capacity") or 0,
        "status": status,
        "status_label": TimesheetStatus(status).label,
    }
