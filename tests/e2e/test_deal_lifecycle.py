"""Issue 20: a founder who sells and manages wins their own recurring deal in the browser. The deal page shows the
recurring terms and the capacity it would meet before committing; winning answers with what it made: no handoff
(the seller is the AM), an active client with its onboarding plan, a retainer project and its recurring engagement.
Both fit a laptop (1440 px) and a phone (390 px)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from baton.core.access import Actor
from baton.crm.models import Client, Deal
from baton.crm.services import client_create, deal_create
from baton.delivery.models import Project
from baton.devdata.testing.personas import PASSWORD
from baton.handoffs.models import Handoff
from baton.relationships.models import Engagement, OnboardingItem

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fits(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1


def test_the_founder_wins_a_recurring_deal_as_its_account_manager(live_server, personas, page):
    system = Actor.system(personas.workspace)
    founder = personas["owner"]
    prospect = client_create(actor=system, name="Northwind", status="prospect", account_manager_id=founder.person.id)
    deal = deal_create(
        actor=system,
        client=prospect,
        name="Always-on social",
        value="24000.00",
        stage="negotiation",
        owner_id=founder.person.id,
        expected_close=timezone.localdate() + timedelta(days=5),
        expected_effort_minutes=9600,
        effort_role="design",
        effort_weeks=4,
        recurring=True,
        term_months=12,
        service="Social",
    )
    handoffs = Handoff.objects.count()
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(founder.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/relationships/deals/{deal.id}/")
        expect(page.locator("#deal-kind")).to_contain_text("Recurring retainer · 12-month term")
        expect(page.locator("#capacity")).to_contain_text("Capacity before committing")
        expect(page.locator("#capacity tbody tr")).to_have_count(4)
        assert _fits(page, "#capacity") and _fits(page, "#win"), width
        page.screenshot(path=str(ARTIFACTS / f"deal-before-win-{width}.png"), full_page=True)

    page.locator("#win summary", has_text="Win").click()
    panel = page.locator("#win .confirm-panel", has_text="Winning")
    expect(panel).to_contain_text("nothing is handed over")
    expect(panel).to_contain_text("starts its first-30-days onboarding")
    panel.get_by_role("button", name="Win the deal").click()
    page.wait_for_url(f"**/relationships/deals/{deal.id}/#win-result")
    expect(page.locator("#handoff-line")).to_contain_text("No sales-to-account handoff")
    expect(page.locator("#client-status")).to_have_text("Active")
    expect(page.locator("#engagement-line")).to_contain_text("recurring")
    assert _fits(page, "#win-result")
    page.screenshot(path=str(ARTIFACTS / "deal-won-390.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "deal-won-1440.png"), full_page=True)

    won = Deal.objects.get(pk=deal.id)
    assert won.stage == "won" and won.handoff_id is None and Handoff.objects.count() == handoffs
    assert Client.objects.get(pk=prospect.id).status == "active"
    assert OnboardingItem.objects.filter(client=prospect).exists()
    project = Project.objects.get(pk=won.project_id)
    assert project.billing == "retainer" and project.period_budget_amount == Decimal("2000.00")
    engagement = Engagement.objects.get(deal=won)
    assert engagement.recurring and engagement.value == Decimal("24000.00") and engagement.renewal_date
    page.get_by_role("link", name="Onboarding plan").click()
    page.wait_for_url(f"**/relationships/accounts/{prospect.id}/#onboarding")
    expect(page.locator("#onboarding")).to_be_visible()
