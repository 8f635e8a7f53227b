"""Periodic sweeps: checks the worker runs on a schedule, per workspace, that announce what has become due by
emitting events (which rules, webhooks and notifications then act on).

Register one from your app (at import time: `tasks.py` or `ready()`):

    from huey import crontab
    from baton.automation.sweeps import register_sweep, sweep_emit_once

    def handoffs_unconfirmed(workspace, now):
        emitted = 0
        for handoff in ...past due, unconfirmed...:
            if sweep_emit_once(workspace=workspace, sweep="handoffs_unconfirmed", verb="handoff.overdue",
                               target=handoff, period=handoff.due_by.date().isoformat(), data={...}):
                emitted += 1
        return emitted

    register_sweep("handoffs_unconfirmed", handoffs_unconfirmed, crontab(minute="*/15"))

Each registered sweep becomes its own Huey periodic task (`sweep_<name>`), so the worker that runs the scheduler
runs it on its schedule; `run_sweep(name, now=...)` runs it by hand (tests, `manage.py run_sweep`). A sweep must be
idempotent: `sweep_emit_once` announces an object at most once per period (a `SweepMark` unique per sweep, object
and period, written in the event's transaction), so overlapping or repeated runs emit nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from huey import crontab

from baton.automation.models import SweepMark, SweepRun
from baton.core import events
from baton.core.access import Actor
from baton.core.models import Event, Workspace

logger = logging.getLogger(__name__)

SweepFunc = Callable[[Workspace, datetime], int]


@dataclass(frozen=True)
class Sweep:
    name: str
    func: SweepFunc
    schedule: Callable[[datetime], bool]
    description: str = ""
    app: str = "automation"


_sweeps: dict[str, Sweep] = {}
_periodic: dict[str, Any] = {}

# Sweeps that belong to apps still to come: the name to register, the owning app, the verb to emit and a schedule.
# The automation page lists them as waiting until their app registers them.
PLANNED_SWEEPS: dict[str, tuple[str, str, str]] = {
    "retainer_rollover": ("finance", "retainer.rolled_over", "daily: close retainer periods, roll unused hours"),
    "invoice_reminders": ("finance", "invoice.overdue", "daily: sent invoices past their due date"),
}


def register_sweep(
    name: str, func: SweepFunc, schedule: Callable[[datetime], bool], *, description: str = "", app: str = ""
) -> Sweep:
    """Run `func(workspace, now) -> events emitted` for every workspace whenever `schedule(now)` (a huey crontab)."""
    from huey.contrib.djhuey import db_periodic_task

    sweep = Sweep(name, func, schedule, description or (func.__doc__ or "").strip().split("\n")[0], app or "?")
    _sweeps[name] = sweep
    previous = _periodic.pop(name, None)
    if previous is not None:
        try:
            previous.unregister()
        except Exception:  # an older huey, or already gone
            logger.debug("Could not unregister the periodic task of sweep %s.", name)

    def run_scheduled() -> dict[int, int]:
        return run_sweep(name)

    _periodic[name] = db_periodic_task(schedule, name=f"sweep_{name}")(run_scheduled)
    return sweep


def registered_sweeps() -> dict[str, Sweep]:
    return dict(_sweeps)


def run_sweep(name: str, *, now: datetime | None = None, workspaces: list[Workspace] | None = None) -> dict[int, int]:
    """Run one sweep over every workspace (or the given ones); logs a `SweepRun` per workspace and returns
    {workspace id: events emitted}. One workspace's failure is logged and does not stop the others."""
    sweep = _sweeps[name]
    now = now or timezone.now()
    results: dict[int, int] = {}
    for workspace in workspaces if workspaces is not None else list(Workspace.objects.all()):
        run = SweepRun.objects.create(workspace=workspace, name=name, started_at=timezone.now())
        try:
            results[workspace.pk] = emitted = int(sweep.func(workspace, now) or 0)
            run.emitted = emitted
        except Exception as exc:
            logger.exception("Sweep %s failed for workspace %s.", name, workspace.pk)
            run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["emitted", "error", "finished_at"])
    return results


def sweep_emit_once(
    *,
    workspace: Workspace,
    sweep: str,
    verb: str,
    target: models.Model,
    period: str,
    data: dict[str, Any] | None = None,
    client_id: int | None = None,
    actor: Actor | None = None,
) -> Event | None:
    """Emit `verb` about `target` unless this sweep announced it already in this period; returns the event or
    None. The mark and the event commit together."""
    try:
        with transaction.atomic():
            mark = SweepMark.objects.create(
                workspace=workspace,
                sweep=sweep,
                target_type=events.target_type_of(target),
                target_id=target.pk,
                period=period[:20],
            )
            event = events.emit(actor or Actor.system(workspace), verb, target, data=data, client_id=client_id)
            mark.event = event
            mark.save(update_fields=["event"])
            return event
    except IntegrityError:
        return None


def local_today(workspace: Workspace, now: datetime) -> Any:
    try:
        return now.astimezone(ZoneInfo(workspace.timezone or "UTC")).date()
    except (ValueError, KeyError):
        return now.date()


# --- Built-in sweeps (the ones whose data exists) -------------------------------------------------------------


def tasks_overdue(workspace: Workspace, now: datetime) -> int:
    """Open tasks of live projects past their due date: `task.overdue`, once per task and due date."""
    from baton.delivery.models import ProjectStatus
    from baton.delivery.selectors import task_list

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
    from baton.delivery.models import MilestoneStatus, ProjectStatus
    from baton.delivery.selectors import milestone_list

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


def budget_thresholds(workspace: Workspace, now: datetime) -> int:
    """Live projects' budget burn against the 50/80/100 % thresholds (finance's `budget_check`, which announces
    each threshold once per project and period as `budget.threshold_crossed`)."""
    try:
        from baton.delivery.models import ProjectStatus
        from baton.delivery.selectors import visible_projects
        from baton.finance.services.budgets import budget_check
    except ImportError:  # finance not installed
        return 0
    actor = Actor.system(workspace)
    projects = (
        visible_projects(actor)
        .filter(archived_at__isnull=True, status__in=[ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD])
        .select_related("client", "workspace")
    )
    raised = 0
    for project in projects:
        with transaction.atomic():
            raised += len(budget_check(actor=actor, project=project, on=local_today(workspace, now)))
    return raised


def notification_digest(workspace: Workspace, now: datetime) -> int:
    """The daily e-mail digest of unread notifications, for people who chose it (once a day each)."""
    from baton.automation.services.notifications import digest_send

    return digest_send(workspace, now)


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
register_sweep(
    "budget_thresholds",
    budget_thresholds,
    crontab(minute="*/30"),
    description="every 30 min: budget burn of live projects -> budget.threshold_crossed (50/80/100 %, once each)",
    app="finance",
)
register_sweep(
    "notification_digest",
    notification_digest,
    crontab(minute="12"),
    description="hourly: the daily e-mail digest of unread notifications, from 07:00 workspace time",
    app="automation",
)
