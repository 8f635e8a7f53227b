"""Drafts from what a project bills: its un-invoiced time and expenses of a period, its fixed fee (in full or a
milestone), a retainer month."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from baton.core import access, formats
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.money import CENT
from baton.delivery.models import Billing, Milestone, Project
from baton.finance.models import Expense, Invoice, InvoiceKind, InvoiceLine, InvoiceSource, InvoiceStatus
from baton.finance.selectors.burn import month_end, month_start
from baton.finance.services._common import percent
from baton.finance.services.invoices._common import billing_project, finish_draft, new_draft
from baton.timesheets.models import TimeEntry


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(60)).quantize(CENT, rounding=ROUND_HALF_UP)


@transaction.atomic
def invoice_draft_from_time(
    *,
    actor: Actor,
    project_id: int | None,
    period_start: date | None = None,
    period_end: date | None = None,
    tax_rate: Any = "0",
    include_expenses: bool = True,
    include_unapproved: bool = False,
) -> Invoice:
    """A draft of the project's un-invoiced billable time up to the period's end (by default: everything
    un-invoiced up to today; a start narrows it) and, unless told otherwise, its billable expenses. Only approved
    time unless `include_unapproved`; the unapproved billable minutes it left out are kept on the draft
    (`left_out_minutes`). Entries are grouped by task and bill rate; a line's amount is the sum of their bill_amount."""
    access.require(actor, "invoice", "create")
    errors: dict[str, str] = {}
    project = billing_project(actor, project_id, errors)
    rate = percent(tax_rate, "tax_rate", errors)
    end = period_end or timezone.localdate()
    if period_start and period_start > end:
        if period_end:
            errors["period_end"] = "The period cannot end before it starts."
        else:
            errors["period_start"] = f"The period cannot start after today ({formats.day(end)}) when it has no end."
    if errors:
        raise ValidationError(errors)
    assert project is not None and rate is not None
    entries = _uninvoiced_time(project, period_start, end)
    _refuse_unpriced(entries)
    left_out = 0
    if not include_unapproved:
        left_out = sum(e.minutes for e in entries if not e.approved)
        entries = [e for e in entries if e.approved]
    expenses = _uninvoiced_expenses(project, period_start, end) if include_expenses else []
    if not entries and not expenses:
        raise ValidationError({"project_id": _nothing_to_draft(project, period_start, end, left_out)})
    start = period_start or min([e.date for e in entries] + [x.date for x in expenses])
    invoice = new_draft(
        actor,
        client=project.client,
        project=project,
        source=InvoiceSource.TIME,
        currency=project.currency,
        tax_rate=rate,
        period_start=start,
        period_end=end,
        left_out_minutes=left_out,
    )
    position = _time_lines(invoice, project, entries, start, end)
    _expense_lines(invoice, expenses, position)
    return finish_draft(actor, invoice)


def _refuse_unpriced(entries: list[TimeEntry]) -> None:
    """Time whose bill rate waits for an exchange rate has no amount yet (MONEY.md §2): never invoiced at 0.00 or 1:1.
    Drafting refuses, naming the rate to add, rather than leave it out unseen."""
    waiting = [e for e in entries if e.exchange_rate is None]
    if waiting:
        first = min(waiting, key=lambda e: e.date)
        currency = first.missing_rate_currency or first.source_currency
        raise ValidationError(
            {
                "project_id": f"{len(waiting)} time entr{'y' if len(waiting) == 1 else 'ies'} in the period wait for "
                f"an exchange rate for {currency} (from {first.date:%d %b %Y}) and have no amount yet: add the rate "
                "under Finance → Rates, then draft again."
            }
        )


def left_out_text(minutes: int) -> str:
    """Why a draft left time out, in words ("1 h 30 min")."""
    return (
        f"{formats.duration(minutes)} of billable time in the period was left out because its weeks are "
        "not approved yet (approve them, or draft again including unapproved time)."
    )


def _nothing_to_draft(project: Project, start: date | None, end: date, left_out: int) -> str:
    period = f"between {start:%d %b %Y} and {end:%d %b %Y}" if start else f"up to {end:%d %b %Y}"
    text = f"“{project.name}” has no un-invoiced {'approved ' if left_out else ''}billable time {period}."
    return f"{text} {left_out_text(left_out)}" if left_out else text


def _in_period(start: date | None, end: date) -> Q:
    return Q(date__range=(start, end)) if start else Q(date__lte=end)


def _uninvoiced_time(project: Project, start: date | None, end: date) -> list[TimeEntry]:
    """The project's billable entries of the period on no invoice (locked), approved or not, with their tasks, by
    date."""
    entries_qs = (
        TimeEntry.objects.select_for_update(of=("self",))
        .filter(
            project_id=project.pk,
            billable=True,
            invoiced=False,
            invoice_line__isnull=True,
        )
        .filter(_in_period(start, end))
    )
    return list(entries_qs.select_related("task").order_by("date", "id"))


def _uninvoiced_expenses(project: Project, start: date | None, end: date) -> list[Expense]:
    """The project's billable expenses of the period on no invoice (locked), by date."""
    return list(
        Expense.objects.select_for_update()
        .filter(
            project_id=project.pk,
            billable=True,
            invoiced=False,
            invoice_line__isnull=True,
        )
        .filter(_in_period(start, end))
        .order_by("date", "id")
    )


def _time_lines(invoice: Invoice, project: Project, entries: list[TimeEntry], start: date, end: date) -> int:
    """One line per task and bill rate (by task title, time without a task last), its entries attached to it;
    returns the position after the last line."""
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
            description=f"{title} ({_hours(minutes)} h, {formats.day_short(start)} - {formats.day(end)})",
            quantity=_hours(minutes),
            unit_price=key[1],
            amount=sum((e.bill_amount for e in group), Decimal("0.00")),
        )
        TimeEntry.objects.filter(pk__in=[e.pk for e in group]).update(invoice_line=line)
        position += 1
    return position


def _expense_lines(invoice: Invoice, expenses: list[Expense], position: int) -> None:
    """One line per expense from `position` on (its markup named), the expense attached to it."""
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
    project = billing_project(actor, project_id, errors)
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
    invoice = new_draft(
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
    return finish_draft(actor, invoice)


@transaction.atomic
def invoice_draft_from_retainer(
    *, actor: Actor, project_id: int | None, period: date | None, tax_rate: Any = "0"
) -> Invoice:
    """A draft of a retainer's fee for one period (the month of `period`); each period is invoiced once."""
    access.require(actor, "invoice", "create")
    errors: dict[str, str] = {}
    project = billing_project(actor, project_id, errors)
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
    invoice = new_draft(
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
    return finish_draft(actor, invoice)
