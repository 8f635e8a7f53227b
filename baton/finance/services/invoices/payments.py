"""Payments received against an issued invoice, and refunds (negative payments) of what a credit note left owed
to the client."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
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
    overpayment: bool = False,
) -> Payment:
    """Record money received against a sent invoice (partial payments add up; at most the balance due), or a refund
    to the client as a negative amount (at most the refund owed: the negative balance a credit note left on a paid
    invoice). The invoice is paid while payments and credits cover its total. `overpayment`: money that did arrive
    (a bank statement's credit) may exceed the balance due; the balance goes negative, a refund owed to the client
    (MONEY.md §5), never lost."""
    invoice = lock_invoice(actor, invoice, "view")
    access.require(actor, "payment", "create")
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        raise Conflict("A credit note takes no payments; record a refund on the invoice it corrects.")
    if invoice.status not in (InvoiceStatus.SENT, InvoiceStatus.PAID):
        raise Conflict(f"{invoice} is {invoice.status}; payments are recorded against issued invoices.", field="status")
    errors: dict[str, str] = {}
    value = money(amount, "amount", errors, allow_negative=True)
    balance = invoice.balance_due
    if value is not None:
        _check_amount(invoice, value, balance, errors, overpayment=overpayment)
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
        data={
            "invoice_id": invoice.pk,
            "number": invoice.number,
            "amount": value,
            "refund": value < 0,
            "paid_on": payment.paid_on,
        },
    )
    settle(actor, invoice)
    return payment


def _check_amount(
    invoice: Invoice, value: Decimal, balance: Decimal, errors: dict[str, str], *, overpayment: bool = False
) -> None:
    if value == 0:
        errors["amount"] = "A payment is more than zero (a refund to the client: less than zero)."
    elif value > 0 and balance <= 0:
        errors["amount"] = f"{invoice} has nothing left to pay (balance {balance} {invoice.currency})."
    elif value > balance and not overpayment:
        errors["amount"] = f"This is more than the balance due ({balance} {invoice.currency})."
    elif value < 0 and -value > invoice.refund_owed:
        owed = invoice.refund_owed
        errors["amount"] = (
            f"A refund is at most the refund owed to the client ({owed} {invoice.currency})."
            if owed
            else f"No refund is owed on {invoice} (balance {balance} {invoice.currency})."
        )
