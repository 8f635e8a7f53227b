"""Finance downloads an issued invoice's XRechnung from the invoice page's E-invoice menu and the month's Xero CSV
from the accounting page; both pages fit a phone (390 px, no sideways scroll) and a laptop (1440 px)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

from baton.devdata.testing.personas import PASSWORD
from baton.finance import services
from baton.finance.models import AccountingSettings
from baton.finance.tests.einvoice_check import validation_errors

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id);
}"""


def fits_and_is_accessible(page, where: str) -> None:
    wide, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= width, f"{where} scrolls sideways at {width}"
    page.evaluate(AXE.read_text())
    assert page.evaluate(RUN_AXE) == [], where


def login(page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def _seed(personas):
    ws = personas.workspace
    ws.legal_name, ws.address, ws.country, ws.vat_id = "Studio GmbH", "Hauptstr. 1\n10115 Berlin", "DE", "DE123456789"
    ws.iban, ws.bic = "DE02120300000000202051", "BYLADEM1001"
    ws.save()
    client = personas.client_a
    client.legal_name, client.address, client.country = "Acme AG", "Marktplatz 5\n80331 München", "DE"
    client.vat_id, client.number = "DE987654321", "04011000-12345-03"
    client.save()
    AccountingSettings.objects.update_or_create(
        workspace=ws, defaults={"contact_name": "Fiona", "contact_email": "f@studio.test", "contact_phone": "+49 1"}
    )
    actor = personas["finance"].actor
    lines = [{"description": "Design", "quantity": "10", "unit_price": "100.00"}]
    draft = services.invoice_create(actor=actor, client_id=client.id, lines=lines, tax_rate="19.00")
    return services.invoice_issue(actor=actor, invoice=draft, issue_date=timezone.localdate())


def test_einvoice_and_xero_downloads_from_the_pages(live_server, personas, browser):
    base = live_server.url
    invoice = _seed(personas)
    for viewport in ({"width": 390, "height": 844}, {"width": 1440, "height": 900}):
        context = browser.new_context(viewport=viewport, accept_downloads=True)
        page = context.new_page()
        login(page, base, personas["finance"].email)
        page.goto(f"{base}/finance/invoices/{invoice.pk}/")
        page.locator("details.einvoice-menu > summary").click()
        with page.expect_download() as info:
            page.get_by_role("link", name="XRechnung (XML)").click()
        xml = open(info.value.path(), "rb").read()
        assert etree.fromstring(xml).findtext("{*}BuyerReference") == "04011000-12345-03"
        assert validation_errors(xml) == []
        fits_and_is_accessible(page, "the invoice page")

        page.goto(f"{base}/finance/invoices/")
        page.locator("#accounting-link").click()
        page.wait_for_url(f"{base}/finance/accounting/")
        today = timezone.localdate().isoformat()
        page.get_by_label("From").fill(today)
        page.get_by_label("To").fill(today)
        with page.expect_download() as info:
            page.get_by_role("button", name="Download CSV").click()
        rows = list(csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8").read())))
        assert [(r["InvoiceNumber"], r["UnitAmount"], r["TaxAmount"]) for r in rows] == [
            (invoice.number, "100.00", "190.00")
        ]
        fits_and_is_accessible(page, "the accounting page")
        context.close()
