"""An admin builds an automation rule in the editor (a bad condition first, then fixed), dry-runs it against recent
events, saves it, and, once a task is done, sees the notification appear in the bell."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from baton.automation.models import Notification, Rule, RuleRun
from baton.core.access import Actor
from baton.delivery import services as delivery
from baton.devdata.testing.personas import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_admin_builds_a_rule_dry_runs_it_and_gets_notified(live_server, personas, page):
    system = Actor.system(personas.workspace)
    project = delivery.project_create(
        actor=system, client_id=personas.client_a.id, name="Spring campaign", start_date=date(2026, 3, 2)
    )
    earlier = delivery.task_create(actor=system, project=project, title="Brief the designers")
    delivery.task_change_status(actor=personas["pm"].actor, task=earlier, status="in_progress")
    delivery.task_change_status(actor=personas["pm"].actor, task=earlier, status="done")
    task = delivery.task_create(actor=system, project=project, title="Launch landing page")

    admin = personas["admin"]
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Automations").click()
    page.get_by_role("link", name="New rule").click()
    page.get_by_role("heading", name="New automation rule").wait_for()

    page.get_by_label("Name").fill("Tell the admins when a task is done")
    page.get_by_label("When this happens (event verb)").fill("task.status_changed")
    page.get_by_role("button", name="Add a condition").click()  # htmx: a new row, nothing saved
    field = page.locator("#c-0-field")
    field.wait_for()
    field.fill("dta.to")  # a typo
    page.locator("#c-0-op").select_option("eq")
    page.locator("#c-0-value").fill("done")
    page.get_by_label("Who").fill("admin")
    page.get_by_label("Title").fill("{target_label} is done")

    page.get_by_role("button", name="Save rule").click()
    error = page.locator("#c-0-field-error")
    error.wait_for()
    assert "Unknown field “dta.to”" in error.inner_text()
    assert page.locator("#c-0-field").get_attribute("aria-invalid") == "true"
    assert not Rule.objects.exists()  # nothing half-saved
    assert page.locator("#rule-name").input_value() == "Tell the admins when a task is done"  # input kept
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#rule-form").screenshot(path=str(ARTIFACTS / "automation-rule-editor-error.png"))

    page.locator("#c-0-field").fill("data.to")
    page.get_by_role("button", name=re.compile("Dry run")).click()
    dry = page.locator("#dry-run")
    expect(dry.get_by_role("heading", name="Dry run")).to_be_visible()
    rows = dry.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(dry.locator("tr.dry-match")).to_have_count(1)
    assert "Brief the designers" in dry.locator("tr.dry-match").inner_text()
    assert "data.to is “in_progress”" in dry.locator("tr.dry-skip").inner_text()
    assert not Rule.objects.exists() and not RuleRun.objects.exists()  # a dry run runs nothing
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "automation-rule-editor.png"), full_page=True)

    page.get_by_role("button", name="Save rule").click()
    page.get_by_role("heading", name="Tell the admins when a task is done").wait_for()
    rule = Rule.objects.get()
    assert rule.conditions == [{"field": "data.to", "op": "eq", "value": "done"}]
    assert "has not run yet" in page.locator(".run-log").inner_text()

    # No notification yet: the bell shows no count.
    expect(page.locator("#bell")).to_contain_text("none unread")

    # The project manager finishes the task; once it commits, the rule runs (Huey runs jobs at once under pytest).
    delivery.task_change_status(actor=personas["pm"].actor, task=task, status="done")
    assert Notification.objects.filter(recipient=admin.person).count() == 1

    page.reload()
    expect(page.locator("#bell-count")).to_have_text("1")
    page.screenshot(path=str(ARTIFACTS / "automation-run-log-and-bell.png"))
    run_log = page.locator(".run-log")
    assert "notify: notified Admin Persona" in run_log.inner_text()
    page.locator("#bell").click()
    page.get_by_role("heading", name="Notifications").wait_for()
    item = page.locator("#notification-list li.unread")
    expect(item).to_have_count(1)
    assert "Launch landing page is done" in item.inner_text()
    item.get_by_role("button", name=re.compile("Mark read")).click()  # htmx swaps the row, the bell refreshes
    expect(page.locator("#notification-list li.unread")).to_have_count(0)
    expect(page.locator("#bell")).to_contain_text("none unread")
