"""Invoices that reach the client: `POST /invoices/{id}/send` e-mails the PDF to every billing contact with an e-mail
(locmem backend), sets `emailed_at`, appends `invoice.emailed` and the relationship's touchpoint; 422 naming
`client_id` without a billing contact; the PDF carries both parties' legal details, the terms, the bank details and
the balance; credit notes' lines positive and totals negative; the portal lists issued invoices only."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client as WebClient

from baton.core.access import Actor
from baton.core.models import Event
from baton.core.services import workspace_update
from baton.crm.services import client_update, contact_create
from baton.devdata.testing.personas import PASSWORD
from baton.finance.models import Invoice
from baton.relationships.models import Touchpoint

pytestmark = pytest.mark.django_db
JSON = "application/json"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF (fpdf2 writes `(text) Tj` in Flate-compressed content streams)."""
    parts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            parts.append(stream.decode("latin-1"))
    return "".join(parts)


def seller_and_buyer(personas) -> None:
    system = Actor.system(personas.workspace)
    personas.workspace.refresh_from_db()
    personas.client_a.refresh_from_db()
    workspace_update(
        actor=system,
        version=personas.workspace.version,
        legal_name="Studio GmbH",
        address="Torstrasse 1\n10119 Berlin",
        country="de",
        vat_id="DE 123456789",
        bank_name="Sparkasse Berlin",
        iban="DE89 3704 0044 0532 0130 00",
        bic="COBADEFFXXX",
        payment_terms_days=14,
    )
    client_update(
        actor=system,
        client=personas.client_a,
        version=personas.client_a.version,
        legal_name="Client A SAS",
        address="1 rue de Rivoli\n75001 Paris",
        country="FR",
        vat_id="FR12345678901",
    )


def billing(personas, *emails: str) -> None:
    system = Actor.system(personas.workspace)
    for i, email in enumerate(emails):
        contact_create(actor=system, client=personas.client_a, name=f"Billing {i}", email=email, is_billing=True)


def issued(api, client_id, amount="1000.00", *, tax_rate="0"):
    body = {
        "client_id": client_id,
        "tax_rate": tax_rate,
        "lines": [{"description": "Design sprint", "quantity": "1", "unit_price": amount}],
    }
    invoice = api.post("/api/v1/invoices", body, content_type=JSON).json()
    return api.post(f"/api/v1/invoices/{invoice['id']}/issue").json()


# --- Sending ----------------------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_send_mails_the_pdf_to_each_billing_contact_and_records_the_touchpoint(
    personas, django_capture_on_commit_callbacks
):
    seller_and_buyer(personas)
    billing(personas, "ap@a.test", "cfo@a.test")
    contact_create(actor=Actor.system(personas.workspace), client=personas.client_a, name="No mail", is_billing=True)
    api = personas["finance"].api()
    invoice = issued(api, personas.client_a.id)
    assert invoice["emailed_at"] is None
    assert invoice["due_date"] == "2026-12-16"  # the workspace's payment terms: 14 days

    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(f"/api/v1/invoices/{invoice['id']}/send")
    assert sent.status_code == 200, sent.content
    body = sent.json()
    assert body["emailed_at"].startswith("2026-12-02T10:00:00")

    # One message per billing contact with an e-mail: not the primary contact, not the one without an e-mail.
    assert sorted(m.to[0] for m in mail.outbox) == ["ap@a.test", "cfo@a.test"]
    assert all(len(m.to) == 1 for m in mail.outbox)
    message = mail.outbox[0]
    number = invoice["number"]
    assert number in message.subject and "Studio GmbH" in message.subject
    assert "1,000.00" in message.body and "16" in message.body  # the amount and the due date
    assert "DE89370400440532013000" in message.body and "COBADEFFXXX" in message.body  # how to pay
    assert "/relationships/portal/" in message.body
    (name, content, mimetype) = message.attachments[0]
    assert name == f"{number}.pdf" and mimetype == "application/pdf" and content.startswith(b"%PDF")

    event = Event.objects.get(verb="invoice.emailed", target_id=invoice["id"])
    assert event.actor_id == personas["finance"].person.pk
    assert event.data["recipients"] == 2
    touchpoint = Touchpoint.objects.get(client=personas.client_a, kind="email")
    assert number in touchpoint.summary and touchpoint.person_id == personas["finance"].person.id
    assert sorted(touchpoint.contacts.values_list("email", flat=True)) == ["ap@a.test", "cfo@a.test"]


def test_send_without_a_billing_contact_is_422_naming_client_id_and_changes_nothing(
    personas, django_capture_on_commit_callbacks
):
    api = personas["finance"].api()
    invoice = issued(api, personas.client_a.id)  # client A has a primary contact, but no billing contact
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/v1/invoices/{invoice['id']}/send")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["client_id"]
    assert mail.outbox == []
    assert Invoice.objects.get(pk=invoice["id"]).emailed_at is None
    assert not Event.objects.filter(verb="invoice.emailed").exists()
    assert not Touchpoint.objects.filter(client=personas.client_a, kind="email").exists()


def test_a_draft_is_not_sent_and_only_finance_roles_send(personas, django_capture_on_commit_callbacks):
    billing(personas, "ap@a.test")
    api = personas["finance"].api()
    draft = api.post(
        "/api/v1/invoices",
        {"client_id": personas.client_a.id, "lines": [{"description": "X", "unit_price": "10.00"}]},
        content_type=JSON,
    ).json()
    assert api.post(f"/api/v1/invoices/{draft['id']}/send").status_code == 409
    invoice = issued(api, personas.client_a.id)
    assert personas["am"].api().post(f"/api/v1/invoices/{invoice['id']}/send").status_code == 403
    assert personas["client_a"].api().post(f"/api/v1/invoices/{invoice['id']}/send").status_code == 403
    assert personas["member"].api().post(f"/api/v1/invoices/{invoice['id']}/send").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/invoices/{invoice['id']}/send").status_code == 200
    assert len(mail.outbox) == 1


def test_issue_and_send_in_the_page_is_both_or_neither(personas, django_capture_on_commit_callbacks):
    api = personas["finance"].api()
    draft = api.post(
        "/api/v1/invoices",
        {"client_id": personas.client_a.id, "lines": [{"description": "X", "unit_price": "10.00"}]},
        content_type=JSON,
    ).json()
    web = WebClient()
    assert web.login(email=personas["finance"].email, password=PASSWORD)
    page = web.get(f"/finance/invoices/{draft['id']}/").content.decode()
    assert "Issue and send" not in page  # nobody to send it to
    web.post(f"/finance/invoices/{draft['id']}/issue-and-send/")
    assert Invoice.objects.get(pk=draft["id"]).status == "draft"  # refused: still a draft, no number taken

    billing(personas, "ap@a.test")
    page = web.get(f"/finance/invoices/{draft['id']}/").content.decode()
    assert "Issue and send" in page and "ap@a.test" in page
    with django_capture_on_commit_callbacks(execute=True):
        web.post(f"/finance/invoices/{draft['id']}/issue-and-send/")
    invoice = Invoice.objects.get(pk=draft["id"])
    assert invoice.status == "sent" and invoice.number and invoice.emailed_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments[0][0] == f"{invoice.number}.pdf"
    page = web.get(f"/finance/invoices/{draft['id']}/").content.decode()
    assert "Send again" in page and 'id="invoice-emailed"' in page


# --- Balance and credit notes -----------------------------------------------------------------------------------------


def test_balance_due_follows_payments_and_issued_credit_notes(personas):
    api = personas["finance"].api()
    draft = api.post(
        "/api/v1/invoices",
        {"client_id": personas.client_a.id, "lines": [{"description": "X", "unit_price": "500.00"}], "tax_rate": "20"},
        content_type=JSON,
    ).json()
    assert draft["total"] == "600.00" and draft["balance_due"] == "0.00"  # a draft owes nothing yet
    invoice = api.post(f"/api/v1/invoices/{draft['id']}/issue").json()
    assert invoice["balance_due"] == "600.00"
    api.post(f"/api/v1/invoices/{invoice['id']}/payments", {"amount": "400.00"}, content_type=JSON)

    note = api.post(
        f"/api/v1/invoices/{invoice['id']}/credit-note",
        {"lines": [{"description": "Goodwill", "quantity": "2", "unit_price": "125.00"}]},
        content_type=JSON,
    )
    assert note.status_code == 201
    body = note.json()
    assert body["kind"] == "credit_note" and body["credit_for_id"] == invoice["id"] and body["status"] == "draft"
    line = body["lines"][0]
    assert (line["quantity"], line["unit_price"], line["amount"]) == ("2.00", "125.00", "250.00")  # positive lines
    assert (body["subtotal"], body["tax"], body["total"]) == ("-250.00", "-50.00", "-300.00")  # negative totals
    assert api.get(f"/api/v1/invoices/{invoice['id']}").json()["balance_due"] == "200.00"  # a draft note: nothing

    api.post(f"/api/v1/invoices/{body['id']}/issue")
    after = api.get(f"/api/v1/invoices/{invoice['id']}").json()
    assert after["balance_due"] == "-100.00" and after["refund_owed"] == "100.00"  # 600 - 400 - 300
    api.post(f"/api/v1/invoices/{invoice['id']}/payments", {"amount": "-100.00"}, content_type=JSON)
    assert api.get(f"/api/v1/invoices/{invoice['id']}").json()["balance_due"] == "0.00"

    void = issued(api, personas.client_b.id, "50.00")
    assert api.post(f"/api/v1/invoices/{void['id']}/void").json()["balance_due"] == "0.00"


def test_a_credit_note_by_post_invoices_needs_its_invoice(personas):
    api = personas["finance"].api()
    response = api.post(
        "/api/v1/invoices",
        {"kind": "credit_note", "client_id": personas.client_a.id, "lines": [{"description": "X", "unit_price": "1"}]},
        content_type=JSON,
    )
    assert response.status_code == 422 and "credit_for_id" in [e["field"] for e in response.json()["errors"]]
    invoice = issued(api, personas.client_a.id, "80.00")
    note = api.post(
        "/api/v1/invoices",
        {"kind": "credit_note", "credit_for_id": invoice["id"], "lines": [{"description": "X", "unit_price": "30"}]},
        content_type=JSON,
    ).json()
    assert note["lines"][0]["unit_price"] == "30.00" and note["total"] == "-30.00"


# --- The PDF ----------------------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_pdf_carries_both_parties_terms_bank_details_and_the_balance(personas):
    seller_and_buyer(personas)
    api = personas["finance"].api()
    invoice = issued(api, personas.client_a.id, "1000.00")
    api.post(f"/api/v1/invoices/{invoice['id']}/payments", {"amount": "250.00"}, content_type=JSON)
    pdf = api.get(f"/api/v1/invoices/{invoice['id']}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(pdf.streaming_content))
    for expected in (
        "Studio GmbH",
        "Torstrasse 1",
        "VAT id: DE123456789",
        "Client A SAS",
        "1 rue de Rivoli",
        "VAT id: FR12345678901",
        "Sparkasse Berlin",
        "DE89 3704 0044 0532 0130 00",
        "COBADEFFXXX",
        "14 days net",
        "02 Dec 2026",
        "16 Dec 2026",
        "Balance due",
        "750.00 USD",
    ):
        assert expected in text, expected

    note = api.post(f"/api/v1/invoices/{invoice['id']}/credit-note", {}, content_type=JSON).json()
    note = api.post(f"/api/v1/invoices/{note['id']}/issue").json()
    text = pdf_text(b"".join(api.get(f"/api/v1/invoices/{note['id']}/pdf").streaming_content))
    assert f"Credit note {note['number']}" in text and f"Invoice {invoice['number']}" in text
    assert "How to pay" not in text


# --- The portal -------------------------------------------------------------------------------------------------------


def test_the_portal_lists_the_clients_issued_invoices_and_serves_their_pdfs(personas):
    api = personas["finance"].api()
    sent = issued(api, personas.client_a.id, "1000.00")
    api.post(f"/api/v1/invoices/{sent['id']}/payments", {"amount": "400.00"}, content_type=JSON)
    draft = api.post(
        "/api/v1/invoices",
        {
            "client_id": personas.client_a.id,
            "notes": "internal draft",
            "lines": [{"description": "Draft work", "unit_price": "77.00"}],
        },
        content_type=JSON,
    ).json()
    other = issued(api, personas.client_b.id, "999.00")

    web = WebClient()
    assert web.login(email=personas["client_a"].email, password=PASSWORD)
    page = web.get("/relationships/portal/").content.decode()
    assert 'id="portal-invoices"' in page
    assert sent["number"] in page and "600.00" in page and "1,000.00" in page  # balance due and total
    assert "Draft work" not in page and "77.00" not in page and other["number"] not in page
    pdf = web.get(f"/relationships/portal/invoices/{sent['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert web.get(f"/relationships/portal/invoices/{draft['id']}/pdf/").status_code == 404
    assert web.get(f"/relationships/portal/invoices/{other['id']}/pdf/").status_code == 404

    staff = WebClient()
    assert staff.login(email=personas["finance"].email, password=PASSWORD)
    assert (
        staff.get(f"/relationships/portal/invoices/{sent['id']}/pdf/").status_code == 404
    )  # the portal is the client's
