"""What the invoice writes share: totals, lines by hand, a draft's life (new, finished, locked), time and
expenses released, an invoice settled when payments and credits cover it."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.money import CENT, money
from baton.core.services import bump_version, validate
from baton.crm.models import Client
from baton.delivery.models import Billing, Project
from baton.finance.models import Expense, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from baton.finance.services._common import visible_project
from baton.timesheets.models import TimeEntry


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def totals_of(amounts: list[Decimal], tax_rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(subtotal, tax, total) of line amounts at a tax rate in percent."""
    subtotal = sum(amounts, Decimal("0.00")).quantize(CENT)
    tax = (subtotal * tax_rate / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return subtotal, tax, subtotal + tax


def recompute(invoice: Invoice) -> None:
    amounts = list(invoice.lines.values_list("amount", flat=True))
    invoice.subtotal, invoice.tax, invoice.total = totals_of(amounts, invoice.tax_rate)


def event_data(invoice: Invoice) -> dict[str, Any]:
    return {
        "number": invoice.number,
        "kind": invoice.kind,
        "status": invoice.status,
        "project_id": invoice.project_id,
        "source": invoice.source,
        "currency": invoice.currency,
        "total": invoice.total,
    }


def clean_lines(raw: Any, errors: dict[str, str], *, credit: bool = False) -> list[dict[str, Any]]:
    """Lines by hand: description, quantity (default 1), unit_price; amount = quantity x unit price (half up)."""
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        errors["lines"] = "Send lines as a list of {description, quantity, unit_price}."
        return []
    lines = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            errors[f"lines.{i}"] = "Each line is {description, quantity, unit_price}."
            continue
        description = str(item.get("description") or "").strip()
        if not description:
            errors[f"lines.{i}.description"] = "Describe the line."
        quantity = money(item.get("quantity", "1"), f"lines.{i}.quantity", errors, allow_negative=credit)
        unit_price = money(item.get("unit_price"), f"lines.{i}.unit_price", errors, allow_negative=True)
        if quantity is not None and quantity == 0:
            errors[f"lines.{i}.quantity"] = "A quantity is not zero."
        if quantity is not None and unit_price is not None:
            amount = line_amount(quantity, unit_price)
            if abs(amount) > Decimal("999999999999.99"):
                errors[f"lines.{i}.unit_price"] = "This line is too large."
            lines.append(
                {
                    "description": description[:500],
                    "quantity": quantity,
                    "unit_price": unit_price,
                    "amount": amount,
                    "kind": item.get("kind") or ("credit" if credit else "manual"),
                }
            )
    return lines


def replace_lines(invoice: Invoice, lines: list[dict[str, Any]]) -> None:
    release(invoice)
    invoice.lines.all().delete()
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=invoice,
                position=i,
                kind=line["kind"] if line["kind"] in InvoiceLine.KINDS else "manual",
                description=line["description"],
                quantity=line["quantity"],
                unit_price=line["unit_price"],
                amount=line["amount"],
            )
            for i, line in enumerate(lines)
        ]
    )


def release(invoice: Invoice) -> None:
    """Give the invoice's time and expenses back to un-invoiced."""
    now = timezone.now()
    TimeEntry.objects.filter(invoice_line__invoice=invoice).update(invoice_line=None, invoiced=False, updated_at=now)
    Expense.objects.filter(invoice_line__invoice=invoice).update(invoice_line=None, invoiced=False, updated_at=now)


def client_of(actor: Actor, client_id: Any, errors: dict[str, str]) -> Client | None:
    client = Client.objects.filter(workspace=actor.workspace, pk=client_id or 0).first()
    if client is None:
        errors["client_id"] = "No such client in this workspace."
    return client


def credit_target(actor: Actor, invoice_id: int) -> Invoice | None:
    """The invoice a credit note would correct, if the actor may see it (else None: "no such invoice")."""
    invoice = Invoice.objects.filter(workspace=actor.workspace, pk=invoice_id).first()
    if invoice is None or not access.allowed(actor, "invoice", "view", invoice):
        return None
    return invoice


def check_dates(issue_date: date | None, due_date: date | None, errors: dict[str, str]) -> None:
    if issue_date and due_date and due_date < issue_date:
        errors["due_date"] = "The due date cannot be before the issue date."


def billing_project(actor: Actor, project_id: Any, errors: dict[str, str]) -> Project | None:
    project = visible_project(actor, project_id, errors)
    if project is not None and project.billing == Billing.NON_BILLABLE:
        errors["project_id"] = f"“{project.name}” is non-billable; there is nothing to invoice."
    return project


def new_draft(
    actor: Actor,
    *,
    client: Client,
    project: Project | None,
    source: str,
    currency: str,
    tax_rate: Decimal,
    kind: str = InvoiceKind.INVOICE,
    **extra: Any,
) -> Invoice:
    invoice = Invoice(
        workspace=actor.workspace,
        client=client,
        project=project,
        source=source,
        currency=currency,
        tax_rate=tax_rate,
        kind=kind,
        **extra,
    )
    validate(invoice)
    invoice.save()
    return invoice


def finish_draft(actor: Actor, invoice: Invoice) -> Invoice:
    recompute(invoice)
    invoice.save(update_fields=["subtotal", "tax", "total", "updated_at"])
    events.emit(actor, "invoice.created", invoice, data=event_data(invoice))
    return invoice


def lock_invoice(actor: Actor, invoice: Invoice, action: str = "update") -> Invoice:
    invoice = Invoice.objects.select_for_update(of=("self",)).select_related("client", "project").get(pk=invoice.pk)
    access.require(actor, "invoice", action, invoice)
    return invoice


def settle(actor: Actor, invoice: Invoice) -> None:
    """An issued invoice is paid while payments and credits cover its total (balance ≤ 0, a refund owed included),
    sent again when they no longer do (a credit note voided, say)."""
    covered = invoice.amount_paid + invoice.amount_credited >= invoice.total
    became_paid = invoice.status == InvoiceStatus.SENT and covered
    if became_paid:
        invoice.status = InvoiceStatus.PAID
        invoice.paid_at = timezone.now()
    elif invoice.status == InvoiceStatus.PAID and not covered:
        invoice.status, invoice.paid_at = InvoiceStatus.SENT, None
    bump_version(invoice)
    invoice.save()
    if became_paid:
        events.emit(actor, "invoice.paid", invoice, data=event_data(invoice) | {"amount_paid": invoice.amount_paid})
