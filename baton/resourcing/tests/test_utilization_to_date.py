"""Utilization measured to date (MONEY.md §6): a period reaching past today counts capacity, booked and logged time up
to and including today, with the planned rest apart; people count only on the days they were active members.

The clock is frozen on Wednesday 6 March 2030 (March 2030 starts on a Friday and has 21 working days)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.apps import apps

from baton.people.models import Person
from baton.people.services import person_update
from baton.resourcing.tests.conftest import post
from baton.resourcing.tests.test_views import browser

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime(2030, 3, 6, 12, 0, tzinfo=UTC)
MARCH = "from=2030-03-01&to=2030-03-31"


def log(workspace, person, project, day, minutes):
    return apps.get_model("timesheets", "TimeEntry").objects.create(
        workspace=workspace, person=person, project=project, date=day, minutes=minutes, billable=True
    )


def report(personas, query, who="owner"):
    response = personas[who].api().get(f"/api/v1/reports/utilization?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def row_of(rows, person):
    return next(r for r in rows if r["person_id"] == person.id)


@time_machine.travel(WEDNESDAY, tick=False)
def test_this_month_is_measured_to_date_with_the_planned_rest_apart(personas, make_person, project):
    ann = make_person("Ann")
    post(
        personas["pm"].api(),
        "/api/v1/bookings",
        {
            "person_id": ann.id,
            "project_id": project.id,
            "start_date": "2030-03-01",
            "end_date": "2030-03-31",
            "minutes_per_day": 240,
        },
    )
    log(personas.workspace, ann, project, date(2030, 3, 5), 300)
    log(personas.workspace, ann, project, date(2030, 3, 20), 100)  # logged ahead: not measured yet

    a = row_of(report(personas, MARCH), ann)
    # to date: Fri 1, Mon 4, Tue 5, Wed 6 March = 4 working days; the 17 after today are planned
    assert (
        a
        | {
            "capacity_minutes": 4 * 480,
            "booked_minutes": 4 * 240,
            "logged_minutes": 300,
            "planned_capacity_minutes": 17 * 480,
            "planned_booked_minutes": 17 * 240,
            "utilization_pct": 15.6,  # 300 / 1920
            "booked_pct": 50.0,
            "planned_booked_pct": 50.0,
            "to_date": True,
            "measured_to": "2030-03-06",
        }
        == a
    )

    whole = row_of(report(personas, f"{MARCH}&to_date=false"), ann)
    assert (
        whole
        | {
            "capacity_minutes": 21 * 480,
            "booked_minutes": 21 * 240,
            "logged_minutes": 400,
            "planned_capacity_minutes": 0,
            "planned_booked_minutes": 0,
            "to_date": False,
            "measured_to": "2030-03-31",
        }
        == whole
    )

    by_week = {r["key"]: r for r in report(personas, f"{MARCH}&group_by=week&person_id={ann.id}")}
    this_week = by_week["2030-03-04"]
    assert this_week["capacity_minutes"] == 3 * 480 and this_week["planned_capacity_minutes"] == 2 * 480
    assert by_week["2030-03-11"]["capacity_minutes"] == 0 and by_week["2030-03-11"]["planned_capacity_minutes"] == 2400


@time_machine.travel(WEDNESDAY, tick=False)
def test_past_and_future_periods(personas, make_person):
    ann = make_person("Ann")
    past = row_of(report(personas, "from=2030-02-01&to=2030-02-28"), ann)
    assert past["capacity_minutes"] == 20 * 480 and past["planned_capacity_minutes"] == 0
    assert past["measured_to"] == "2030-02-28"
    future = row_of(report(personas, "from=2030-04-01&to=2030-04-30"), ann)
    assert future["capacity_minutes"] == 0 and future["planned_capacity_minutes"] == 22 * 480
    assert future["measured_to"] is None and future["utilization_pct"] == 0.0


def test_people_count_only_on_the_days_they_are_active_members(personas, make_person):
    owner = personas["owner"].actor
    ann = make_person("Ann")
    gone = make_person("Gone")
    never = make_person("Never")
    Person.objects.filter(pk=never.pk).update(active=False)  # inactive with no archive recorded: never a member
    with time_machine.travel(datetime(2030, 3, 5, 9, 0, tzinfo=UTC), tick=False):
        person_update(actor=owner, person=ann, version=ann.version, active=False)  # archived on Tue 5 March...
        person_update(actor=owner, person=gone, version=gone.version, active=False)
    with time_machine.travel(datetime(2030, 3, 6, 9, 0, tzinfo=UTC), tick=False):
        ann.refresh_from_db()
        person_update(actor=owner, person=ann, version=ann.version, active=True)  # ...and back on Wed 6 March
    with time_machine.travel(WEDNESDAY, tick=False):
        rows = report(personas, "from=2030-03-01&to=2030-03-08")
        ids = {r["person_id"] for r in rows}
        assert never.id not in ids
        # Ann: Fri 1, Mon 4 and (back) Wed 6 measured; Thu 7 and Fri 8 planned; Tue 5 not a member
        a = row_of(rows, ann)
        assert a["capacity_minutes"] == 3 * 480 and a["planned_capacity_minutes"] == 2 * 480
        # Gone: Fri 1 and Mon 4 only, nothing planned
        g = row_of(rows, gone)
        assert g["capacity_minutes"] == 2 * 480 and g["planned_capacity_minutes"] == 0
        # a period wholly after someone left has no row for them
        later = report(personas, "from=2030-03-11&to=2030-03-15")
        assert gone.id not in {r["person_id"] for r in later}
        assert ann.id in {r["person_id"] for r in later}


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_page_says_to_date_and_shows_the_planned_rest(personas, make_person):
    make_person("Ann")
    client = browser(personas["owner"])
    page = client.get("/schedule/utilization/").content.decode()
    assert "to date" in page, page
    assert "Measured to date" in page, page
    assert "Planned capacity h" in page, page
    assert "Mar 6, 2030" in page
    whole = client.get("/schedule/utilization/?to_date=0").content.decode()
    assert "Measured over the whole period" in whole and "Planned capacity h" not in whole
