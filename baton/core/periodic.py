"""Periodic work once per period, across scheduler restarts and machines.

Every periodic Huey task in Baton is declared with `periodic_task(crontab(...))` from here instead of huey's
`db_periodic_task`. When the scheduler finds a task due, it stamps the job with the minute it checked
(`scheduled_for`, UTC); the worker that takes the job first claims that period: a `PeriodicRun` row, unique per
(task, period start), inserted before the work runs. A second copy of the same period's job (the scheduler restarted
within the minute and queued it again, or a second scheduler on another machine queued it too) finds the row and
returns without running. The period is the scheduled minute, never the worker's clock, so a job that waited in a
long queue still counts for the minute it was due.

A job queued by hand (`task()` from a shell, or one queued before this existed) carries no `scheduled_for` and runs
without a claim; `task.call_local()` calls the function directly, as before. `last_beat()` is when the newest period
ran: the scheduler and a worker are alive if it is recent (the every-minute `recover_cut_deliveries` claims one each
minute).
"""

from __future__ import annotations

import functools
import logging
import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from huey.contrib.djhuey import db_periodic_task

from baton.core.models import PeriodicRun

logger = logging.getLogger(__name__)

SCHEDULED_FOR = "scheduled_for"
KEEP_RUNS = timedelta(days=7)


def period_start(timestamp: datetime) -> datetime:
    """The minute of a scheduler timestamp, as an aware UTC datetime (huey's are naive UTC)."""
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=UTC)
    return timestamp.astimezone(UTC).replace(second=0, microsecond=0)


def claim(task: str, start: datetime) -> PeriodicRun | None:
    """Take `task`'s period starting at `start`; None when someone took it already."""
    try:
        with transaction.atomic():
            return PeriodicRun.objects.create(
                task=task[:200],
                period_start=start,
                started_at=timezone.now(),
                worker=f"{socket.gethostname()}:{os.getpid()}"[:100],
            )
    except IntegrityError:
        return None


def _stamping(schedule: Callable[[datetime], bool]) -> Callable[[Any, datetime], bool]:
    """The scheduler's `validate_datetime`: on a match, the job remembers the minute it is due for."""

    def validate_datetime(self: Any, timestamp: datetime) -> bool:
        if not schedule(timestamp):
            return False
        self.kwargs = {**(self.kwargs or {}), SCHEDULED_FOR: period_start(timestamp).isoformat()}
        return True

    return validate_datetime


def periodic_task(
    schedule: Callable[[datetime], bool], *, name: str | None = None
) -> Callable[[Callable[..., Any]], Any]:
    """Like huey's `db_periodic_task(schedule, name=...)`, run at most once per scheduled period (see the module)."""

    def decorator(func: Callable[..., Any]) -> Any:
        key = f"{func.__module__}.{name or func.__name__}"

        @functools.wraps(func)
        def once_per_period(*args: Any, scheduled_for: str | None = None, **kwargs: Any) -> Any:
            if scheduled_for is None:  # queued by hand
                return func(*args, **kwargs)
            start = datetime.fromisoformat(scheduled_for)
            run = claim(key, start)
            if run is None:
                logger.info("Periodic task %s already ran for %s; this copy does nothing.", key, scheduled_for)
                return None
            try:
                result = func(*args, **kwargs)
            except Exception as exc:
                run.error = f"{type(exc).__name__}: {exc}"[:2000]
                raise
            finally:
                run.finished_at = timezone.now()
                PeriodicRun.objects.filter(pk=run.pk).update(finished_at=run.finished_at, error=run.error)
            return result

        task = db_periodic_task(schedule, name=name)(once_per_period)
        task.task_class.validate_datetime = _stamping(schedule)
        task.call_local = func  # by hand: no claim
        task.period_key = key
        return task

    return decorator


def last_beat() -> datetime | None:
    """When the newest period of any periodic task started running (None before the first)."""
    return PeriodicRun.objects.order_by("-started_at").values_list("started_at", flat=True).first()


def prune_periodic_runs(now: datetime | None = None) -> int:
    """Forget claims older than a week (a restarted scheduler only ever repeats the current minute)."""
    deleted, _ = PeriodicRun.objects.filter(period_start__lt=(now or timezone.now()) - KEEP_RUNS).delete()
    return deleted
