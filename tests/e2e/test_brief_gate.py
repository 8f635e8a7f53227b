"""The creative brief breakdown in a browser (issue 20): the copywriter's task page says why it cannot start (a brief
handoff not confirmed, no approved brief) and offers no override; the receiver confirms the handoff only by
attesting the walkthrough (when and how); the project's manager then starts the task anyway with the override, which
is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from baton.core.models import Event
from baton.delivery import services as delivery
from baton.delivery.models import Task
from baton.devdata.testing.finance import make_project
from baton.devdata.testing.personas import PASSWORD
from baton.handoffs import services as handoffs

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def test_brief_gate_flow(live_server, personas, browser):
    base = live_server.url
    project = make_project(personas, "Landing pages")
    task = delivery.task_create(
        actor=personas["pm"].actor,
        project=project,
        title="Write the landing page copy",
        assignee_id=personas["member"].person.id,
        requires_approved_brief=True,
    )
    handoff = handoffs.handoff_open(
        actor=personas["pm"].actor,
        kind="brief_to_creative",
        task=task,
        from_person=personas["pm"].person,
        to_person=personas["member"].person,
        fields={
            "approved_brief_version": "Landing pages brief v1",
            "tone_of_voice_reference": "https://brand.example.com/voice",
            "walkthrough_meeting": "Monday 10:00",
            "deliverables": "Six landing pages",
        },
    )
    handoffs.handoff_send(actor=personas["pm"].actor, handoff=handoff)

    # The copywriter sees why the task cannot start, and no override.
    member = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    _login(member, base, personas["member"].email)
    member.goto(f"{base}/projects/tasks/{task.pk}/")
    gate = member.locator("#start-gate")
    expect(gate).to_contain_text("is not confirmed by")
    expect(gate).to_contain_text("requires an approved brief")
    expect(member.get_by_role("button", name="Override: start")).to_have_count(0)

    # Confirming without attesting the walkthrough is refused; attesting it (when, how) confirms.
    member.goto(f"{base}/handoffs/{handoff.pk}/")
    member.get_by_role("button", name="Confirm handoff").click()
    expect(member.locator("body")).to_contain_text("attest")
    member.get_by_label("I took part in the walkthrough meeting").check()
    when = timezone.localtime(timezone.now() - timedelta(hours=1))
    member.get_by_label("When it took place").fill(f"{when:%Y-%m-%dT%H:%M}")
    member.get_by_label("How it took place").select_option("in_person")
    member.get_by_role("button", name="Confirm handoff").click()
    expect(member.locator("#walkthrough-attested")).to_contain_text("attested by")

    # The handoff is settled; the brief is not: the PM overrides, on the record.
    pm = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    _login(pm, base, personas["pm"].email)
    pm.goto(f"{base}/projects/tasks/{task.pk}/")
    gate = pm.locator("#start-gate")
    expect(gate).to_contain_text("requires an approved brief")
    expect(gate).not_to_contain_text("is not confirmed")
    pm.get_by_role("button", name="Override: start").click()
    expect(pm.locator(".badge.task-in_progress")).to_be_visible()
    assert Task.objects.get(pk=task.pk).status == "in_progress"
    assert Event.objects.filter(verb="task.start_gate_overridden", target_id=task.pk).exists()
