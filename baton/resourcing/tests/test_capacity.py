"""Availability arithmetic (API.md, Capacity) on the edge cases: part-time, odd minutes, holidays, time off over a
weekend, partial days, bookings across months and weekends, capacity history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from baton.core.models import Event
from baton.people.models import Person
from baton.resourcing import services
from baton.resourcing.models import CapacityPeriod
from baton.resourcing.tests.conftest import MONDAY, patch, post

pytestmark = pytest.mark.django_db


def availability(personas, person_id, start, end, who="owner"):
    response = personas[who].api().get(f"/api/v1/people/{person_id}/availability?from={start}&to={end}")
    assert response.status_code == 200, response.content
    return {row["date"]: row for row in response.json()}


def test_full_time_capacity_is_weekly_over_working_days(personas, make_person):
    ann = make_person("Ann")
    days = availability(personas, ann.id, MONDAY, MONDAY + timedelta(days=6))
    assert [d["capacity_minutes"] for d in days.values()] == [480, 480, 480, 480, 480, 0, 0]
    monday = days[MONDAY.isoformat()]
    assert monday == monday | {"booked_minutes": 0, "free_minutes": 480, "overbooked": False}
    assert set(monday) >= {"date", "capacity_minutes", "booked_minutes", "free_minutes", "overbooked"}


def test_part_timer_and_odd_weekly_minutes(personas, make_person):
    part = make_person("Pat", weekly=1440, days=[1, 2, 3])
    odd = make_person("Odd", weekly=2000, days=[2, 4, 6])
    days = availability(personas, part.id, MONDAY, MONDAY + timedelta(days=6))
    assert [d["capacity_minutes"] for d in days.values()] == [480, 480, 480, 0, 0, 0, 0]
    days = availability(personas, odd.id, MONDAY, MONDAY + timedelta(days=6))
    # 2000 over 3 working days by largest remainder: 667 + 667 + 666 (Tuesday, Thursday, Saturday) = the week exactly.
    assert [d["capacity_minutes"] for d in days.values()] == [0, 667, 0, 667, 0, 666, 0]


def test_bookings_count_on_working_days_only_and_across_months(personas, make_person, project):
    ann = make_person("Ann")
    part = make_person("Pat", weekly=1440, days=[1, 2, 3])
    start, end = date(2031, 1, 29), date(2031, 2, 4)  # Wednesday to the next Tuesday, over a weekend and a month end
    for person in (ann, part):
        response = post(
            personas["pm"].api(),
            "/api/v1/bookings",
            {
                "person_id": person.id,
                "project_id": project.id,
                "start_date": str(start),
                "end_date": str(end),
                "minutes_per_day": 240,
            },
        )
        assert response.status_code == 201, response.content
    days = availability(personas, ann.id, start, end)
    assert [d["booked_minutes"] for d in days.values()] == [240, 240, 240, 0, 0, 240, 240]
    assert [d["free_minutes"] for d in days.values()] == [240, 240, 240, 0, 0, 240, 240]
    days = availability(personas, part.id, start, end)
    # Pat works Monday to Wednesday: Wed 29 Jan, Mon 3 and Tue 4 Feb.
    assert [d["booked_minutes"] for d in days.values()] == [240, 0, 0, 0, 0, 240, 240]
    by_month = (
        personas["owner"]
        .api()
        .get(f"/api/v1/reports/utilization?from={start}&to={end}&group_by=month&to_date=false")
        .json()
    )
    assert {r["key"]: r["booked_minutes"] for r in by_month} == {"2031-01": 240 * 3 + 240, "2031-02": 240 * 2 * 2}


def test_holidays_close_the_workspace_and_bookings_skip_them(personas, make_person, project):
    owner = personas["owner"].api()
    ann = make_person("Ann")
    response = patch(owner, "/api/v1/resourcing/settings", {"holiday_country": "us"})
    assert response.status_code == 200, response.content
    assert response.json()["holiday_country"] == "US"
    assert post(owner, "/api/v1/holidays", {"date": "2026-11-27", "name": "Studio day"}).status_code == 201
    booking = post(
        personas["pm"].api(),
        "/api/v1/bookings",
        {
            "person_id": ann.id,
            "project_id": project.id,
            "start_date": "2026-11-23",
            "end_date": "2026-11-27",
            "minutes_per_day": 480,
        },
    )
    assert booking.status_code == 201
    assert booking.json()["warnings"] == []  # the holidays are not overbooked: bookings skip them
    days = availability(personas, ann.id, date(2026, 11, 23), date(2026, 11, 27))
    thanksgiving, studio_day = days["2026-11-26"], days["2026-11-27"]
    assert thanksgiving["capacity_minutes"] == 0 and thanksgiving["booked_minutes"] == 0
    assert thanksgiving["holiday"] == "Thanksgiving Day"
    assert studio_day["capacity_minutes"] == 0 and studio_day["holiday"] == "Studio day"
    assert [d["booked_minutes"] for d in days.values()] == [480, 480, 480, 0, 0]
    holidays = owner.get("/api/v1/holidays?from=2026-11-01&to=2026-11-30").json()
    assert [(h["date"], h["source"]) for h in holidays["results"]] == [
        ("2026-11-11", "country"),
        ("2026-11-26", "country"),
        ("2026-11-27", "custom"),
    ]


def test_time_off_over_a_weekend_and_partial_days(personas, make_person):
    ann = make_person("Ann")
    friday = MONDAY + timedelta(days=4)
    pm = personas["pm"].api()
    # Friday to the next Monday, entered by an approver: approved at once.
    response = post(
        pm,
        "/api/v1/time-off",
        {
            "person_id": ann.id,
            "start_date": str(friday),
            "end_date": str(friday + timedelta(days=3)),
            "kind": "vacation",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "approved"
    # A partial day on Tuesday: two hours at the dentist.
    post(
        pm,
        "/api/v1/time-off",
        {
            "person_id": ann.id,
            "start_date": str(MONDAY + timedelta(days=8)),
            "end_date": str(MONDAY + timedelta(days=8)),
            "minutes_per_day": 120,
            "kind": "personal",
        },
    )
    days = availability(personas, ann.id, MONDAY, MONDAY + timedelta(days=9))
    assert [d["capacity_minutes"] for d in days.values()] == [480, 480, 480, 480, 0, 0, 0, 0, 360, 480]
    assert days[str(MONDAY + timedelta(days=7))]["time_off_minutes"] == 480
    util = (
        personas["owner"]
        .api()
        .get(f"/api/v1/reports/utilization?from={MONDAY}&to={MONDAY + timedelta(days=9)}&to_date=false")
    )
    row = next(r for r in util.json() if r["person_id"] == ann.id)
    assert row["capacity_minutes"] == 480 * 8 - 480 * 2 - 120
    assert row["time_off_minutes"] == 480 * 2 + 120


def test_only_approved_time_off_reduces_capacity(personas):
    member = personas["member"]
    response = post(member.api(), "/api/v1/time-off", {"start_date": str(MONDAY), "end_date": str(MONDAY)})
    assert response.status_code == 201
    assert response.json()["status"] == "requested"
    assert response.json()["person_id"] == member.person.id
    assert availability(personas, member.person.id, MONDAY, MONDAY)[str(MONDAY)]["capacity_minutes"] == 480
    approve = post(personas["pm"].api(), f"/api/v1/time-off/{response.json()['id']}/approve", {})
    assert approve.status_code == 200 and approve.json()["status"] == "approved"
    assert approve.json()["approver_id"] == personas["pm"].person.id
    assert availability(personas, member.person.id, MONDAY, MONDAY)[str(MONDAY)]["capacity_minutes"] == 0


def test_overbooked_days_are_flagged(personas, make_person, project, project_b):
    ann = make_person("Ann")
    pm = personas["pm"].api()
    for p, minutes in ((project, 360), (project_b, 240)):
        post(
            pm,
            "/api/v1/bookings",
            {
                "person_id": ann.id,
                "project_id": p.id,
                "start_date": str(MONDAY),
                "end_date": str(MONDAY + timedelta(days=1)),
                "minutes_per_day": minutes,
            },
        )
    days = availability(personas, ann.id, MONDAY, MONDAY + timedelta(days=2))
    assert [(d["booked_minutes"], d["free_minutes"], d["overbooked"]) for d in days.values()] == [
        (600, 0, True),
        (600, 0, True),
        (0, 480, False),
    ]


def test_capacity_history_keeps_the_past_and_sets_the_future(personas, make_person):
    ann = make_person("Ann")
    owner = personas["owner"].api()
    change = MONDAY + timedelta(days=7)
    response = post(
        owner,
        "/api/v1/capacity-periods",
        {
            "person_id": ann.id,
            "effective_from": str(change),
            "weekly_capacity_minutes": 1440,
            "working_days": [1, 2, 3],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["daily_capacity_minutes"] == 480
    days = availability(personas, ann.id, MONDAY, change + timedelta(days=4))
    caps = [d["capacity_minutes"] for d in days.values()]
    assert caps[:5] == [480] * 5  # before the change: the person's fields
    assert caps[7:12] == [480, 480, 480, 0, 0]  # from the change: three days a week
    assert Event.objects.filter(verb="capacity.changed", target_type="capacity").count() == 1
    # A change in the future leaves the person's current fields alone.
    ann.refresh_from_db()
    assert ann.weekly_capacity_minutes == 2400
    listing = owner.get(f"/api/v1/capacity-periods?person_id={ann.id}").json()
    assert [r["effective_from"] for r in listing["results"]][-1] == str(change)


def test_a_change_in_force_today_updates_the_person(personas, make_person):
    ann = make_person("Ann")
    period = services.capacity_change(
        actor=personas["owner"].actor,
        person_id=ann.id,
        effective_from=date.today(),
        weekly_capacity_minutes=1800,
        working_days=[1, 2, 3, 4],
    )
    ann.refresh_from_db()
    assert (ann.weekly_capacity_minutes, ann.working_days) == (1800, [1, 2, 3, 4])
    assert period.weekly_capacity_minutes == 1800


def test_editing_capacity_on_the_person_records_history(personas, make_person, django_capture_on_commit_callbacks):
    ann = make_person("Ann")
    Person.objects.filter(pk=ann.pk).update(created_at=ann.created_at - timedelta(days=400))
    ann.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = patch(
            personas["owner"].api(),
            f"/api/v1/people/{ann.id}",
            {"weekly_capacity_minutes": 1200},
            **{"If-Match": str(ann.version)},
        )
    assert response.status_code == 200
    periods = list(CapacityPeriod.objects.filter(person=ann).order_by("effective_from"))
    assert [(p.weekly_capacity_minutes, p.effective_from) for p in periods] == [
        (2400, ann.created_at.date()),
        (1200, date.today()),
    ]
    # Last year's capacity is still full time.
    last_year = date.today() - timedelta(days=364)
    days = availability(personas, ann.id, last_year, last_year + timedelta(days=6))
    assert max(d["capacity_minutes"] for d in days.values()) == 480


def test_bad_ranges_and_ids(personas, make_person, other_project):
    owner = personas["owner"].api()
    ann = make_person("Ann")
    bad = owner.get(f"/api/v1/people/{ann.id}/availability?from=2030-03-10&to=2030-03-01")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "to"
    bad = owner.get(f"/api/v1/people/{ann.id}/availability?from=2030-01-01&to=2033-01-01")
    assert bad.status_code == 422
    bad = owner.get(f"/api/v1/people/{ann.id}/availability?from=yesterday")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "from"
    assert owner.get(f"/api/v1/people/{personas['outsider'].person.id}/availability").status_code == 404
    assert owner.get(f"/api/v1/people/{personas['client_a'].person.id}/availability").status_code == 404
    assert owner.get("/api/v1/people/999999/availability").status_code == 404
