"""An independent recomputation of profitability from raw rows, written plainly from MONEY.md (§3, §4), for the tests.

It reads the raw tables (time entries, expenses, invoices, change orders, the status and AM histories) and loops day
by day; it shares no code with the report (`baton/finance/selectors/profit/`) beyond the model definitions."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from baton.crm.models import AccountManagerChange, Client
from baton.delivery.models import Project, ProjectStatusChange
from baton.finance.models import ChangeOrder, Expense, Invoice
from baton.timesheets.models import TimeEntry

CENT = Decimal("0.01")


def r2(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def last_day(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _latest(history: list[tuple[date, Any]], day: date) -> Any:
    """The value of a history (day, value) on `day`: the last change on or before it, else the first value."""
    value = history[0][1]
    for on, v in history:
        if on <= day:
            value = v
    return value


def fee_on(project: Project, day: date) -> tuple[Decimal, int]:
    """The fee and budget minutes in force at the end of `day`: today's, less what was approved after it."""
    fee, minutes = project.budget_amount, project.budget_minutes or 0
    for order in ChangeOrder.objects.filter(project=project, status="approved"):
        if timezone.localdate(order.decided_at) > day:
            fee -= order.amount_delta
            minutes -= order.minutes_delta
    return fee, minutes


def earned_by(project: Project, day: date | None) -> Decimal:
    """R(t): the fixed fee earned at the end of `day` (None: before anything)."""
    if day is None:
        return Decimal("0.00")
    fee, budget = fee_on(project, day)
    entries = TimeEntry.objects.filter(project=project, date__lte=day)
    if project.budget_minutes:
        used = sum(e.minutes for e in entries)
        return r2(fee * min(Decimal(1), Decimal(used) / Decimal(max(budget, 1))))
    return min(fee, sum((e.bill_amount for e in entries if e.billable), Decimal("0.00")))


def earning(project: Project, rows: list[tuple[date, str]], day: date) -> bool:
    status = _latest(rows, day) if rows else project.status
    return status in ("active", "on_hold")


def retainer_revenue(project: Project, lo: date, hi: date, today: date) -> Decimal:
    """The period fee by day for the earning days of [lo, hi], month by month."""
    fee = project.period_budget_amount if project.period_budget_amount is not None else project.budget_amount
    start = project.start_date or lo
    stop = min(d for d in (project.end_date, last_day(today), hi) if d)
    total = Decimal("0.00")
    by_month: dict[date, int] = defaultdict(int)
    rows = [(c.on, c.status) for c in ProjectStatusChange.objects.filter(project=project).order_by("on", "id")]
    day = max(lo, start)
    while day <= stop:
        if earning(project, rows, day):
            by_month[day.replace(day=1)] += 1
        day += timedelta(days=1)
    for month, days in by_month.items():
        in_month = calendar.monthrange(month.year, month.month)[1]
        total += fee if days == in_month else r2(fee * days / in_month)
    return total


def project_figures(project: Project, lo: date, hi: date, today: date) -> dict[str, Decimal]:
    """Revenue, labour cost and expense cost of one project over [lo, hi] (fixed fees and retainers in the base
    currency; time and materials in any)."""
    entries = TimeEntry.objects.filter(project=project, date__gte=lo, date__lte=hi)
    labour = sum((e.cost_amount for e in entries), Decimal("0.00"))
    if project.billing == "time_and_materials":
        revenue = sum((e.bill_amount_base for e in entries if e.billable), Decimal("0.00"))  # stored at save time
    elif project.billing == "fixed_fee":
        revenue = earned_by(project, hi) - earned_by(project, lo - timedelta(days=1))
    elif project.billing == "retainer":
        revenue = retainer_revenue(project, lo, hi, today)
    else:
        revenue = Decimal("0.00")
    expenses = Expense.objects.filter(project=project, date__gte=lo, date__lte=hi)
    expense_cost = sum((x.amount_base for x in expenses), Decimal("0.00"))
    revenue += sum((x.billable_amount_base for x in expenses if x.billable), Decimal("0.00"))
    for credit in Invoice.objects.filter(
        project=project, kind="credit_note", status__in=("sent", "paid"), issue_date__gte=lo, issue_date__lte=hi
    ):
        revenue -= abs(credit.subtotal)
    return {"revenue": revenue, "labour_cost": labour, "expense_cost": expense_cost}


def by_project(workspace: Any, lo: date, hi: date, today: date) -> dict[int, dict[str, Decimal]]:
    return {p.pk: project_figures(p, lo, hi, today) for p in Project.objects.filter(workspace=workspace)}


def by_month(workspace: Any, lo: date, hi: date, today: date) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = {}
    month = lo.replace(day=1)
    while month <= hi:
        a, b = max(lo, month), min(hi, last_day(month))
        figures = [project_figures(p, a, b, today) for p in Project.objects.filter(workspace=workspace)]
        out[f"{month:%Y-%m}"] = {k: sum((f[k] for f in figures), Decimal("0.00")) for k in figures[0]}
        month = last_day(month) + timedelta(days=1)
    return out


def by_account_manager(workspace: Any, lo: date, hi: date, today: date) -> dict[int | None, dict[str, Decimal]]:
    """Each stretch of days a client had one AM goes to that AM."""
    out: dict[int | None, dict[str, Decimal]] = defaultdict(
        lambda: {"revenue": Decimal(0), "labour_cost": Decimal(0), "expense_cost": Decimal(0)}
    )
    for client in Client.objects.filter(workspace=workspace):
        history = [
            (c.on, c.account_manager_id)
            for c in AccountManagerChange.objects.filter(client=client).order_by("on", "id")
        ] or [(lo, client.account_manager_id)]
        # A day cuts the range when the client's AM that day differs from the day before's (two changes on one day
        # that come back to the same AM are no change).
        cuts = sorted(
            {
                on
                for on, _ in history[1:]
                if lo < on <= hi and _latest(history, on) != _latest(history, on - timedelta(days=1))
            }
        )
        bounds = [lo, *cuts]
        for i, a in enumerate(bounds):
            b = bounds[i + 1] - timedelta(days=1) if i + 1 < len(bounds) else hi
            am = _latest(history, a)
            for project in Project.objects.filter(client=client):
                for k, v in project_figures(project, a, b, today).items():
                    out[am][k] += v
    return dict(out)
