"""Process changes that need an owner's approval (core/changes.py): handoff templates, automation rules, protocols and
the onboarding plan, through the API and the web."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient

from baton.automation.models import Rule
from baton.core.models import ChangeRequest, Event, Workspace
from baton.core.services import workspace_update
from baton.devdata.testing.personas import PASSWORD
from baton.handoffs.models import HandoffTemplate
from baton.relationships.models import CommunicationProtocol, OnboardingStep

TEMPLATE = {"kind": "seo_audit_to_content", "name": "SEO audit → content", "fields": [{"key": "keywords"}]}
RULE = {"name": "Notify on win", "trigger": "deal.won", "actions": [{"type": "notify", "params": {"to": "actor"}}]}


def _post(api, path, body):
    return api.post(path, json.dumps(body), content_type="application/json")


def _patch(api, path, body):
    return api.patch(path, json.dumps(body), content_type="application/json")


def _require_approval(personas, on=True):
    version = Workspace.objects.get(pk=personas.workspace.pk).version
    ws = workspace_update(actor=personas["owner"].actor, version=version, process_changes_need_approval=on)
    for persona in personas.by_name.values():  # the actors built before keep their copy of the workspace
        if persona.actor.workspace.pk == ws.pk:
            persona.actor.workspace.process_changes_need_approval = on


def test_setting_off_applies_directly(personas):
    made = _post(personas["admin"].api(), "/api/v1/handoff-templates", TEMPLATE)
    assert made.status_code == 201, made.content
    assert HandoffTemplate.objects.filter(workspace=personas.workspace, kind=TEMPLATE["kind"]).exists()
    assert not ChangeRequest.objects.exists()


def test_setting_is_on_the_workspace_api(personas):
    owner = personas["owner"].api()
    version = personas.workspace.version
    answer = _patch(owner, "/api/v1/workspace", {"process_changes_need_approval": True, "version": version})
    assert answer.status_code == 200 and answer.json()["process_changes_need_approval"] is True
    refused = _patch(personas["admin"].api(), "/api/v1/workspace", {"process_changes_need_approval": False})
    assert refused.status_code == 403


def test_template_create_waits_then_owner_approves(personas):
    _require_approval(personas)
    admin = personas["admin"].api()
    answer = _post(admin, "/api/v1/handoff-templates", TEMPLATE)
    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert body["status"] == "pending" and body["kind"] == "handoff_template" and body["action"] == "create"
    assert body["requested_by_name"] == "Admin Persona" and body["payload"]["name"] == TEMPLATE["name"]
    assert not HandoffTemplate.objects.filter(workspace=personas.workspace, kind=TEMPLATE["kind"]).exists()
    assert not Event.objects.filter(verb="handoff_template.created").exists()
    assert Event.objects.filter(verb="change_request.created", target_id=body["id"]).exists()

    # a bad proposal is refused at once, naming the field, and nothing is recorded
    bad = _post(admin, "/api/v1/handoff-templates", TEMPLATE | {"kind": "x_y", "fields": [{"key": "Bad Key"}]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "fields[0].key"
    assert ChangeRequest.objects.count() == 1

    # the admin sees its own request, may not decide it
    assert admin.get(f"/api/v1/change-requests/{body['id']}").status_code == 200
    assert admin.post(f"/api/v1/change-requests/{body['id']}/approve").status_code == 403

    owner = personas["owner"].api()
    listing = owner.get("/api/v1/change-requests?status=pending").json()
    assert [r["id"] for r in listing["results"]] == [body["id"]]
    approved = owner.post(f"/api/v1/change-requests/{body['id']}/approve")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved" and approved.json()["decided_by_id"] == personas["owner"].person.pk
    template = HandoffTemplate.objects.get(workspace=personas.workspace, kind=TEMPLATE["kind"])
    assert approved.json()["result_id"] == template.pk
    assert Event.objects.filter(verb="handoff_template.created", target_id=template.pk).exists()
    assert Event.objects.filter(verb="change_request.approved", target_id=body["id"]).exists()
    again = owner.post(f"/api/v1/change-requests/{body['id']}/approve")
    assert again.status_code == 409


def test_rule_update_waits_and_reject_applies_nothing(personas):
    owner = personas["owner"].api()
    made = _post(owner, "/api/v1/automation/rules", RULE)
    assert made.status_code == 201
    rule_id = made.json()["id"]
    _require_approval(personas)
    admin = personas["admin"].api()
    answer = _patch(admin, f"/api/v1/automation/rules/{rule_id}", {"name": "Renamed", "active": False, "version": 1})
    assert answer.status_code == 202, answer.content
    cr = answer.json()
    assert cr["target_id"] == rule_id and cr["diff"]["name"] == ["Notify on win", "Renamed"]
    rule = Rule.objects.get(pk=rule_id)
    assert rule.name == "Notify on win" and rule.active and rule.version == 1

    no_reason = _post(owner, f"/api/v1/change-requests/{cr['id']}/reject", {"reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    rejected = _post(owner, f"/api/v1/change-requests/{cr['id']}/reject", {"reason": "Keep the name."})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["reason"] == "Keep the name."
    rule.refresh_from_db()
    assert rule.name == "Notify on win" and rule.active
    assert not Event.objects.filter(verb="automation_rule.updated").exists()
    assert Event.objects.filter(verb="change_request.rejected", target_id=cr["id"]).exists()
    assert owner.post(f"/api/v1/change-requests/{cr['id']}/approve").status_code == 409


def test_owner_bypasses(personas):
    _require_approval(personas)
    owner = personas["owner"].api()
    assert _post(owner, "/api/v1/automation/rules", RULE).status_code == 201
    assert _post(owner, "/api/v1/handoff-templates", TEMPLATE).status_code == 201
    assert not ChangeRequest.objects.exists()


def test_protocol_and_onboarding_plan_wait_for_approval(personas):
    _require_approval(personas)
    am = personas["am"].api()
    client = personas.client_a
    answer = am.put(
        f"/api/v1/clients/{client.pk}/protocol",
        json.dumps({"channels": ["slack"], "response_time_hours": 4}),
        content_type="application/json",
    )
    assert answer.status_code == 202, answer.content
    assert not CommunicationProtocol.objects.filter(client=client, response_time_hours=4).exists()
    admin = personas["admin"].api()
    steps = {"steps": [{"day_offset": 0, "kind": "meeting", "title": "Kick-off"}]}
    plan = admin.put("/api/v1/onboarding-template", json.dumps(steps), content_type="application/json")
    assert plan.status_code == 202, plan.content
    assert not OnboardingStep.objects.filter(workspace=personas.workspace).exists()
    owner = personas["owner"].api()
    for cr in (answer.json(), plan.json()):
        assert owner.post(f"/api/v1/change-requests/{cr['id']}/approve").status_code == 200
    assert CommunicationProtocol.objects.get(client=client).response_time_hours == 4
    assert list(OnboardingStep.objects.filter(workspace=personas.workspace).values_list("title", flat=True)) == [
        "Kick-off"
    ]
    # an AM sees its own requests only, never the admin's
    seen = am.get("/api/v1/change-requests?status=approved").json()
    assert [r["id"] for r in seen["results"]] == [answer.json()["id"]]


def test_isolation_across_workspaces(personas):
    _require_approval(personas)
    cr = _post(personas["admin"].api(), "/api/v1/handoff-templates", TEMPLATE).json()
    outsider = personas["outsider"].api()  # the other workspace's owner
    assert outsider.get("/api/v1/change-requests").json()["count"] == 0
    assert outsider.get(f"/api/v1/change-requests/{cr['id']}").status_code == 404
    assert outsider.post(f"/api/v1/change-requests/{cr['id']}/approve").status_code == 404
    assert ChangeRequest.objects.get(pk=cr["id"]).status == "pending"


@pytest.mark.parametrize("who", ["finance", "pm", "member", "client_a"])
def test_others_cannot_list_change_requests(personas, who):
    assert personas[who].api().get("/api/v1/change-requests").status_code == 403


def _web(persona) -> HttpClient:
    browser = HttpClient()
    assert browser.login(email=persona.email, password=PASSWORD)
    return browser


def test_web_rule_form_sends_for_approval_and_owner_approves(personas):
    _require_approval(personas)
    admin = _web(personas["admin"])
    form = admin.get("/automation/rules/new/")
    assert b"sent for approval" in form.content
    posted = admin.post(
        "/automation/rules/new/",
        {
            "_op": "save",
            "name": "Web rule",
            "trigger": "deal.won",
            "actions-0-type": "notify",
            "actions-0-param-to": "actor",
        },
    )
    assert posted.status_code == 302, posted.content[:2000]
    cr = ChangeRequest.objects.get(kind="automation_rule")
    assert posted["Location"] == f"/approvals/{cr.pk}/"
    assert not Rule.objects.filter(name="Web rule").exists()
    owner = _web(personas["owner"])
    page = owner.get("/approvals/")
    assert page.status_code == 200 and b"Automation rule" in page.content
    assert owner.get("/approvals/?format=csv").status_code == 200
    detail = owner.get(f"/approvals/{cr.pk}/")
    assert b"Approve and apply" in detail.content
    assert owner.post(f"/approvals/{cr.pk}/approve/").status_code == 302
    assert Rule.objects.filter(workspace=personas.workspace, name="Web rule").exists()
