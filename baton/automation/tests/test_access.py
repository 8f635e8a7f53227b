"""Who may do what: owners and admins manage rules and webhooks; nobody else, and nothing of another workspace."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from baton.automation import services
from baton.automation.models import Rule, Webhook
from baton.devdata.testing.personas import PASSWORD

RULE = {
    "name": "Notify",
    "trigger": "deal.won",
    "actions": [{"type": "notify", "params": {"to": "actor"}}],
}


@pytest.fixture
def records(personas):
    rule = services.rule_create(actor=personas["admin"].actor, **RULE)
    webhook = services.webhook_create(actor=personas["admin"].actor, url="https://example.com/hook", events=["*"])
    return rule, webhook


@pytest.mark.parametrize("who", ["finance", "am", "pm", "member", "client_a"])
def test_only_owners_and_admins_manage_automation(personas, records, who):
    rule, webhook = records
    api = personas[who].api()
    created = api.post("/api/v1/automation/rules", RULE | {"name": "Mine"}, content_type="application/json")
    assert created.status_code == 403 and created["Content-Type"] == "application/problem+json"
    assert api.get("/api/v1/automation/rules").status_code == 403
    assert api.get(f"/api/v1/automation/rules/{rule.id}").status_code == 403
    assert api.get("/api/v1/automation/runs").status_code == 403
    assert api.get("/api/v1/webhooks").status_code == 403
    hook = api.post("/api/v1/webhooks", {"url": "https://x.test/h", "events": ["*"]}, content_type="application/json")
    assert hook.status_code == 403
    assert api.post(f"/api/v1/webhooks/{webhook.id}/test").status_code == 403
    assert Rule.objects.count() == 1 and Webhook.objects.count() == 1
    web = HttpClient()
    assert web.login(email=personas[who].email, password=PASSWORD)
    assert web.get("/automation/").status_code == 403
    assert web.get("/automation/rules/new/").status_code == 403
    assert web.post("/automation/rules/new/", {"name": "x"}).status_code == 403
    assert web.get("/automation/webhooks/").status_code == 403
    assert web.get("/notifications/").status_code == 200  # everyone has their own notifications


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_owners_and_admins_do(personas, records, who):
    rule, webhook = records
    api = personas[who].api()
    assert api.get("/api/v1/automation/rules").json()["count"] == 1
    assert api.get(f"/api/v1/automation/rules/{rule.id}").json()["name"] == "Notify"
    assert api.get(f"/api/v1/webhooks/{webhook.id}").json()["secret"] is None
    types = api.get("/api/v1/automation/action-types").json()
    assert {t["type"] for t in types["results"]} >= {"notify", "send_email", "post_webhook", "create_task", "set_field"}


def test_another_workspace_answers_404(personas, records):
    rule, webhook = records
    outsider = personas["outsider"].api()
    for method, url in [
        ("get", f"/api/v1/automation/rules/{rule.id}"),
        ("patch", f"/api/v1/automation/rules/{rule.id}"),
        ("delete", f"/api/v1/automation/rules/{rule.id}"),
        ("get", f"/api/v1/automation/rules/{rule.id}/dry-run"),
        ("get", f"/api/v1/webhooks/{webhook.id}"),
        ("patch", f"/api/v1/webhooks/{webhook.id}"),
        ("delete", f"/api/v1/webhooks/{webhook.id}"),
        ("get", f"/api/v1/webhooks/{webhook.id}/deliveries"),
        ("post", f"/api/v1/webhooks/{webhook.id}/test"),
    ]:
        response = getattr(outsider, method)(url, {}, content_type="application/json", headers={"If-Match": "1"})
        assert response.status_code == 404, (method, url)
        assert "Notify" not in response.content.decode() and "example.com" not in response.content.decode()
    assert outsider.get("/api/v1/automation/rules").json()["count"] == 0
    assert outsider.get(f"/api/v1/automation/runs?rule_id={rule.id}").json()["count"] == 0
    web = HttpClient()
    assert web.login(email=personas["outsider"].email, password=PASSWORD)
    assert web.get(f"/automation/rules/{rule.id}/").status_code == 404
    assert web.get(f"/automation/webhooks/{webhook.id}/").status_code == 404
    assert Rule.objects.filter(pk=rule.id).exists() and Webhook.objects.filter(pk=webhook.id).exists()


def test_a_rule_in_another_workspace_cannot_post_to_our_webhook(personas, records):
    _, webhook = records
    body = RULE | {"actions": [{"type": "post_webhook", "params": {"webhook_id": webhook.id}}]}
    response = personas["outsider"].api().post("/api/v1/automation/rules", body, content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["actions[0].params.webhook_id"]
