"""Quote to cash in one walk: the account manager's quote is e-mailed to the client (caught by a local SMTP sink), the
client accepts it in the portal, which makes the project with its budget and milestone; time is logged and drafted
into an invoice; finance issues and e-mails it (the PDF attached, caught by the sink); the client sees it in the
portal; a bank statement naming it pays it by itself; the Xero CSV carries it."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from baton.core.access import Actor
from baton.crm.services import contact_create
from baton.delivery.models import Milestone
from baton.finance import services
from baton.finance.models import Invoice, Quote
from baton.finance.services import quotes as quote_services
from baton.timesheets.services import time_entry_create

from .conftest import ARTIFACTS
from .test_invoice_email import login, smtp_sink  # noqa: F401 (the sink is a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _seller_and_buyer(personas) -> None:
    ws = personas.workspace
    ws.legal_name, ws.address, ws.country, ws.vat_id = (
        "Studio Ltd",
        "1 High Street\nLondon EC1A 1AA",
        "GB",
        "GB123456789",
    )
    ws.bank_name, ws.iban, ws.bic = "Example Bank", "GB33BUKB20201555555555", "BUKBGB22"
    ws.save()
    client = personas.client_a
    client.legal_name, client.address, client.country = "Client A Ltd", "5 Market Square\nLeeds LS1 1AA", "GB"
    client.save()
    contact_create(
        actor=Actor.system(ws), client=client, name="Ada Payables", email="ap@client-a.test", is_billing=True
    )


def test_quote_to_cash(live_server, personas, browser, smtp_sink):  # noqa: F811
    base = live_server.url
    _seller_and_buyer(personas)
    am = personas["am"].actor
    quote = quote_services.quote_create(
        actor=am,
        client_id=personas.client_a.id,
        title="Spring campaign",
        billing="time_and_materials",
        lines=[
            {
                "description": "Campaign build",
                "quantity": "10",
                "unit_price": "100.00",
                "minutes": 600,
                "phase": "Build",
            }
        ],
    )
    quote_services.quote_send(actor=am, quote=quote)
    ((quote_rcpts, quote_mail),) = smtp_sink.received
    assert quote_rcpts == ["cara@a.test"]
    assert [a.get_content_type() for a in quote_mail.iter_attachments()] == ["application/pdf"]

    # The client accepts in the portal: the project carries the quote's budget, minutes and phase.
    client = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    login(client, base, personas["client_a"].email)
    client.goto(f"{base}/relationships/portal/")
    client.locator("#portal-quotes").get_by_text("Spring campaign").wait_for()
    client.locator("#portal-quotes").get_by_role("button", name="Accept").click()
    client.get_by_text("you accepted").wait_for()
    quote = Quote.objects.get(pk=quote.pk)
    project = quote.project
    assert quote.status == "accepted" and project is not None
    assert (project.budget_amount, project.budget_minutes) == (Decimal("1000.00"), 600)
    assert list(Milestone.objects.filter(project=project).values_list("name", flat=True)) == ["Build"]

    # Time on the project, drafted into an invoice; finance issues and e-mails it from the page.
    finance_actor = personas["finance"].actor
    time_entry_create(
        actor=Actor.system(personas.workspace),
        project_id=project.pk,
        person_id=personas["member"].person.pk,
        date=timezone.localdate(),
        minutes=120,
        billable=True,
    )
    draft = services.invoice_draft_from_time(actor=finance_actor, project_id=project.pk, include_unapproved=True)
    assert draft.total > 0
    finance = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True).new_page()
    login(finance, base, personas["finance"].email)
    finance.goto(f"{base}/finance/invoices/{draft.pk}/")
    finance.get_by_text("Issue and send", exact=True).click()
    finance.get_by_role("button", name="Issue and e-mail it").click()
    finance.get_by_text("was issued and e-mailed to").wait_for()
    invoice = Invoice.objects.get(pk=draft.pk)
    assert invoice.status == "sent" and invoice.number
    rcpts, message = smtp_sink.received[-1]
    assert rcpts == ["ap@client-a.test"] and invoice.number in message["Subject"]
    assert [a.get_filename() for a in message.iter_attachments()] == [f"{invoice.number}.pdf"]

    # The client sees it in the portal.
    client.goto(f"{base}/relationships/portal/")
    client.locator(f"#portal-invoice-{invoice.pk}").wait_for()

    # A bank statement naming the invoice pays it by itself.
    today = timezone.localdate()
    amount = f"{invoice.total:.2f}".replace(".", ",")
    statement = (
        "Booking date;Amount;Text;Payer;Id;Currency\n"
        f"{today:%d.%m.%Y};{amount};Payment {invoice.number};Client A Ltd;Q2C-1;{invoice.currency}\n"
    )
    path = ARTIFACTS / "quote-to-cash-statement.csv"
    ARTIFACTS.mkdir(exist_ok=True)
    path.write_text(statement, encoding="utf-8")
    finance.goto(f"{base}/finance/bank-statements/")
    finance.get_by_label("Statement file").set_input_files(str(path))
    finance.get_by_role("button", name="Import").click()
    finance.get_by_text("1 payment recorded").wait_for()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == ("paid", 0)

    # The Xero CSV carries the invoice's line.
    finance.goto(f"{base}/finance/accounting/")
    finance.get_by_label("From").fill(today.isoformat())
    finance.get_by_label("To").fill(today.isoformat())
    with finance.expect_download() as info:
        finance.get_by_role("button", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8").read())))
    assert {r["InvoiceNumber"] for r in rows} == {invoice.number}
    assert sum(Decimal(r["Quantity"]) * Decimal(r["UnitAmount"]) for r in rows) == invoice.subtotal
