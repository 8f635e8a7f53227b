"""A person logs in, creates a client with a bad then a good form, and sees it in the list and the activity feed."""

from __future__ import annotations

import re

import pytest

from baton.core.events import Event
from baton.crm.models import Client
from baton.devdata.testing.personas import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_create_client_bad_then_good(live_server, personas, page):
    am = personas["am"]
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(am.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Which accounts need you today").wait_for()

    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_role("link", name="Add a client").click()

    # Bad: a name that already exists (case differs) and a malformed currency. Errors appear inline (htmx).
    page.locator("#id_name").fill("client a")
    page.get_by_label("Currency").fill("US1")
    page.get_by_role("button", name="Save client").click()
    name_error = page.locator("#id_name_error")
    name_error.wait_for()
    assert "already exists" in name_error.inner_text()
    assert "ISO 4217" in page.locator("#id_currency_error").inner_text()
    assert page.url.endswith("/clients/new/")
    assert Client.objects.filter(workspace=personas.workspace).count() == 2  # nothing half-saved

    # Good.
    page.locator("#id_name").fill("Meridian Books")
    page.get_by_label("Currency").fill("USD")
    page.get_by_label("Industry").fill("Publishing")
    page.get_by_role("button", name="Save client").click()
    page.get_by_role("heading", name="Meridian Books").wait_for()
    client = Client.objects.get(workspace=personas.workspace, name="Meridian Books")
    assert client.account_manager_id == am.person.id  # an AM's new client is theirs
    assert page.url.endswith(f"/clients/{client.id}/")
    assert Event.objects.filter(verb="client.created", target_id=client.id).exists()

    # In the list.
    page.get_by_role("link", name="Clients", exact=True).click()
    row = page.get_by_role("row", name=re.compile("Meridian Books"))
    assert "Publishing" in row.inner_text()

    # In the activity feed.
    page.get_by_role("link", name="Activity", exact=True).click()
    feed = page.locator("#feed")
    assert "client.created" in feed.inner_text()
    assert "Meridian Books" in feed.inner_text()
    ARTIFACTS = __import__("pathlib").Path(__file__).resolve().parents[2] / "test-artifacts"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "activity.png"), full_page=True)
