"""Budget burn: what a project has spent against its budget, and where it is heading.

- `spent_minutes`: every minute logged on the project, billable or not.
- `spent_amount`: the `bill_amount` of its billable entries plus its billable expenses (with their markup).
- `budget_*`: the project's budget (moved only by approved change orders). A time and materials project's budget
  amount is its optional cap (0: uncapped, `burn_pct` null). A retainer reports one period (a month, the current one
  unless asked): its per-period budget plus the minutes rolled over from earlier periods when rollover is on
  (unused minutes carry forward, at most the cap; an overrun carries nothing); the period's money budget grows in
  proportion to the minutes rolled over.
- `burn_pct`: spent_amount / budget_amount x 100 (null without a budget amount); `minutes_pct` likewise in time.
- `forecast_at_completion` (money): spent_amount + remaining_minutes x burn rate, where remaining_minutes is the sum
  over the open tasks of (estimate - minutes logged on the task, at least 0) and the burn rate is spent_amount /
  spent_minutes (before any time is logged, budget_amount / budget_minutes). For a retainer's current period it is
  the pace so far extended to the period's end: spent_amount / days elapsed x days in the period.
- Thresholds (50, 80, 100 %) compare the larger of burn_pct and minutes_pct.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from baton.core.money import CENT
from baton.core.months import month_end, month_start, next_month
from baton.delivery.models import Billing, Project, Task, TaskStatus
from baton.finance.models import ChangeOrder, ChangeOrderStatus, Expense, ProjectBudget
from baton.timesheets import rollups
from baton.timesheets.models import TimeEntry, TimeRollup

THRESHOLDS = (50, 80, 100)
ZERO = Decimal("0.00")
PCT = Decimal("0.01")


def pct(part: Decimal | int, whole: Decimal | int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PCT, rounding=ROUND_HALF_UP)


@dataclass
class Burn:
    project_id: int
    billing: str
    currency: str
    budget_amount: Decimal
    spent_amount: Decimal
    burn_pct: Decimal | None
    budget_minutes: int
    spent_minutes: int
    minutes_pct: Decimal | None
    forecast_at_completion: Decimal
    forecast_minutes: int
    remaining_estimate_minutes: int
    billable_minutes: int = 0
    expenses_amount: Decimal = ZERO
    period: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    rollover_minutes: int = 0
    thresholds_crossed: list[int] = field(default_factory=list)

    @property
    def level_pct(self) -> Decimal | None:
        values = [v for v in (self.burn_pct, self.minutes_pct) if v is not None]
        return max(values) if values else None

    @property
    def level(self) -> int:
        """The highest threshold reached (0, 50, 80 or 100)."""
        value = self.level_pct
        return max((t for t in THRESHOLDS if value is not None and value >= t), default=0)


def _settings(project: Project) -> ProjectBudget | None:
    return ProjectBudget.objects.filter(project_id=project.pk).first()


def _spent(project: Project, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """Time (whole months from the time rollup, partial ones from the entries) and billable expenses."""
    expenses = Expense.objects.filter(project_id=project.pk, billable=True)
    if start:
        expenses = expenses.filter(date__gte=start)
    if end:
        expenses = expenses.filter(date__lte=end)
    totals = rollups.totals_by(("project_id",), rollups.month_split(start, end), project_id=project.pk).get(
        (project.pk,), {}
    )
    expense_total = expenses.aggregate(s=Sum("billable_amount"))["s"] or ZERO
    return {
        "minutes": totals.get("minutes") or 0,
        "billable_minutes": totals.get("billable_minutes") or 0,
        "amount": (totals.get("bill_amount") or ZERO) + expense_total,
        "expenses": expense_total,
    }


def remaining_estimate_minutes(project: Project) -> int:
    """Σ over open tasks of max(0, estimate - minutes logged on the task)."""
    logged = (
        TimeEntry.objects.filter(task_id=OuterRef("pk"))
        .order_by()
        .values("task_id")
        .annotate(m=Sum("minutes"))
        .values("m")
    )
    rows = (
        Task.objects.filter(project_id=project.pk)
        .exclude(status=TaskStatus.DONE)
        .annotate(logged=Coalesce(Subquery(logged, output_field=IntegerField()), Value(0)))
        .values_list("estimate_minutes", "logged")
    )
    return sum(max(0, estimate - used) for estimate, used in rows)


def retainer_minutes_by_month(project: Project) -> dict[date, int]:
    return retainer_minutes_by_month_of([project.pk])[project.pk]


def retainer_minutes_by_month_of(project_ids: list[int]) -> dict[int, dict[date, int]]:
    """Each project's logged minutes by month (from the rollup, months in order), for many projects in one query."""
    used: dict[int, dict[date, int]] = {pk: {} for pk in project_ids}
    if not project_ids:
        return used
    for pk, month, total in (
        TimeRollup.objects.filter(project_id__in=project_ids)
        .values("project_id", "month")
        .annotate(total=Sum("minutes"))
        .order_by("project_id", "month")
        .values_list("project_id", "month", "total")
    ):
        used[pk][month] = int(total or 0)
    return used


def rollover_into(
    project: Project, period: date, settings: ProjectBudget | None, used: dict[date, int] | None = None
) -> int:
    """Minutes carried into `period` (a month start) from the periods before it (`used`: the project's minutes by
    month, when the caller has them)."""
    per_period = project.period_budget_minutes if project.period_budget_minutes is not None else project.budget_minutes
    if not settings or not settings.retainer_rollover or not per_period:
        return 0
    if used is None:
        used = retainer_minutes_by_month(project)
    first = min([*used.keys(), month_start(project.start_date)] if project.start_date else [*used.keys()], default=None)
    if first is None or first >= period:
        return 0
    carry = 0
    month = first
    while month < period:
        available = per_period + carry
        carry = max(0, available - used.get(month, 0))
        if settings.rollover_cap_minutes is not None:
            carry = min(carry, settings.rollover_cap_minutes)
        month = next_month(month)
    return carry


def budget_burn(
    project: Project, *, period: date | None = None, today: date | None = None, forecast: bool = True
) -> Burn:
    """The budget-burn figures of a project (see the module docstring for every formula).

    `forecast=False` (the threshold check after logging) leaves out the remaining-estimate query: the forecast of a
    non-retainer is then the spend alone (remaining 0); the spend, budget, percentages and thresholds are the same."""
    today = today or timezone.localdate()
    if project.billing == Billing.RETAINER:
        return _retainer_burn(project, month_start(period or today), today)
    spent = _spent(project)
    budget_amount = project.budget_amount or ZERO
    budget_minutes = project.budget_minutes or 0
    remaining = remaining_estimate_minutes(project) if forecast else 0
    if spent["minutes"]:
        rate = spent["amount"] / Decimal(spent["minutes"])
    elif budget_minutes:
        rate = budget_amount / Decimal(budget_minutes)
    else:
        rate = ZERO
    at_completion = (spent["amount"] + Decimal(remaining) * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    burn = Burn(
        project_id=project.pk,
        billing=project.billing,
        currency=project.currency,
        budget_amount=budget_amount,
        spent_amount=spent["amount"].quantize(CENT),
        burn_pct=pct(spent["amount"], budget_amount),
        budget_minutes=budget_minutes,
        spent_minutes=spent["minutes"],
        minutes_pct=pct(spent["minutes"], budget_minutes),
        forecast_at_completion=at_completion,
        forecast_minutes=spent["minutes"] + remaining,
        remaining_estimate_minutes=remaining,
        billable_minutes=spent["billable_minutes"],
        expenses_amount=spent["expenses"],
    )
    burn.thresholds_crossed = [t for t in THRESHOLDS if burn.level >= t]
    return burn


def _retainer_burn(project: Project, period: date, today: date) -> Burn:
    return _retainer_burn_of(
        project, period, today, _settings(project), None, _spent(project, period, month_end(period))
    )


def _retainer_burn_of(
    project: Project,
    period: date,
    today: date,
    settings: ProjectBudget | None,
    used: dict[date, int] | None,
    spent: dict[str, Any],
) -> Burn:
    end = month_end(period)
    per_minutes = project.period_budget_minutes if project.period_budget_minutes is not None else project.budget_minutes
    per_amount = (
        project.period_budget_amount if project.period_budget_amount is not None else project.budget_amount
    ) or ZERO
    carried = rollover_into(project, period, settings, used)
    budget_minutes = (per_minutes or 0) + carried
    budget_amount = per_amount
    if carried and per_minutes:
        budget_amount = (per_amount * Decimal(budget_minutes) / Decimal(per_minutes)).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
    forecast = spent["amount"]
    if period <= today <= end:
        elapsed = (today - period).days + 1
        days = (end - period).days + 1
        forecast = spent["amount"] / Decimal(elapsed) * Decimal(days)
        forecast_minutes = round(spent["minutes"] / elapsed * days)
    else:
        forecast_minutes = spent["minutes"]
    burn = Burn(
        project_id=project.pk,
        billing=project.billing,
        currency=project.currency,
        budget_amount=budget_amount,
        spent_amount=spent["amount"].quantize(CENT),
        burn_pct=pct(spent["amount"], budget_amount),
        budget_minutes=budget_minutes,
        spent_minutes=spent["minutes"],
        minutes_pct=pct(spent["minutes"], budget_minutes),
        forecast_at_completion=Decimal(forecast).quantize(CENT, rounding=ROUND_HALF_UP),
        forecast_minutes=forecast_minutes,
        remaining_estimate_minutes=max(0, budget_minutes - spent["minutes"]),
        billable_minutes=spent["billable_minutes"],
        expenses_amount=spent["expenses"],
        period=f"{period:%Y-%m}",
        period_start=period,
        period_end=end,
        rollover_minutes=carried,
    )
    burn.thresholds_crossed = [t for t in THRESHOLDS if burn.level >= t]
    return burn


def burn_series(project: Project, *, today: date | None = None) -> dict[str, Any]:
    """Cumulative spend by week against the budget line (which steps when change orders are approved), for the
    burn chart. Money as strings."""
    today = today or timezone.localdate()
    by_day: dict[date, Decimal] = {}
    for day, amount in (
        TimeEntry.objects.filter(project_id=project.pk, billable=True)
        .values("date")
        .annotate(s=Sum("bill_amount"))
        .values_list("date", "s")
    ):
        by_day[day] = by_day.get(day, ZERO) + (amount or ZERO)
    for day, amount in (
        Expense.objects.filter(project_id=project.pk, billable=True)
        .values("date")
        .annotate(s=Sum("billable_amount"))
        .values_list("date", "s")
    ):
        by_day[day] = by_day.get(day, ZERO) + (amount or ZERO)
    approved = list(
        ChangeOrder.objects.filter(project_id=project.pk, status=ChangeOrderStatus.APPROVED, decided_at__isnull=False)
        .values_list("decided_at", "amount_delta")
        .order_by("decided_at")
    )
    starts = [d for d in (project.start_date, min(by_day, default=None)) if d]
    if not starts:
        return {"labels": [], "spent": [], "budget": [], "currency": project.currency}
    week = min(starts) - timedelta(days=min(starts).weekday())
    last = max([today, *by_day.keys()])
    if project.end_date and project.end_date > last:
        last = project.end_date
    labels: list[str] = []
    spent: list[str] = []
    budget: list[str] = []
    running = ZERO
    days = sorted(by_day)
    i = 0
    while week <= last and len(labels) < 260:
        week_end = week + timedelta(days=6)
        while i < len(days) and days[i] <= week_end:
            running += by_day[days[i]]
            i += 1
        later = sum((delta for at, delta in approved if timezone.localdate(at) > week_end), ZERO)
        labels.append(f"{week:%Y-%m-%d}")
        spent.append(str(running.quantize(CENT)) if week <= today else "")
        budget.append(str((project.budget_amount - later).quantize(CENT)))
        week += timedelta(days=7)
    return {"labels": labels, "spent": spent, "budget": budget, "currency": project.currency}


def plain_burn(project: Any, *, spent: Decimal, minutes: int, billable_minutes: int, expenses: Decimal) -> Burn:
    """The overview's burn of a project that is not a retainer: what is spent so far stands as the forecast (the
    overviews skip the remaining-estimate query), with the thresholds it has crossed. `project` needs pk, billing,
    currency, budget_amount and budget_minutes."""
    burn = Burn(
        project_id=project.pk,
        billing=project.billing,
        currency=project.currency,
        budget_amount=project.budget_amount,
        spent_amount=spent,
        burn_pct=pct(spent, project.budget_amount),
        budget_minutes=project.budget_minutes,
        spent_minutes=minutes,
        minutes_pct=pct(minutes, project.budget_minutes),
        forecast_at_completion=spent,
        forecast_minutes=minutes,
        remaining_estimate_minutes=0,
        billable_minutes=billable_minutes,
        expenses_amount=expenses,
    )
    burn.thresholds_crossed = [t for t in THRESHOLDS if burn.level >= t]
    return burn


def burn_overview(projects: list[Project], *, today: date | None = None) -> dict[int, Burn]:
    """Burn of many projects at once (grouped queries on the time rollup; no forecast) for lists and the home page.
    Retainers are computed one by one (their periods and rollover)."""
    today = today or timezone.localdate()
    plain = [p for p in projects if p.billing != Billing.RETAINER]
    ids = [p.pk for p in plain]
    out: dict[int, Burn] = {}
    entries: dict[int, dict[str, Any]] = {
        row["project_id"]: {
            "total_minutes": int(row["m"] or 0),
            "total_billable_minutes": int(row["bm"] or 0),
            "amount": rollups.money(row["bill"]),
        }
        for row in TimeRollup.objects.filter(project_id__in=ids)
        .values("project_id")
        .annotate(
            m=Sum("minutes"),
            bm=Sum("minutes", filter=Q(billable=True)),
            bill=Sum("bill_cents", filter=Q(billable=True)),
        )
        .order_by()
    }
    expenses = dict(
        Expense.objects.filter(project_id__in=ids, billable=True)
        .values("project_id")
        .annotate(s=Sum("billable_amount"))
        .order_by()
        .values_list("project_id", "s")
    )
    for project in plain:
        row = entries.get(project.pk, {})
        project_expenses = expenses.get(project.pk) or ZERO
        out[project.pk] = plain_burn(
            project,
            spent=(row.get("amount") or ZERO) + project_expenses,
            minutes=row.get("total_minutes") or 0,
            billable_minutes=row.get("total_billable_minutes") or 0,
            expenses=project_expenses,
        )
    retainers = [p for p in projects if p.billing == Billing.RETAINER]
    if retainers:
        out |= _retainer_overview(retainers, today)
    return out


def _retainer_overview(projects: list[Project], today: date) -> dict[int, Burn]:
    """`budget_burn` of many retainers for the current month, in four queries instead of five per retainer."""
    ids = [p.pk for p in projects]
    period = month_start(today)
    end = month_end(period)
    settings = {b.project_id: b for b in ProjectBudget.objects.filter(project_id__in=ids)}
    used = retainer_minutes_by_month_of(ids)
    times = rollups.totals_by(("project_id",), rollups.month_split(period, end), project_id__in=ids)
    expenses = dict(
        Expense.objects.filter(project_id__in=ids, billable=True, date__gte=period, date__lte=end)
        .values("project_id")
        .annotate(s=Sum("billable_amount"))
        .order_by()
        .values_list("project_id", "s")
    )
    out = {}
    for project in projects:
        time = times.get((project.pk,), {})
        expense_total = expenses.get(project.pk) or ZERO
        spent = {
            "minutes": time.get("minutes") or 0,
            "billable_minutes": time.get("billable_minutes") or 0,
            "amount": (time.get("bill_amount") or ZERO) + expense_total,
            "expenses": expense_total,
        }
        out[project.pk] = _retainer_burn_of(
            project, period, today, settings.get(project.pk), dict(sorted(used[project.pk].items())), spent
        )
    return out
