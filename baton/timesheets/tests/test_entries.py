"""Time entries through the API: rates copied at logging, rounding, field errors, visibility, locks, events."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from baton.core.models import Event
from baton.devdata.testing.finance import log, make_project, make_task
from baton.finance import services as finance
from baton.timesheets.models import TimeEntry

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def project(personas):
    return make_project(personas)


def post(persona, body):
    return persona.api().post("/api/v1/time-entries", body, content_type=JSON)


def test_logging_copies_rates_and_rounds_amounts_half_up(personas, project):
    task = make_task(personas, project)
    response = post(
        personas["member"], {"project_id": project.id, "task_id": task.id, "date": "2026-03-02", "minutes": 20}
    )
    assert response.status_code == 201, response.content
    entry = TimeEntry.objects.get(pk=response.json()["id"])
    # 20 min at 120.00 = 40.00; at 50.00 cost = 16.666… -> 16.67 (half up, once, at logging)
    assert (entry.bill_rate, entry.cost_rate) == (Decimal("120.00"), Decimal("50.00"))
    assert (entry.bill_amount, entry.cost_amount) == (Decimal("40.00"), Decimal("16.67"))
    body = personas["finance"].api().get(f"/api/v1/time-entries/{entry.id}").json()
    assert body["bill_amount"] == "40.00" and body["cost_amount"] == "16.67"
    assert body["bill_rate"] == "120.00" and body["approved"] is False and body["invoiced"] is False
    assert body["person_id"] == personas["member"].person.id
    event = Event.objects.get(verb="time_entry.created", target_id=entry.id)
    assert event.target_type == "time_entry"
    assert "bill_amount" not in event.data  # staff read the event log: no money in it


def test_half_cent_rounds_up(personas, project):
    finance.bill_rate_create(
        actor=personas["finance"].actor, scope="project", project_id=project.id, rate=Decimal("0.30")
    )
    entry = log(personas, "member", project, 1)
    assert entry.bill_amount == Decimal("0.01")  # 0.005 -> 0.01


def test_member_sees_own_time_without_rates(personas, project):
    mine = log(personas, "member", project, 60)
    theirs = log(personas, "pm", project, 60)
    member = personas["member"].api()
    listing = member.get("/api/v1/time-entries").json()
    assert [r["id"] for r in listing["results"]] == [mine.id]
    row = listing["results"][0]
    assert row["bill_rate"] is None and row["cost_rate"] is None
    assert row["bill_amount"] is None and row["cost_amount"] is None
    assert member.get(f"/api/v1/time-entries/{theirs.id}").status_code == 404
    assert "120.00" not in member.get(f"/api/v1/time-entries/{mine.id}").content.decode()


def test_client_role_sees_no_time(personas, project):
    log(personas, "member", project, 60)
    assert personas["client_a"].api().get("/api/v1/time-entries").status_code == 403
    assert (
        post(personas["client_a"], {"project_id": project.id, "date": "2026-03-02", "minutes": 30}).status_code == 403
    )


def test_pm_sees_its_projects_time_and_logs_for_others(personas, project):
    other = make_project(personas, "Other", project_manager_id=personas["admin"].person.id)
    on_mine = log(personas, "member", project, 30)
    elsewhere = log(personas, "member", other, 30)
    pm = personas["pm"].api()
    ids = {r["id"] for r in pm.get("/api/v1/time-entries?limit=500").json()["results"]}
    assert on_mine.id in ids and elsewhere.id not in ids
    created = post(
        personas["pm"],
        {"project_id": project.id, "person_id": personas["member"].person.id, "date": "2026-03-03", "minutes": 45},
    )
    assert created.status_code == 201
    # ...but not on a project it does not manage
    denied = post(
        personas["pm"],
        {"project_id": other.id, "person_id": personas["member"].person.id, "date": "2026-03-03", "minutes": 45},
    )
    assert denied.status_code == 403


def test_bad_input_names_every_field_and_saves_nothing(personas, project):
    other = make_project(personas, "Other")
    foreign_task = make_task(personas, other)
    before = TimeEntry.objects.count()
    response = post(
        personas["member"], {"project_id": project.id, "task_id": foreign_task.id, "date": "2026-03-02", "minutes": 0}
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"minutes"}
    response = post(
        personas["member"], {"project_id": project.id, "task_id": foreign_task.id, "date": "2026-03-02", "minutes": 30}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["task_id"]
    response = post(personas["member"], {"project_id": 999999, "date": "2026-03-02", "minutes": 30})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "project_id"
    response = post(personas["member"], {"project_id": project.id, "date": "not a day", "minutes": 30})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "date"
    assert TimeEntry.objects.count() == before


def test_a_day_holds_at_most_24_hours(personas, project):
    log(personas, "member", project, 1000)
    response = post(personas["member"], {"project_id": project.id, "date": "2026-03-02", "minutes": 500})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "minutes"


def test_non_billable_project_time_is_not_billable(personas):
    internal = make_project(personas, "Internal", billing="non_billable", budget_amount="0")
    entry = log(personas, "member", internal, 60)
    assert entry.billable is False
    response = post(
        personas["member"], {"project_id": internal.id, "date": "2026-03-02", "minutes": 30, "billable": True}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "billable"


def test_editing_keeps_copied_rates_and_recomputes_amounts(personas, project):
    entry = log(personas, "member", project, 60)
    finance.bill_rate_create(actor=personas["finance"].actor, scope="project", project_id=project.id, rate="200.00")
    response = (
        personas["member"]
        .api()
        .patch(f"/api/v1/time-entries/{entry.id}", {"minutes": 90}, content_type=JSON, headers={"If-Match": "1"})
    )
    assert response.status_code == 200, response.content
    entry.refresh_from_db()
    assert entry.bill_rate == Decimal("120.00") and entry.bill_amount == Decimal("180.00")
    # Moving it to another day resolves the rates again (the new project rate applies).
    personas["member"].api().patch(
        f"/api/v1/time-entries/{entry.id}", {"date": "2026-03-04"}, content_type=JSON, headers={"If-Match": "2"}
    )
    entry.refresh_from_db()
    assert entry.bill_rate == Decimal("200.00") and entry.bill_amount == Decimal("300.00")
    stale = (
        personas["member"]
        .api()
        .patch(f"/api/v1/time-entries/{entry.id}", {"minutes": 10}, content_type=JSON, headers={"If-Match": "1"})
    )
    assert stale.status_code == 409
    assert Event.objects.filter(verb="time_entry.updated", target_id=entry.id).count() == 2


def test_delete(personas, project):
    entry = log(personas, "member", project, 60)
    assert personas["member"].api().delete(f"/api/v1/time-entries/{entry.id}").status_code == 204
    assert not TimeEntry.objects.filter(pk=entry.id).exists()
    assert Event.objects.filter(verb="time_entry.deleted", target_id=entry.id).exists()


def test_invoiced_and_drafted_entries_are_locked(personas, project):
    entry = log(personas, "member", project, 60, day=date(2026, 3, 2))
    invoice = finance.invoice_draft_from_time(
        actor=personas["finance"].actor,
        project_id=project.id,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        include_unapproved=True,
    )
    api = personas["member"].api()
    on_draft = api.patch(
        f"/api/v1/time-entries/{entry.id}", {"minutes": 30}, content_type=JSON, headers={"If-Match": "1"}
    )
    assert on_draft.status_code == 409 and "draft" in on_draft.json()["detail"]
    finance.invoice_issue(actor=personas["finance"].actor, invoice=invoice)
    entry.refresh_from_db()
    assert entry.invoiced
    for response in (
        api.patch(f"/api/v1/time-entries/{entry.id}", {"minutes": 30}, content_type=JSON, headers={"If-Match": "1"}),
        api.delete(f"/api/v1/time-entries/{entry.id}"),
    ):
        assert response.status_code == 409
        assert "invoiced" in response.json()["detail"]
    entry.refresh_from_db()
    assert entry.minutes == 60


def test_filters(personas, project):
    log(personas, "member", project, 60, day=date(2026, 3, 2))
    log(personas, "member", project, 30, day=date(2026, 3, 9), billable=False)
    api = personas["finance"].api()
    assert api.get("/api/v1/time-entries?date=2026-03-02").json()["count"] == 1
    assert api.get("/api/v1/time-entries?date_from=2026-03-03").json()["count"] == 1
    assert api.get("/api/v1/time-entries?billable=false").json()["count"] == 1
    assert api.get(f"/api/v1/time-entries?project_id={project.id}&invoiced=false").json()["count"] == 2
    assert api.get("/api/v1/time-entries?limit=501").status_code == 422
