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
from baton.resourcing.reports import utilization_summary
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


@time_machine.travel(WEDNESDAY, tick=False)
def test_one_team_figure_to_date_on_the_page_the_api_and_the_homes(personas, make_person, project):
    """The homes' "utilization this month" (`utilization_summary`) is the page's total row and the sum of the API's
    rows, measured to date: on 6 March, capacity up to today only, never the whole month's (issue 17: everyone at
    0-17 % in red on the 6th)."""
    ann, bob = make_person("Ann"), make_person("Bob")
    log(personas.workspace, ann, project, date(2030, 3, 5), 300)
    log(personas.workspace, bob, project, date(2030, 3, 4), 480)
    rows = report(personas, MARCH)
    summary = utilization_summary(actor=personas["owner"].actor)
    assert (summary["start"], summary["end"], summary["measured_to"]) == (
        date(2030, 3, 1),
        date(2030, 3, 31),
        "2030-03-06",
    )
    for name in ("capacity_minutes", "logged_minutes", "billable_minutes", "booked_minutes"):
        assert summary[name] == sum(r[name] for r in rows), name
    assert row_of(rows, ann)["capacity_minutes"] == 4 * 480  # Fri 1 to Wed 6 March, not the month's 21 days
    people = len(rows)
    assert summary["capacity_minutes"] == people * 4 * 480 and summary["logged_minutes"] >= 780
    page = browser(personas["owner"]).get("/schedule/utilization/").content.decode()
    total = page[page.index('id="util-total"') :]
    total = total[: total.index("</tr>")]
    assert f"<td>{summary['capacity_minutes'] // 60}</td>" in total and f">{summary['utilization_pct']}</td>" in total


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_whole_period_of_a_running_month_is_never_red(personas, make_person, project):
    """Asked for the whole period while it runs, the page divides the time logged so far by the whole month's
    capacity: labelled so, and never marked below target (in red) for it."""
    ann = make_person("Ann")
    log(personas.workspace, ann, project, date(2030, 3, 5), 300)
    client = browser(personas["owner"])
    whole = client.get(f"/schedule/utilization/?{MARCH}&to_date=0").content.decode()
    row = whole[whole.index("<td>Ann") :]
    row = row[: row.index("</tr>")]
    assert 'class="">3.0</td>' in row  # 300 of 21 x 480 minutes
    assert 'class="warn"' not in row and "not compared with the targets" in whole
    to_date = client.get(f"/schedule/utilization/?{MARCH}").content.decode()
    row = to_date[to_date.index("<td>Ann") :]
    assert 'class="warn">15.6</td>' in row[: row.index("</tr>")]  # to date: 300 of 4 x 480, below target
    past = client.get("/schedule/utilization/?from=2030-02-01&to=2030-02-28&to_date=0").content.decode()
    row = past[past.index("<td>Ann") :]
    assert 'class="warn">0.0</td>' in row[: row.index("</tr>")]  # a period over is compared with its target
