"""The handoff loop in a browser: the owner fills a handoff and sends it with a field missing (and sees the inline
error), then sends it complete; the receiver raises a gap; the owner answers; the receiver confirms; the dashboard's
figures move."""

from __future__ import annotations

import pytest

from baton.devdata.testing.handoffs import FIELDS
from baton.devdata.testing.personas import PASSWORD
from baton.handoffs.models import Handoff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, email):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_handoff_loop(live_server, personas, page):
    am, member = personas["am"], personas["member"]
    _login(page, live_server, am.email)
    page.goto(f"{live_server.url}/handoffs/dashboard/")
    assert page.locator("#fig-count").inner_text() == "0"
    assert page.locator("#fig-confirmed").inner_text() == "0"

    page.get_by_role("link", name="Handoffs", exact=True).click()
    page.get_by_role("link", name="New handoff").click()
    page.get_by_label("Kind of handoff").select_option("sales_to_account")
    page.get_by_label("Receiver").select_option(label=member.person.name)
    page.get_by_label("Client").select_option(label="Client A")
    page.get_by_role("button", name="Open draft").click()
    page.locator("#handoff-form").wait_for()

    for key, value in FIELDS.items():
        if key != "sales_commitments":
            page.locator(f"#id_{key}").fill(value)
    page.locator("#id_sales_commitments").fill("")
    page.get_by_role("button", name=f"Send to {member.person.name}").click()
    page.locator("#id_sales_commitments_error").wait_for()
    assert "required" in page.locator("#id_sales_commitments_error").inner_text()
    assert Handoff.objects.get().status == "draft"

    page.locator("#id_sales_commitments").fill(FIELDS["sales_commitments"])
    page.get_by_role("button", name=f"Send to {member.person.name}").click()
    page.locator("#handoff-status").get_by_text("Sent").wait_for()
    handoff = Handoff.objects.get()
    assert handoff.status == "sent"

    receiver = page.context.browser.new_context().new_page()
    _login(receiver, live_server, member.email)
    receiver.goto(f"{live_server.url}/handoffs/")
    receiver.get_by_role("link", name=handoff.title).first.click()
    receiver.get_by_label("What do you still need?").fill("Which ROAS baseline did sales use?")
    receiver.get_by_role("button", name="Raise gaps").click()
    receiver.locator("#handoff-status").get_by_text("Gaps raised").wait_for()

    page.reload()
    page.get_by_label("Which ROAS baseline did sales use?").fill("Their 2025 average, 3.1.")
    page.get_by_role("button", name="Send answers").click()
    page.locator("#handoff-status").get_by_text("Sent").wait_for()

    receiver.reload()
    assert "Their 2025 average, 3.1." in receiver.locator("ol.gaps").inner_text()
    receiver.get_by_role("button", name="Confirm handoff").click()
    receiver.locator("#handoff-status").get_by_text("Confirmed").wait_for()
    receiver.context.close()

    handoff.refresh_from_db()
    assert handoff.status == "confirmed" and handoff.first_time is False
    page.goto(f"{live_server.url}/handoffs/dashboard/")
    assert page.locator("#fig-count").inner_text() == "1"
    assert page.locator("#fig-confirmed").inner_text() == "1"
    assert page.locator("#fig-first-time").inner_text() == "0.0%"
    assert page.locator("#fig-gaps").inner_text() == "1.0"
    page.locator("#funnel-chart[data-drawn='1']").wait_for()
