"""The accounting export: Xero's and QuickBooks Online's import CSVs (one row per line of every invoice and credit
note issued in the range, amounts tax-exclusive) and a balanced journal with payments; account codes per workspace."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client as HttpClient

from baton.core.models import Event
from baton.devdata.testing.personas import PASSWORD
from baton.finance.accounting import line_taxes
from baton.finance.models import Invoice

pytestmark = pytest.mark.django_db
JSON = "application/json"
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
LINES = [
    {"description": "Design sprint", "quantity": "12.5", "unit_price": "120.00"},
    {"description": "Hosting", "quantity": "1", "unit_price": "49.99"},
    {"description": "Licence", "quantity": "3", "unit_price": "10.01"},
]


def issued(api, client_id, tax_rate, lines=LINES):
    draft = api.post(
        "/api/v1/invoices", {"client_id": client_id, "tax_rate": tax_rate, "lines": lines}, content_type=JSON
    )
    return api.post(f"/api/v1/invoices/{draft.json()['id']}/issue").json()


@pytest.fixture
def books(personas):
    api = personas["finance"].api()
    with time_machine.travel(NOW, tick=False):
        taxed = issued(api, personas.client_a.id, "19.00")
        free = issued(api, personas.client_b.id, "0", LINES[:2])
        api.post(f"/api/v1/invoices/{taxed['id']}/payments", {"amount": "700.00"}, content_type=JSON)
        note = api.post(f"/api/v1/invoices/{taxed['id']}/credit-note", {}, content_type=JSON).json()
        credit = api.post(f"/api/v1/invoices/{note['id']}/issue").json()
        issued(api, personas.client_a.id, "19.00")  # drafted again and voided: left out
        voided = Invoice.objects.order_by("-id").first()
        api.post(f"/api/v1/invoices/{voided.pk}/void", {"reason": "typo"}, content_type=JSON)
    with time_machine.travel(NOW + timedelta(days=40), tick=False):
        later = issued(api, personas.client_a.id, "19.00")  # outside the range
    day = NOW.date().isoformat()
    return {"api": api, "taxed": taxed, "free": free, "credit": credit, "later": later, "range": f"from={day}&to={day}"}


def export(books, fmt):
    response = books["api"].get(f"/api/v1/exports/accounting?format={fmt}&{books['range']}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_xero_rows_and_totals_equal_the_invoices(books):
    rows = export(books, "xero")
    expected = [books["taxed"], books["free"], books["credit"]]
    assert len(rows) == sum(len(i["lines"]) for i in expected)  # one row per line; void and later ones left out
    by_number = defaultdict(list)
    for row in rows:
        by_number[row["InvoiceNumber"]].append(row)
    for invoice in expected:
        lines = by_number[invoice["number"]]
        net = sum(Decimal(r["Quantity"]) * Decimal(r["UnitAmount"]) for r in lines)
        tax = sum(Decimal(r["TaxAmount"]) for r in lines)
        assert net.quantize(Decimal("0.01")) == Decimal(invoice["subtotal"])  # tax-exclusive amounts
        assert tax == Decimal(invoice["tax"]) and net + tax == Decimal(invoice["total"])
        assert {r["Total"] for r in lines} == {invoice["total"]}
        assert {r["InvoiceDate"] for r in lines} == {invoice["issue_date"]}
        assert {r["AccountCode"] for r in lines} == {"200"}
    assert {r["TaxType"] for r in by_number[books["free"]["number"]]} == {"NONE"}
    assert {r["TaxType"] for r in by_number[books["taxed"]["number"]]} == {"OUTPUT"}
    assert all(Decimal(r["UnitAmount"]) < 0 for r in by_number[books["credit"]["number"]])  # a credit in Xero
    for column in ("ContactName", "InvoiceNumber", "InvoiceDate", "DueDate", "Description", "Quantity", "UnitAmount",
                   "AccountCode", "TaxType", "Currency", "EmailAddress", "POAddressLine1"):  # fmt: skip
        assert column in rows[0]


def test_quickbooks_rows_and_totals(books):
    rows = export(books, "quickbooks")
    assert len(rows) == 3 + 2 + 3
    taxed = [r for r in rows if r["Invoice no"] == books["taxed"]["number"]]
    assert sum(Decimal(r["Item Amount"]) for r in taxed) == Decimal(books["taxed"]["subtotal"])
    assert sum(Decimal(r["Item Tax Amount"]) for r in taxed) == Decimal(books["taxed"]["tax"])


def test_journal_is_balanced_with_payments_and_codes_from_settings(books):
    api = books["api"]
    current = api.get("/api/v1/finance/accounting-settings").json()
    changed = api.patch(
        "/api/v1/finance/accounting-settings",
        {"revenue_account": "4000", "bank_account": "1200", "version": current["version"]},
        content_type=JSON,
    )
    assert changed.status_code == 200 and changed.json()["revenue_account"] == "4000"
    assert Event.objects.filter(verb="accounting_settings.updated").exists()
    stale = api.patch("/api/v1/finance/accounting-settings", {"tax_account": "1", "version": 1}, content_type=JSON)
    assert stale.status_code == 409
    rows = export(books, "journal")
    debit = sum(Decimal(r["debit"] or 0) for r in rows)
    credit = sum(Decimal(r["credit"] or 0) for r in rows)
    assert debit == credit > 0
    revenue = [r for r in rows if r["account"] == "4000"]
    assert len(revenue) == 3 + 2 + 3  # one per line
    net = sum(Decimal(r["credit"] or 0) - Decimal(r["debit"] or 0) for r in revenue)
    docs = (books["taxed"], books["free"], books["credit"])
    assert net == sum(Decimal(i["subtotal"]) for i in docs)
    bank = [r for r in rows if r["account"] == "1200"]
    assert [r["debit"] for r in bank] == ["700.00"]


def test_bad_input_and_access(books, personas):
    api = books["api"]
    assert api.get("/api/v1/exports/accounting?format=sage").status_code == 422
    bad = api.get("/api/v1/exports/accounting?format=xero&from=2026-12-01&to=2026-11-01")
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"to"}
    assert personas["pm"].api().get("/api/v1/exports/accounting?format=xero").status_code == 403
    empty = api.patch("/api/v1/finance/accounting-settings", {"revenue_account": "", "version": 1}, content_type=JSON)
    assert empty.status_code == 422 and {e["field"] for e in empty.json()["errors"]} == {"revenue_account"}


def test_pages_download_the_export_and_save_codes(books, personas):
    web = HttpClient()
    assert web.login(email=personas["finance"].email, password=PASSWORD)
    page = web.get("/finance/accounting/")
    assert page.status_code == 200 and b"Download CSV" in page.content
    assert b'id="accounting-link"' in web.get("/finance/invoices/").content
    day = NOW.date().isoformat()
    csv_response = web.get(f"/finance/accounting/export/?format=xero&date_from={day}&date_to={day}")
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(csv_response.content.decode())))) == 8
    form = {
        "revenue_account": "4100", "receivables_account": "1400", "tax_account": "1776", "bank_account": "1200",
        "xero_tax_type": "OUTPUT2", "xero_tax_free_type": "NONE", "contact_name": "", "contact_email": "",
        "contact_phone": "", "version": "1",
    }  # fmt: skip
    saved = web.post("/finance/accounting/", form)
    assert saved.status_code == 302
    assert web.post("/finance/accounting/", form).status_code == 400  # stale version: nothing saved
    pm = HttpClient()
    assert pm.login(email=personas["pm"].email, password=PASSWORD)
    assert pm.get("/finance/accounting/").status_code == 403
    assert b'id="accounting-link"' not in pm.get("/finance/invoices/").content


@pytest.mark.parametrize(
    ("amounts", "tax", "shares"),
    [
        (["1000.00"], "190.00", ["190.00"]),
        (["1500.00", "49.99", "30.03"], "300.20", ["285.00", "9.50", "5.70"]),
        (["10.00", "10.00", "10.00"], "0.10", ["0.04", "0.03", "0.03"]),
        (["100.00", "-50.00"], "9.50", ["19.00", "-9.50"]),
        (["-100.00", "-49.99"], "-28.50", ["-19.00", "-9.50"]),
        (["5.00"], "0.00", ["0.00"]),
    ],
)
def test_line_taxes_add_up_to_the_document_tax(amounts, tax, shares):
    got = line_taxes([Decimal(a) for a in amounts], Decimal(tax))
    assert [str(g) for g in got] == shares and sum(got) == Decimal(tax)
