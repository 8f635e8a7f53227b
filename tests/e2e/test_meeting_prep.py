"""Meeting preparation in the browser: the AM opens a client's QBR pack (at 1440 px and on a 390 px phone) and
downloads its PDF, which parses and names the client and its goal; then drafts a touchpoint's recap, reads it, and
confirms: the e-mail reaches a real SMTP sink (aiosmtpd) at the attendee's address, without the internal notes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from baton.core.access import Actor
from baton.relationships import services
from baton.relationships.selectors import quarter_of
from baton.relationships.tests.test_client_view import pdf_text

from .conftest import ARTIFACTS
from .test_invoice_email import login, smtp_sink  # noqa: F401 (the sink is a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_qbr_pack_pdf_and_recap_by_email(live_server, personas, browser, smtp_sink):  # noqa: F811
    base = live_server.url
    system = Actor.system(personas.workspace)
    today = timezone.localdate()
    client = personas.client_a
    goal = services.goal_create(
        actor=system, client=client, title="Grow qualified leads", metric="Leads a month", baseline="0", target="200"
    )
    services.goal_value_record(actor=system, goal=goal, value="120", recorded_on=today)
    touchpoint = services.touchpoint_log(
        actor=personas["am"].actor,
        client=client,
        kind="meeting",
        summary="We agreed the campaign plan.",
        discussed="kestrel: the sponsor is unhappy",
        contact_ids=[personas.contact_a.id],
        next_steps=[
            {"description": "Book the shoot", "owner_id": personas["am"].person.id, "due_on": today + timedelta(days=5)}
        ],
    )
    quarter = quarter_of(today)
    for width, height in ((1440, 900), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        page = context.new_page()
        login(page, base, personas["am"].email)
        page.goto(f"{base}/relationships/accounts/{client.id}/")
        page.locator("#qbr-link").click()
        expect(page.get_by_role("heading", name=f"Client A: quarterly business review {quarter}")).to_be_visible()
        expect(page.locator("#qbr-goals")).to_contain_text("Grow qualified leads")
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # no sideways scrolling
        page.screenshot(path=str(ARTIFACTS / f"qbr-{width}.png"), full_page=True)
        with page.expect_download() as info:
            page.locator("#qbr-pdf").click()
        data = open(info.value.path(), "rb").read()
        assert data.startswith(b"%PDF")
        text = pdf_text(data)
        assert "Client A" in text and "Grow qualified leads" in text
        context.close()

    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login(page, base, personas["am"].email)
    page.goto(f"{base}/relationships/touchpoints/{touchpoint.id}/")
    page.locator("#recap-link").click()
    page.get_by_role("button", name="Draft the recap").click()
    expect(page.locator("#recap-status")).to_have_text("Draft")
    expect(page.get_by_label("Body")).to_contain_text("Book the shoot")
    assert smtp_sink.received == []  # nothing leaves before the confirmation
    page.get_by_role("button", name="Send to the attendees").click()
    expect(page.locator("#recap-status")).to_have_text("Sent")
    assert len(smtp_sink.received) == 1
    recipients, message = smtp_sink.received[0]
    assert recipients == ["cara@a.test"]
    body = message.get_content()
    assert "Book the shoot" in body and "kestrel" not in body
