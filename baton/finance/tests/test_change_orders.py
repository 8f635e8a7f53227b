"""Scope baseline and change orders: logging, approving (the budget moves, in one transaction, with an event),
rejecting, the scope log, and unmanaged scope."""

from __future__ import annotations

from decimal import Decimal

import pytest

from baton.core.models import Event
from baton.delivery import services as delivery
from baton.delivery.models import Project
from baton.devdata.testing.finance import log, make_project, make_task
from baton.finance.models import ChangeOrder, ScopeBaseline

pytestmark = pytest.mark.django_db
JSON = "application/json"


def create(persona, project, **body):
    data = {"project_id": project.id, "title": "Extra landing page", "amount_delta": "1500.00", "minutes_delta": 600}
    return persona.api().post("/api/v1/change-orders", data | body, content_type=JSON)


def test_approving_moves_the_budget_and_forecast(personas):
    project = make_project(personas, budget_amount="10000.00", budget_minutes=6000)
    make_task(personas, project, estimate=6000)
    log(personas, "member", project, 600)
    forecast_before = personas["finance"].api().get(f"/api/v1/reports/budget-burn?project_id={project.id}").json()
    response = create(personas["am"], project, requested_by_contact_id=personas.contact_a.id, status="submitted")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["requested_by_name"] == "Cara Contact"
    assert Project.objects.get(pk=project.id).budget_amount == Decimal("10000.00")  # nothing moves yet
    approved = personas["pm"].api().post(f"/api/v1/change-orders/{body['id']}/approve")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved" and approved.json()["budget_amount_before"] == "10000.00"
    project.refresh_from_db()
    assert (project.budget_amount, project.budget_minutes) == (Decimal("11500.00"), 6600)
    changed = Event.objects.get(verb="project.budget_changed", target_id=project.id)
    assert changed.data["budget_amount"] == ["10000.00", "11500.00"] and changed.data["change_order_id"] == body["id"]
    assert Event.objects.filter(verb="change_order.approved", target_id=body["id"]).exists()
    after = personas["finance"].api().get(f"/api/v1/reports/budget-burn?project_id={project.id}").json()
    assert after["budget_amount"] == "11500.00" and after["burn_pct"] < forecast_before["burn_pct"]
    again = personas["pm"].api().post(f"/api/v1/change-orders/{body['id']}/approve")
    assert again.status_code == 409
    project.refresh_from_db()
    assert project.budget_amount == Decimal("11500.00")


def test_rejecting_leaves_the_budget(personas):
    project = make_project(personas)
    order_id = create(personas["pm"], project).json()["id"]
    response = (
        personas["finance"]
        .api()
        .post(f"/api/v1/change-orders/{order_id}/reject", {"reason": "In scope already"}, content_type=JSON)
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected" and response.json()["decision_reason"] == "In scope already"
    assert Project.objects.get(pk=project.id).budget_amount == Decimal("10000.00")
    assert (
        personas["finance"]
        .api()
        .patch(f"/api/v1/change-orders/{order_id}", {"title": "x"}, content_type=JSON, headers={"If-Match": "2"})
        .status_code
        == 409
    )


def test_a_change_that_would_make_the_budget_negative_is_refused(personas):
    project = make_project(personas, budget_amount="100.00")
    order_id = create(personas["pm"], project, amount_delta="-500.00").json()["id"]
    response = personas["pm"].api().post(f"/api/v1/change-orders/{order_id}/approve")
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "amount_delta"
    assert ChangeOrder.objects.get(pk=order_id).status == "draft"
    assert Project.objects.get(pk=project.id).budget_amount == Decimal("100.00")


def test_field_errors_and_access(personas):
    project = make_project(personas)
    other = make_project(personas, "Other", client_id=personas.client_b.id, project_manager_id=None)
    bad = create(personas["pm"], project, title="", amount_delta="12.345", minutes_delta="lots")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} >= {"title", "amount_delta", "minutes_delta"}
    assert create(personas["member"], project).status_code == 403
    assert create(personas["pm"], other).status_code == 403
    assert create(personas["am"], other).status_code == 403
    assert create(personas["client_a"], project).status_code == 403
    unknown = create(personas["finance"], project, requested_by=999999)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "requested_by"
    assert ChangeOrder.objects.count() == 0
    order_id = create(personas["finance"], other).json()["id"]
    assert personas["pm"].api().get(f"/api/v1/change-orders/{order_id}").status_code == 404
    assert personas["pm"].api().get("/api/v1/change-orders").json()["count"] == 0


def test_baseline_freezes_on_start_and_unmanaged_scope_is_flagged(personas, django_capture_on_commit_callbacks):
    project = make_project(personas, status="planned", budget_amount="5000.00", budget_minutes=3000)
    sold = make_task(personas, project, "Design", estimate=1200)
    with django_capture_on_commit_callbacks(execute=True):
        delivery.project_change_status(actor=personas["pm"].actor, project=project, status="active")
    baseline = ScopeBaseline.objects.get(project=project)
    assert baseline.task_ids == [sold.id] and baseline.budget_amount == Decimal("5000.00")
    assert Event.objects.filter(verb="scope_baseline.frozen").count() == 1
    added = make_task(personas, project, "Surprise microsite")
    covered = make_task(personas, project, "Extra page")
    order_id = create(personas["pm"], project, task_ids=[covered.id]).json()["id"]
    log(personas, "member", project, 120, task=sold)
    log(personas, "member", project, 90, task=added)
    log(personas, "member", project, 30, task=added)
    log(personas, "member", project, 60, task=covered)
    assert Event.objects.filter(verb="task.scope_flagged", target_id=added.id).count() == 1
    assert not Event.objects.filter(verb="task.scope_flagged", target_id=covered.id).exists()
    scope = personas["am"].api().get(f"/api/v1/reports/scope-changes?project_id={project.id}").json()
    assert scope["baseline"]["frozen"] is True and scope["baseline"]["task_ids"] == [sold.id]
    assert [u["task_id"] for u in scope["unmanaged"]] == [added.id]
    assert scope["unmanaged_minutes"] == 120 and scope["unmanaged_amount"] == "240.00"
    assert scope["pending_amount"] == "1500.00" and scope["change_orders"][0]["id"] == order_id
    # Rejecting the change order makes its task unmanaged scope again.
    personas["pm"].api().post(f"/api/v1/change-orders/{order_id}/reject")
    scope = personas["am"].api().get(f"/api/v1/reports/scope-changes?project_id={project.id}").json()
    assert {u["task_id"] for u in scope["unmanaged"]} == {added.id, covered.id}


def test_a_budget_edited_outside_change_orders_shows_as_unexplained(personas):
    project = make_project(personas, budget_amount="5000.00")
    log(personas, "member", project, 60)  # freezes the baseline at first need
    Project.objects.filter(pk=project.id).update(budget_amount=Decimal("5600.00"))
    scope = personas["finance"].api().get(f"/api/v1/reports/scope-changes?project_id={project.id}").json()
    assert scope["unexplained_amount"] == "600.00"


def test_a_cancelled_project_takes_no_change_orders(personas):
    project = make_project(personas, budget_amount="10000.00", budget_minutes=6000)
    pending = create(personas["pm"], project, status="submitted").json()["id"]
    project = delivery.project_change_status(actor=personas["owner"].actor, project=project, status="cancelled")
    refused = create(personas["pm"], project)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["project_id"]
    assert "cancelled" in refused.json()["errors"][0]["message"]
    assert ChangeOrder.objects.filter(project=project).count() == 1  # only the one from before
    approve = personas["owner"].api().post(f"/api/v1/change-orders/{pending}/approve")
    assert approve.status_code == 422
    assert [e["field"] for e in approve.json()["errors"]] == ["project_id"]
    project.refresh_from_db()
    assert (project.budget_amount, project.budget_minutes) == (Decimal("10000.00"), 6000)
    assert ChangeOrder.objects.get(pk=pending).status == "submitted"
    assert not Event.objects.filter(verb__in=["change_order.approved", "project.budget_changed"]).exists()
