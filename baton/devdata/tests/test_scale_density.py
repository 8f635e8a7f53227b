"""The scale generator's years and quarters are evenly dense (issue 21): the bench's "one year" and "quarter" are
not a thin tail. Every 365-day year back from today holds about the same entries, and as many people log time in
the last quarter as in an earlier one."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from baton.devdata.scale import SIZES, generate
from baton.timesheets.models import TimeEntry

NOW = datetime(2026, 6, 17, 10, 0, tzinfo=UTC)


def _window(workspace_id: int, lo: date, hi: date) -> tuple[int, int]:
    entries = TimeEntry.objects.filter(workspace_id=workspace_id, date__gt=lo, date__lte=hi)
    return entries.count(), entries.values("person_id").distinct().count()


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_agency_s_years_and_quarters_are_evenly_dense():
    world = generate("S", seed=42, slug="agency-s")
    ws, today = world.workspace.pk, world.today
    assert world.counts["time entries"] == SIZES["S"].entries == TimeEntry.objects.filter(workspace_id=ws).count()
    years = [_window(ws, today - timedelta(days=365 * (k + 1)), today - timedelta(days=365 * k))[0] for k in (0, 1)]
    mean = statistics.mean(years)
    assert all(abs(n - mean) <= 0.15 * mean for n in years), years
    quarters = [_window(ws, today - timedelta(days=91 * (k + 1)), today - timedelta(days=91 * k)) for k in range(8)]
    entries_mean = statistics.mean(n for n, _ in quarters)
    assert all(abs(n - entries_mean) <= 0.15 * entries_mean for n, _ in quarters), quarters
    last_loggers, earlier_loggers = quarters[0][1], quarters[4][1]
    assert abs(last_loggers - earlier_loggers) <= 0.15 * earlier_loggers, quarters
    assert last_loggers == len(world.staff)  # everyone on the staff logs time in the last quarter
