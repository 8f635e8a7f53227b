"""Payments received against a sent invoice."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.money import money
from baton.core.services import validate
from baton.finance.models import Invoice, InvoiceKind, InvoiceStatus, Payment
from baton.finance.services.invoices._common import lock_invoice, settle


@transaction.atomic
def payment_record(
    *,
    actor: Actor,
    invoice: Invoice,
    amount: Any,
    paid_on: date | None = None,
    method: str = "",
    reference: str = "",
) -> Payment:
    """Record money received against a sent invoice (partial payments add up; at most the balance due)."""
    invoice = lock_invoice(actor, invoice, "view")
    access.require(actor, "payment", "create")
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        raise Conflict("A credit note takes no payments.")
    if invoice.status != InvoiceStatus.SENT:
        raise Conflict(f"{invoice} is {invoice.status}; payments are recorded against sent invoices.", field="status")
    errors: dict[str, str] = {}
    value = money(amount, "amount", errors)
    if value is not None and value <= 0:
        errors["amount"] = "A payment is more than zero."
    elif value is not None and value > invoice.balance_due:
        errors["amount"] = f"This is more than the balance due ({invoice.balance_due} {invoice.currency})."
    if errors or value is None:
        raise ValidationError(errors)
    payment = Payment(
        workspace=actor.workspace,
        invoice=invoice,
        amount=value,
        paid_on=paid_on or timezone.localdate(),
        method=(method or "")[:50],
        reference=(reference or "")[:200],
    )
    validate(payment)
    payment.save()
    invoice.amount_paid += value
    events.emit(
        actor,
        "payment.recorded",
        payment,
        data={"invoice_id": invoice.pk, "number": invoice.number, "amount": value, "paid_on": payment.paid_on},
    )
    settle(actor, invoice)
    return payment
