"""Team member: what is my day, and what time is missing?

Its own day before anything of the agency's: the tasks due today or overdue (delivery's `my_tasks`), its timer
(timesheets' `current_timer`, started and stopped from the home), and this week's time by day against its capacity
(resourcing's `time_gaps`: working hours less time off and holidays, as the schedule counts them) with the days
under capacity up to today; and the handoffs waiting on it (handoffs' inbox)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from baton.core.access import Actor
from baton.core.selectors import event_list
from baton.delivery.models import Task
from baton.delivery.selectors import my_tasks, project_choices
from baton.handoffs.selectors import inbox_counts
from baton.home.roles.feed import fold_events, iso
from baton.resourcing.selectors import time_gaps
from baton.timesheets.models import Timer
from baton.timesheets.selectors import current_timer
from baton.timesheets.services import week_start_of

TEMPLATE = "home/member.html"
TODAY_GROUPS = ("overdue", "today")


def build(actor: Actor) -> dict[str, Any]:
    """The template's context; `figures` (JSON-able) is what `GET /api/v1/home` answers, the same numbers."""
    today = timezone.localdate()
    monday = week_start_of(today)
    groups = {g.key: g for g in my_tasks(actor=actor)}
    todays = [t for key in TODAY_GROUPS if key in groups for t in groups[key].tasks]
    this_week = groups["week"].tasks if "week" in groups else []
    timer = current_timer(actor=actor) if actor.person_id else None
    days = (
        time_gaps(actor=actor, person_id=actor.person_id, start=monday, end=monday + timedelta(days=6), today=today)
        if actor.person_id
        else []
    )
    handoffs = inbox_counts(actor=actor)
    # The timer's picker: the person's own projects (a short list in an agency of thousands of projects), or every
    # current one for someone on none yet; the Time page offers every project.
    own_projects = project_choices(actor=actor, own=True) if timer is None else []
    feed = fold_events(list(event_list(actor=actor).filter(actor_id=actor.person_id or 0)[:20]), limit=8)

    figures = {
        "today": iso(today),
        "tasks_today": [_task_row(t, today) for t in todays],
        "tasks_this_week": len(this_week),
        "timer": _timer_row(timer),
        "week_start": iso(monday),
        "week_minutes": sum(d["logged_minutes"] for d in days),
        "week_capacity_minutes": sum(d["capacity_minutes"] for d in days),
        "days": [
            {
                "date": iso(d["date"]),
                "capacity_minutes": d["capacity_minutes"],
                "logged_minutes": d["logged_minutes"],
                "missing_minutes": d["missing_minutes"],
            }
            for d in days
        ],
        "missing_minutes": sum(d["missing_minutes"] for d in days),
        "handoffs_to_confirm": handoffs.to_confirm,
        "handoffs_waiting": handoffs.count,
        "days_under_capacity": sum(1 for d in days if d["missing_minutes"]),
    }
    return {
        "figures": figures,
        "today": today,
        "timer": timer,
        "days": [{**row, "day": d["date"]} for row, d in zip(figures["days"], days, strict=True)],
        "projects": own_projects or (project_choices(actor=actor) if timer is None else []),
        "projects_own": bool(own_projects),
        "feed": feed,
        "handoff_inbox": handoffs,
    }


def _task_row(t: Task, today: date) -> dict[str, Any]:
    return {
        "id": t.pk,
        "title": t.title,
        "project_id": t.project_id,
        "project_name": t.project.name,
        "client_name": t.project.client.name,
        "status": t.status,
        "due_date": iso(t.due_date),
        "overdue": bool(t.due_date and t.due_date < today),
    }


def _timer_row(timer: Timer | None) -> dict[str, Any]:
    """The running timer as `GET /api/v1/timer` tells it (`running: false` when none)."""
    if timer is None:
        return {
            "running": False,
            "project_id": None,
            "project_name": None,
            "task_id": None,
            "task_title": None,
            "started_at": None,
        }
    return {
        "running": True,
        "project_id": timer.project_id,
        "project_name": timer.project.name,
        "task_id": timer.task_id,
        "task_title": timer.task.title if timer.task else None,
        "started_at": iso(timer.started_at),
    }
