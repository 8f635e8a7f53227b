"""Utilization (logged and billable time from time entries), capacity vs demand, revenue forecast, find someone."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps

from baton.resourcing.reports import pct
from baton.resourcing.tests.conftest import MONDAY, patch, post

pytestmark = pytest.mark.django_db
FRIDAY = MONDAY + timedelta(days=4)


def log(workspace, person, project, day, minutes, billable=True):
    """A time entry made directly (the timesheets app owns the real logging flow)."""
    TimeEntry = apps.get_model("timesheets", "TimeEntry")
    return TimeEntry.objects.create(
        workspace=workspace, person=person, project=project, date=day, minutes=minutes, billable=billable
    )


def test_percentages_round_half_up_to_one_decimal():
    assert pct(1, 3) == 33.3
    assert pct(2, 3) == 66.7
    assert pct(1, 8) == 12.5
    assert pct(1, 16) == 6.3  # 6.25 rounds half up
    assert pct(5, 0) == 0.0


def test_utilization_per_person(personas, make_person, project):
    ann = make_person("Ann", title="Designer")
    pat = make_person("Pat", weekly=1440, days=[1, 2, 3], title="Developer")
    post(
        personas["pm"].api(),
        "/api/v1/bookings",
        {
            "person_id": ann.id,
            "project_id": project.id,
            "start_date": str(MONDAY),
            "end_date": str(FRIDAY),
            "minutes_per_day": 360,
        },
    )
    log(personas.workspace, ann, project, MONDAY, 480)
    log(personas.workspace, ann, project, MONDAY + timedelta(days=1), 300, billable=False)
    log(personas.workspace, ann, project, MONDAY + timedelta(days=5), 60)  # a Saturday still counts as logged
    patch(
        personas["owner"].api(),
        "/api/v1/resourcing/settings",
        {"utilization_target_pct": 75, "role_targets": {"Developer": 90}},
    )
    rows = (
        personas["owner"]
        .api()
        .get(f"/api/v1/reports/utilization?from={MONDAY}&to={FRIDAY + timedelta(days=2)}&to_date=false")
    )
    assert rows.status_code == 200
    by_person = {r["person_id"]: r for r in rows.json()}
    a = by_person[ann.id]
    assert (
        a
        | {
            "capacity_minutes": 2400,
            "booked_minutes": 1800,
            "logged_minutes": 840,
            "billable_minutes": 540,
            "utilization_pct": 35.0,
            "billable_pct": 22.5,
            "booked_pct": 75.0,
            "target_pct": 75.0,
        }
        == a
    )
    p = by_person[pat.id]
    assert p | {"capacity_minutes": 1440, "logged_minutes": 0, "utilization_pct": 0.0, "target_pct": 90.0} == p
    assert isinstance(a["utilization_pct"], float)


def test_utilization_groupings(personas, make_person, project):
    ann = make_person("Ann", title="Visual Designer")
    make_person("Bea", title="Visual Designer")
    make_person("Pat", weekly=1440, days=[1, 2, 3], title="Developer")
    log(personas.workspace, ann, project, MONDAY, 240)
    api = personas["owner"].api()
    week = f"from={MONDAY}&to={MONDAY + timedelta(days=13)}&to_date=false"
    by_role = {r["key"]: r for r in api.get(f"/api/v1/reports/utilization?{week}&group_by=role").json()}
    designers = by_role["Visual Designer"]
    assert designers["people"] == 2 and designers["capacity_minutes"] == 2400 * 2 * 2
    assert designers["logged_minutes"] == 240
    by_week = api.get(f"/api/v1/reports/utilization?{week}&group_by=week").json()
    assert [r["key"] for r in by_week] == [str(MONDAY), str(MONDAY + timedelta(days=7))]
    assert by_week[0]["logged_minutes"] == 240 and by_week[1]["logged_minutes"] == 0
    bad = api.get(f"/api/v1/reports/utilization?{week}&group_by=team")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "group_by"


def test_utilization_access(personas):
    member = personas["member"].api().get(f"/api/v1/reports/utilization?from={MONDAY}&to={FRIDAY}").json()
    assert [r["person_id"] for r in member] == [personas["member"].person.id]
    assert len(personas["finance"].api().get(f"/api/v1/reports/utilization?from={MONDAY}&to={FRIDAY}").json()) == 6
    assert personas["client_a"].api().get("/api/v1/reports/utilization").status_code == 403


def test_capacity_vs_demand_by_skill_and_role(personas, make_person, project):
    ann = make_person("Ann", skills=["react"], title="Developer")
    pm = personas["pm"].api()
    post(
        pm,
        "/api/v1/bookings",
        {
            "person_id": ann.id,
            "project_id": project.id,
            "start_date": str(MONDAY),
            "end_date": str(FRIDAY),
            "minutes_per_day": 300,
        },
    )
    post(
        pm,
        "/api/v1/bookings",
        {
            "person_id": ann.id,
            "project_id": project.id,
            "start_date": str(MONDAY),
            "end_date": str(FRIDAY),
            "minutes_per_day": 60,
            "tentative": True,
        },
    )
    post(
        pm,
        "/api/v1/bookings",
        {
            "project_id": project.id,
            "skill": "react",
            "start_date": str(MONDAY),
            "end_date": str(FRIDAY),
            "minutes_per_day": 480,
        },
    )
    rows = (
        personas["owner"]
        .api()
        .get(f"/api/v1/reports/capacity-demand?from={MONDAY}&to={FRIDAY + timedelta(days=2)}")
        .json()
    )
    react = next(r for r in rows if r["key"] == "react")
    assert (
        react
        | {
            "week_start": str(MONDAY),
            "capacity_minutes": 2400,
            "confirmed_minutes": 1500,
            "tentative_minutes": 300,
            "unstaffed_minutes": 2400,
            "pipeline_minutes": 0,
            "demand_minutes": 4200,
            "gap_minutes": -1800,
        }
        == react
    )
    by_role = personas["owner"].api().get(f"/api/v1/reports/capacity-demand?from={MONDAY}&to={FRIDAY}&by=role").json()
    assert next(r for r in by_role if r["key"] == "Developer")["confirmed_minutes"] == 1500
    assert personas["member"].api().get("/api/v1/reports/capacity-demand").status_code == 403


def test_revenue_forecast_uses_bill_rates_as_decimal(personas, make_person, project):
    ann = make_person("Ann", bill="150.00")
    bob = make_person("Bob", bill="99.99")
    pm = personas["pm"].api()
    # Ann: Thu 30 and Fri 31 Jan, Mon 3 Feb 2031 at 4 h; Bob tentative 1 h on Fri 31 Jan.
    post(
        pm,
        "/api/v1/bookings",
        {
            "person_id": ann.id,
            "project_id": project.id,
            "start_date": "2031-01-30",
            "end_date": "2031-02-03",
            "minutes_per_day": 240,
        },
    )
    post(
        pm,
        "/api/v1/bookings",
        {
            "person_id": bob.id,
            "project_id": project.id,
            "start_date": "2031-01-31",
            "end_date": "2031-01-31",
            "minutes_per_day": 60,
            "tentative": True,
        },
    )
    rows = personas["finance"].api().get("/api/v1/reports/revenue-forecast?from=2031-01-01&to=2031-02-28").json()
    fields = (
        "month",
        "confirmed_minutes",
        "tentative_minutes",
        "unstaffed_minutes",
        "confirmed_amount",
        "tentative_amount",
        "total_amount",
        "currency",
    )
    assert all(r["forecast"] is True and r["warnings"] == [] for r in rows)
    assert [{f: r[f] for f in fields} for r in rows] == [
        {
            "month": "2031-01",
            "confirmed_minutes": 480,
            "tentative_minutes": 60,
            "unstaffed_minutes": 0,
            "confirmed_amount": "1200.00",
            "tentative_amount": "99.99",
            "total_amount": "1299.99",
            "currency": "USD",
        },
        {
            "month": "2031-02",
            "confirmed_minutes": 240,
            "tentative_minutes": 0,
            "unstaffed_minutes": 0,
            "confirmed_amount": "600.00",
            "tentative_amount": "0.00",
            "total_amount": "600.00",
            "currency": "USD",
        },
    ]
    assert Decimal(rows[0]["total_amount"]) == Decimal("1299.99")
    assert personas["member"].api().get("/api/v1/reports/revenue-forecast").status_code == 403


def test_find_someone_ranks_by_fit_then_free_time_then_cost(personas, make_person, project):
    cheap_busy = make_person("Cheap Busy", skills=["react"], cost="40.00")
    dear_free = make_person("Dear Free", skills=["react"], cost="90.00")
    cheap_free = make_person("Cheap Free", skills=["React Native"], cost="30.00")
    make_person("No Skill", skills=["copywriting"])
    post(
        personas["pm"].api(),
        "/api/v1/bookings",
        {
            "person_id": cheap_busy.id,
            "project_id": project.id,
            "start_date": str(MONDAY),
            "end_date": str(FRIDAY),
            "minutes_per_day": 300,
        },
    )
    rows = (
        personas["am"]
        .api()
        .get(f"/api/v1/staffing/candidates?skill=react&from={MONDAY}&to={FRIDAY}&minutes_per_day=240")
        .json()
    )
    assert [(r["name"], r["covers"], r["skill_match"]) for r in rows] == [
        ("Dear Free", True, "exact"),
        ("Cheap Free", True, "partial"),
        ("Cheap Busy", False, "exact"),
    ]
    assert rows[0]["free_minutes"] == 2400 and rows[0]["needed_minutes"] == 1200 and rows[0]["rank"] == 1
    assert "react" in rows[0]["explanation"]
    assert dear_free.id == rows[0]["person_id"] and cheap_free.id == rows[1]["person_id"]
    assert personas["member"].api().get("/api/v1/staffing/candidates?skill=react").status_code == 403


def test_pipeline_demand_for_design_meets_designers_by_skill_and_by_title(personas, make_person, project):
    """Issue 20: a deal needing "design" met capacity 0 (demand keyed by role, capacity by skill). Now the need counts
    everyone who lists the skill or carries the title, in the demand report and on the deal."""
    from baton.people.models import Person

    ann = make_person("Ann", title="Visual Designer", skills=["illustration"])  # matches by title only
    bob = make_person("Bob", title="Developer", skills=["Design", "react"])  # matches by skill only
    make_person("Cy", title="Developer", skills=["react"])  # does not match
    post(
        personas["pm"].api(),
        "/api/v1/bookings",
        {
            "person_id": ann.id,
            "project_id": project.id,
            "start_date": str(MONDAY),
            "end_date": str(FRIDAY),
            "minutes_per_day": 120,
        },
    )
    owner = personas["owner"].api()
    made = post(
        owner,
        "/api/v1/deals",
        {
            "client_id": personas.client_a.id,
            "name": "Rebrand",
            "stage": "proposal",
            "expected_close": str(MONDAY - timedelta(days=7)),
            "expected_effort_minutes": 4800,
            "effort_role": "design",
            "effort_weeks": 2,
        },
    ).json()
    designers = [
        p
        for p in Person.objects.filter(workspace=personas.workspace, active=True)
        if "design" in (p.title or "").lower() or "design" in [s.lower() for s in p.skills or []]
    ]
    assert {ann.id, bob.id} <= {p.id for p in designers}
    capacity = sum(p.weekly_capacity_minutes for p in designers)
    rows = owner.get(f"/api/v1/reports/capacity-demand?from={MONDAY}&to={FRIDAY + timedelta(days=2)}").json()
    design = next(r for r in rows if r["key"] == "design")
    assert design["capacity_minutes"] == capacity > 0
    assert design["pipeline_minutes"] == 1200  # 4800 x 50 % over 2 weeks
    assert design["confirmed_minutes"] == 600  # Ann's booking counts where her capacity does
    by_role = owner.get(f"/api/v1/reports/capacity-demand?from={MONDAY}&to={FRIDAY}&by=role").json()
    design_role = next(r for r in by_role if r["key"] == "design")
    assert design_role["capacity_minutes"] == capacity and design_role["pipeline_minutes"] == 1200
    # the deal shows the same free capacity before committing: its whole effort per week against it
    deal = owner.get(f"/api/v1/deals/{made['id']}").json()
    weeks = deal["capacity"]["weeks"]
    assert deal["capacity"]["skill"] == "design" and deal["capacity"]["role"] == "design"
    assert [(w["week"], w["demand_minutes"]) for w in weeks] == [
        (str(MONDAY), 2400),
        (str(MONDAY + timedelta(weeks=1)), 2400),
    ]
    assert weeks[0]["free_minutes"] == capacity - 600 and weeks[1]["free_minutes"] == capacity
    assert personas["finance"].api().get(f"/api/v1/deals/{made['id']}").json()["capacity"] is not None
