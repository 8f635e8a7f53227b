"""Recurring invoices: schedules that make one invoice per period (monthly, quarterly, yearly) from fixed lines
(hosting, licences), or, for a retainer project without lines, its period fee (`invoice_draft_from_retainer`); a
draft or an issued invoice by the schedule's `mode`.

Periods are anchored on the start date: period k starts k periods (1, 3 or 12 months each) after it, its day clamped
to the month's end (a schedule starting on the 31st runs on the 30th in April, the 31st again in May). `next_run` is
the next period's start. The sweep invoices every period whose start has come and that is not past the end date; a
`RecurringRun` row, unique per (schedule, period start), is taken in the invoice's transaction, so a period is
invoiced once however often or concurrently the sweep runs.
"""

from __future__ import annotations

import calendar
import logging
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import BatonError, Conflict
from baton.core.models import Workspace
from baton.core.services import bump_version, check_version, validate
from baton.core.validators import currency_code
from baton.delivery.models import Billing
from baton.finance.models import RecurringInvoice, RecurringMode, RecurringPeriod, RecurringRun
from baton.finance.services._common import percent
from baton.finance.services.invoices import invoice_create, invoice_draft_from_retainer, invoice_issue
from baton.finance.services.invoices._common import billing_project, clean_lines, client_of

logger = logging.getLogger(__name__)

MONTHS = {RecurringPeriod.MONTHLY: 1, RecurringPeriod.QUARTERLY: 3, RecurringPeriod.YEARLY: 12}
EDITABLE = {"title", "lines", "tax_rate", "end_date", "mode", "active"}
CATCH_UP = 36  # at most this many periods per schedule and run


def add_months(anchor: date, months: int) -> date:
    year, month = divmod(anchor.month - 1 + months, 12)
    year, month = anchor.year + year, month + 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def period_bounds(schedule: RecurringInvoice, start: date) -> tuple[date, date]:
    """The period that begins on `start` (a period start of the schedule): (start, last day)."""
    step = MONTHS[RecurringPeriod(schedule.period)]
    k = 0
    while add_months(schedule.start_date, k * step) < start:
        k += 1
    return start, add_months(schedule.start_date, (k + 1) * step) - timedelta(days=1)


def _clean_lines(raw: Any, errors: dict[str, str]) -> list[dict[str, str]]:
    lines = clean_lines(raw, errors)
    return [
        {"description": ln["description"], "quantity": str(ln["quantity"]), "unit_price": str(ln["unit_price"])}
        for ln in lines
    ]


def _check(schedule: RecurringInvoice, errors: dict[str, str]) -> None:
    if schedule.period not in RecurringPeriod.values:
        errors["period"] = "A period is monthly, quarterly or yearly."
    if schedule.mode not in RecurringMode.values:
        errors["mode"] = "Each period makes a draft or an issued invoice: draft or issue."
    if "start_date" not in errors and schedule.end_date and schedule.end_date < schedule.start_date:
        errors["end_date"] = "The end date cannot be before the start date."
    if not schedule.title.strip():
        errors["title"] = "Name the schedule."
    project = schedule.project
    if not schedule.lines:
        if project is None or project.billing != Billing.RETAINER:
            errors["lines"] = "Add at least one line, or choose a retainer project to invoice its period fee."
        elif schedule.period != RecurringPeriod.MONTHLY:
            errors["period"] = "A retainer's fee is invoiced monthly (its period)."


@transaction.atomic
def recurring_invoice_create(
    *,
    actor: Actor,
    client_id: int | None = None,
    project_id: int | None = None,
    title: str = "",
    lines: list[dict[str, Any]] | None = None,
    tax_rate: Any = "0",
    currency: str | None = None,
    period: str = RecurringPeriod.MONTHLY,
    start_date: date | str | None = None,
    end_date: date | str | None = None,
    mode: str = RecurringMode.DRAFT,
) -> RecurringInvoice:
    access.require(actor, "recurring_invoice", "create")
    errors: dict[str, str] = {}
    project = billing_project(actor, project_id, errors) if project_id is not None else None
    if client_id is None and project is not None:
        client_id = project.client_id
    client = client_of(actor, client_id, errors)
    if project is not None and client is not None and project.client_id != client.pk:
        errors["project_id"] = "This project belongs to another client."
    rate = percent(tax_rate, "tax_rate", errors)
    start, end = _day(start_date, "start_date", errors, required=True), _day(end_date, "end_date", errors)
    fallback = (project.currency if project else None) or (client.currency if client else None) or ""
    code = currency_code(currency or fallback or actor.workspace.currency, "currency", errors)
    clean = _clean_lines(lines or [], errors)
    schedule = RecurringInvoice(
        workspace=actor.workspace,
        client=client,
        project=project,
        title=(title or "").strip()[:200],
        lines=clean,
        currency=code or "",
        tax_rate=rate or Decimal("0.00"),
        period=period,
        start_date=start or date(1900, 1, 1),  # missing: named in errors, never saved
        end_date=end,
        mode=mode,
        next_run=start or date(1900, 1, 1),
    )
    _check(schedule, errors)
    if errors:
        raise ValidationError(errors)
    validate(schedule)
    schedule.save()
    events.emit(actor, "recurring_invoice.created", schedule, data=_data(schedule), client_id=schedule.client_id)
    return schedule


def _day(value: Any, field: str, errors: dict[str, str], *, required: bool = False) -> date | None:
    if value in (None, ""):
        if required:
            errors[field] = "Enter a date."
        return None
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            errors[field] = "Enter a date as YYYY-MM-DD."
            return None
    if not date(1900, 1, 1) <= day <= date(2999, 12, 31):
        errors[field] = "Enter a date from 1900-01-01 to 2999-12-31."
        return None
    return day


def _data(schedule: RecurringInvoice) -> dict[str, Any]:
    return {
        "title": schedule.title,
        "period": schedule.period,
        "mode": schedule.mode,
        "project_id": schedule.project_id,
        "next_run": schedule.next_run,
        "end_date": schedule.end_date,
        "active": schedule.active,
    }


@transaction.atomic
def recurring_invoice_update(
    *, actor: Actor, schedule: RecurringInvoice, changes: dict[str, Any], version: int | None = None
) -> RecurringInvoice:
    """Change a schedule's lines, tax rate, end date, mode, title, or stop it (`active: false`). Periods invoiced
    already stay as they are. `version`: the one the caller read (missing: 428; stale: 409)."""
    access.require(actor, "recurring_invoice", "update")
    schedule = RecurringInvoice.objects.select_for_update(of=("self",)).select_related("project").get(pk=schedule.pk)
    check_version(schedule, version)
    errors: dict[str, str] = {key: "This field cannot be changed." for key in changes if key not in EDITABLE}
    if "lines" in changes:
        schedule.lines = _clean_lines(changes["lines"] or [], errors)
    if "tax_rate" in changes:
        schedule.tax_rate = percent(changes["tax_rate"], "tax_rate", errors) or Decimal("0.00")
    if "end_date" in changes:
        schedule.end_date = _day(changes["end_date"], "end_date", errors)
    for key in ("title", "mode"):
        if key in changes and changes[key] is not None:
            setattr(schedule, key, str(changes[key]).strip()[:200])
    if "active" in changes and changes["active"] is not None:
        schedule.active = bool(changes["active"])
    _check(schedule, errors)
    if errors:
        raise ValidationError(errors)
    validate(schedule)
    bump_version(schedule)
    schedule.save()
    events.emit(actor, "recurring_invoice.updated", schedule, data=_data(schedule), client_id=schedule.client_id)
    return schedule


@transaction.atomic
def recurring_invoice_delete(*, actor: Actor, schedule: RecurringInvoice) -> None:
    """Remove a schedule; the invoices it made stay."""
    access.require(actor, "recurring_invoice", "delete")
    events.emit(actor, "recurring_invoice.deleted", schedule, data=_data(schedule), client_id=schedule.client_id)
    schedule.delete()


def recurring_run_due(workspace: Workspace, today: date) -> int:
    """The sweep's work for one workspace: every period that has begun by `today` and is not invoiced yet gets its
    invoice (at most `CATCH_UP` per schedule and run); returns how many invoices were made."""
    made = 0
    ids = RecurringInvoice.objects.filter(workspace=workspace, active=True, next_run__lte=today).values_list(
        "pk", flat=True
    )
    for pk in list(ids):
        for _ in range(CATCH_UP):
            outcome = _run_one(workspace, pk, today)
            if outcome is None:
                break
            made += outcome
    return made


def _run_one(workspace: Workspace, pk: int, today: date) -> int | None:
    """Invoice the schedule's next period if it is due: 1 made, 0 already made elsewhere, None nothing due."""
    try:
        with transaction.atomic():
            schedule = RecurringInvoice.objects.select_for_update(of=("self",)).select_related("project").get(pk=pk)
            if not schedule.active or schedule.next_run > today:
                return None
            if schedule.end_date is not None and schedule.next_run > schedule.end_date:
                schedule.active = False
                schedule.save(update_fields=["active", "updated_at"])
                return None
            start, end = period_bounds(schedule, schedule.next_run)
            schedule.next_run = end + timedelta(days=1)
            schedule.save(update_fields=["next_run", "updated_at"])
            try:
                with transaction.atomic():
                    run = RecurringRun.objects.create(
                        workspace=workspace, schedule=schedule, period_start=start, period_end=end
                    )
            except IntegrityError:
                return 0
            run.invoice = _invoice_for(workspace, schedule, start, end)
            run.save(update_fields=["invoice"])
            events.emit(
                Actor.system(workspace),
                "recurring_invoice.invoiced",
                schedule,
                data={
                    "invoice_id": run.invoice.pk if run.invoice else None,
                    "period_start": start,
                    "period_end": end,
                    "mode": schedule.mode,
                    "skipped": "already invoiced" if run.invoice is None else "",
                },
                client_id=schedule.client_id,
            )
            return 1 if run.invoice else 0
    except (BatonError, ValidationError) as exc:
        logger.warning("Recurring invoice %s could not invoice its period: %s", pk, exc)
        return None


def _invoice_for(workspace: Workspace, schedule: RecurringInvoice, start: date, end: date) -> Any:
    system = Actor.system(workspace)
    if schedule.lines:
        invoice = invoice_create(
            actor=system,
            client_id=schedule.client_id,
            project_id=schedule.project_id,
            lines=[
                {**line, "description": f"{line['description']} ({start.isoformat()} to {end.isoformat()})"}
                for line in schedule.lines
            ],
            tax_rate=schedule.tax_rate,
            currency=schedule.currency,
            notes=f"{schedule.title}: {start.isoformat()} to {end.isoformat()}",
        )
        invoice.period_start, invoice.period_end = start, end
        invoice.save(update_fields=["period_start", "period_end"])
    else:
        try:
            with transaction.atomic():
                invoice = invoice_draft_from_retainer(
                    actor=system, project_id=schedule.project_id, period=start, tax_rate=schedule.tax_rate
                )
        except Conflict:  # the month was invoiced by hand already: the period is done
            return None
    if schedule.mode == RecurringMode.ISSUE:
        invoice = invoice_issue(actor=system, invoice=invoice, issue_date=start)
    return invoice
