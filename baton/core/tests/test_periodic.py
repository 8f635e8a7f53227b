"""Periodic work runs once per scheduled period: a scheduler restarted within the minute (or a second one on another
machine) queues the same period's job again, and the copy does nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils.module_loading import autodiscover_modules
from huey import crontab
from huey.contrib.djhuey import HUEY

from baton.core import periodic
from baton.core.models import PeriodicRun
from baton.core.tasks import prune_idempotency_records_hourly

pytestmark = pytest.mark.django_db

DUE = datetime(2027, 3, 28, 1, 17, 5)  # naive UTC, as huey's scheduler reads its clock


def _periodic(timestamp: datetime, name: str):
    return [t for t in HUEY.read_periodic(timestamp) if t.name == name]


def test_a_scheduler_restarted_in_the_same_minute_runs_the_period_once():
    first = _periodic(DUE, "prune_idempotency_records_hourly")
    again = _periodic(DUE + timedelta(seconds=40), "prune_idempotency_records_hourly")  # restarted at 01:17:45
    assert len(first) == len(again) == 1
    assert first[0].kwargs == again[0].kwargs == {"scheduled_for": "2027-03-28T01:17:00+00:00"}
    assert HUEY.execute(first[0]) == 0  # ran: nothing to prune
    assert HUEY.execute(again[0]) is None  # the copy finds the period taken
    run = PeriodicRun.objects.get()
    assert run.task == "baton.core.tasks.prune_idempotency_records_hourly"
    assert run.period_start == datetime(2027, 3, 28, 1, 17, tzinfo=UTC)
    assert run.finished_at is not None and run.error == ""
    # The next period runs.
    (next_hour,) = _periodic(DUE + timedelta(hours=1), "prune_idempotency_records_hourly")
    assert HUEY.execute(next_hour) == 0
    assert PeriodicRun.objects.count() == 2
    assert periodic.last_beat() == PeriodicRun.objects.order_by("-started_at").first().started_at


def test_the_period_is_the_scheduled_minute_not_the_workers_clock():
    """A job that waited in the queue past its minute still claims the minute it was due for."""
    (job,) = _periodic(DUE, "prune_idempotency_records_hourly")
    assert not _periodic(DUE + timedelta(minutes=1), "prune_idempotency_records_hourly")  # not due at 01:18
    HUEY.execute(job)
    assert PeriodicRun.objects.get().period_start.minute == 17


def test_a_job_queued_by_hand_runs_without_a_claim():
    assert prune_idempotency_records_hourly.call_local() == 0
    assert HUEY.execute(prune_idempotency_records_hourly.s()) == 0
    assert HUEY.execute(prune_idempotency_records_hourly.s()) == 0
    assert not PeriodicRun.objects.exists()
    assert periodic.last_beat() is None


def test_a_failing_period_is_recorded_and_not_run_again():
    calls = []

    @periodic.periodic_task(crontab(minute="*"), name="test_failing_once")
    def failing() -> None:
        calls.append(1)
        raise RuntimeError("boom")

    try:
        (job,) = _periodic(DUE, "test_failing_once")
        (copy,) = _periodic(DUE, "test_failing_once")
        HUEY.execute(job)  # huey logs the error (and would retry a task that has retries)
        HUEY.execute(copy)
        assert calls == [1]
        assert PeriodicRun.objects.get().error == "RuntimeError: boom"
    finally:
        failing.unregister()


def test_every_periodic_task_claims_its_period():
    autodiscover_modules("tasks")  # what the consumer does at start
    names = {HUEY._registry.task_to_string(t): t for t in HUEY._registry._periodic_tasks}
    assert {
        "baton.core.tasks.prune_idempotency_records_hourly",
        "baton.core.tasks.prune_periodic_runs_daily",
        "baton.resourcing.tasks.sync_capacity_daily",
        "baton.automation.tasks.recover_lost_work",
        "baton.core.sweeps.sweep_budget_thresholds",
    } <= set(names)
    unclaimed = [
        n for n, t in names.items() if t.validate_datetime.__qualname__ != "_stamping.<locals>.validate_datetime"
    ]
    assert unclaimed == []
    # The budget thresholds are checked by one periodic task (the finance sweep), not two.
    assert [n for n in names if "budget" in n] == ["baton.core.sweeps.sweep_budget_thresholds"]


def test_old_claims_are_pruned():
    now = datetime(2027, 3, 28, 3, 41, tzinfo=UTC)
    periodic.claim("a", now - timedelta(days=8))
    periodic.claim("a", now - timedelta(days=6))
    assert periodic.claim("a", now - timedelta(days=6)) is None
    assert periodic.prune_periodic_runs(now) == 1
    assert PeriodicRun.objects.count() == 1
