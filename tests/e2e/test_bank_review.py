"""Payments that match themselves, in a browser: finance imports an MT940 statement on the bank statements page; the
credit naming an invoice pays it, the doubtful one waits on the review screen with its suggested invoice, and
confirming it pays that invoice. The collections pages (statements, review, recurring invoices, reminders) never
scroll sideways on a phone (390 px) and axe finds no serious or critical violation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from baton.core.access import Actor
from baton.devdata.testing.personas import PASSWORD
from baton.finance import services
from baton.finance.models import Invoice

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STATEMENT = Path(__file__).resolve().parents[2] / "baton" / "finance" / "tests" / "files" / "bank" / "statement.mt940"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id);
}"""


def _issued(personas, amount: str) -> Invoice:
    system = Actor.system(personas.workspace)
    line = [{"description": "Work", "quantity": "1", "unit_price": amount}]
    invoice = services.invoice_create(actor=system, client_id=personas.client_a.id, lines=line, currency="EUR")
    return services.invoice_issue(
        actor=system, invoice=invoice, issue_date=date(2030, 5, 1), due_date=date(2030, 5, 31)
    )


def _fits_on_a_phone(page, where: str) -> None:
    wide, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= viewport, f"{where} scrolls sideways ({wide} px at {viewport})"
    page.evaluate(AXE.read_text())
    assert page.evaluate(RUN_AXE) == [], where


def test_statement_import_and_review(live_server, personas, browser):
    base = live_server.url
    first, second = _issued(personas, "1000.00"), _issued(personas, "1200.00")
    ARTIFACTS.mkdir(exist_ok=True)
    for viewport in ({"width": 1440, "height": 900}, {"width": 390, "height": 844}):
        page = browser.new_context(viewport=viewport).new_page()
        page.goto(f"{base}/login/")
        page.get_by_label("Email").fill(personas["finance"].email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{base}/")
        phone = viewport["width"] == 390
        if not phone:
            page.goto(f"{base}/finance/invoices/")
            page.get_by_role("link", name="Bank statements").click()
            page.get_by_label("Statement file").set_input_files(str(STATEMENT))
            page.get_by_role("button", name="Import").click()
            expect(page.get_by_text("3 transactions read: 1 payment recorded")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "bank-review.png"), full_page=True)
            card = page.locator("article.bank-unmatched", has_text="Thanks for the great work")
            expect(card.get_by_label("Pays invoice")).to_have_value(str(second.pk))  # the suggestion comes first
            card.get_by_role("button", name="Confirm").click()
            expect(page.get_by_text("The payment was recorded.")).to_be_visible()
            first.refresh_from_db()
            second.refresh_from_db()
            assert (first.status, first.balance_due, second.status) == ("sent", 600, "paid")
            continue
        for href in ("/finance/bank-statements/", "/finance/recurring/", "/finance/reminders/"):
            page.goto(base + href)
            _fits_on_a_phone(page, href)
        page.goto(base + "/finance/bank-statements/")
        page.locator("table a").first.click()
        _fits_on_a_phone(page, page.url)
        page.screenshot(path=str(ARTIFACTS / "bank-review-phone.png"), full_page=True)
