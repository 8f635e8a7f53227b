"""Daily capacity (MONEY.md §1 and §6): the weekly capacity split over the working days by largest remainder, so a
full week adds up to the weekly minutes exactly, through every reader of the one calendar (availability, the
schedule grid, utilization, the home block)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baton.people.capacity import split_week
from baton.resourcing.calendar import Schedule, load_calendar
from baton.resourcing.models import Holiday, TimeOff, TimeOffStatus
from baton.resourcing.reports import utilization
from baton.resourcing.selectors import schedule_grid
from baton.resourcing.tests.conftest import MONDAY
from baton.resourcing.tests.test_calendar_bulk import reference_split

WEEKDAYS = st.lists(st.integers(1, 7), min_size=1, max_size=7, unique=True).map(sorted)


@given(weekly=st.integers(0, 7 * 1440), days=WEEKDAYS)
def test_split_adds_up_to_the_week_and_is_the_largest_remainder(weekly, days):
    split = split_week(weekly, days)
    assert sorted(split) == days
    assert sum(split.values()) == weekly
    assert max(split.values()) - min(split.values()) <= 1
    assert split == reference_split(weekly, days)


@given(weekly=st.integers(0, 7 * 1440), days=WEEKDAYS, monday_offset=st.integers(0, 400))
def test_any_full_week_of_a_schedule_sums_to_the_weekly_minutes(weekly, days, monday_offset):
    class P:
        id = 1
        weekly_capacity_minutes = weekly
        working_days = days

    schedule = Schedule.of(P())
    monday = MONDAY + timedelta(weeks=monday_offset)
    week = [schedule.base_minutes(monday + timedelta(days=i)) for i in range(7)]
    assert sum(week) == weekly
    assert all(week[i - 1] == 0 for i in range(1, 8) if i not in days)


def test_examples():
    assert split_week(2400, range(1, 8)) == {1: 343, 2: 343, 3: 343, 4: 343, 5: 343, 6: 343, 7: 342}
    assert split_week(2000, [2, 4, 6]) == {2: 667, 4: 667, 6: 666}
    assert split_week(2400, [1, 2, 3, 4, 5]) == dict.fromkeys([1, 2, 3, 4, 5], 480)
    assert split_week(0, [1]) == {1: 0}
    assert split_week(100, []) == {}


@pytest.mark.django_db
def test_every_reader_sums_a_full_week_to_the_weekly_capacity(personas, make_person):
    odd = make_person("Odd", weekly=2000, days=[2, 4, 6])
    seven = make_person("Seven", weekly=2400, days=[1, 2, 3, 4, 5, 6, 7])
    sunday = MONDAY + timedelta(days=6)
    owner = personas["owner"]
    for person, weekly in ((odd, 2000), (seven, 2400)):
        days = owner.api().get(f"/api/v1/people/{person.id}/availability?from={MONDAY}&to={sunday}").json()
        assert sum(d["capacity_minutes"] for d in days) == weekly
    assert [
        d["capacity_minutes"]
        for d in owner.api().get(f"/api/v1/people/{seven.id}/availability?from={MONDAY}&to={sunday}").json()
    ] == [343, 343, 343, 343, 343, 343, 342]
    rows = {
        r["person_id"]: r
        for r in utilization(actor=owner.actor, start=MONDAY, end=sunday, to_date=False, group_by="person")
    }
    assert rows[odd.id]["capacity_minutes"] == 2000 and rows[seven.id]["capacity_minutes"] == 2400
    grid = schedule_grid(actor=owner.actor, start=MONDAY, scale="weeks", count=2)
    by_person = {row.person.id: row for row in grid.rows}
    assert [c.capacity for c in by_person[odd.id].cells] == [2000, 2000]
    days_grid = schedule_grid(actor=owner.actor, start=MONDAY, scale="days", count=7)
    seven_days: list[int] = [c.capacity for c in {r.person.id: r for r in days_grid.rows}[seven.id].cells]
    assert sum(seven_days) == 2400


@pytest.mark.django_db
def test_holidays_and_time_off_on_the_split(personas, make_person):
    odd = make_person("Odd", weekly=2000, days=[2, 4, 6])
    tuesday, thursday, saturday = (MONDAY + timedelta(days=i) for i in (1, 3, 5))
    Holiday.objects.create(workspace=personas.workspace, date=tuesday, name="Closed")
    TimeOff.objects.create(
        workspace=personas.workspace,
        person=odd,
        start_date=thursday,
        end_date=thursday,
        minutes_per_day=None,
        status=TimeOffStatus.APPROVED,
    )
    TimeOff.objects.create(
        workspace=personas.workspace,
        person=odd,
        start_date=saturday,
        end_date=saturday,
        minutes_per_day=120,
        status=TimeOffStatus.APPROVED,
    )
    calendar = load_calendar(personas.workspace, [odd], MONDAY, MONDAY + timedelta(days=6))
    assert [d.capacity_minutes for d in calendar.days(odd.id)] == [0, 0, 0, 0, 0, 666 - 120, 0]
