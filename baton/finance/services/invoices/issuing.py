"""Issuing (the gapless number sequence), voiding, and credit notes correcting an issued invoice."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import bump_version, validate
from baton.finance.models import Expense, Invoice, InvoiceCounter, InvoiceKind, InvoiceSource, InvoiceStatus
from baton.finance.services.invoices._common import (
    check_dates,
    clean_lines,
    event_data,
    finish_draft,
    line_amount,
    lock_invoice,
    new_draft,
    recompute,
    release,
    replace_lines,
    settle,
    totals_of,
)
from baton.timesheets.models import TimeEntry

PAYMENT_TERMS_DAYS = 30
NUMBER_PREFIX = {InvoiceKind.INVOICE: "INV-", InvoiceKind.CREDIT_NOTE: "CN-"}
ISSUED = (InvoiceStatus.SENT, InvoiceStatus.PAID)


def next_number(workspace_id: int, kind: str) -> str:
    """The next number of the sequence, taken under a row lock held until the caller's transaction ends."""
    counter = InvoiceCounter.objects.select_for_update().filter(workspace_id=workspace_id, kind=kind).first()
    if counter is None:
        InvoiceCounter.objects.bulk_create(
            [InvoiceCounter(workspace_id=workspace_id, kind=kind, next_number=1)], ignore_conflicts=True
        )
        counter = InvoiceCounter.objects.select_for_update().get(workspace_id=workspace_id, kind=kind)
    number = counter.next_number
    counter.next_number = number + 1
    counter.save(update_fields=["next_number"])
    return f"{NUMBER_PREFIX[InvoiceKind(kind)]}{number:05d}"


@transaction.atomic
def invoice_issue(
    *, actor: Actor, invoice: Invoice, issue_date: date | None = None, due_date: date | None = None
) -> Invoice:
    """Issue a draft: status sent, the next number of the sequence, dates (today and the workspace's payment terms by
    default),
    its time entries and expenses marked invoiced. A credit note reduces what its invoice still owes."""
    invoice = lock_invoice(actor, invoice, "issue")
    if invoice.status != InvoiceStatus.DRAFT:
        raise Conflict(f"{invoice} is already {invoice.status}.", field="status")
    recompute(invoice)
    errors: dict[str, str] = {}
    if not invoice.lines.exists():
        errors["lines"] = "An invoice needs at least one line."
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    if not credit and invoice.total < 0:
        errors["lines"] = "An invoice's total cannot be negative; issue a credit note instead."
    if credit and invoice.total > 0:
        errors["lines"] = "A credit note's total is negative."
    issue_date = issue_date or invoice.issue_date or timezone.localdate()
    due_date = due_date or invoice.due_date or issue_date + timedelta(days=invoice.workspace.payment_terms_days)
    check_dates(issue_date, due_date, errors)
    original = None
    if credit:
        original = Invoice.objects.select_for_update().get(pk=invoice.credit_for_id or 0)
        if original.status not in ISSUED:
            errors["credit_for_id"] = f"{original} is {original.status}; only an issued invoice is credited."
        elif original.amount_credited - invoice.total > original.total:
            errors["lines"] = f"This credits more than is left on {original}."
    if errors:
        raise ValidationError(errors)
    invoice.number = next_number(actor.workspace.pk, invoice.kind)
    invoice.issue_date, invoice.due_date = issue_date, due_date
    invoice.status = InvoiceStatus.SENT
    invoice.sent_at = timezone.now()
    validate(invoice)
    bump_version(invoice)
    invoice.save()

    now = timezone.now()
    TimeEntry.objects.filter(invoice_line__invoice=invoice).update(invoiced=True, updated_at=now)
    Expense.objects.filter(invoice_line__invoice=invoice).update(invoiced=True, updated_at=now)
    events.emit(actor, "invoice.issued", invoice, data=event_data(invoice) | {"due_date": invoice.due_date})
    if original is not None:
        original.amount_credited -= invoice.total  # a credit note's total is negative
        settle(actor, original)
    return invoice


@transaction.atomic
def invoice_void(*, actor: Actor, invoice: Invoice, reason: str = "") -> Invoice:
    """Void a draft or an unpaid sent invoice; its time and expenses go back to un-invoiced. The number stays
    used (the sequence has no gaps)."""
    invoice = lock_invoice(actor, invoice, "void")
    if invoice.status == InvoiceStatus.VOID:
        raise Conflict(f"{invoice} is already void.", field="status")
    if invoice.status == InvoiceStatus.PAID or invoice.payments.exists():
        raise Conflict(f"{invoice} has payments; correct it with a credit note instead.", field="status")
    if invoice.credit_notes.exclude(status=InvoiceStatus.VOID).exists():
        raise Conflict(f"{invoice} has credit notes; void those first.", field="status")
    release(invoice)
    invoice.status = InvoiceStatus.VOID
    invoice.voided_at = timezone.now()
    invoice.void_reason = (reason or "").strip()
    bump_version(invoice)
    invoice.save()
    events.emit(actor, "invoice.voided", invoice, data=event_data(invoice) | {"reason": invoice.void_reason})
    if invoice.kind == InvoiceKind.CREDIT_NOTE and invoice.number:
        original = Invoice.objects.select_for_update().get(pk=invoice.credit_for_id or 0)
        original.amount_credited += invoice.total  # back up: a credit note's total is negative
        settle(actor, original)
    return invoice


@transaction.atomic
def credit_note_create(
    *,
    actor: Actor,
    invoice: Invoice,
    lines: list[dict[str, Any]] | None = None,
    notes: str = "",
    issue_date: date | None = None,
    due_date: date | None = None,
) -> Invoice:
    """A draft credit note correcting an issued invoice: by default it reverses every line; given lines are credited
    as negative amounts (enter positive quantities and prices). It credits at most what is left to credit on the
    invoice (its total less the credit notes issued or drafted for it): more answers 422 naming `lines`."""
    original = lock_invoice(actor, invoice, "view")
    access.require(actor, "invoice", "create")
    if original.kind != InvoiceKind.INVOICE or original.status not in ISSUED:
        raise Conflict(f"{original} is {original.status}; only an issued invoice is credited.", field="status")
    errors: dict[str, str] = {}
    if lines:
        clean = credit_lines(lines, errors)
    else:
        clean = [
            {
                "description": f"Credit: {line.description}"[:500],
                "quantity": line.quantity,
                "unit_price": -line.unit_price,
                "amount": -line.amount,
                "kind": "credit",
            }
            for line in original.lines.all()
        ]
    check_dates(issue_date, due_date, errors)
    if "lines" not in errors:
        check_credit_room(original, [line["amount"] for line in clean], errors)
    if errors:
        raise ValidationError(errors)
    note = new_draft(
        actor,
        client=original.client,
        project=original.project,
        source=InvoiceSource.CREDIT,
        currency=original.currency,
        tax_rate=original.tax_rate,
        kind=InvoiceKind.CREDIT_NOTE,
        credit_for=original,
        notes=notes or f"Corrects {original}.",
        issue_date=issue_date,
        due_date=due_date,
    )
    replace_lines(note, clean)
    return finish_draft(actor, note)


def credit_lines(raw: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    """A credit note's lines as entered (positive quantities and prices), stored negative."""
    clean = clean_lines(raw, errors)
    for line in clean:
        line["unit_price"] = -abs(line["unit_price"])
        line["quantity"] = abs(line["quantity"])
        line["amount"] = line_amount(line["quantity"], line["unit_price"])
        line["kind"] = "credit"
    return clean


def left_to_credit(original: Invoice, *, besides: Invoice | None = None) -> Decimal:
    """The invoice's total less its issued credit notes and its draft ones (other than `besides`)."""
    drafts = Invoice.objects.filter(credit_for=original, status=InvoiceStatus.DRAFT)
    if besides is not None:
        drafts = drafts.exclude(pk=besides.pk)
    pending = drafts.aggregate(s=Sum("total"))["s"] or Decimal("0.00")  # drafts' totals are negative
    return original.total - original.amount_credited + pending


def check_credit_room(
    original: Invoice, amounts: list[Decimal], errors: dict[str, str], *, besides: Invoice | None = None
) -> None:
    """A credit note of these line amounts credits at most what is left to credit (else an error on `lines`)."""
    _, _, total = totals_of(amounts, original.tax_rate)
    left = left_to_credit(original, besides=besides)
    if total >= 0:
        errors["lines"] = "A credit note credits something: enter its lines with positive quantities and prices."
    elif -total > left:
        errors["lines"] = (
            f"This credits {-total} {original.currency} but only {max(left, Decimal('0.00'))} {original.currency} "
            f"is left to credit on {original} (its total less the credit notes issued or drafted for it)."
        )
