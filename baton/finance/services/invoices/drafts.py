"""Drafts by hand: create, change (dates, tax rate, notes, currency, lines) and delete."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.money import currency_code
from baton.core.services import bump_version, check_version, validate
from baton.finance.models import Invoice, InvoiceKind, InvoiceSource, InvoiceStatus
from baton.finance.services._common import percent, visible_project
from baton.finance.services.invoices._common import (
    check_dates,
    clean_lines,
    client_of,
    credit_target,
    event_data,
    finish_draft,
    lock_invoice,
    new_draft,
    recompute,
    release,
    replace_lines,
)
from baton.finance.services.invoices.issuing import check_credit_room, credit_lines, credit_note_create

DRAFT_FIELDS = ("issue_date", "due_date", "tax_rate", "notes", "lines", "currency")


@transaction.atomic
def invoice_create(
    *,
    actor: Actor,
    client_id: int | None = None,
    project_id: int | None = None,
    lines: list[dict[str, Any]] | None = None,
    tax_rate: Any = "0",
    currency: str | None = None,
    issue_date: date | None = None,
    due_date: date | None = None,
    notes: str = "",
    kind: str = InvoiceKind.INVOICE,
    credit_for_id: int | None = None,
) -> Invoice:
    """A draft invoice by hand. The client defaults to the project's; the currency to the project's or client's.
    A credit note (`kind="credit_note"`) names the issued invoice it corrects (`credit_for_id`) and is made by
    `credit_note_create` (its client, project, currency and tax rate are the invoice's)."""
    access.require(actor, "invoice", "create")
    if kind == InvoiceKind.CREDIT_NOTE or credit_for_id is not None:
        return _credit_note_by_hand(
            actor=actor,
            kind=kind,
            credit_for_id=credit_for_id,
            client_id=client_id,
            project_id=project_id,
            lines=lines,
            issue_date=issue_date,
            due_date=due_date,
            notes=notes,
        )
    errors: dict[str, str] = {}
    if kind not in InvoiceKind.values:
        errors["kind"] = "An invoice's kind is invoice or credit_note."
    project = visible_project(actor, project_id, errors) if project_id is not None else None
    if client_id is None and project is not None:
        client_id = project.client_id
    client = client_of(actor, client_id, errors)
    if project is not None and client is not None and project.client_id != client.pk:
        errors["project_id"] = "This project belongs to another client."
    rate = percent(tax_rate, "tax_rate", errors)
    code = currency_code(
        currency or (project.currency if project else client.currency if client else ""), "currency", errors
    )
    clean = clean_lines(lines or [], errors)
    check_dates(issue_date, due_date, errors)
    if errors:
        raise ValidationError(errors)
    assert client is not None and rate is not None
    invoice = new_draft(
        actor,
        client=client,
        project=project,
        source=InvoiceSource.MANUAL,
        currency=code,
        tax_rate=rate,
        issue_date=issue_date,
        due_date=due_date,
        notes=notes or "",
    )
    replace_lines(invoice, clean)
    return finish_draft(actor, invoice)


def _credit_note_by_hand(
    *,
    actor: Actor,
    kind: str,
    credit_for_id: int | None,
    client_id: int | None,
    project_id: int | None,
    lines: list[dict[str, Any]] | None,
    issue_date: date | None,
    due_date: date | None,
    notes: str,
) -> Invoice:
    errors: dict[str, str] = {}
    if kind != InvoiceKind.CREDIT_NOTE:
        errors["credit_for_id"] = "Only a credit note corrects another invoice (kind credit_note)."
    original = None
    if credit_for_id is None:
        errors["credit_for_id"] = "Name the issued invoice this credit note corrects."
    else:
        original = credit_target(actor, credit_for_id)
        if original is None:
            errors["credit_for_id"] = "No such invoice in this workspace."
        elif client_id is not None and client_id != original.client_id:
            errors["client_id"] = f"{original} is another client's."
        elif project_id is not None and project_id != original.project_id:
            errors["project_id"] = f"{original} is for another project."
    if errors:
        raise ValidationError(errors)
    assert original is not None
    return credit_note_create(
        actor=actor, invoice=original, lines=lines, notes=notes, issue_date=issue_date, due_date=due_date
    )


@transaction.atomic
def invoice_update(*, actor: Actor, invoice: Invoice, version: int | None, **changes: Any) -> Invoice:
    """Change a draft: dates, tax rate, notes, currency, or its lines (new lines replace all of them; time and
    expenses on the old lines go back to un-invoiced). An issued invoice changes only by payments, void or credit."""
    invoice = lock_invoice(actor, invoice)
    check_version(invoice, version)
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    if invoice.status != InvoiceStatus.DRAFT:
        raise Conflict(
            f"{invoice} is {invoice.status}; only a draft changes. Correct it with a credit note.", field="status"
        )
    errors: dict[str, str] = {}
    if "tax_rate" in changes:
        changes["tax_rate"] = percent(changes["tax_rate"], "tax_rate", errors)
    if "currency" in changes:
        changes["currency"] = currency_code(changes["currency"], "currency", errors)
    lines = None
    if "lines" in changes and invoice.kind == InvoiceKind.CREDIT_NOTE:
        lines = credit_lines(changes.pop("lines"), errors)
        if invoice.credit_for is not None and "lines" not in errors:
            check_credit_room(invoice.credit_for, [line["amount"] for line in lines], errors, besides=invoice)
    elif "lines" in changes:
        lines = clean_lines(changes.pop("lines"), errors)
    check_dates(changes.get("issue_date", invoice.issue_date), changes.get("due_date", invoice.due_date), errors)
    if errors:
        raise ValidationError(errors)
    changed = events.diff(invoice, changes)
    if lines is not None:
        replace_lines(invoice, lines)
        changed["lines"] = [None, len(lines)]
    if not changed:
        return invoice
    recompute(invoice)
    validate(invoice)
    bump_version(invoice)
    invoice.save()
    events.emit(actor, "invoice.updated", invoice, data={"changes": changed, "total": invoice.total})
    return invoice


@transaction.atomic
def invoice_delete(*, actor: Actor, invoice: Invoice) -> None:
    """Delete a draft (never an issued invoice: void it or credit it). Its time and expenses are released."""
    invoice = lock_invoice(actor, invoice)
    if invoice.status != InvoiceStatus.DRAFT:
        raise Conflict(f"{invoice} is {invoice.status}; issued invoices are voided or credited, not deleted.")
    release(invoice)
    events.emit(actor, "invoice.deleted", invoice, data=event_data(invoice))
    invoice.delete()
