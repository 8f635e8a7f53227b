"""Submitting a week, approving or rejecting it (with a reason), and the locks an approved week holds (409)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from baton.core.models import Event
from baton.devdata.testing.finance import log, make_project
from baton.timesheets import services
from baton.timesheets.models import TimeEntry, Timesheet

pytestmark = pytest.mark.django_db
JSON = "application/json"
MONDAY = date(2026, 3, 2)


@pytest.fixture
def week(personas):
    project = make_project(personas)
    entries = [
        log(personas, "member", project, 60, day=MONDAY),
        log(personas, "member", project, 90, day=date(2026, 3, 4)),
    ]
    return project, entries


def submit(personas, who="member", day="2026-03-04"):
    return personas[who].api().post("/api/v1/timesheets/submit", {"week_start": day}, content_type=JSON)


def test_submit_then_approve_locks_the_week(personas, week):
    project, entries = week
    response = submit(personas)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["week_start"] == "2026-03-02" and body["minutes"] == 150
    sheet_id = body["id"]
    # Submitted: locked for the person.
    api = personas["member"].api()
    locked = api.post(
        "/api/v1/time-entries", {"project_id": project.id, "date": "2026-03-03", "minutes": 30}, content_type=JSON
    )
    assert locked.status_code == 409 and "submitted" in locked.json()["detail"]
    approved = personas["pm"].api().post(f"/api/v1/timesheets/{sheet_id}/approve", content_type=JSON)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert all(TimeEntry.objects.get(pk=e.id).approved for e in entries)
    for response in (
        api.patch(
            f"/api/v1/time-entries/{entries[0].id}", {"minutes": 10}, content_type=JSON, headers={"If-Match": "1"}
        ),
        api.delete(f"/api/v1/time-entries/{entries[0].id}"),
        api.post(
            "/api/v1/time-entries", {"project_id": project.id, "date": "2026-03-08", "minutes": 30}, content_type=JSON
        ),
        api.patch(
            f"/api/v1/time-entries/{entries[0].id}",
            {"date": "2026-03-10"},
            content_type=JSON,
            headers={"If-Match": "1"},
        ),
    ):
        assert response.status_code == 409, response.content
        assert "approved" in response.json()["detail"]
    assert TimeEntry.objects.filter(person=personas["member"].person).count() == 2
    # Moving time *into* an approved week is refused too.
    other = log(personas, "member", project, 30, day=date(2026, 3, 10))
    into = api.patch(
        f"/api/v1/time-entries/{other.id}", {"date": "2026-03-03"}, content_type=JSON, headers={"If-Match": "1"}
    )
    assert into.status_code == 409
    assert Event.objects.filter(verb="timesheet.submitted").count() == 1
    assert Event.objects.filter(verb="timesheet.approved", target_id=sheet_id).count() == 1
    # Approving twice is a state conflict.
    assert personas["finance"].api().post(f"/api/v1/timesheets/{sheet_id}/approve").status_code == 409


def test_reject_needs_a_reason_and_reopens_the_week(personas, week):
    project, _ = week
    sheet_id = submit(personas).json()["id"]
    finance = personas["finance"].api()
    missing = finance.post(f"/api/v1/timesheets/{sheet_id}/reject", {"reason": ""}, content_type=JSON)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "reason"
    rejected = finance.post(
        f"/api/v1/timesheets/{sheet_id}/reject", {"reason": "Tuesday is missing"}, content_type=JSON
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected" and rejected.json()["reason"] == "Tuesday is missing"
    assert Event.objects.get(verb="timesheet.rejected").data["reason"] == "Tuesday is missing"
    # Open again: the person fixes it and submits again.
    fixed = (
        personas["member"]
        .api()
        .post(
            "/api/v1/time-entries", {"project_id": project.id, "date": "2026-03-03", "minutes": 30}, content_type=JSON
        )
    )
    assert fixed.status_code == 201
    assert submit(personas).json()["status"] == "submitted"


def test_who_may_approve(personas, week):
    project, _ = week
    sheet_id = submit(personas).json()["id"]
    assert personas["member"].api().post(f"/api/v1/timesheets/{sheet_id}/approve").status_code == 403
    assert personas["am"].api().post(f"/api/v1/timesheets/{sheet_id}/approve").status_code == 404  # not its week
    assert personas["client_a"].api().post(f"/api/v1/timesheets/{sheet_id}/approve").status_code == 404
    assert personas["outsider"].api().post(f"/api/v1/timesheets/{sheet_id}/approve").status_code == 404
    # A PM whose projects have no time in that week does not decide it.
    project.project_manager_id = personas["admin"].person.id
    project.save()
    assert personas["pm"].api().post(f"/api/v1/timesheets/{sheet_id}/approve").status_code == 404
    assert Timesheet.objects.get(pk=sheet_id).status == "submitted"


def test_nobody_approves_its_own_week_but_owner_and_admin(personas):
    project = make_project(personas)
    log(personas, "pm", project, 60, day=MONDAY)
    sheet = services.timesheet_submit(actor=personas["pm"].actor, week_start=MONDAY)
    assert personas["pm"].api().post(f"/api/v1/timesheets/{sheet.id}/approve").status_code == 403
    assert personas["finance"].api().post(f"/api/v1/timesheets/{sheet.id}/approve").status_code == 200


def test_reopen_unlocks_an_approved_week(personas, week):
    _, entries = week
    sheet = services.timesheet_submit(actor=personas["member"].actor, week_start=MONDAY)
    services.timesheet_approve(actor=personas["finance"].actor, timesheet=sheet)
    assert (
        personas["pm"]
        .api()
        .post(f"/api/v1/timesheets/{sheet.id}/reopen", {"reason": "x"}, content_type=JSON)
        .status_code
        == 403
    )
    response = (
        personas["finance"]
        .api()
        .post(f"/api/v1/timesheets/{sheet.id}/reopen", {"reason": "Wrong project on Monday"}, content_type=JSON)
    )
    assert response.status_code == 200 and response.json()["status"] == "draft"
    assert not TimeEntry.objects.get(pk=entries[0].id).approved
    with pytest.raises(ValidationError):
        services.timesheet_reopen(actor=personas["finance"].actor, timesheet=sheet, reason="")


def test_timesheet_visibility(personas, week):
    sheet_id = submit(personas).json()["id"]
    assert personas["member"].api().get("/api/v1/timesheets").json()["count"] == 1
    assert personas["am"].api().get(f"/api/v1/timesheets/{sheet_id}").status_code == 404
    assert personas["pm"].api().get(f"/api/v1/timesheets/{sheet_id}").status_code == 200
    assert personas["finance"].api().get("/api/v1/timesheets?status=submitted").json()["count"] == 1
    assert personas["client_a"].api().get("/api/v1/timesheets").status_code == 403
