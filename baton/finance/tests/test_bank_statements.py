"""Bank statements (issue 19, "Payments that match themselves"): CAMT.053, MT940 and mapped CSV files imported with
`POST /bank-statements`; a credit naming an open invoice's number pays it on the booking date (bank charges count
as paid by the client), partial and over-payments by MONEY.md's balance rule (an over-payment is a refund owed), doubtful credits to review with
suggestions, a transaction imported twice is a duplicate and never matched again, an unknown format is a 422."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from baton.core.access import Actor
from baton.core.models import Event
from baton.devdata.testing.personas import PASSWORD
from baton.finance import services
from baton.finance.models import BankTransaction, Invoice, Payment

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files" / "bank"
NOW = datetime(2030, 5, 8, 9, 0, tzinfo=ZoneInfo("UTC"))  # the files book on 2030-05-05..07


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _issued(personas, amount: str, currency: str = "EUR") -> Invoice:
    system = Actor.system(personas.workspace)
    line = [{"description": "Work", "quantity": "1", "unit_price": amount}]
    invoice = services.invoice_create(actor=system, client_id=personas.client_a.id, lines=line, currency=currency)
    return services.invoice_issue(
        actor=system, invoice=invoice, issue_date=date(2030, 5, 1), due_date=date(2030, 5, 31)
    )


def _upload(personas, name: str, who: str = "finance", **extra):
    data = (FILES / name).read_bytes() if "\n" not in name and (FILES / name).exists() else name.encode()
    name = name if "\n" not in name else "upload.txt"
    return personas[who].api().post("/api/v1/bank-statements", {"file": SimpleUploadedFile(name, data), **extra})


def test_camt053_pays_the_named_invoice_gross_of_bank_charges_once(personas):
    invoice = _issued(personas, "1000.00")
    assert invoice.number == "INV-00001"
    response = _upload(personas, "statement.camt053.xml")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["transactions"] == 3 and body["duplicates"] == []
    [match] = body["matched"]
    assert match["invoice_id"] == invoice.pk and match["amount"] == "1000.00"
    assert match["transaction"]["amount"] == "997.50" and match["transaction"]["fee"] == "2.50"
    assert sorted(u["transaction"]["amount"] for u in body["unmatched"]) == ["-350.00", "-9.90"]  # the debits
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.balance_due == Decimal("0.00")
    payment = Payment.objects.get(invoice=invoice)
    assert payment.paid_on == date(2030, 5, 5) and payment.reference == "BANK-TX-1001"
    assert Event.objects.filter(verb="bank_statement.imported").count() == 1
    # the same file again: every transaction is a duplicate, nothing is paid twice
    again = _upload(personas, "statement.camt053.xml").json()
    assert again["transactions"] == 3 and len(again["duplicates"]) == 3
    assert again["matched"] == [] and again["unmatched"] == []
    assert Payment.objects.filter(invoice=invoice).count() == 1 and BankTransaction.objects.count() == 3


def test_mt940_partial_payment_and_a_doubtful_credit_to_review(personas):
    first = _issued(personas, "1000.00")
    second = _issued(personas, "1200.00")
    body = _upload(personas, "statement.mt940").json()
    assert body["transactions"] == 3
    [match] = body["matched"]
    assert (match["invoice_id"], match["amount"]) == (first.pk, "400.00")
    first.refresh_from_db()
    assert first.status == "sent" and first.balance_due == Decimal("600.00")  # partial: the rest is still owed
    doubtful = next(u for u in body["unmatched"] if u["transaction"]["amount"] == "1200.00")
    assert doubtful["suggested_invoice_ids"] == [second.pk]  # same amount
    # the review screen lists it; confirming records the payment
    web = HttpClient()
    assert web.login(email=personas["finance"].email, password=PASSWORD)
    page = web.get(f"/finance/bank-statements/{body['id']}/")
    assert second.number is not None
    assert page.status_code == 200 and second.number in page.content.decode()
    tx_id = doubtful["transaction"]["id"]
    confirmed = (
        personas["finance"]
        .api()
        .post(f"/api/v1/bank-transactions/{tx_id}/confirm", {"invoice_id": second.pk}, content_type="application/json")
    )
    assert confirmed.status_code == 200, confirmed.content
    second.refresh_from_db()
    assert second.status == "paid" and Payment.objects.get(invoice=second).paid_on == date(2030, 5, 7)
    assert confirmed.json()["needs_review"] is False
    # confirming again: nothing left to apply
    again = (
        personas["finance"]
        .api()
        .post(f"/api/v1/bank-transactions/{tx_id}/confirm", {"invoice_id": first.pk}, content_type="application/json")
    )
    assert again.status_code == 409


def test_csv_with_a_mapping_pays_two_invoices_in_order_and_an_over_payment_leaves_a_refund_owed(personas):
    first = _issued(personas, "1000.00")
    second = _issued(personas, "400.00")
    mapping = (
        '{"date": "Booking date", "amount": "Amount", "reference": "Text", "counterparty": "Payer", '
        '"transaction_id": "Id", "currency": "Currency", "date_format": "%d.%m.%Y", "decimal_comma": true}'
    )
    body = _upload(personas, "statement.csv", mapping=mapping).json()
    # 1500.00 names both: the first takes its balance, the last all the rest (100.00 more than it owes)
    assert [(m["invoice_id"], m["amount"]) for m in body["matched"]] == [(first.pk, "1000.00"), (second.pk, "500.00")]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "paid" and first.balance_due == Decimal("0.00")
    assert (
        second.status == "paid" and second.balance_due == Decimal("-100.00") and second.refund_owed == Decimal("100.00")
    )
    tx = BankTransaction.objects.get(transaction_id="CSV-1")
    assert tx.unapplied == Decimal("0.00") and not tx.needs_review and "refund is owed" in tx.note
    receivables = personas["finance"].api().get("/api/v1/reports/receivables").json()
    assert "100.00" in str(receivables)  # the credit owed to the client is shown, never netted away
    # the refund is then recorded as usual
    refund = (
        personas["finance"]
        .api()
        .post(
            f"/api/v1/invoices/{second.pk}/payments",
            {"amount": "-100.00", "paid_on": "2030-05-08"},
            content_type="application/json",
        )
    )
    assert refund.status_code == 201 and refund.json()["balance_due"] == "0.00"
    assert personas["finance"].api().post(f"/api/v1/bank-transactions/{tx.pk}/ignore").status_code == 409


def test_a_second_credit_for_a_paid_invoice_goes_to_review(personas):
    invoice = _issued(personas, "100.00")
    rows = "date,amount,reference,transaction_id\n2030-05-07,100.00,INV-00001,P-1\n2030-05-08,100.00,INV-00001,P-2\n"
    body = _upload(personas, rows).json()
    assert len(body["matched"]) == 1 and len(body["unmatched"]) == 1
    invoice.refresh_from_db()
    assert invoice.balance_due == Decimal("0.00")
    tx = BankTransaction.objects.get(transaction_id="P-2")
    assert tx.needs_review
    ignored = personas["finance"].api().post(f"/api/v1/bank-transactions/{tx.pk}/ignore")
    assert ignored.status_code == 200 and ignored.json()["status"] == "ignored"
    tx.refresh_from_db()
    assert not tx.needs_review


def test_unknown_format_and_bad_mapping_are_422_naming_the_field_and_save_nothing(personas):
    response = _upload(personas, "hello world, this is not a statement\nat all")
    assert response.status_code == 422
    assert "file" in str(response.json()) and "CAMT.053" in str(response.json())
    xml = _upload(personas, "<invoice><x/></invoice>")
    assert xml.status_code == 422 and "file" in str(xml.json())
    bad = _upload(personas, "statement.csv", mapping='{"date": "Nope"}')
    assert bad.status_code == 422 and "Nope" in str(bad.json())
    early = _upload(personas, "date,amount\n1899-12-31,10.00\n")
    assert early.status_code == 422 and "1899-12-31" in str(early.json())
    huge = _upload(personas, "date,amount\n2030-01-01,1000000000000.00\n")
    assert huge.status_code == 422 and "too large" in str(huge.json())
    assert not BankTransaction.objects.exists()


def test_a_transaction_id_twice_in_one_file_is_a_duplicate_and_nothing_is_paid_twice(personas):
    invoice = _issued(personas, "300.00")
    rows = "date,amount,reference,transaction_id\n2030-05-07,100.00,INV-00001,T-1\n2030-05-07,100.00,INV-00001,T-1\n"
    body = _upload(personas, rows).json()
    assert body["transactions"] == 2 and len(body["matched"]) == 1 and len(body["duplicates"]) == 1
    assert body["duplicates"][0]["transaction"]["transaction_id"] == "T-1"
    invoice.refresh_from_db()
    assert invoice.balance_due == Decimal("200.00")
    # without ids, two equal lines in one file are two payments; the same file again is two duplicates
    same = "date,amount,reference\n2030-05-08,50.00,INV-00001\n2030-05-08,50.00,INV-00001\n"
    assert len(_upload(personas, same).json()["matched"]) == 2
    again = _upload(personas, same).json()
    assert len(again["duplicates"]) == 2 and again["matched"] == []
    invoice.refresh_from_db()
    assert invoice.balance_due == Decimal("100.00")


def test_only_owner_admin_finance_import(personas):
    assert _upload(personas, "statement.camt053.xml", who="pm").status_code == 403
    assert _upload(personas, "statement.camt053.xml", who="am").status_code == 403
    assert _upload(personas, "statement.camt053.xml", who="owner").status_code == 201
