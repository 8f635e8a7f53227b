"""An account manager opens their growth page, where evidence from their work is already waiting (nobody typed it),
completes a self-assessment and sees it beside the evidence; their manager sees the team."""

from __future__ import annotations

import pytest

from baton.core import events
from baton.devdata.testing.personas import PASSWORD
from baton.growth import services
from baton.growth.models import Assessment
from baton.people.models import Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, email):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_self_assessment_beside_the_evidence(live_server, personas, page):
    am, pm = personas["am"], personas["pm"]
    Person.objects.filter(pk=am.person.pk).update(lead=pm.person)
    # Work the AM did: two status updates and a missed cadence (transaction=True: subscribers run at once).
    for _ in range(2):
        events.emit(am.actor, "status_update.sent", personas.client_a, data={"person_id": am.person.id})
    events.emit(
        am.actor,
        "cadence.overdue",
        personas.client_a,
        data={"item": "meeting", "due_on": "2026-03-02", "days_overdue": 3, "account_manager_id": am.person.id},
    )
    period = services.current_period()

    _login(page, live_server, am.email)
    page.get_by_role("link", name="Growth", exact=True).click()
    page.get_by_role("heading", name="My growth").wait_for()
    stream = page.locator("#evidence-stream")
    assert "Sent a status update" in stream.inner_text()
    assert "days overdue" in stream.inner_text()

    page.get_by_role("link", name=f"Self-assessment {period}").click()
    page.get_by_role("heading", name=f"Self-assessment · {period}").wait_for()
    page.get_by_label("Communication").select_option("4")
    page.get_by_label("Reliability").select_option("2")
    page.get_by_label("Clarity").select_option("3")
    page.get_by_label("Note for the period").fill("Status updates are steady; meetings slipped.")
    page.get_by_role("button", name="Save assessment").click()

    page.get_by_role("heading", name="My growth").wait_for()
    assert Assessment.objects.get(person=am.person, kind="self", period=period).scores == {
        "alignment.communication": 4,
        "trust.reliability": 2,
        "trust.clarity": 3,
    }
    communication = page.locator('tr[data-behaviour="alignment.communication"]')
    assert communication.locator("td.self").inner_text() == "4"
    assert communication.locator("td.pos").inner_text() == "2"  # the two status updates, beside the score
    reliability = page.locator('tr[data-behaviour="trust.reliability"]')
    assert reliability.locator("td.self").inner_text() == "2"
    assert reliability.locator("td.neg").inner_text() == "1"  # the missed meeting
    page.locator("canvas[data-chart='radar'][data-drawn='1']").wait_for(state="attached")  # Chart.js drew it

    manager = page.context.browser.new_context().new_page()
    _login(manager, live_server, pm.email)
    manager.goto(f"{live_server.url}/growth/team/")
    manager.get_by_role("link", name=am.person.name).first.click()
    manager.get_by_role("heading", name=f"{am.person.name}\u2019s growth").wait_for()
    assert manager.locator('tr[data-behaviour="alignment.communication"] td.self').inner_text() == "4"
    manager.context.close()
