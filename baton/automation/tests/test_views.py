"""The pages: the rule editor (rows via htmx, inline errors, dry run, save), the run log, webhooks (secret once,
send test), and query counts that stay flat as lists grow."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from baton.automation import services
from baton.automation.models import Rule, Webhook
from baton.delivery import services as delivery
from baton.devdata.testing.personas import PASSWORD

HTMX = {"HX-Request": "true"}


@pytest.fixture
def web(personas):
    client = HttpClient()
    assert client.login(email=personas["admin"].email, password=PASSWORD)
    client.get("/")
    return client


def form(**extra):
    base = {
        "name": "Done → AM",
        "trigger": "task.status_changed",
        "active": "on",
        "conditions-0-field": "data.to",
        "conditions-0-op": "eq",
        "conditions-0-value": "done",
        "actions-0-type": "notify",
        "actions-0-param-to": "client_am",
        "actions-0-param-title": "{target_label} is done",
    }
    return base | extra


def test_the_editor_adds_and_removes_rows_without_saving(web):
    page = web.get("/automation/rules/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="rule-form"' in html and 'name="actions-0-type"' in html and "conditions-0-field" not in html

    added = web.post("/automation/rules/new/", form(_op="add_condition"), headers=HTMX).content.decode()
    assert 'name="conditions-1-field"' in added and 'value="data.to"' in added
    added = web.post("/automation/rules/new/", form(_op="add_action"), headers=HTMX).content.decode()
    assert 'name="actions-1-type"' in added
    removed = web.post("/automation/rules/new/", form(_op="remove_condition-0"), headers=HTMX).content.decode()
    assert "conditions-0-field" not in removed
    switched = web.post(
        "/automation/rules/new/", form(**{"actions-0-type": "create_task", "_op": "refresh"}), headers=HTMX
    ).content.decode()
    assert 'name="actions-0-param-project"' in switched and 'name="actions-0-param-to"' not in switched
    assert not Rule.objects.exists()


def test_bad_condition_shows_inline_then_saves_when_fixed(web, personas):
    bad = web.post("/automation/rules/new/", form(**{"conditions-0-field": "dta.to", "_op": "save"}), headers=HTMX)
    assert bad.status_code == 200
    html = bad.content.decode()
    assert 'id="c-0-field-error"' in html and "Unknown field “dta.to”" in html
    assert 'aria-invalid="true" aria-describedby="c-0-field-error"' in html
    assert not Rule.objects.exists()

    plain = web.post("/automation/rules/new/", form(**{"actions-0-param-to": "", "_op": "save"}))
    assert plain.status_code == 400 and 'id="a-0-to-error"' in plain.content.decode()

    good = web.post("/automation/rules/new/", form(_op="save"), headers=HTMX)
    assert good.status_code == 204
    rule = Rule.objects.get()
    assert good["HX-Redirect"] == f"/automation/rules/{rule.id}/"
    assert rule.conditions == [{"field": "data.to", "op": "eq", "value": "done"}]
    assert rule.actions == [{"type": "notify", "params": {"to": "client_am", "title": "{target_label} is done"}}]
    assert rule.created_by_id == personas["admin"].person.id

    edit = web.get(f"/automation/rules/{rule.id}/edit/").content.decode()
    assert 'value="data.to"' in edit and 'name="version" value="1"' in edit
    saved = web.post(
        f"/automation/rules/{rule.id}/edit/",
        form(
            version="1",
            name="Renamed",
            _op="save",
            **{"conditions-0-value": "done, in_review", "conditions-0-op": "in"},
        ),
    )
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert rule.name == "Renamed" and rule.conditions[0] == {
        "field": "data.to",
        "op": "in",
        "value": ["done", "in_review"],
    }
    stale = web.post(f"/automation/rules/{rule.id}/edit/", form(version="1", _op="save"), headers=HTMX)
    assert "changed since you read it" in stale.content.decode()


def test_dry_run_in_the_editor(web, personas, work):
    delivery.task_change_status(actor=personas["pm"].actor, task=work.task, status="in_progress")
    delivery.task_change_status(actor=personas["pm"].actor, task=work.task, status="done")
    html = web.post("/automation/rules/new/", form(_op="dry_run"), headers=HTMX).content.decode()
    assert "Dry run" in html and "nothing was run now" in html
    assert html.count('class="dry-match"') == 1 and html.count('class="dry-skip"') == 1
    assert "data.to is “in_progress”" in html
    assert not Rule.objects.exists()
    bad = web.post("/automation/rules/new/", form(_op="dry_run", trigger="nope"), headers=HTMX).content.decode()
    assert 'id="rule-trigger-error"' in bad


def test_rule_list_and_detail_with_the_run_log(web, personas, work, django_capture_on_commit_callbacks):
    rule = services.rule_create(
        actor=personas["admin"].actor,
        name="Done → AM",
        trigger="task.status_changed",
        conditions=[{"field": "data.to", "op": "eq", "value": "done"}],
        actions=[{"type": "notify", "params": {"to": "client_am"}}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        delivery.task_change_status(actor=personas["pm"].actor, task=work.task, status="done")
    listing = web.get("/automation/").content.decode()
    assert "Done → AM" in listing and "1 matched" in listing and "tasks_overdue" in listing
    assert "handoffs_unconfirmed" in listing and "invoices_overdue" in listing
    assert "waiting for" not in listing  # no placeholders for what exists
    detail = web.get(f"/automation/rules/{rule.id}/").content.decode()
    assert "notify: notified Am Persona" in detail and 'class="badge run-matched"' in detail


def test_webhook_pages_show_the_secret_once_and_send_a_test(web, receiver):
    created = web.post(
        "/automation/webhooks/new/", {"url": receiver.url, "events": "client.updated, deal.won", "active": "on"}
    )
    webhook = Webhook.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/automation/webhooks/{webhook.id}/"
    assert webhook.events == ["client.updated", "deal.won"]
    first = web.get(f"/automation/webhooks/{webhook.id}/").content.decode()
    assert webhook.secret in first
    again = web.get(f"/automation/webhooks/{webhook.id}/").content.decode()
    assert webhook.secret not in again and webhook.secret[-4:] in again
    tested = web.post(f"/automation/webhooks/{webhook.id}/test/", follow=True).content.decode()
    assert "Test delivered: HTTP 200" in tested and "webhook.test" in tested
    assert len(receiver.requests) == 1
    bad = web.post("/automation/webhooks/new/", {"url": "ftp://x.test", "events": "*"}, headers=HTMX).content.decode()
    assert "Only http:// and https://" in bad and Webhook.objects.count() == 1


def count_queries(client, url):
    client.get(url)  # warm: the token's last-used stamp, the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_list_pages_do_not_grow_with_rows(web, personas, receiver):
    actor = personas["admin"].actor

    def add(n, prefix):
        for i in range(n):
            services.rule_create(
                actor=actor,
                name=f"{prefix} {i}",
                trigger="deal.won",
                actions=[{"type": "notify", "params": {"to": "actor"}}],
            )
            hook = services.webhook_create(actor=actor, url=f"{receiver.url}/{prefix}{i}", events=["*"])
            services.webhook_test(actor=actor, webhook=hook)
            services.notify(
                workspace=personas.workspace,
                recipients=[personas["admin"].person],
                verb="x.y",
                title=f"{prefix} {i}",
                source=f"t:{prefix}{i}",
            )

    add(2, "a")
    urls = [
        "/automation/",
        "/automation/webhooks/",
        "/notifications/",
        "/api/v1/automation/rules",
        "/api/v1/webhooks",
        "/api/v1/notifications",
    ]
    few = {u: count_queries(web if not u.startswith("/api") else personas["admin"].api(), u) for u in urls}
    add(10, "b")
    hook = Webhook.objects.order_by("id").first()
    for _ in range(5):
        services.webhook_test(actor=actor, webhook=hook)
    many = {u: count_queries(web if not u.startswith("/api") else personas["admin"].api(), u) for u in urls}
    assert many == few
    deliveries = f"/api/v1/webhooks/{hook.id}/deliveries"
    assert count_queries(personas["admin"].api(), deliveries) <= 8
    assert count_queries(web, f"/automation/webhooks/{hook.id}/") <= 16


def test_notification_page_marks_read_without_js(web, personas):
    made = services.notify(
        workspace=personas.workspace,
        recipients=[personas["admin"].person],
        verb="x.y",
        title="Look",
        url="/clients/",
        source="t",
    )
    response = web.post(f"/notifications/{made[0].id}/read/", {"next": "/clients/"})
    assert response.status_code == 302 and response["Location"] == "/clients/"
    evil = web.post(f"/notifications/{made[0].id}/read/", {"next": "//evil.test/"})
    assert evil["Location"] == "/notifications/"
    page = web.get("/notifications/").content.decode()
    assert re.search(r"0 unread", page)
    prefs = web.post("/notifications/preferences/", {"email": "off"}, follow=True).content.decode()
    assert "Your e-mail preference was saved." in prefs
