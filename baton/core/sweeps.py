"""Periodic sweeps: checks the worker runs on a schedule, per workspace, that announce what has become due by
emitting events (which rules, webhooks and notifications then act on).

The framework lives in core so every app registers its own sweeps without importing automation. Register one from
your app's `sweeps.py` (or `automation.py`), imported by its `wiring.py` so the web process, the worker and
tests all see it:

    # at the module's top: crontab from huey; register_sweep, sweep_emit_once from baton.core.sweeps

    def handoffs_unconfirmed(workspace, now):
        emitted = 0
        for handoff in ...past due, unconfirmed...:
            if sweep_emit_once(workspace=workspace, sweep="handoffs_unconfirmed", verb="handoff.overdue",
                               target=handoff, period=handoff.due_by.date().isoformat(), data={...}):
                emitted += 1
        return emitted

    register_sweep("handoffs_unconfirmed", handoffs_unconfirmed, crontab(minute="*/15"))

Each registered sweep becomes its own Huey periodic task (`sweep_<name>`, kept as `Sweep.task`), so the worker that
runs the scheduler runs it on its schedule; `run_sweep(name, now=...)` runs it by hand (tests, `manage.py
run_sweep`). A sweep must be idempotent: `sweep_emit_once` announces an object at most once per period (a
`SweepMark` unique per sweep, object and period, written in the event's transaction), so overlapping or repeated runs
emit nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from baton.core import events, formats
from baton.core.access import Actor
from baton.core.models import Event, SweepMark, SweepRun, Workspace
from baton.core.periodic import periodic_task

logger = logging.getLogger(__name__)

SweepFunc = Callable[[Workspace, datetime], int]


@dataclass(frozen=True)
class Sweep:
    name: str
    func: SweepFunc
    schedule: Callable[[datetime], bool]
    description: str = ""
    app: str = "automation"
    task: Any = None  # the Huey periodic task; `task.call_local()` runs it over every workspace, like the scheduler


_sweeps: dict[str, Sweep] = {}
_periodic: dict[str, Any] = {}


def register_sweep(
    name: str, func: SweepFunc, schedule: Callable[[datetime], bool], *, description: str = "", app: str = ""
) -> Sweep:
    """Run `func(workspace, now) -> events emitted` for every workspace whenever `schedule(now)` (a huey crontab)."""
    previous = _periodic.pop(name, None)
    if previous is not None:
        try:
            previous.unregister()
        except Exception:  # an older huey, or already gone
            logger.debug("Could not unregister the periodic task of sweep %s.", name)

    def run_scheduled() -> int:
        return sum(run_sweep(name).values())

    task = _periodic[name] = periodic_task(schedule, name=f"sweep_{name}")(run_scheduled)
    sweep = Sweep(name, func, schedule, description or (func.__doc__ or "").strip().split("\n")[0], app or "?", task)
    _sweeps[name] = sweep
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
            with formats.using(workspace):  # what a sweep writes for people follows the workspace's locale
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


def local_today(workspace: Workspace, now: datetime) -> date:
    """`now`'s date in the workspace's time zone (UTC when it names none, or one this machine does not know)."""
    try:
        return now.astimezone(ZoneInfo(workspace.timezone or "UTC")).date()
    except (ValueError, KeyError):
        return now.date()
