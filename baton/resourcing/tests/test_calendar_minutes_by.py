"""`Calendar.minutes_by` (the utilization report's sums) equals `totals_by` on every range, whether it sums the days
straight (a few ranges) or reads the running sums (many, or once they exist)."""

from __future__ import annotations

from datetime import date, timedelta

from baton.resourcing.calendar import Calendar, Schedule, Span

START = date(2030, 1, 7)  # a Monday
END = START + timedelta(days=41)


def _calendar() -> Calendar:
    person = type("P", (), {"id": 1, "weekly_capacity_minutes": 2250, "working_days": [1, 2, 3, 4, 5]})()
    period = type("C", (), {"effective_from": START + timedelta(days=15), "weekly_capacity_minutes": 1200})()
    period.working_days = [1, 2, 4]
    return Calendar(
        start=START,
        end=END,
        schedules={1: Schedule.of(person, [period])},
        holidays={START + timedelta(days=2): "Closed"},
        time_off={
            1: [(START + timedelta(days=3), START + timedelta(days=4), None), (END - timedelta(days=5), END, 90)]
        },
        spans=[
            Span(1, 1, 10, START - timedelta(days=3), START + timedelta(days=9), 300, False),
            Span(2, 1, 11, START + timedelta(days=8), END + timedelta(days=4), 200, True),
        ],
        inactive={1: [(START + timedelta(days=20), START + timedelta(days=24))]},
    )


RANGES = [
    (START, END),
    (START, START + timedelta(days=6)),
    (START + timedelta(days=10), START + timedelta(days=30)),
    (END + timedelta(days=1), END),  # empty
    (START - timedelta(days=5), START + timedelta(days=1)),  # clipped to the calendar
]


def test_minutes_by_equals_totals_by_on_a_few_ranges_and_on_many() -> None:
    expected = [(t.capacity_minutes, t.booked_minutes, t.time_off_minutes) for t in _calendar().totals_by(1, RANGES)]
    assert expected[0][0] > 0 and expected[0][1] > 0 and expected[0][2] > 0  # every figure is exercised
    assert expected[3] == (0, 0, 0)
    for ranges in ([r] for r in RANGES):  # one range at a time: summed straight from the days
        fresh = _calendar()
        assert fresh.minutes_by(1, ranges) == [expected[RANGES.index(ranges[0])]]
        assert not fresh._sums  # no running sums were built
    assert _calendar().minutes_by(1, RANGES) == expected  # many ranges: the running sums
