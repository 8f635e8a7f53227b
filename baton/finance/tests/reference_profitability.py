"""The profitability report as computed before issue #10's integer-cents rewrite (commit 965b5cc): Decimal cells per
project x (person x) month, recognised one by one. Kept, unchanged but for this docstring, as the reference the fast
path in `baton.finance.selectors.reports` is compared with (`test_profitability_fast.py`); not used by Baton."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet

from baton.core import access
from baton.core.access import Actor
from baton.core.money import CENT
from baton.crm.models import Client
from baton.delivery.models import Billing, Project, ProjectStatus
from baton.finance.selectors.burn import month_end, month_start, next_month, pct
from baton.finance.selectors.profit.report import NO_PERSON
from baton.people.models import Person
from baton.rates.models import ExchangeRate
from baton.timesheets import rollups

GROUPS = ("client", "project", "person", "month", "account_manager")
REPORT_PROJECT_FIELDS = (
    "id",
    "workspace_id",
    "name",
    "status",
    "billing",
    "currency",
    "budget_amount",
    "budget_minutes",
    "period_budget_amount",
    "period_budget_minutes",
    "start_date",
    "end_date",
    "client_id",
    "client__account_manager_id",
)
# The field each grouping reads on a time entry or rollup row.
GROUP_FIELDS = {
    "client": "project__client_id",
    "project": "project_id",
    "person": "person_id",
    "month": "month",
    "account_manager": "project__client__account_manager_id",
}
ZERO = Decimal("0.00")


def money_projects(actor: Actor) -> QuerySet[Project]:
    """Projects whose money the actor sees: all for owner/admin/finance, its own for a PM, its clients' for an AM."""
    qs = Project.objects.filter(workspace=actor.workspace)
    if actor.role in access.ALL_MONEY:
        return qs
    if actor.role == access.PM:
        return qs.filter(project_manager_id=actor.person_id or 0)
    if actor.role == access.AM:
        return qs.filter(client__account_manager_id=actor.person_id or 0)
    return qs.none()


@dataclass
class Row:
    key: Any
    label: str
    minutes: int = 0
    billable_minutes: int = 0
    revenue: Decimal = ZERO
    cost: Decimal = ZERO

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def margin_pct(self) -> Decimal | None:
        return pct(self.margin, self.revenue) if self.revenue else None

    def add(self, other: Row) -> None:
        self.minutes += other.minutes
        self.billable_minutes += other.billable_minutes
        self.revenue += other.revenue
        self.cost += other.cost

    def as_dict(self) -> dict[str, Any]:
        margin_pct = self.margin_pct
        return {
            "key": self.key,
            "label": self.label,
            "minutes": self.minutes,
            "billable_minutes": self.billable_minutes,
            "revenue": self.revenue.quantize(CENT),
            "cost": self.cost.quantize(CENT),
            "margin": self.margin.quantize(CENT),
            "margin_pct": float(margin_pct) if margin_pct is not None else None,
        }


@dataclass
class Report:
    group_by: str
    currency: str
    date_from: date | None
    date_to: date | None
    rows: list[Row]
    totals: Row
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Cell:
    minutes: int = 0
    billable_minutes: int = 0
    bill_amount: Decimal = ZERO
    cost: Decimal = ZERO
    revenue: Decimal = ZERO


CellKey = tuple[int, int | None, date]  # project, person, month


def _split(amount: Decimal, weights: dict[int | None, int]) -> dict[int | None, Decimal]:
    """Split `amount` by weights to the cent (largest remainder)."""
    total = sum(weights.values())
    if not total:
        return {None: amount}
    cents = int((amount / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    raw = {k: Decimal(cents) * w / total for k, w in weights.items()}
    floor = {k: int(v) if v >= 0 else -int(-v) for k, v in raw.items()}
    left = cents - sum(floor.values())
    order = sorted(weights, key=lambda k: (-(raw[k] - floor[k]) if left >= 0 else raw[k] - floor[k], str(k)))
    step = 1 if left >= 0 else -1
    for k in order[: abs(left)]:
        floor[k] += step
    return {k: Decimal(v) * CENT for k, v in floor.items()}


class _Rates:
    """Exchange rates into the base currency, in force on a day (latest on or before it; else the earliest)."""

    def __init__(self, workspace_id: int, base: str, currencies: set[str]) -> None:
        self.base = base
        self.rows: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
        self.missing: set[str] = set()
        wanted = currencies - {base}
        if wanted:
            for code, on, rate in (
                ExchangeRate.objects.filter(workspace_id=workspace_id, currency__in=wanted)
                .order_by("currency", "effective_on")
                .values_list("currency", "effective_on", "rate")
            ):
                self.rows[code].append((on, rate))

    def convert(self, amount: Decimal, currency: str, on: date) -> Decimal:
        if currency == self.base or not amount:
            return amount
        rows = self.rows.get(currency)
        if not rows:
            self.missing.add(currency)
            return amount
        rate = rows[0][1]
        for start, value in rows:
            if start <= on:
                rate = value
            else:
                break
        return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def _cells(split: Any, fine: Q, coarse: Q | None) -> dict[CellKey, _Cell]:
    """Minutes and money per project x person x month (`fine`) or per project x month (`coarse`, person None):
    whole months from the time rollup, the partial months at the range's edges from the raw entries (identical to
    aggregating the entries). Coarse cells serve projects in the base currency when not grouping by person:
    recognition splits a month's revenue between people only to the cent, so the month's sum is the same."""
    out: dict[CellKey, _Cell] = {}
    for where, keys in ((fine, ("project_id", "person_id", "month")), (coarse, ("project_id", "month"))):
        if where is None:
            continue
        for key, row in rollups.totals_by(keys, split, where).items():
            cell_key = key if len(key) == 3 else (key[0], None, key[1])
            out[cell_key] = _Cell(
                minutes=row["minutes"],
                billable_minutes=row["billable_minutes"],
                bill_amount=row["bill_amount"],
                cost=row["cost"],
            )
    return out


def _base_amounts(project_ids: list[int], date_from: date | None, date_to: date | None) -> dict[CellKey, Decimal]:
    """Σ bill_amount_base of billable entries per project x person x month."""
    from django.db.models import Sum
    from django.db.models.functions import TruncMonth

    from baton.timesheets.models import TimeEntry

    qs = TimeEntry.objects.filter(project_id__in=project_ids, billable=True)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return {
        (pid, person, month): amount
        for pid, person, month, amount in qs.annotate(m=TruncMonth("date"))
        .values_list("project_id", "person_id", "m")
        .annotate(a=Sum("bill_amount_base"))
        .order_by()
    }


def _before(where: Q, date_from: date | None) -> dict[int, dict[str, Any]]:
    """Minutes and billable bill amounts logged before the range (for fixed-fee recognition)."""
    if date_from is None:
        return {}
    totals = rollups.totals_by(("project_id",), rollups.month_split(None, date_from - timedelta(days=1)), where)
    return {
        project_id: {"project_id": project_id, "total_minutes": row["minutes"], "amount": row["bill_amount"]}
        for (project_id,), row in totals.items()
    }


def _recognise_fixed_fee(
    project: Project,
    cells: dict[CellKey, _Cell],
    before: dict[str, Any] | None,
    mine: dict[CellKey, _Cell] | None = None,
) -> None:
    fee = project.budget_amount or ZERO
    budget = project.budget_minutes or 0

    def recognised(measure: Decimal) -> Decimal:
        if budget:
            share = min(Decimal(1), measure / Decimal(budget))
            return (fee * share).quantize(CENT, rounding=ROUND_HALF_UP)
        return min(fee, measure)

    mine = mine if mine is not None else {k: c for k, c in cells.items() if k[0] == project.pk}
    by_month: dict[date, dict[int | None, _Cell]] = defaultdict(dict)
    for (_, person, month), cell in mine.items():
        by_month[month][person] = cell
    measure = Decimal((before or {}).get("total_minutes") or 0) if budget else (before or {}).get("amount") or ZERO
    for month in sorted(by_month):
        people = by_month[month]
        step = (
            Decimal(sum(c.minutes for c in people.values()))
            if budget
            else sum((c.bill_amount for c in people.values()), ZERO)
        )
        earned = recognised(measure + step) - recognised(measure)
        measure += step
        for person, share in _split(earned, {p: c.minutes for p, c in people.items()}).items():
            people[person].revenue = share


def _retainer_months(project: Project, first_logged: date | None, today: date) -> tuple[date, date] | None:
    if project.status in (ProjectStatus.PLANNED,):
        return None
    starts = [d for d in (project.start_date, first_logged) if d]
    if not starts:
        return None
    # MONEY.md §3: from the start date (else the first month with time) to the end date, by day, up to the end of
    # this month (the report's old whole-month span is the only change to this reference).
    start = project.start_date or min(starts)
    end = min(project.end_date, month_end(today)) if project.end_date else month_end(today)
    return (start, end) if end >= start else None


def _recognise_retainer(
    project: Project,
    cells: dict[CellKey, _Cell],
    first_logged: date | None,
    date_from: date | None,
    date_to: date | None,
    today: date,
    mine: dict[CellKey, _Cell] | None = None,
) -> None:
    span = _retainer_months(project, first_logged, today)
    if mine is None:
        mine = {k: c for k, c in cells.items() if k[0] == project.pk}
    by_month: dict[date, dict[int | None, _Cell]] = defaultdict(dict)
    for (_, person, cell_month), cell in mine.items():
        by_month[cell_month][person] = cell
    fee = project.period_budget_amount if project.period_budget_amount is not None else project.budget_amount
    if span is None or not fee:
        return
    month = month_start(span[0])
    if date_from:
        month = max(month, month_start(date_from))
    last = month_start(span[1])
    if date_to:
        last = min(last, month_start(date_to))
    while month <= last:
        days = calendar.monthrange(month.year, month.month)[1]
        lo = max(month, date_from, span[0]) if date_from else max(month, span[0])
        hi = min(month_end(month), date_to, span[1]) if date_to else min(month_end(month), span[1])
        inside = (hi - lo).days + 1
        if inside <= 0:  # the range starts after the retainer's last day in this month
            month = next_month(month)
            continue
        earned = fee if inside >= days else (fee * Decimal(inside) / Decimal(days)).quantize(CENT, ROUND_HALF_UP)
        people = by_month.get(month)
        if not people:
            cells[(project.pk, None, month)] = _Cell(revenue=earned)
        else:
            for person, share in _split(earned, {p: c.minutes for p, c in people.items()}).items():
                people[person].revenue = share
        month = next_month(month)


def _first_logged(where: Q) -> dict[int, date]:
    """The month (its first day) of each project's first time: only the month matters to retainer recognition."""
    from django.db.models import Min

    from baton.timesheets.models import TimeRollup

    return dict(
        TimeRollup.objects.filter(where)
        .values("project_id")
        .annotate(first=Min("month"))
        .order_by()
        .values_list("project_id", "first")
    )


class _Client:
    __slots__ = ("account_manager_id", "id")

    def __init__(self, pk: int, account_manager_id: int | None) -> None:
        self.id = pk
        self.account_manager_id = account_manager_id


class _ProjectFacts:
    """The fields of a project the report reads (duck-types `Project` for the helpers above)."""

    def __init__(self, row: dict[str, Any]) -> None:
        for name, value in row.items():
            if "__" not in name:
                setattr(self, name, value)
        self.pk = row["id"]
        self.client = _Client(row["client_id"], row["client__account_manager_id"])


def profitability(
    *,
    actor: Actor,
    group_by: str = "project",
    date_from: date | None = None,
    date_to: date | None = None,
    client_id: int | None = None,
    project_id: int | None = None,
    today: date | None = None,
) -> Report:
    """The profitability report (see the module docstring). Rows are limited to the projects whose money the actor
    sees; `totals` is the sum of the rows."""
    from django.utils import timezone

    access.require(actor, "financials", "view")
    if group_by not in GROUPS:
        from django.core.exceptions import ValidationError

        raise ValidationError({"group_by": f"Group by one of: {', '.join(GROUPS)}."})
    today = today or timezone.localdate()
    qs = money_projects(actor)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if project_id is not None:
        qs = qs.filter(pk=project_id)
    # Only what the report reads, as plain values: at thousands of projects, model instances cost more than the sums.
    projects: dict[int, Any] = {row["id"]: _ProjectFacts(row) for row in qs.values(*REPORT_PROJECT_FIELDS)}
    base = actor.workspace.currency
    whole = actor.role in access.ALL_MONEY and client_id is None and project_id is None
    split = rollups.month_split(date_from, date_to)
    # Time and materials and non-billable projects in the base currency add up without any per-cell arithmetic
    # (revenue = Σ bill_amount, or 0): one grouped query each, by the report's own key. The rest (fixed fee,
    # retainer, other currencies) is recognised or converted per project x month (x person when grouping by person
    # or converting) cell, as the module docstring says.
    plain = {
        billing: [p.pk for p in projects.values() if p.billing == billing and p.currency == base]
        for billing in (Billing.TIME_AND_MATERIALS, Billing.NON_BILLABLE)
    }
    plain_ids = set(plain[Billing.TIME_AND_MATERIALS]) | set(plain[Billing.NON_BILLABLE])
    rows: dict[Any, Row] = {}
    for billing, ids in plain.items():
        if not ids:
            continue
        scope: dict[str, Any] = (
            {"workspace_id": actor.workspace.pk, "project__billing": billing, "project__currency": base}
            if whole
            else {"project_id__in": ids}
        )
        for (value,), total in rollups.totals_by((GROUP_FIELDS[group_by],), split, **scope).items():
            key = f"{value:%Y-%m}" if group_by == "month" else value
            row = rows.get(key)
            if row is None:
                row = rows[key] = Row(key=key, label="")
            row.minutes += total["minutes"]
            row.billable_minutes += total["billable_minutes"]
            row.revenue += total["bill_amount"] if billing == Billing.TIME_AND_MATERIALS else ZERO
            row.cost += total["cost"]
    rest = {pk: p for pk, p in projects.items() if pk not in plain_ids}
    fixed = [p for p in rest.values() if p.billing == Billing.FIXED_FEE]
    retainers = [p for p in rest.values() if p.billing == Billing.RETAINER]
    by_person = group_by == "person"
    recognised = [Billing.FIXED_FEE, Billing.RETAINER]
    if whole:  # the same sets as joins, not lists of thousands of ids
        ws = Q(workspace_id=actor.workspace.pk)
        fine = ws & (
            Q(project__billing__in=recognised) | ~Q(project__currency=base) if by_person else ~Q(project__currency=base)
        )
        coarse = None if by_person else ws & Q(project__billing__in=recognised, project__currency=base)
        fixed_q, retainer_q = ws & Q(project__billing=Billing.FIXED_FEE), ws & Q(project__billing=Billing.RETAINER)
    else:
        fine = Q(project_id__in=[pk for pk, p in rest.items() if by_person or p.currency != base])
        coarse = None if by_person else Q(project_id__in=[pk for pk, p in rest.items() if p.currency == base])
        fixed_q, retainer_q = Q(project_id__in=[p.pk for p in fixed]), Q(project_id__in=[p.pk for p in retainers])
    cells = {k: c for k, c in _cells(split, fine, coarse).items() if k[0] in rest}
    before = _before(fixed_q, date_from) if fixed else {}
    by_project: dict[int, dict[CellKey, _Cell]] = defaultdict(dict)
    for key, cell in cells.items():
        by_project[key[0]][key] = cell
    for project in fixed:
        _recognise_fixed_fee(project, cells, before.get(project.pk), by_project[project.pk])
    firsts = _first_logged(retainer_q) if retainers else {}
    for project in retainers:
        _recognise_retainer(project, cells, firsts.get(project.pk), date_from, date_to, today, by_project[project.pk])
    rates = _Rates(actor.workspace.pk, base, {p.currency for p in projects.values()})
    base_amounts = _base_amounts([pk for pk, p in projects.items() if p.currency != base], date_from, date_to)
    for (pid, person_id, month), cell in cells.items():
        project = projects[pid]
        if project.billing == Billing.TIME_AND_MATERIALS:
            revenue = cell.bill_amount
        elif project.billing == Billing.NON_BILLABLE:
            revenue = ZERO
        else:
            revenue = cell.revenue
        if project.currency != base:
            # MONEY.md §2 (the one change to this reference): time and materials in another currency is the entries'
            # stored base amounts; other revenue converts at the month's end, and is left out without any rate.
            if project.billing == Billing.TIME_AND_MATERIALS:
                revenue = base_amounts.get((pid, person_id, month), ZERO)
            elif not rates.rows.get(project.currency):
                revenue = ZERO
                if not (cell.minutes or cell.cost):
                    continue  # only the revenue that is left out: no row
            else:
                on = min(month_end(month), date_to) if date_to else month_end(month)
                revenue = rates.convert(revenue, project.currency, on)
        key = _key(group_by, project, person_id, month)
        row = rows.get(key)
        if row is None:
            row = rows[key] = Row(key=key, label="")
        row.minutes += cell.minutes
        row.billable_minutes += cell.billable_minutes
        row.revenue += revenue
        row.cost += cell.cost
    _label(group_by, rows, projects, actor)
    ordered = sorted(rows.values(), key=lambda r: (str(r.key) if group_by == "month" else r.label.lower(), str(r.key)))
    totals = Row(key=None, label="Total")
    for row in ordered:
        totals.add(row)
    warnings = [
        f"No exchange rate from {code} to {base}: its amounts are counted at 1:1 until one is added under Finance → "
        "Rates (the figures are then recomputed)."
        for code in sorted(rates.missing)
    ]
    return Report(
        group_by=group_by,
        currency=base,
        date_from=date_from,
        date_to=date_to,
        rows=ordered,
        totals=totals,
        warnings=warnings,
    )


def _key(group_by: str, project: Project, person_id: int | None, month: date) -> Any:
    if group_by == "client":
        return project.client_id
    if group_by == "project":
        return project.pk
    if group_by == "person":
        return person_id
    if group_by == "month":
        return f"{month:%Y-%m}"
    return project.client.account_manager_id


def _label(group_by: str, rows: dict[Any, Row], projects: dict[int, Project], actor: Actor) -> None:
    if group_by == "month":
        for key, row in rows.items():
            row.label = date(int(key[:4]), int(key[5:7]), 1).strftime("%B %Y")
        return
    if group_by == "project":
        for key, row in rows.items():
            row.label = projects[key].name
        return
    if group_by == "client":
        names = dict(Client.objects.filter(pk__in=list(rows)).values_list("id", "name"))
        for key, row in rows.items():
            row.label = names.get(key, "-")
        return
    names = dict(Person.objects.filter(pk__in=[k for k in rows if k is not None]).values_list("id", "name"))
    for key, row in rows.items():
        if key is None:
            row.label = NO_PERSON if group_by == "person" else "Unassigned"
        else:
            row.label = names.get(key, "-")
