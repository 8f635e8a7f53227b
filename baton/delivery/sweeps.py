"""Delivery's periodic sweeps (registered in core's sweep framework, imported by `delivery/wiring.py`): tasks and
milestones of live projects that have passed their due date."""

from __future__ import annotations

from datetime import datetime

from huey import crontab

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.sweeps import local_today, register_sweep, sweep_emit_once
from baton.delivery.models import MilestoneStatus, ProjectStatus
from baton.delivery.selectors import milestone_list, task_list


def tasks_overdue(workspace: Workspace, now: datetime) -> int:
    """Open tasks of live projects past their due date: `task.overdue`, once per task and due date."""
    today = local_today(workspace, now)
    tasks = (
        task_list(actor=Actor.system(workspace), open_only=True, due_before=today)
        .filter(project__archived_at__isnull=True)
        .exclude(project__status__in=[ProjectStatus.DONE, ProjectStatus.CANCELLED])
        .prefetch_related(None)
    )
    emitted = 0
    for task in tasks:
        due = task.due_date
        assert due is not None  # due_before filters on it
        data = {
            "project_id": task.project_id,
            "due_date": due,
            "days_overdue": (today - due).days,
            "assignee_id": task.assignee_id,
            "status": task.status,
        }
        if sweep_emit_once(
            workspace=workspace,
            sweep="tasks_overdue",
            verb="task.overdue",
            target=task,
            period=due.isoformat(),
            data=data,
            client_id=task.project.client_id,
        ):
            emitted += 1
    return emitted


def milestones_overdue(workspace: Workspace, now: datetime) -> int:
    """Open milestones of live projects past their due date: `milestone.overdue`, once per milestone and due date."""
    today = local_today(workspace, now)
    milestones = (
        milestone_list(actor=Actor.system(workspace), status=MilestoneStatus.OPEN)
        .filter(due_date__lt=today, project__archived_at__isnull=True)
        .exclude(project__status__in=[ProjectStatus.DONE, ProjectStatus.CANCELLED])
    )
    emitted = 0
    for milestone in milestones:
        due = milestone.due_date
        assert due is not None
        if sweep_emit_once(
            workspace=workspace,
            sweep="milestones_overdue",
            verb="milestone.overdue",
            target=milestone,
            period=due.isoformat(),
            data={"project_id": milestone.project_id, "due_date": due, "days_overdue": (today - due).days},
            client_id=milestone.project.client_id,
        ):
            emitted += 1
    return emitted


register_sweep(
    "tasks_overdue",
    tasks_overdue,
    crontab(minute="7"),
    description="hourly: open tasks of live projects past their due date -> task.overdue (once per due date)",
    app="delivery",
)
register_sweep(
    "milestones_overdue",
    milestones_overdue,
    crontab(minute="9"),
    description="hourly: open milestones past their due date -> milestone.overdue (once per due date)",
    app="delivery",
)
