"""The bulk calendar (each person's days as lists, sums over columns and report buckets) equals the rules applied day
by day (API.md, Capacity), on random capacity periods, holidays, time off and bookings.

`reference_day` below is the day-by-day calculation written straight from the rules, independently of calendar.py;
`reference_utilization` is the report computed from those days, one day at a time."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baton.resourcing import calendar as calendar_module
from baton.resourcing.calendar import PLACEHOLDER_SCHEDULE, Calendar, Schedule, Span, monday_of
from baton.resourcing.reports import NO_TITLE, pct

BASE = date(2030, 1, 7)  # a Monday
WEEKDAYS = st.lists(st.integers(1, 7), max_size=7, unique=True).map(sorted)


# --- The rules, one day at a time -------------------------------------------------------------------------------------


def in_force(spec: dict[str, Any], d: date) -> tuple[int, list[int]]:
    """(weekly minutes, working days) on `d`: the latest period started by then, else the person's own fields."""
    started = [p for p in spec["periods"] if p["effective_from"] <= d]
    if started:
        latest = max(started, key=lambda p: p["effective_from"])
        return latest["weekly"], latest["days"]
    return spec["weekly"], spec["days"]


def reference_split(weekly: int, days: list[int]) -> dict[int, int]:
    """The largest-remainder split (MONEY.md §1) written from its definition in exact fractions: each day's exact
    share weekly / n, floored; the minutes left go to the largest fractional remainders, ties to earlier days."""
    exact = {d: Fraction(weekly, len(days)) for d in days}
    floors = {d: int(share) for d, share in exact.items()}
    left = weekly - sum(floors.values())
    ranked = sorted(days, key=lambda d: (-(exact[d] - floors[d]), d))
    return {d: floors[d] + (1 if d in ranked[:left] else 0) for d in days}


def reference_day(world: dict[str, Any], pid: int, d: date) -> dict[str, Any]:
    spec = world["people"][pid]
    weekly, days = in_force(spec, d)
    working = d.isoweekday() in days
    closed = d in world["holidays"]
    base = reference_split(weekly, days)[d.isoweekday()] if working and not closed else 0
    off = 0
    if base:
        for t_start, t_end, minutes in spec["time_off"]:
            if t_start <= d <= t_end:
                off += base if minutes is None else minutes
        off = min(off, base)
    booked = tentative = 0
    if working and not closed:
        for span in world["spans"]:
            if span.person_id == pid and span.start <= d <= span.end:
                booked += span.minutes_per_day
                tentative += span.minutes_per_day if span.tentative else 0
    return {
        "capacity": base - off,
        "booked": booked,
        "tentative": tentative,
        "time_off": off,
        "working": working,
        "holiday": world["holidays"].get(d, ""),
    }


def reference_booking_days(world: dict[str, Any], pid: int | None, lo: date, hi: date) -> list[date]:
    days = [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]
    if pid is None:
        return [d for d in days if d.isoweekday() <= 5 and d not in world["holidays"]]
    return [d for d in days if d.isoweekday() in in_force(world["people"][pid], d)[1] and d not in world["holidays"]]


# --- Random worlds ----------------------------------------------------------------------------------------------------


@st.composite
def worlds(draw: Any, people: int = 3) -> dict[str, Any]:
    start = BASE + timedelta(days=draw(st.integers(0, 6)))
    end = start + timedelta(days=draw(st.integers(0, 75)))

    def near(before: int, after: int) -> date:
        return start + timedelta(days=draw(st.integers(-before, (end - start).days + after)))

    specs = {}
    for pid in range(1, draw(st.integers(1, people)) + 1):
        periods = []
        for _ in range(draw(st.integers(0, 3))):
            days = draw(WEEKDAYS.filter(bool))
            periods.append({"effective_from": near(30, 5), "weekly": draw(st.integers(0, 3360)), "days": days})
        # one period a day at most (the database's unique constraint)
        periods = list({p["effective_from"]: p for p in periods}.values())
        time_off = []
        for _ in range(draw(st.integers(0, 4))):
            t_start = near(10, 0)
            t_end = t_start + timedelta(days=draw(st.integers(0, 12)))
            time_off.append((t_start, t_end, draw(st.one_of(st.none(), st.integers(0, 600)))))
        specs[pid] = {
            "weekly": draw(st.integers(0, 3360)),
            "days": draw(WEEKDAYS),
            "periods": periods,
            "time_off": time_off,
            "title": draw(st.sampled_from(["Designer", "Developer", ""])),
        }
    holidays = {near(0, 0): f"Holiday {i}" for i in range(draw(st.integers(0, 6)))}
    spans = []
    for i in range(draw(st.integers(0, 14))):
        s_start = near(15, 3)
        spans.append(
            Span(
                id=i + 1,
                person_id=draw(st.sampled_from([*specs, None, 99])),
                project_id=1,
                start=s_start,
                end=s_start + timedelta(days=draw(st.integers(0, 25))),
                minutes_per_day=draw(st.integers(1, 600)),
                tentative=draw(st.booleans()),
            )
        )
    return {"start": start, "end": end, "people": specs, "holidays": holidays, "spans": spans}


def build(world: dict[str, Any]) -> Calendar:
    schedules = {}
    for pid, spec in world["people"].items():
        person = SimpleNamespace(id=pid, weekly_capacity_minutes=spec["weekly"], working_days=spec["days"])
        periods = [
            SimpleNamespace(
                effective_from=p["effective_from"], weekly_capacity_minutes=p["weekly"], working_days=p["days"]
            )
            for p in spec["periods"]
        ]
        schedules[pid] = Schedule.of(person, periods)
    time_off = {
        pid: [t for t in spec["time_off"] if t[0] <= world["end"] and t[1] >= world["start"]]
        for pid, spec in world["people"].items()
    }
    return Calendar(
        start=world["start"],
        end=world["end"],
        schedules=schedules,
        holidays=world["holidays"],
        time_off=time_off,
        spans=[s for s in world["spans"] if s.start <= world["end"] and s.end >= world["start"]],
    )


def each_day(lo: date, hi: date) -> list[date]:
    return [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]


# --- In memory --------------------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(world=worlds(), cut=st.tuples(st.integers(0, 80), st.integers(0, 80)))
def test_bulk_days_and_sums_equal_the_rules_day_by_day(world, cut):
    calendar = build(world)
    start, end = world["start"], world["end"]
    for pid in world["people"]:
        expected = {d: reference_day(world, pid, d) for d in each_day(start, end)}
        got = {
            d.date: {
                "capacity": d.capacity_minutes,
                "booked": d.booked_minutes,
                "tentative": d.tentative_minutes,
                "time_off": d.time_off_minutes,
                "working": d.working,
                "holiday": d.holiday,
            }
            for d in calendar.days(pid)
        }
        assert got == expected
        for d, day in expected.items():
            assert calendar.capacity(pid, d) == day["capacity"]
            assert calendar.booked(pid, d) == day["booked"]
        # any sub-range, and the weeks of a schedule's columns
        lo = min(start + timedelta(days=cut[0]), end)
        hi = max(min(lo + timedelta(days=cut[1]), end), lo)
        weeks = [(max(m, start), min(m + timedelta(days=6), end)) for m in each_day(monday_of(start), end)[::7]]
        for (a, b), totals in zip([(lo, hi), *weeks], calendar.totals_by(pid, [(lo, hi), *weeks]), strict=True):
            days = [expected[d] for d in each_day(a, b)]
            assert (
                totals.capacity_minutes,
                totals.booked_minutes,
                totals.tentative_minutes,
                totals.time_off_minutes,
                totals.overbooked_days,
                totals.over_minutes,
            ) == (
                sum(d["capacity"] for d in days),
                sum(d["booked"] for d in days),
                sum(d["tentative"] for d in days),
                sum(d["time_off"] for d in days),
                sum(1 for d in days if d["booked"] > d["capacity"]),
                sum(max(d["booked"] - d["capacity"], 0) for d in days),
            ), (a, b)
        assert calendar.booking_days(pid, lo, hi) == reference_booking_days(world, pid, lo, hi)
        # a booking's days per week, and in one sub-range (its overlap with the calendar, clipped)
        for span in world["spans"]:
            if span.person_id == pid:
                assert calendar.booking_day_counts(pid, span.start, span.end, [(lo, hi), *weeks]) == [
                    len(reference_booking_days(world, pid, max(a, span.start), min(b, span.end)))
                    if max(a, span.start) <= min(b, span.end)
                    else 0
                    for a, b in [(lo, hi), *weeks]
                ]
    assert calendar.booking_days(None, start, end) == reference_booking_days(world, None, start, end)
    outer = (start - timedelta(days=9), end + timedelta(days=9))
    assert calendar.booking_day_counts(None, *outer, [outer, (start, end), (end, start - timedelta(days=1))]) == [
        len(reference_booking_days(world, None, start, end)),
        len(reference_booking_days(world, None, start, end)),
        0,
    ]
    # outside the loaded range: the same rules for capacity with the time off that was loaded, nothing booked
    loaded = world | {
        "spans": [],
        "people": {
            pid: spec | {"time_off": [t for t in spec["time_off"] if t[0] <= end and t[1] >= start]}
            for pid, spec in world["people"].items()
        },
    }
    for pid in world["people"]:
        for d in (start - timedelta(days=1), end + timedelta(days=1)):
            outside = calendar.day(pid, d)
            assert (outside.capacity_minutes, outside.booked_minutes) == (reference_day(loaded, pid, d)["capacity"], 0)
    assert calendar.schedule(None) is PLACEHOLDER_SCHEDULE


# --- Through the database: the utilization report ---------------------------------------------------------------------


def reference_utilization(world: dict[str, Any], logged: dict[tuple[int, date], tuple[int, int]], group_by: str):
    """The report summed one person-day at a time (what it computed before the bulk calendar)."""
    groups: dict[Any, dict[str, Any]] = {}
    for pid, spec in world["people"].items():
        for d in each_day(world["start"], world["end"]):
            day = reference_day(world, pid, d)
            log, billable = logged.get((pid, d), (0, 0))
            if not (day["capacity"] or day["booked"] or day["time_off"] or log):
                continue
            key = {
                "person": pid,
                "role": spec["title"] or NO_TITLE,
                "week": monday_of(d).isoformat(),
                "month": d.strftime("%Y-%m"),
            }[group_by]
            row = groups.setdefault(key, defaultdict(int, people=set()))
            row["capacity_minutes"] += day["capacity"]
            row["booked_minutes"] += day["booked"]
            row["time_off_minutes"] += day["time_off"]
            row["logged_minutes"] += log
            row["billable_minutes"] += billable
            row["people"].add(pid)
        if group_by == "person":
            groups.setdefault(pid, defaultdict(int, people={pid}))
    out = {}
    for key, row in groups.items():
        figures = {
            name: row[name]
            for name in ("capacity_minutes", "booked_minutes", "time_off_minutes", "logged_minutes", "billable_minutes")
        }
        figures["people"] = len(row["people"])
        figures["utilization_pct"] = pct(row["logged_minutes"], row["capacity_minutes"])
        figures["booked_pct"] = pct(row["booked_minutes"], row["capacity_minutes"])
        out[str(key)] = figures
    return out


def world_from_database(actor: Any) -> tuple[dict[str, Any], dict[tuple[int, date], tuple[int, int]]]:
    """Everyone on the schedule with their periods, approved time off, the holidays, bookings and logged time per
    day, read straight from the tables."""
    from baton.resourcing.models import Booking, CapacityPeriod, Holiday, TimeOff, TimeOffStatus
    from baton.resourcing.selectors import schedule_people

    TimeEntry = apps.get_model("timesheets", "TimeEntry")
    workspace = actor.workspace
    people = {}
    for person in schedule_people(actor=actor, active=None):
        people[person.pk] = {
            "weekly": person.weekly_capacity_minutes,
            "days": list(person.working_days or []),
            "title": person.title,
            "periods": [
                {"effective_from": p.effective_from, "weekly": p.weekly_capacity_minutes, "days": p.working_days}
                for p in CapacityPeriod.objects.filter(person=person)
            ],
            "time_off": list(
                TimeOff.objects.filter(person=person, status=TimeOffStatus.APPROVED).values_list(
                    "start_date", "end_date", "minutes_per_day"
                )
            ),
        }
    spans = [
        Span(b.id, b.person_id, b.project_id, b.start_date, b.end_date, b.minutes_per_day, b.tentative)
        for b in Booking.objects.filter(workspace=workspace)
    ]
    holidays = dict(Holiday.objects.filter(workspace=workspace).values_list("date", "name"))
    logged: dict[tuple[int, date], tuple[int, int]] = defaultdict(lambda: (0, 0))
    for person_id, day, minutes, billable in TimeEntry.objects.filter(workspace=workspace).values_list(
        "person_id", "date", "minutes", "billable"
    ):
        log, bill = logged[(person_id, day)]
        logged[(person_id, day)] = (log + minutes, bill + (minutes if billable else 0))
    return {"people": people, "holidays": holidays, "spans": spans}, dict(logged)


FIGURES = (
    "capacity_minutes",
    "booked_minutes",
    "time_off_minutes",
    "logged_minutes",
    "billable_minutes",
    "people",
    "utilization_pct",
    "booked_pct",
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    world=worlds(people=3),
    entries=st.lists(
        st.tuples(st.integers(0, 2), st.integers(-3, 80), st.integers(1, 600), st.booleans()), max_size=25
    ),
    group_by=st.sampled_from(["person", "role", "week", "month"]),
    many=st.booleans(),
)
def test_utilization_equals_the_day_by_day_report(personas, project, world, entries, group_by, many):
    from baton.core.access import Actor
    from baton.people.models import Person
    from baton.people.services import person_create
    from baton.resourcing.models import Booking, CapacityPeriod, Holiday, TimeOff, TimeOffStatus
    from baton.resourcing.reports import utilization

    TimeEntry = apps.get_model("timesheets", "TimeEntry")
    workspace = personas.workspace
    owner = personas["owner"].actor
    with transaction.atomic():
        ids = {}
        for pid, spec in world["people"].items():
            person = person_create(
                actor=Actor.system(workspace), name=f"World {pid}", email=f"world{pid}@studio.test", title=spec["title"]
            )
            # the person's own fields as drawn (even no working day), without recording a capacity change
            Person.objects.filter(pk=person.pk).update(
                weekly_capacity_minutes=spec["weekly"], working_days=spec["days"]
            )
            ids[pid] = person.pk
            CapacityPeriod.objects.bulk_create(
                CapacityPeriod(
                    workspace=workspace,
                    person=person,
                    effective_from=p["effective_from"],
                    weekly_capacity_minutes=p["weekly"],
                    working_days=p["days"],
                )
                for p in spec["periods"]
            )
            TimeOff.objects.bulk_create(
                TimeOff(
                    workspace=workspace,
                    person=person,
                    start_date=s,
                    end_date=e,
                    minutes_per_day=m,
                    status=TimeOffStatus.APPROVED,
                )
                for s, e, m in spec["time_off"]
            )
        Holiday.objects.bulk_create(Holiday(workspace=workspace, date=d, name=n) for d, n in world["holidays"].items())
        Booking.objects.bulk_create(
            Booking(
                workspace=workspace,
                person_id=None if s.person_id is None else ids[s.person_id],
                project=project,
                start_date=s.start,
                end_date=s.end,
                minutes_per_day=s.minutes_per_day,
                tentative=s.tentative,
                skill="" if s.person_id else "figma",
            )
            for s in world["spans"]
            if s.person_id is None or s.person_id in ids
        )
        pids = list(ids.values())
        TimeEntry.objects.bulk_create(
            TimeEntry(
                workspace=workspace,
                person_id=pids[who % len(pids)],
                project=project,
                date=world["start"] + timedelta(days=offset),
                minutes=minutes,
                billable=billable,
            )
            for who, offset, minutes, billable in entries
        )
        stored, logged = world_from_database(owner)
        expected = reference_utilization(stored | {"start": world["start"], "end": world["end"]}, logged, group_by)
        # `many`: load_calendar reads the whole workspace's rows as it does for a large team
        with mock.patch.object(calendar_module, "MANY_PEOPLE", 0 if many else 1000):
            rows = utilization(actor=owner, start=world["start"], end=world["end"], group_by=group_by, to_date=False)
        got = {row["key"]: {name: row[name] for name in FIGURES} for row in rows}
        assert got == expected
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_utilization_api_renders_what_the_schema_would(personas, make_person, project):
    """The endpoint writes the report's rows straight to JSON: the same document as validating them through
    UtilizationRow, field for field and in its order, for every grouping."""
    import json

    from baton.resourcing.api import UtilizationRow
    from baton.resourcing.reports import utilization
    from baton.resourcing.tests.conftest import MONDAY, post

    ann = make_person("Ann", title="Designer")
    make_person("Pat", weekly=1440, days=[1, 2, 3], title="")
    post(
        personas["pm"].api(),
        "/api/v1/bookings",
        {
            "person_id": ann.id,
            "project_id": project.id,
            "start_date": str(MONDAY),
            "end_date": str(MONDAY + timedelta(days=9)),
            "minutes_per_day": 300,
            "tentative": True,
        },
    )
    apps.get_model("timesheets", "TimeEntry").objects.create(
        workspace=personas.workspace, person=ann, project=project, date=MONDAY, minutes=200, billable=True
    )
    for group_by in ("person", "role", "week", "month"):
        span = f"from={MONDAY - timedelta(days=3)}&to={MONDAY + timedelta(days=40)}"
        response = personas["owner"].api().get(f"/api/v1/reports/utilization?{span}&group_by={group_by}")
        assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
        rows = utilization(
            actor=personas["owner"].actor,
            start=MONDAY - timedelta(days=3),
            end=MONDAY + timedelta(days=40),
            group_by=group_by,
        )
        schema = [UtilizationRow.model_validate(row).model_dump(mode="json") for row in rows]
        assert response.json() == schema
        assert response.content == json.dumps(schema).encode()  # the same keys in the same order, the same numbers
