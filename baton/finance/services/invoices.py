"""Writes for invoices, credit notes and payments.

- Drafts come from tracked time (un-invoiced billable entries of a period, grouped into lines whose amount is the sum
  of their entries' `bill_amount`, plus billable expenses), from a fixed fee (in full or by milestone), from a
  retainer period, or by hand. A draft reserves its time and expenses; deleting or voiding it releases them.
- Totals: line amount (by hand) = quantity x unit price rounded to cents half up; subtotal = Σ line amounts;
  tax = subtotal x tax_rate / 100 rounded to cents half up; total = subtotal + tax.
- Issuing assigns the next number of the workspace's gapless sequence (`INV-00001`, credit notes `CN-00001`): the
  counter row is locked with select_for_update inside the issuing transaction, so concurrent issues queue, and a
  rolled-back issue gives its number back. Its time entries and expenses are marked invoiced.
- Payments: partial payments add up; the invoice is paid when payments plus issued credit notes cover its total.
- Void: an unpaid invoice without payments or credit notes; its time goes back to un-invoiced. A paid invoice is
  corrected with a credit note (negative lines, at most what is left to credit).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.money import CENT, currency_code, money
from baton.core.services import bump_version, check_version, validate
from baton.crm.models import Client
from baton.delivery.models import Billing, Milestone, Project
from baton.finance.models import (
    Expense,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceLine,
    InvoiceSource,
    InvoiceStatus,
    Payment,
)
from baton.finance.selectors.burn import month_end, month_start
from baton.finance.services._common import percent, visible_project
from baton.timesheets.models import TimeEntry

PAYMENT_TERMS_DAYS = 30
NUMBER_PREFIX = {InvoiceKind.INVOICE: "INV-", InvoiceKind.CREDIT_NOTE: "CN-"}
ISSUED = (InvoiceStatus.SENT, InvoiceStatus.PAID)
DRAFT_FIELDS = ("issue_date", "due_date", "tax_rate", "notes", "lines", "currency")


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


def _data(invoice: Invoice) -> dict[str, Any]:
    return {
        "number": invoice.number,
        "kind": invoice.kind,
        "status": invoice.status,
        "project_id": invoice.project_id,
        "source": invoice.source,
        "currency": invoice.currency,
        "total": invoice.total,
    }


def _clean_lines(raw: Any, errors: dict[str, str], *, credit: bool = False) -> list[dict[str, Any]]:
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


def _replace_lines(invoice: Invoice, lines: list[dict[str, Any]]) -> None:
    _release(invoice)
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


def _release(invoice: Invoice) -> None:
    """Give the invoice's time and expenses back to un-invoiced."""
    now = timezone.now()
    TimeEntry.objects.filter(invoice_line__invoice=invoice).update(invoice_line=None, invoiced=False, updated_at=now)
    Expense.objects.filter(invoice_line__invoice=invoice).update(invoice_line=None, invoiced=False, updated_at=now)


def _client(actor: Actor, client_id: Any, errors: dict[str, str]) -> Client | None:
    client = Client.objects.filter(workspace=actor.workspace, pk=client_id or 0).first()
    if client is None:
        errors["client_id"] = "No such client in this workspace."
    return client


def _check_dates(issue_date: date | None, due_date: date | None, errors: dict[str, str]) -> None:
    if issue_date and due_date and due_date < issue_date:
        errors["due_date"] = "The due date cannot be before the issue date."


def _new_draft(
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


def _finish_draft(actor: Actor, invoice: Invoice) -> Invoice:
    recompute(invoice)
    invoice.save(update_fields=["subtotal", "tax", "total", "updated_at"])
    events.emit(actor, "invoice.created", invoice, data=_data(invoice))
    return invoice


# --- Drafts -------------------------------------------------------------------------------------------------------


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
) -> Invoice:
    """A draft invoice by hand. The client defaults to the project's; the currency to the project's or client's."""
    access.require(actor, "invoice", "create")
    errors: dict[str, str] = {}
    project = visible_project(actor, project_id, errors) if project_id is not None else None
    if client_id is None and project is not None:
        client_id = project.client_id
    client = _client(actor, client_id, errors)
    if project is not None and client is not None and project.client_id != client.pk:
        errors["project_id"] = "This project belongs to another client."
    rate = percent(tax_rate, "tax_rate", errors)
    code = currency_code(
        currency or (project.currency if project else client.currency if client else ""), "currency", errors
    )
    clean = _clean_lines(lines or [], errors)
    _check_dates(issue_date, due_date, errors)
    if errors:
        raise ValidationError(errors)
    assert client is not None and rate is not None
    invoice = _new_draft(
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
    _replace_lines(invoice, clean)
    return _finish_draft(actor, invoice)


def _lock_draft(actor: Actor, invoice: Invoice, action: str = "update") -> Invoice:
    invoice = Invoice.objects.select_for_update(of=("self",)).select_related("client", "project").get(pk=invoice.pk)
    access.require(actor, "invoice", action, invoice)
    return invoice


@transaction.atomic
def invoice_update(*, actor: Actor, invoice: Invoice, version: int | None, **changes: Any) -> Invoice:
    """Change a draft: dates, tax rate, notes, currency, or its lines (new lines replace all of them; time and
    expenses on the old lines go back to un-invoiced). An issued invoice changes only by payments, void or credit."""
    invoice = _lock_draft(actor, invoice)
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
    if "lines" in changes:
        lines = _clean_lines(changes.pop("lines"), errors, credit=invoice.kind == InvoiceKind.CREDIT_NOTE)
    _check_dates(changes.get("issue_date", invoice.issue_date), changes.get("due_date", invoice.due_date), errors)
    if errors:
        raise ValidationError(errors)
    changed = events.diff(invoice, changes)
    if lines is not None:
        _replace_lines(invoice, lines)
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
    invoice = _lock_draft(actor, invoice)
    if invoice.status != InvoiceStatus.DRAFT:
        raise Conflict(f"{invoice} is {invoice.status}; issued invoices are voided or credited, not deleted.")
    _release(invoice)
    events.emit(actor, "invoice.deleted", invoice, data=_data(invoice))
    invoice.delete()


def _billing_project(actor: Actor, project_id: Any, errors: dict[str, str]) -> Project | None:
    project = visible_project(actor, project_id, errors)
    if project is not None and project.billing == Billing.NON_BILLABLE:
        errors["project_id"] = f"“{project.name}” is non-billable; there is nothing to invoice."
    return project


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(60)).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def invoice_draft_from_time(
    *,
    actor: Actor,
    project_id: int | None,
    period_start: date | None,
    period_end: date | None,
    tax_rate: Any = "0",
    include_expenses: bool = True,
    approved_only: bool = False,
) -> Invoice:
    """A draft of the project's un-invoiced billable time in the period (and, unless told otherwise, its billable
    expenses). Entries are grouped by task and bill rate; a line's amount is the sum of its entries' bill_amount."""
    access.require(actor, "invoice", "create")
    errors: dict[str, str] = {}
    project = _billing_project(actor, project_id, errors)
    rate = percent(tax_rate, "tax_rate", errors)
    if period_start is None:
        errors["period_start"] = "Enter the first day of the period."
    if period_end is None:
        errors["period_end"] = "Enter the last day of the period."
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = "The period cannot end before it starts."
    if errors:
        raise ValidationError(errors)
    assert project is not None and rate is not None and period_start and period_end
    entries_qs = TimeEntry.objects.select_for_update(of=("self",)).filter(
        project_id=project.pk,
        billable=True,
        invoiced=False,
        invoice_line__isnull=True,
        date__range=(period_start, period_end),
    )
    if approved_only:
        entries_qs = entries_qs.filter(approved=True)
    entries = list(entries_qs.select_related("task").order_by("date", "id"))
    expenses = (
        list(
            Expense.objects.select_for_update()
            .filter(
                project_id=project.pk,
                billable=True,
                invoiced=False,
                invoice_line__isnull=True,
                date__range=(period_start, period_end),
            )
            .order_by("date", "id")
        )
        if include_expenses
        else []
    )
    if not entries and not expenses:
        raise ValidationError(
            {
                "project_id": f"“{project.name}” has no un-invoiced billable time between "
                f"{period_start:%d %b %Y} and {period_end:%d %b %Y}."
            }
        )
    invoice = _new_draft(
        actor,
        client=project.client,
        project=project,
        source=InvoiceSource.TIME,
        currency=project.currency,
        tax_rate=rate,
        period_start=period_start,
        period_end=period_end,
    )
    groups: dict[tuple[int | None, Decimal], list[Any]] = defaultdict(list)
    for entry in entries:
        groups[(entry.task_id, entry.bill_rate)].append(entry)

    def order(key: tuple[int | None, Decimal]) -> tuple[int, str, Decimal]:
        first = groups[key][0]
        return (0 if first.task_id else 1, first.task.title.lower() if first.task_id else "", key[1])

    position = 0
    for key in sorted(groups, key=order):
        group = groups[key]
        minutes = sum(e.minutes for e in group)
        title = group[0].task.title if group[0].task_id else project.name
        line = InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            kind="time",
            description=f"{title} ({_hours(minutes)} h, {period_start:%d %b} - {period_end:%d %b %Y})",
            quantity=_hours(minutes),
            unit_price=key[1],
            amount=sum((e.bill_amount for e in group), Decimal("0.00")),
        )
        TimeEntry.objects.filter(pk__in=[e.pk for e in group]).update(invoice_line=line)
        position += 1
    for expense in expenses:
        line = InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            kind="expense",
            description=f"Expense: {expense.description} ({expense.date:%d %b %Y})"
            + (f", incl. {expense.markup_pct}% markup" if expense.markup_pct else ""),
            quantity=Decimal("1.00"),
            unit_price=expense.billable_amount,
            amount=expense.billable_amount,
        )
        Expense.objects.filter(pk=expense.pk).update(invoice_line=line)
        position += 1
    return _finish_draft(actor, invoice)


def _fee_invoiced(project: Project) -> Decimal:
    return InvoiceLine.objects.filter(
        invoice__project_id=project.pk,
        invoice__kind=InvoiceKind.INVOICE,
        kind__in=("fee", "milestone"),
    ).exclude(invoice__status=InvoiceStatus.VOID).aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


@transaction.atomic
def invoice_draft_from_fee(
    *, actor: Actor, project_id: int | None, milestone_id: int | None = None, tax_rate: Any = "0"
) -> Invoice:
    """A draft for a fixed-fee project: one milestone's amount, or (without a milestone) what is left of the fee."""
    access.require(actor, "invoice", "create")
    errors: dict[str, str] = {}
    project = _billing_project(actor, project_id, errors)
    rate = percent(tax_rate, "tax_rate", errors)
    if project is not None and project.billing != Billing.FIXED_FEE and milestone_id is None:
        errors["project_id"] = f"“{project.name}” is not a fixed-fee project."
    milestone = None
    if milestone_id is not None and project is not None:
        milestone = Milestone.objects.filter(project_id=project.pk, pk=milestone_id).first()
        if milestone is None:
            errors["milestone_id"] = "No such milestone on this project."
        elif milestone.amount is None or milestone.amount <= 0:
            errors["milestone_id"] = f"The milestone “{milestone.name}” has no amount to invoice."
    if errors:
        raise ValidationError(errors)
    assert project is not None and rate is not None
    Project.objects.select_for_update().filter(pk=project.pk).first()  # one fee draft at a time per project
    if milestone is not None:
        taken = Invoice.objects.filter(milestone=milestone).exclude(status=InvoiceStatus.VOID).first()
        if taken is not None:
            raise Conflict(f"The milestone “{milestone.name}” is already on {taken}.", field="milestone_id")
        description, amount, kind = f"Milestone: {milestone.name}", milestone.amount, "milestone"
        source = InvoiceSource.MILESTONE
    else:
        remaining = project.budget_amount - _fee_invoiced(project)
        if remaining <= 0:
            raise Conflict(f"The fixed fee of “{project.name}” is already invoiced in full.", field="project_id")
        partly = remaining != project.budget_amount
        description = f"{'Remaining fixed fee' if partly else 'Fixed fee'}: {project.name}"
        amount, kind, source = remaining, "fee", InvoiceSource.FIXED_FEE
    assert amount is not None
    invoice = _new_draft(
        actor,
        client=project.client,
        project=project,
        source=source,
        currency=project.currency,
        tax_rate=rate,
        milestone=milestone,
    )
    InvoiceLine.objects.create(
        invoice=invoice, kind=kind, description=description, quantity=Decimal("1.00"), unit_price=amount, amount=amount
    )
    return _finish_draft(actor, invoice)


@transaction.atomic
def invoice_draft_from_retainer(
    *, actor: Actor, project_id: int | None, period: date | None, tax_rate: Any = "0"
) -> Invoice:
    """A draft of a retainer's fee for one period (the month of `period`); each period is invoiced once."""
    access.require(actor, "invoice", "create")
    errors: dict[str, str] = {}
    project = _billing_project(actor, project_id, errors)
    rate = percent(tax_rate, "tax_rate", errors)
    if project is not None and project.billing != Billing.RETAINER:
        errors["project_id"] = f"“{project.name}” is not a retainer."
    if period is None:
        errors["period"] = "Name the period (any day of the month)."
    if errors:
        raise ValidationError(errors)
    assert project is not None and period is not None and rate is not None
    Project.objects.select_for_update().filter(pk=project.pk).first()
    start, end = month_start(period), month_end(period)
    fee = project.period_budget_amount if project.period_budget_amount is not None else project.budget_amount
    if not fee:
        raise ValidationError({"project_id": f"“{project.name}” has no budget per period to invoice."})
    taken = (
        Invoice.objects.filter(project=project, source=InvoiceSource.RETAINER, period_start=start)
        .exclude(status=InvoiceStatus.VOID)
        .first()
    )
    if taken is not None:
        raise Conflict(f"The retainer for {start:%B %Y} is already on {taken}.", field="period")
    invoice = _new_draft(
        actor,
        client=project.client,
        project=project,
        source=InvoiceSource.RETAINER,
        currency=project.currency,
        tax_rate=rate,
        period_start=start,
        period_end=end,
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        kind="retainer",
        description=f"Retainer: {project.name}, {start:%B %Y}",
        quantity=Decimal("1.00"),
        unit_price=fee,
        amount=fee,
    )
    return _finish_draft(actor, invoice)


# --- Issue, pay, void, credit -------------------------------------------------------------------------------------


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
    """Issue a draft: status sent, the next number of the sequence, dates (today and payment terms by default),
    its time entries and expenses marked invoiced. A credit note reduces what its invoice still owes."""
    invoice = _lock_draft(actor, invoice, "issue")
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
    due_date = due_date or invoice.due_date or issue_date + timedelta(days=PAYMENT_TERMS_DAYS)
    _check_dates(issue_date, due_date, errors)
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
    events.emit(actor, "invoice.issued", invoice, data=_data(invoice) | {"due_date": invoice.due_date})
    if original is not None:
        original.amount_credited -= invoice.total  # a credit note's total is negative
        _settle(actor, original)
    return invoice


def _settle(actor: Actor, invoice: Invoice) -> None:
    """Paid when payments and credits cover the total."""
    became_paid = (
        invoice.status == InvoiceStatus.SENT and invoice.amount_paid + invoice.amount_credited >= invoice.total
    )
    if became_paid:
        invoice.status = InvoiceStatus.PAID
        invoice.paid_at = timezone.now()
    bump_version(invoice)
    invoice.save()
    if became_paid:
        events.emit(actor, "invoice.paid", invoice, data=_data(invoice) | {"amount_paid": invoice.amount_paid})


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
    invoice = _lock_draft(actor, invoice, "view")
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
    _settle(actor, invoice)
    return payment


@transaction.atomic
def invoice_void(*, actor: Actor, invoice: Invoice, reason: str = "") -> Invoice:
    """Void a draft or an unpaid sent invoice; its time and expenses go back to un-invoiced. The number stays
    used (the sequence has no gaps)."""
    invoice = _lock_draft(actor, invoice, "void")
    if invoice.status == InvoiceStatus.VOID:
        raise Conflict(f"{invoice} is already void.", field="status")
    if invoice.status == InvoiceStatus.PAID or invoice.amount_paid > 0:
        raise Conflict(f"{invoice} has payments; correct it with a credit note instead.", field="status")
    if invoice.credit_notes.exclude(status=InvoiceStatus.VOID).exists():
        raise Conflict(f"{invoice} has credit notes; void those first.", field="status")
    _release(invoice)
    invoice.status = InvoiceStatus.VOID
    invoice.voided_at = timezone.now()
    invoice.void_reason = (reason or "").strip()
    bump_version(invoice)
    invoice.save()
    events.emit(actor, "invoice.voided", invoice, data=_data(invoice) | {"reason": invoice.void_reason})
    if invoice.kind == InvoiceKind.CREDIT_NOTE and invoice.number:
        original = Invoice.objects.select_for_update().get(pk=invoice.credit_for_id or 0)
        original.amount_credited += invoice.total
        if original.status == InvoiceStatus.PAID and original.amount_paid + original.amount_credited < original.total:
            original.status, original.paid_at = InvoiceStatus.SENT, None
        bump_version(original)
        original.save()
    return invoice


@transaction.atomic
def credit_note_create(
    *, actor: Actor, invoice: Invoice, lines: list[dict[str, Any]] | None = None, notes: str = ""
) -> Invoice:
    """A draft credit note correcting an issued invoice: by default it reverses every line; given lines are credited
    as negative amounts (enter positive prices; at most what is left to credit)."""
    original = _lock_draft(actor, invoice, "view")
    access.require(actor, "invoice", "create")
    if original.kind != InvoiceKind.INVOICE or original.status not in ISSUED:
        raise Conflict(f"{original} is {original.status}; only an issued invoice is credited.", field="status")
    errors: dict[str, str] = {}
    if lines:
        clean = _clean_lines(lines, errors)
        for line in clean:
            line["unit_price"] = -abs(line["unit_price"])
            line["quantity"] = abs(line["quantity"])
            line["amount"] = line_amount(line["quantity"], line["unit_price"])
            line["kind"] = "credit"
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
    pending = (
        Invoice.objects.filter(credit_for=original, status=InvoiceStatus.DRAFT).aggregate(s=Sum("total"))["s"] or 0
    )
    left = original.total - original.amount_credited + pending  # pending drafts are negative
    _, _, total = totals_of([line["amount"] for line in clean], original.tax_rate)
    if -total > left:
        errors["lines"] = f"This credits {-total} but only {left} {original.currency} is left to credit."
    if errors:
        raise ValidationError(errors)
    note = _new_draft(
        actor,
        client=original.client,
        project=original.project,
        source=InvoiceSource.CREDIT,
        currency=original.currency,
        tax_rate=original.tax_rate,
        kind=InvoiceKind.CREDIT_NOTE,
        credit_for=original,
        notes=notes or f"Corrects {original}.",
    )
    _replace_lines(note, clean)
    return _finish_draft(actor, note)
