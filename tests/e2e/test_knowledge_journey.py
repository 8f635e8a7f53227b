"""An account manager writes down what to know about a client, records a decision (a bad then a good form), and
finds it again with the search box in the top bar; the client's portal user does not find internal knowledge."""

from __future__ import annotations

import pytest

from baton.devdata.testing.personas import PASSWORD
from baton.knowledge.models import ClientKnowledge, Decision

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, email):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_knowledge_page_decision_and_search(live_server, personas, page):
    am = personas["am"]
    client = personas.client_a
    _login(page, live_server, am.email)

    page.goto(f"{live_server.url}/clients/{client.id}/")
    page.get_by_role("link", name="Client knowledge").click()
    page.get_by_role("heading", name="What to know about Client A").wait_for()

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Sensitivities").fill("Never mention the pelican campaign.")
    page.get_by_role("button", name="Save").click()
    page.locator("#sensitivities").get_by_text("Never mention the pelican campaign.").wait_for()
    assert ClientKnowledge.objects.get(pk=client.id).sensitivities  # goals live in /client-goals, not here

    page.get_by_role("link", name="Record a decision").click()
    page.get_by_label("Title").fill("Flamingo colour palette")
    page.get_by_role("button", name="Record decision").click()  # the decision text is missing
    page.locator("#id_decision_error").wait_for()
    assert not Decision.objects.exists()
    page.locator("#id_decision").fill("Use the flamingo palette for spring.")
    page.get_by_label("Alternatives rejected").fill("Keep blue\nMonochrome")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_role("heading", name="Flamingo colour palette").wait_for()
    assert Decision.objects.get().alternatives_rejected == ["Keep blue", "Monochrome"]

    page.locator("#topbar-q").fill("flamingo")
    page.locator("#topbar-q").press("Enter")
    result = page.locator("ol.search-results li").first
    result.wait_for()
    assert "Flamingo colour palette" in result.inner_text()
    assert "flamingo" in result.locator("mark").first.inner_text().lower()

    page.locator("#search-q").fill("pelican")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Client A").wait_for()  # staff find the knowledge record's text

    portal = page.context.browser.new_context().new_page()
    _login(portal, live_server, personas["client_a"].email)
    portal.goto(f"{live_server.url}/search/?q=pelican")
    assert "Nothing found" in portal.locator("#search-results").inner_text()
    portal.goto(f"{live_server.url}/search/?q=flamingo")
    assert "Flamingo colour palette" in portal.locator("#search-results").inner_text()
    portal.context.close()
