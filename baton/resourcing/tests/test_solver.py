"""Staffing suggestions with CP-SAT: feasible plans, clear infeasibility, time off respected, better than greedy."""

from __future__ import annotations

from datetime import timedelta

import pytest

from baton.resourcing import reports
from baton.resourcing.calendar import load_calendar
from baton.resourcing.models import Booking
from baton.resourcing.selectors import schedule_people
from baton.resourcing.solver import greedy_plan, solve
from baton.resourcing.tests.conftest import MONDAY, patch, post

pytestmark = pytest.mark.django_db
FRIDAY = MONDAY + timedelta(days=4)


def placeholder(personas, project, *, skill="", role="", minutes=480, start=MONDAY, end=FRIDAY):
    r = post(
        personas["pm"].api(),
        "/api/v1/bookings",
        {
            "project_id": project.id,
            "skill": skill,
            "role": role,
            "start_date": str(start),
            "end_date": str(end),
            "minutes_per_day": minutes,
        },
    )
    assert r.status_code == 201, r.content
    return r.json()["id"]


def suggestions(personas, query=""):
    r = personas["pm"].api().get(f"/api/v1/staffing/suggestions{query}")
    assert r.status_code == 200, r.content
    return r.json()


def test_solver_finds_a_feasible_assignment_and_explains_it(personas, make_person, project):
    ann = make_person("Ann", skills=["python"], title="Developer", cost="40.00")
    bob = make_person("Bob", skills=["figma"], title="Designer", cost="45.00")
    p1 = placeholder(personas, project, skill="python", minutes=240)
    p2 = placeholder(personas, project, role="designer", minutes=240)
    plan = suggestions(personas)
    assert plan["status"] == "optimal"
    assert {(s["booking_id"], s["person_id"]) for s in plan["suggestions"]} == {(p1, ann.id), (p2, bob.id)}
    assert plan["new_over_minutes"] == 0 and plan["unassignable"] == []
    first = next(s for s in plan["suggestions"] if s["booking_id"] == p1)
    assert "Ann has the skill “python”" in first["explanation"] and "no overbooking" in first["explanation"]
    assert first["cost"] == "800.00"  # 5 days x 240 min x 40/h
    # Accept with one call: the placeholder is staffed.
    accepted = post(personas["pm"].api(), f"/api/v1/bookings/{p1}/staff", {"person_id": ann.id})
    assert accepted.status_code == 200
    assert Booking.objects.get(pk=p1).person_id == ann.id
    assert [s["booking_id"] for s in suggestions(personas)["suggestions"]] == [p2]


def test_infeasibility_is_reported_clearly(personas, make_person, project, project_b):
    busy = make_person("Busy", skills=["python"])
    post(
        personas["pm"].api(),
        "/api/v1/bookings",
        {
            "person_id": busy.id,
            "project_id": project_b.id,
            "start_date": str(MONDAY),
            "end_date": str(FRIDAY),
            "minutes_per_day": 480,
        },
    )
    nobody = placeholder(personas, project, skill="cobol")
    full = placeholder(personas, project, skill="python")
    plan = suggestions(personas, "?allow_overbooking=false")
    assert plan["status"] == "infeasible"
    reasons = {u["booking_id"]: u["reason"] for u in plan["unassignable"]}
    assert reasons[nobody] == "Nobody active lists the skill “cobol”."
    assert "Busy, would be overbooked by 40 h on 5 days" in reasons[full]
    assert plan["suggestions"] == []
    # With overbooking allowed (the default in warn mode) Busy is suggested, and the overbooking is stated.
    plan = suggestions(personas)
    assert plan["status"] == "optimal"
    assert plan["suggestions"][0]["new_over_minutes"] == 2400
    assert "overbooked by 40 h" in plan["suggestions"][0]["explanation"]
    # A workspace that refuses overbooking gets only plans without it.
    patch(personas["owner"].api(), "/api/v1/resourcing/settings", {"overbooking_mode": "refuse"})
    assert suggestions(personas)["status"] == "infeasible"


def test_time_off_is_respected(personas, make_person, project):
    away = make_person("Away", skills=["python"], cost="20.00")
    here = make_person("Here", skills=["python"], cost="80.00")
    post(
        personas["pm"].api(),
        "/api/v1/time-off",
        {"person_id": away.id, "start_date": str(MONDAY), "end_date": str(FRIDAY)},
    )
    p = placeholder(personas, project, skill="python", minutes=240)
    plan = suggestions(personas)
    assert [(s["booking_id"], s["person_id"]) for s in plan["suggestions"]] == [(p, here.id)]


def test_solver_beats_greedy_on_a_crafted_case(personas, make_person, project):
    """Greedy gives the python work to the cheap all-rounder first and then has nobody else for the django work; the
    solver sees both at once."""
    ann = make_person("Ann", skills=["python", "django"], cost="30.00")
    bob = make_person("Bob", skills=["python"], cost="60.00")
    first = placeholder(personas, project, skill="python")
    second = placeholder(personas, project, skill="django")
    people = schedule_people(actor=personas["pm"].actor)
    holders = list(Booking.objects.filter(person__isnull=True).select_related("project").order_by("id"))
    calendar = load_calendar(personas.workspace, people, MONDAY, FRIDAY)

    greedy = greedy_plan(holders, people, calendar)
    optimal = solve(holders, people, calendar)
    assert {s.booking.id: s.person.id for s in greedy.suggestions} == {first: ann.id, second: ann.id}
    assert greedy.new_over_minutes == 2400
    assert optimal.status == "optimal"
    assert {s.booking.id: s.person.id for s in optimal.suggestions} == {first: bob.id, second: ann.id}
    assert optimal.new_over_minutes == 0
    assert (optimal.new_over_minutes, optimal.cost) < (greedy.new_over_minutes, greedy.cost)


def test_nothing_to_staff_and_access(personas):
    assert suggestions(personas)["status"] == "nothing_to_staff"
    assert personas["member"].api().get("/api/v1/staffing/suggestions").status_code == 403
    assert personas["client_a"].api().get("/api/v1/staffing/suggestions").status_code == 403
    plan = reports.staffing_plan(actor=personas["am"].actor)
    assert plan.status == "nothing_to_staff"
