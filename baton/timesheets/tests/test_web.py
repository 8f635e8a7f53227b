"""The time pages: the weekly grid edited in place (htmx), the entry form, approvals; query-count ceilings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client as HttpClient

from baton.devdata.testing.finance import log, make_project, make_task
from baton.devdata.testing.personas import PASSWORD
from baton.timesheets import services
from baton.timesheets.forms import parse_hours
from baton.timesheets.models import TimeEntry

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 3, 2)
HTMX = {"HX-Request": "true"}


def login(personas, who):
    client = HttpClient()
    assert client.login(email=personas[who].email, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("1.5", 90), ("1,5", 90), ("1:30", 90), ("90m", 90), ("2h", 120), ("", 0), ("0.25", 15), ("0:05", 5)],
)
def test_parse_hours(text, minutes):
    assert parse_hours(text) == minutes


@pytest.mark.parametrize("text", ["abc", "-1", "25", "1:75"])
def test_parse_hours_rejects(text):
    with pytest.raises(ValueError):
        parse_hours(text)


def test_grid_shows_the_week_with_totals(personas):
    project = make_project(personas)
    task = make_task(personas, project, "Homepage")
    log(personas, "member", project, 90, day=MONDAY, task=task)
    log(personas, "member", project, 30, day=MONDAY + timedelta(days=2), task=task)
    web = login(personas, "member")
    response = web.get(f"/time/?week={MONDAY:%Y-%m-%d}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Homepage" in html and 'value="1:30"' in html and 'id="week-total">2:00<' in html
    assert "Submit week for approval" in html


def test_typing_a_cell_creates_changes_and_clears_the_entry(personas):
    project = make_project(personas)
    web = login(personas, "member")
    person = personas["member"].person.id
    cell = {"person": person, "project": project.id, "task": "", "day": "2026-03-03"}
    response = web.post("/time/grid/cell/", {**cell, "hours": "1.5"}, headers=HTMX)
    assert response.status_code == 200
    entry = TimeEntry.objects.get(person_id=person, date=date(2026, 3, 3))
    assert entry.minutes == 90 and entry.bill_amount > 0
    html = response.content.decode()
    assert f'id="total-{project.id}-0"' in html and 'hx-swap-oob="true"' in html and ">1:30<" in html
    assert 'value="1:30"' in html  # the typed cell comes back normalised
    web.post("/time/grid/cell/", {**cell, "hours": "2:15"}, headers=HTMX)
    entry.refresh_from_db()
    assert entry.minutes == 135
    bad = web.post("/time/grid/cell/", {**cell, "hours": "lots"}, headers=HTMX)
    assert bad.status_code == 200 and 'role="alert"' in bad.content.decode()
    entry.refresh_from_db()
    assert entry.minutes == 135
    web.post("/time/grid/cell/", {**cell, "hours": ""}, headers=HTMX)
    assert not TimeEntry.objects.filter(pk=entry.pk).exists()


def test_a_submitted_week_has_no_inputs(personas):
    project = make_project(personas)
    log(personas, "member", project, 60, day=MONDAY)
    services.timesheet_submit(actor=personas["member"].actor, week_start=MONDAY)
    html = login(personas, "member").get(f"/time/?week={MONDAY:%Y-%m-%d}").content.decode()
    assert 'name="hours"' not in html and "Submit week" not in html and "submitted" in html.lower()
    refused = login(personas, "member").post(
        "/time/grid/cell/",
        {"person": personas["member"].person.id, "project": project.id, "task": "", "day": "2026-03-03", "hours": "1"},
        headers=HTMX,
    )
    assert "locked" in refused.content.decode()


def test_week_submit_and_approval_pages(personas):
    project = make_project(personas)
    log(personas, "member", project, 60, day=MONDAY)
    member = login(personas, "member")
    response = member.post("/time/week/submit/", {"week": "2026-03-04"})
    assert response.status_code == 302
    pm = login(personas, "pm")
    page = pm.get("/time/approvals/")
    assert page.status_code == 200 and "Member Persona" in page.content.decode()
    sheet = personas["member"].person.timesheets.get()
    assert pm.post(f"/time/approvals/{sheet.id}/approve/").status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == "approved"
    assert login(personas, "member").get("/time/approvals/").status_code == 403


def test_entry_form_logs_time_and_shows_field_errors(personas):
    project = make_project(personas)
    web = login(personas, "member")
    assert web.get("/time/entries/new/").status_code == 200
    bad = web.post(
        "/time/entries/new/",
        {"person_id": personas["member"].person.id, "project_id": project.id, "date": "2026-03-02", "minutes": "30:00"},
    )
    assert bad.status_code == 400
    good = web.post(
        "/time/entries/new/",
        {
            "person_id": personas["member"].person.id,
            "project_id": project.id,
            "date": "2026-03-02",
            "minutes": "1:45",
            "note": "Kickoff",
        },
    )
    assert good.status_code == 302
    assert TimeEntry.objects.get(note="Kickoff").minutes == 105
    listing = web.get("/time/entries/").content.decode()
    assert "Kickoff" in listing and "120.00" not in listing  # members never see rates


def test_grid_query_count_does_not_grow_with_rows(personas, django_assert_max_num_queries):
    web = login(personas, "member")
    web.get("/")
    project = make_project(personas)
    for i in range(3):
        task = make_task(personas, project, f"Task {i}")
        log(personas, "member", project, 60, day=MONDAY + timedelta(days=i % 5), task=task)
    with django_assert_max_num_queries(30) as few:
        web.get(f"/time/?week={MONDAY:%Y-%m-%d}")
    count = len(few.captured_queries)
    for i in range(3, 30):
        task = make_task(personas, project, f"Task {i}")
        log(personas, "member", project, 30, day=MONDAY + timedelta(days=i % 5), task=task)
    with django_assert_max_num_queries(count) as many:
        response = web.get(f"/time/?week={MONDAY:%Y-%m-%d}")
    assert "Task 29" in response.content.decode()
    assert len(many.captured_queries) <= count
