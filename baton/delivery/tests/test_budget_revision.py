"""The budget moves only through approved change orders or an explicit, recorded budget revision by the owner or
finance (PRODUCT.md): a plain PATCH of a budget field on a project under way is refused, naming the field."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from baton.core.models import Event
from baton.delivery.models import BudgetRevision, Project
from baton.devdata.testing.finance import make_project
from baton.devdata.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db


def _patch(api, project, body):
    return api.patch(
        f"/api/v1/projects/{project.id}",
        body,
        content_type="application/json",
        headers={"If-Match": str(project.version)},
    )


def _revise(api, project, body):
    return api.post(f"/api/v1/projects/{project.id}/budget-revisions", body, content_type="application/json")


def test_patch_of_the_budget_of_a_project_under_way_is_refused(personas):
    project = make_project(personas, "Fixed", billing="fixed_fee")  # active, 10,000.00 and 6,000 minutes
    for field, value in (("budget_amount", "20000.00"), ("budget_minutes", 9000)):
        refused = _patch(personas["owner"].api(), project, {field: value})
        assert refused.status_code == 422, refused.content
        error = refused.json()["errors"][0]
        assert error["field"] == field and "budget-revisions" in error["message"]
    project.refresh_from_db()
    assert (project.budget_amount, project.budget_minutes) == (10000, 6000)
    # the same value, or other fields, still edit plainly
    same = _patch(personas["owner"].api(), project, {"budget_amount": "10000.00", "name": "Fixed fee"})
    assert same.status_code == 200 and same.json()["name"] == "Fixed fee"


def test_a_planned_project_or_one_without_budget_edits_its_budget_plainly(personas):
    planned = make_project(personas, "Planned", status="planned")
    assert _patch(personas["owner"].api(), planned, {"budget_amount": "12000.00"}).status_code == 200
    bare = make_project(personas, "Bare", budget_amount="0", budget_minutes=0)
    assert _patch(personas["pm"].api(), bare, {"budget_minutes": 600}).status_code == 200


def test_budget_revision_by_owner_or_finance_with_a_reason_is_recorded(personas):
    project = make_project(personas, "Fixed", billing="fixed_fee")
    body = {"budget_amount": "12000.00", "budget_minutes": 7200, "reason": "Two more landing pages"}
    for who in ("admin", "pm", "am", "member"):
        assert _revise(personas[who].api(), project, body).status_code == 403, who
    no_reason = _revise(personas["finance"].api(), project, {"budget_amount": "12000.00", "reason": "  "})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    assert _revise(personas["finance"].api(), project, {"budget_amount": "12000.00"}).status_code == 422
    done = _revise(personas["finance"].api(), project, body)
    assert done.status_code == 201, done.content
    out = done.json()
    assert (out["old_budget_amount"], out["new_budget_amount"]) == ("10000.00", "12000.00")
    assert (out["old_budget_minutes"], out["new_budget_minutes"]) == (6000, 7200)
    assert out["revised_by_id"] == personas["finance"].person.id and out["reason"] == "Two more landing pages"
    project = Project.objects.get(pk=project.id)
    assert (project.budget_amount, project.budget_minutes) == (12000, 7200)
    assert BudgetRevision.objects.filter(project=project).count() == 1
    event = Event.objects.get(verb="project.budget_revised")
    assert event.target_id == project.id and event.data["budget_amount"] == ["10000.00", "12000.00"]
    listed = personas["owner"].api().get(f"/api/v1/projects/{project.id}/budget-revisions").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == out["id"]
    assert _revise(personas["owner"].api(), project, {"budget_minutes": 8000, "reason": "More QA"}).status_code == 201


def test_the_project_page_offers_the_revision_to_owner_and_finance(personas):
    project = make_project(personas, "Fixed", billing="fixed_fee")
    pages = {}
    for who in ("finance", "pm"):
        web = HttpClient()
        assert web.login(email=personas[who].email, password=PASSWORD)
        pages[who] = web
    assert "Revise the budget" in pages["finance"].get(f"/projects/{project.id}/").content.decode()
    assert "Revise the budget" not in pages["pm"].get(f"/projects/{project.id}/").content.decode()
    pages["finance"].post(
        f"/projects/{project.id}/budget-revisions/", {"budget_amount": "11000.00", "reason": "Extra banner"}
    )
    assert Project.objects.get(pk=project.id).budget_amount == 11000
