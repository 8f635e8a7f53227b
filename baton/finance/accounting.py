"""The accounting export: invoices, credit notes and payments of a period as CSV for Xero's sales-invoice import,
QuickBooks Online's invoice import, or a generic double-entry journal; the workspace's account codes
(`AccountingSettings`) and their settings service.

- Xero and QuickBooks: one row per line of every invoice and credit note issued in the range (void ones left out),
  amounts tax-exclusive; a credit note's lines carry a negative unit amount (Xero imports it as a credit). A line's
  tax is its share of the document's tax, largest remainder first, so the lines' tax adds up to the document's.
- Journal: per document one receivable row (the total), one revenue row per line and one tax row; per payment in the
  range the bank against receivables (a refund the other way round). Debits equal credits in each currency.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from baton.core import access, events
from baton.core.access import Actor
from baton.core.services import check_version
from baton.finance.einvoice.document import accounting_settings, parse_address
from baton.finance.models import AccountingSettings, Invoice, InvoiceKind, InvoiceStatus, Payment

FORMATS = ("xero", "quickbooks", "journal")
ZERO = Decimal("0.00")
XERO_COLUMNS = [
    "ContactName", "EmailAddress", "POAddressLine1", "POAddressLine2", "POAddressLine3", "POAddressLine4", "POCity",
    "PORegion", "POPostalCode", "POCountry", "InvoiceNumber", "Reference", "InvoiceDate", "DueDate", "Total",
    "InventoryItemCode", "Description", "Quantity", "UnitAmount", "Discount", "AccountCode", "TaxType", "TaxAmount",
    "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2", "Currency", "BrandingTheme",
]  # fmt: skip
QUICKBOOKS_COLUMNS = [
    "Invoice no", "Customer", "Invoice Date", "Due Date", "Terms", "Memo", "Item(Product/Service)",
    "Item Description", "Item Quantity", "Item Rate", "Item Amount", "Item Tax Code", "Item Tax Amount",
    "Currency Code",
]  # fmt: skip
JOURNAL_COLUMNS = ["date", "account", "debit", "credit", "tax", "reference", "description", "currency"]
SETTING_FIELDS = (
    "revenue_account",
    "receivables_account",
    "tax_account",
    "bank_account",
    "xero_tax_type",
    "xero_tax_free_type",
    "contact_name",
    "contact_email",
    "contact_phone",
)


@dataclass(frozen=True)
class Export:
    content: str
    filename: str
    rows: int


def issued_in(actor: Actor, date_from: dt.date | None, date_to: dt.date | None) -> list[Invoice]:
    """Invoices and credit notes issued in the range (sent or paid), oldest first, with their lines and client."""
    invoices = Invoice.objects.filter(
        workspace=actor.workspace, status__in=(InvoiceStatus.SENT, InvoiceStatus.PAID), issue_date__isnull=False
    )
    if date_from:
        invoices = invoices.filter(issue_date__gte=date_from)
    if date_to:
        invoices = invoices.filter(issue_date__lte=date_to)
    return list(
        invoices.select_related("client", "project", "credit_for")
        .prefetch_related("lines", "client__contacts")
        .order_by("issue_date", "number", "id")
    )


def line_taxes(amounts: list[Decimal], tax: Decimal) -> list[Decimal]:
    """`tax` shared over the lines in proportion to their amounts, in cents, largest remainder first: Σ = tax."""
    total = sum(amounts, ZERO)
    if not amounts or not total or not tax:
        return [ZERO for _ in amounts]
    cents = int(tax * 100)
    exact = [Decimal(cents) * a / total for a in amounts]
    floors = [int(e.to_integral_value(rounding="ROUND_FLOOR")) for e in exact]
    left = cents - sum(floors)
    order = sorted(range(len(amounts)), key=lambda i: (exact[i] - floors[i], -i), reverse=True)
    for i in order[: abs(left)]:
        floors[i] += 1 if left > 0 else -1
    return [(Decimal(c) / 100).quantize(Decimal("0.01")) for c in floors]


def _billing_email(invoice: Invoice) -> str:
    """A billing contact's e-mail (else the primary contact's, else any)."""
    contacts = [c for c in invoice.client.contacts.all() if c.email]
    ranked = sorted(contacts, key=lambda c: (not getattr(c, "is_billing", False), not c.is_primary, c.pk))
    return ranked[0].email if ranked else ""


def _reference(invoice: Invoice) -> str:
    if invoice.kind == InvoiceKind.CREDIT_NOTE and invoice.credit_for_id:
        return f"Credit for {invoice.credit_for.number if invoice.credit_for else ''}".strip()
    return invoice.project.name if invoice.project_id and invoice.project else ""


def _xero_rows(invoices: Iterable[Invoice], settings: AccountingSettings) -> Iterable[list[Any]]:
    for invoice in invoices:
        client = invoice.client
        address = parse_address(client.address, client.country)
        street = [*address.lines, "", "", "", ""]
        lines = list(invoice.lines.all())
        taxes = line_taxes([line.amount for line in lines], invoice.tax)
        tax_type = settings.xero_tax_type if invoice.tax_rate > 0 else settings.xero_tax_free_type
        for line, tax in zip(lines, taxes, strict=True):
            yield [
                client.legal_name or client.name,
                _billing_email(invoice),
                *street[:4],
                address.city,
                "",
                address.postcode,
                address.country,
                invoice.number,
                _reference(invoice),
                invoice.issue_date,
                invoice.due_date or invoice.issue_date,
                invoice.total,
                "",
                line.description,
                line.quantity,
                line.unit_price,
                "",
                settings.revenue_account,
                tax_type,
                tax,
                "",
                "",
                "",
                "",
                invoice.currency,
                "",
            ]


def _quickbooks_rows(invoices: Iterable[Invoice], settings: AccountingSettings) -> Iterable[list[Any]]:
    for invoice in invoices:
        lines = list(invoice.lines.all())
        taxes = line_taxes([line.amount for line in lines], invoice.tax)
        days = (invoice.due_date - invoice.issue_date).days if invoice.due_date and invoice.issue_date else 0
        for line, tax in zip(lines, taxes, strict=True):
            yield [
                invoice.number,
                invoice.client.legal_name or invoice.client.name,
                invoice.issue_date,
                invoice.due_date or invoice.issue_date,
                f"Net {days}",
                _reference(invoice),
                "Credit" if invoice.kind == InvoiceKind.CREDIT_NOTE else "Services",
                line.description,
                line.quantity,
                line.unit_price,
                line.amount,
                f"{invoice.tax_rate}%" if invoice.tax_rate > 0 else "Exempt",
                tax,
                invoice.currency,
            ]


def _entry(day: Any, account: str, amount: Decimal, *, debit: bool, **rest: Any) -> list[Any]:
    """One journal row; a negative amount moves to the other side."""
    if amount < 0:
        amount, debit = -amount, not debit
    return [day, account, amount if debit else "", "" if debit else amount, *rest.values()]


def _journal_rows(
    invoices: Iterable[Invoice], payments: Iterable[Payment], settings: AccountingSettings
) -> Iterable[list[Any]]:
    for invoice in invoices:
        day, ref, cur = invoice.issue_date, invoice.number, invoice.currency
        yield _entry(
            day, settings.receivables_account, invoice.total, debit=True,
            tax="", reference=ref, description=f"{invoice.client.name}", currency=cur,
        )  # fmt: skip
        for line in invoice.lines.all():
            yield _entry(
                day, settings.revenue_account, line.amount, debit=False,
                tax=f"{invoice.tax_rate}", reference=ref, description=line.description, currency=cur,
            )  # fmt: skip
        if invoice.tax:
            yield _entry(
                day, settings.tax_account, invoice.tax, debit=False,
                tax=f"{invoice.tax_rate}", reference=ref, description=f"Tax {invoice.tax_rate} %", currency=cur,
            )  # fmt: skip
    for payment in payments:
        ref, cur, day = payment.invoice.number, payment.invoice.currency, payment.paid_on
        label = "Refund" if payment.amount < 0 else "Payment"
        text = f"{label} {payment.reference}".strip()
        yield _entry(day, settings.bank_account, payment.amount, debit=True, tax="", reference=ref, description=text,
                     currency=cur)  # fmt: skip
        yield _entry(day, settings.receivables_account, payment.amount, debit=False, tax="", reference=ref,
                     description=text, currency=cur)  # fmt: skip


def payments_in(actor: Actor, date_from: dt.date | None, date_to: dt.date | None) -> list[Payment]:
    payments = Payment.objects.filter(workspace=actor.workspace).select_related("invoice")
    if date_from:
        payments = payments.filter(paid_on__gte=date_from)
    if date_to:
        payments = payments.filter(paid_on__lte=date_to)
    return list(payments.order_by("paid_on", "id"))


def accounting_export(
    *, actor: Actor, fmt: str, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Export:
    """The CSV of the range in one of `FORMATS` (owner, admin, finance)."""
    access.require(actor, "accounting", "export")
    errors: dict[str, str] = {}
    if fmt not in FORMATS:
        errors["format"] = f"Choose one of {', '.join(FORMATS)}."
    if date_from and date_to and date_to < date_from:
        errors["to"] = "The range ends before it starts."
    if errors:
        raise ValidationError(errors)
    settings = accounting_settings(actor.workspace.pk)
    invoices = issued_in(actor, date_from, date_to)
    if fmt == "xero":
        columns, rows = XERO_COLUMNS, list(_xero_rows(invoices, settings))
    elif fmt == "quickbooks":
        columns, rows = QUICKBOOKS_COLUMNS, list(_quickbooks_rows(invoices, settings))
    else:
        columns = JOURNAL_COLUMNS
        rows = list(_journal_rows(invoices, payments_in(actor, date_from, date_to), settings))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([["" if v is None else str(v) for v in row] for row in rows])
    span = f"{date_from or 'start'}-to-{date_to or 'today'}"
    return Export(out.getvalue(), f"{actor.workspace.slug}-{fmt}-{span}.csv", len(rows))


@transaction.atomic
def accounting_settings_update(*, actor: Actor, version: int | None, **changes: Any) -> AccountingSettings:
    """Change the workspace's account codes and e-invoice seller contact (owner, admin, finance)."""
    access.require(actor, "accounting", "configure")
    settings = AccountingSettings.objects.select_for_update().get(pk=accounting_settings(actor.workspace.pk).pk)
    check_version(settings, version)
    errors: dict[str, str] = {}
    for field, value in changes.items():
        if field not in SETTING_FIELDS:
            errors[field] = "Unknown setting."
            continue
        text = str(value if value is not None else "").strip()
        if field.endswith("_account") or field.startswith("xero_"):
            if not text:
                errors[field] = "An account code or tax type cannot be empty."
        setattr(settings, field, text)
    if not errors:
        try:
            settings.full_clean()
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    settings.version += 1
    settings.save()
    events.emit(actor, "accounting_settings.updated", settings, data={"fields": sorted(changes)})
    return settings
