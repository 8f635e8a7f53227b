"""The demo's past: the engagements each established client had in the last year, and every record dated when it
happened.

The services write what they create dated today (created_at, completed_at, status history, events). A demo loaded
today would then say that milestones finished in August were reached today and that every client became one today.
So, as `_money_history` does for the money rules:
- `past_projects`: each established client (not the newest, which is still onboarding) had one or two engagements
  in the year before the current work, spread from about a year ago to four months ago, so the margin, revenue and
  utilization trends have twelve months of history (finance's demo logs their time). They are created from the
  templates through the services; their tasks, all done, are finished in bulk (like the other bulk paths of the
  demo), their milestones and status through the services.
- `date_as_it_happened`: every project, task and milestone, its status history and its events dated as it happened
  (a project was set up ten days before its start, a task or milestone finished on its due date, or the day before
  today when it was due later), so the activity feeds, the timeline and the client reports tell the real order.
- `date_clients`: each client became one three weeks before its first project (or its onboarding, whichever came
  first); its contacts and its events with it.
No random draws: the positions come from the client's place in the list, so the rest of the demo keeps its data.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Min
from django.utils import timezone

from baton.automation.models import Notification
from baton.core.access import Actor
from baton.core.models import Event
from baton.crm.models import Client, Contact
from baton.delivery import services
from baton.delivery.models import (
    Billing,
    Milestone,
    MilestoneStatus,
    Project,
    ProjectStatus,
    ProjectStatusChange,
    ProjectTemplate,
    Task,
    TaskStatus,
)
from baton.people.models import Person

FIRST_DAY_BACK = 368  # the earliest past engagement starts about a year ago
LAST_DAY_BACK = 110  # and the latest in late summer, finished as the current work began
SET_UP_DAYS = 10  # a project is set up this many days before it starts
CLIENT_LEAD_DAYS = 21  # a client signs this many days before its first project


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def past_projects(
    actor: Actor, clients: list[Client], templates: list[ProjectTemplate], pms: list[Person], today: date
) -> list[Project]:
    """One or two finished engagements for each established client, the oldest first, over the past year."""
    established = [c for c in clients if c.status in ("active", "paused")][1:]  # the first is the newest account
    plans = [(client, 0) for client in established] + [(c, 1) for i, c in enumerate(established) if i % 2 == 0]
    if not plans:
        return []
    step = (FIRST_DAY_BACK - LAST_DAY_BACK) / max(1, len(plans) - 1)
    made = []
    for n, (client, round_) in enumerate(sorted(plans, key=lambda p: (p[1], clients.index(p[0])))):
        template = templates[(clients.index(client) + round_) % len(templates)]
        start = today - timedelta(days=FIRST_DAY_BACK - round(n * step))
        start -= timedelta(days=start.weekday())  # engagements start on a Monday
        pm = pms[n % len(pms)] if pms else None
        project = services.project_create_from_template(
            actor=actor,
            template=template,
            client_id=client.pk,
            name=f"{client.name.split()[0]} {template.name.lower()} {start:%b %Y}",
            start_date=start,
            project_manager_id=pm.pk if pm else None,
            budget_amount=_budget(template),
        )
        project = services.project_change_status(actor=actor, project=project, status=ProjectStatus.ACTIVE)
        # Long finished: every task done by its due date (in bulk: the past, not today's work), then the milestones
        # reached and the project closed through the services.
        Task.objects.filter(project=project).update(status=TaskStatus.DONE)
        for milestone in project.milestones.all():
            services.milestone_complete(actor=actor, milestone=milestone)
        made.append(services.project_change_status(actor=actor, project=project, status=ProjectStatus.DONE))
    return made


def _budget(template: ProjectTemplate) -> Any:
    """The template's milestone fees when it has them (a fixed fee), else its estimate at 150 an hour."""
    fees = sum((m.amount or 0) for m in template.milestones.all())
    if fees:
        return fees
    minutes = sum(t.estimate_minutes for t in template.tasks.all())
    return round(minutes / 60 * 150 / 500) * 500


def _finished_on(due: date | None, fallback: date, today: date) -> date:
    """Work is finished on its due date; what was due after yesterday was finished yesterday."""
    return min(due or fallback, today - timedelta(days=1))


# Complexity: one pass per kind of record (projects, their status history, tasks, milestones, their events).
def date_as_it_happened(workspace_id: int, today: date) -> None:
    """Date every project, task and milestone of the workspace, their status history and their events, as it
    happened (see the module's docstring)."""
    projects = list(Project.objects.filter(workspace_id=workspace_id, start_date__isnull=False))
    set_up: dict[int, datetime] = {}
    for project in projects:
        assert project.start_date is not None
        day = min(project.start_date - timedelta(days=SET_UP_DAYS), today - timedelta(days=1))
        set_up[project.pk] = at(day, 9)
        project.created_at = set_up[project.pk]
    Project.objects.bulk_update(projects, ["created_at"])
    # The status history: planned when set up, active from the start, done the day after the end (or yesterday), on
    # hold since the day work stopped; cancelled retainers are dated by `_money_history` already.
    by_pk = {p.pk: p for p in projects}
    rows = list(ProjectStatusChange.objects.filter(project_id__in=by_pk, on=today))
    for row in rows:
        project = by_pk[row.project_id]
        assert project.start_date is not None
        if row.status == ProjectStatus.PLANNED:
            row.on = timezone.localdate(set_up[project.pk])
        elif row.status == ProjectStatus.ACTIVE:
            row.on = min(project.start_date, today)
        elif row.status == ProjectStatus.DONE:
            row.on = min((project.end_date or today) + timedelta(days=1), today)
        elif row.status == ProjectStatus.ON_HOLD:
            row.on = min(project.start_date + timedelta(days=13), today)
        row.recorded_at = at(row.on, 9)
    ProjectStatusChange.objects.bulk_update(rows, ["on", "recorded_at"])
    changed_on = {(r.project_id, r.status): r.on for r in rows}

    tasks = list(Task.objects.filter(project_id__in=by_pk))
    task_day: dict[int, date] = {}
    for task in tasks:
        task.created_at = set_up[task.project_id]  # with the project; a retainer's requests a week before they start
        if task.start_date is not None and by_pk[task.project_id].billing == Billing.RETAINER:
            later = at(min(task.start_date - timedelta(days=7), today - timedelta(days=1)), 9)
            task.created_at = max(task.created_at, later)
        if task.status == TaskStatus.DONE:
            finished = _finished_on(task.due_date, today, today)
            task.completed_at = at(finished, 16)
            task_day[task.pk] = finished
    Task.objects.bulk_update(tasks, ["created_at", "completed_at"], batch_size=500)
    milestones = list(Milestone.objects.filter(project_id__in=by_pk))
    for milestone in milestones:
        milestone.created_at = set_up[milestone.project_id]
        if milestone.status == MilestoneStatus.DONE:
            milestone.completed_at = at(_finished_on(milestone.due_date, today, today), 17)
    Milestone.objects.bulk_update(milestones, ["created_at", "completed_at"], batch_size=500)
    _date_events(workspace_id, by_pk, set_up, changed_on, {t.pk: t for t in tasks}, task_day, milestones)


def _date_events(
    workspace_id: int,
    projects: dict[int, Project],
    set_up: dict[int, datetime],
    changed_on: dict[tuple[int, str], date],
    tasks: dict[int, Task],
    task_day: dict[int, date],
    milestones: list[Milestone],
) -> None:
    """Each event of these records on the day its change happened (the set-up day for what setting up wrote)."""
    reached = {m.pk: m.completed_at for m in milestones if m.completed_at}
    made = {m.pk: set_up[m.project_id] for m in milestones}
    events = list(
        Event.objects.filter(workspace_id=workspace_id, target_type__in=["project", "task", "milestone"]).only(
            "id", "verb", "target_type", "target_id", "data", "occurred_at"
        )
    )
    for event in events:
        when = _event_moment(event, projects, set_up, changed_on, tasks, task_day, made, reached)
        if when is not None:
            event.occurred_at = when
    Event.objects.bulk_update(events, ["occurred_at"], batch_size=1000)
    applied = list(Event.objects.filter(workspace_id=workspace_id, verb="project_template.applied"))
    for event in applied:
        pk = (event.data or {}).get("project_id")
        if pk in set_up:
            event.occurred_at = set_up[pk]
    Event.objects.bulk_update(applied, ["occurred_at"])


# Complexity: one answer per kind of record (project, milestone, task) and per kind of change to it.
def _event_moment(
    event: Event,
    projects: dict[int, Project],
    set_up: dict[int, datetime],
    changed_on: dict[tuple[int, str], date],
    tasks: dict[int, Task],
    task_day: dict[int, date],
    made: dict[int, datetime],
    reached: dict[int, datetime],
) -> datetime | None:
    data = event.data or {}
    if event.target_type == "project" and event.target_id in set_up:
        if event.verb == "project.status_changed" and (event.target_id, data.get("to")) in changed_on:
            return at(changed_on[(event.target_id, data["to"])], 9)
        return set_up[event.target_id] if event.verb in ("project.created", "project.updated") else None
    if event.target_type == "milestone" and event.target_id in made:
        if event.verb == "milestone.completed" or data.get("changes", {}).get("status", [None, None])[1] == "done":
            return reached.get(event.target_id)
        return made[event.target_id] if event.verb == "milestone.created" else None
    task = tasks.get(event.target_id) if event.target_type == "task" else None
    if task is None:
        return None
    if event.verb in ("task.created", "task.assigned"):
        return task.created_at
    if event.verb == "task.status_changed":
        started = task.start_date or task_day.get(task.pk)
        if data.get("to") == TaskStatus.DONE and task.pk in task_day:
            return at(task_day[task.pk], 16)
        if data.get("to") == TaskStatus.IN_REVIEW and task.pk in task_day:
            return at(task_day[task.pk] - timedelta(days=1), 15)
        if started is not None and started < timezone.localdate():
            return at(started, 10)
    return None


def date_clients(workspace_id: int, today: date) -> None:
    """Each client became one three weeks before its first project or its onboarding, whichever came first; a
    prospect was entered a few weeks ago. Its contacts and its events with it."""
    first = dict(
        Project.objects.filter(workspace_id=workspace_id, start_date__isnull=False)
        .values("client_id")
        .annotate(first=Min("start_date"))
        .values_list("client_id", "first")
    )
    clients = list(Client.objects.filter(workspace_id=workspace_id).prefetch_related("protocol"))
    for index, client in enumerate(clients):
        starts = [first[client.pk]] if client.pk in first else []
        onboarding = getattr(getattr(client, "protocol", None), "onboarding_started_on", None)
        if onboarding:
            starts.append(onboarding)
        day = min(starts) - timedelta(days=CLIENT_LEAD_DAYS) if starts else today - timedelta(days=20 + index)
        client.created_at = at(min(day, today - timedelta(days=1)), 11)
    Client.objects.bulk_update(clients, ["created_at"])
    since = {c.pk: c.created_at for c in clients}
    contacts = list(Contact.objects.filter(client_id__in=since))
    for contact in contacts:
        contact.created_at = since[contact.client_id]
    Contact.objects.bulk_update(contacts, ["created_at"])
    for event in Event.objects.filter(workspace_id=workspace_id, verb__in=["client.created", "contact.created"]):
        pk = event.target_id if event.verb == "client.created" else (event.client_id or 0)
        if pk in since:
            Event.objects.filter(pk=event.pk).update(occurred_at=since[pk])


def date_notifications(workspace_id: int, today: date) -> int:
    """The worker raised the demo's notifications now, about events dated as they happened: each takes its event's
    moment, and what is older than a week was read the day after (nobody leaves a month of notifications unread).
    Runs after the demo's transaction commits (when the notifications exist); returns how many it dated."""
    rows = list(
        Notification.objects.filter(workspace_id=workspace_id, event__isnull=False)
        .select_related("event")
        .only("id", "created_at", "read_at", "event__occurred_at")
    )
    week_ago = at(today - timedelta(days=7), 0)
    for row in rows:
        assert row.event is not None
        row.created_at = min(row.created_at, row.event.occurred_at)
        if row.created_at < week_ago and row.read_at is None:
            row.read_at = row.created_at + timedelta(days=1)
    Notification.objects.bulk_update(rows, ["created_at", "read_at"], batch_size=1000)
    return len(rows)
