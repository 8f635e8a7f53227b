"""A quote in the browser: the account manager builds it in the editor (a row added, the totals recomputed by the
server), sends it; the client accepts it in the portal with an optional item ticked; the project carries the budget."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from baton.delivery.models import Milestone
from baton.devdata.testing.personas import PASSWORD
from baton.finance.models import Quote

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_quote_built_sent_and_accepted_in_the_portal(live_server, personas, page):
    _login(page, live_server, personas["am"])
    page.get_by_role("link", name="Quotes", exact=True).click()
    page.get_by_role("link", name="New quote").click()
    page.get_by_label("Client", exact=True).select_option(label="Client A")
    page.get_by_label("Title", exact=True).fill("Launch campaign")
    page.get_by_label("Description of line 1").fill("Strategy")
    page.get_by_label("Phase of line 1").fill("Plan")
    page.get_by_label("Unit price of line 1").fill("1000.00")
    page.get_by_label("Unit price of line 1").press("Tab")
    # The price's change recomputes the form on the server (htmx swaps it): wait for it before the next action.
    expect(page.locator("#quote-subtotal")).to_contain_text("1,000.00")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Add a line").click()
    page.get_by_label("Description of line 2").fill("Video")
    page.get_by_label("Unit price of line 2").fill("500.00")
    page.get_by_label("Kind of line 2").select_option("optional")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#quote-subtotal")).to_contain_text("1,000.00")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Send to client").click()
    page.locator("#quote-status", has_text="Sent").wait_for()
    quote = Quote.objects.get(title="Launch campaign")
    assert quote.status == "sent" and quote.revision == 1

    page.context.clear_cookies()
    _login(page, live_server, personas["client_a"])
    page.get_by_role("link", name="Portal", exact=True).click()
    page.locator("#portal-quotes").get_by_text("Launch campaign").wait_for()
    page.locator("#portal-quotes").get_by_role("checkbox").check()
    page.locator("#portal-quotes").get_by_role("button", name="Accept").click()
    page.get_by_text("you accepted").wait_for()
    quote.refresh_from_db()
    assert quote.status == "accepted" and quote.decided_by == "Portal User A"
    assert quote.project is not None and quote.project.budget_amount == Decimal("1500.00")
    assert list(Milestone.objects.filter(project=quote.project).values_list("name", flat=True)) == ["Plan"]
