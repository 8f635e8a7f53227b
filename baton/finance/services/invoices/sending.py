"""Sending an issued invoice (or credit note) to the client: its PDF, attached, e-mailed to every billing contact with
an e-mail, one message each, through `core.client_view.client_mail` (the one way out to a client, after the commit).
Issuing finalises; sending only delivers, and may be repeated (a copy): `emailed_at` is the last time."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from baton.core import access, client_view, events, formats
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import bump_version
from baton.crm.models import Contact
from baton.finance.models import Invoice, InvoiceKind
from baton.finance.pdf import invoice_pdf_bytes, pdf_filename
from baton.finance.services.invoices._common import event_data, lock_invoice
from baton.finance.services.invoices.issuing import ISSUED, invoice_issue


def billing_contacts(invoice: Invoice) -> list[Contact]:
    """The client's billing contacts that have an e-mail, by name."""
    return list(
        Contact.objects.filter(workspace_id=invoice.workspace_id, client_id=invoice.client_id, is_billing=True)
        .exclude(email="")
        .order_by("name", "id")
    )


def portal_url() -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('relationships:portal')}"


def compose(invoice: Invoice, contact: Contact) -> tuple[str, str]:
    """The e-mail to one billing contact: what, how much, by when, how to pay, where to see it."""
    workspace = invoice.workspace
    seller = workspace.legal_name or workspace.name
    with formats.using(workspace):
        total = formats.money(abs(invoice.total), invoice.currency)
        if invoice.kind == InvoiceKind.CREDIT_NOTE:
            subject = f"Credit note {invoice.number} from {seller}"
            lines = [
                f"Dear {contact.name},",
                "",
                f"please find attached credit note {invoice.number} of {total}"
                + (f", correcting invoice {invoice.credit_for.number}." if invoice.credit_for else "."),
            ]
        else:
            balance = formats.money(invoice.balance_due, invoice.currency)
            due = formats.day(invoice.due_date) if invoice.due_date else ""
            subject = f"Invoice {invoice.number} from {seller}: {balance} due {due}".rstrip()
            lines = [
                f"Dear {contact.name},",
                "",
                f"please find attached invoice {invoice.number} of {total}, issued {formats.day(invoice.issue_date)}.",
                f"Balance due: {balance}" + (f", by {due}." if due else "."),
                "",
                "How to pay: by bank transfer, quoting the invoice number " + f"{invoice.number} as the reference.",
            ]
            bank = [
                ("Account holder", seller),
                ("Bank", workspace.bank_name),
                ("IBAN", workspace.iban),
                ("BIC", workspace.bic),
            ]
            lines += [f"  {label}: {value}" for label, value in bank if value]
    lines += [
        "",
        f"You can see your invoices, their balances and their PDFs in your portal: {portal_url()}",
        "",
        "Kind regards,",
        seller,
    ]
    return subject, "\n".join(lines) + "\n"


def invoice_send_check(invoice: Invoice) -> None:
    """422 naming `client_id` when the invoice's client has no billing contact with an e-mail."""
    if not billing_contacts(invoice):
        raise ValidationError(
            {
                "client_id": f"{invoice.client.name} has no billing contact with an e-mail: mark a contact "
                "with an e-mail as “Billing contact” on the client's page."
            }
        )


@transaction.atomic
def invoice_send(*, actor: Actor, invoice: Invoice) -> Invoice:
    """E-mail an issued invoice's PDF to each billing contact of its client (422 naming `client_id` when none has an
    e-mail; 409 for a draft or a void invoice; 422 naming `notes` or `lines` when they name internal information of
    the client), set `emailed_at` and emit `invoice.emailed` (relationships records
    the touchpoint). The mail leaves after the commit."""
    invoice = lock_invoice(actor, invoice, "send")
    if invoice.status not in ISSUED:
        what = "issue it first" if invoice.status == "draft" else "a void invoice is not sent"
        raise Conflict(f"{invoice} is {invoice.status}: {what}.", field="status")
    contacts = billing_contacts(invoice)
    if not contacts:
        invoice_send_check(invoice)
    # The PDF carries the notes and the lines: an internal text of the client (an escalation pasted in) stays home.
    client_view.require_shareable(
        invoice.client, notes=invoice.notes, lines="\n".join(line.description for line in invoice.lines.all())
    )
    attachment = (pdf_filename(invoice), invoice_pdf_bytes(invoice), "application/pdf")
    invoice.emailed_at = timezone.now()
    bump_version(invoice)
    invoice.save(update_fields=["emailed_at", "version", "updated_at"])
    events.emit(
        actor,
        "invoice.emailed",
        invoice,
        data=event_data(invoice)
        | {"contact_ids": [c.pk for c in contacts], "recipients": len(contacts), "person_id": actor.person_id},
    )
    for contact in contacts:
        subject, body = compose(invoice, contact)
        client_view.client_mail(
            invoice.client, subject=subject, body=body, to=[contact.email], attachments=[attachment]
        )
    return invoice


@transaction.atomic
def invoice_issue_and_send(*, actor: Actor, invoice: Invoice) -> Invoice:
    """Issue a draft and e-mail it, both or neither: without a billing contact (422 naming `client_id`) it stays a
    draft and keeps no number."""
    access.require(actor, "invoice", "send", invoice)
    invoice_send_check(invoice)  # before taking a number: the error names the client
    invoice = invoice_issue(actor=actor, invoice=invoice)
    return invoice_send(actor=actor, invoice=invoice)
