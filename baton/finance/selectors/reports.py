"""Profitability: revenue, cost and margin by client, project, person, month or account manager.

Definitions (API.md, reports/profitability):
- minutes: every minute logged in the range; billable_minutes: those of billable entries.
- revenue, time and materials: Σ `bill_amount` of billable entries (= billable minutes x bill rate, each entry
  rounded when logged).
- revenue, fixed fee: the fee recognised in proportion to the budget minutes used, capped at the fee:
  R(x) = fee x min(1, x / budget_minutes) rounded to cents, x = minutes logged on the project so far. The revenue of
  a range is R(minutes up to its end) - R(minutes before it), split month by month the same way, and within a month
  between people by their minutes (largest remainder, so cents add up). A fixed fee without budget minutes recognises
  its billable bill amounts up to the fee.
- revenue, retainer: the per-period fee of each month the retainer runs (from its start, or first time, to its end),
  prorated by the days of the month inside the range, split between people by their minutes in that month (a month
  without time stays on no person).
- revenue, non-billable: 0.
- cost: Σ `cost_amount` (every entry; the workspace's currency). margin = revenue - cost; margin_pct = margin /
  revenue x 100 (null without revenue).
- Other currencies: a cell's revenue (project x person x month) converts into the workspace's base currency at the
  exchange rate in force at the end of the month (or of the range when it ends sooner), rounded to cents. A missing
  rate converts at 1 and is reported in `warnings`.
- Every row is computed from those rounded cells, and `totals` is the sum of the rows, so it reconciles to the cent.
Expenses are pass-through costs and are not in this report (see budget burn and invoices).

How it is computed (the figures above, to the cent, in few queries and integer cents):
- Minutes, billable minutes, cost and time-and-materials revenue (base currency) of every project: one grouped
  query by the report's own key over the rollup's whole months, one over the raw entries of the edge days.
- Recognised revenue (fixed fee, retainer) and other currencies: one query over the rollup (and one over the edge
  days) for those projects only, at the grain the grouping needs: per project when grouping by client, project or
  account manager (a fixed fee's monthly recognition telescopes to R(minutes to the end) - R(minutes before), a
  retainer's months add up), per project x month by month, per project x person x month by person; other currencies
  always per project x person x month (each cell converts and rounds on its own). The same query brings the minutes
  before the range and the first month with time (retainers start there when they have no start date). By person it
  groups by the plain columns and tells each month's phase in Python; cells of months without raw days are filed
  once, straight into the month's people.
- The arithmetic is in integer cents (`recognition.py`), identical to the Decimal definitions; reference
  comparison in `baton/finance/tests/test_profitability_fast.py`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.core.money import CENT
from baton.crm.models import Client
from baton.delivery.models import Billing, ProjectStatus
from baton.finance.selectors.burn import month_end, month_start, next_month, pct
from baton.finance.selectors.recognition import (
    fixed_fee_curve,
    from_cents,
    month_index,
    month_of_index,
    retainer_month_cents,
    split_cents,
    to_cents,
)
from baton.people.models import Person
from baton.rates.selectors import ExchangeRates, money_projects
from baton.timesheets import rollups
from baton.timesheets.models import TimeEntry, TimeRollup

GROUPS = ("client", "project", "person", "month", "account_manager")
# What the report reads of a project whose revenue is recognised or converted (values_list order: see _Facts).
REPORT_PROJECT_FIELDS = (
    "id",
    "name",
    "status",
    "billing",
    "currency",
    "budget_amount",
    "budget_minutes",
    "period_budget_amount",
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
RECOGNISED = (Billing.FIXED_FEE, Billing.RETAINER)
# Phases of a row of the recognition query.
BEFORE, INSIDE, EDGE, AFTER = 0, 1, 2, 3


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

    def as_json(self) -> dict[str, Any]:
        """`as_dict` in JSON types, money as decimal strings (what ProfitRow serialises to)."""
        margin_pct = self.margin_pct
        return {
            "key": self.key,
            "label": self.label,
            "minutes": self.minutes,
            "billable_minutes": self.billable_minutes,
            "revenue": str(self.revenue.quantize(CENT)),
            "cost": str(self.cost.quantize(CENT)),
            "margin": str(self.margin.quantize(CENT)),
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


class _Facts:
    """A project whose revenue is recognised or converted: the fields the report reads."""

    __slots__ = (
        "am_id",
        "billing",
        "budget",
        "client_id",
        "currency",
        "end_date",
        "fee",
        "name",
        "period_fee",
        "pk",
        "start_date",
        "status",
    )

    def __init__(self, row: tuple[Any, ...]) -> None:
        (
            self.pk,
            self.name,
            self.status,
            self.billing,
            self.currency,
            self.fee,
            budget,
            self.period_fee,
            self.start_date,
            self.end_date,
            self.client_id,
            self.am_id,
        ) = row
        self.budget = budget or 0


class _Inputs:
    """What the recognition queries found for one project: minutes and billable bill cents before the range, the
    first month with time (when it matters), and the range's cells. After `settle`: minutes per month index ->
    person, and billable bill cents per (person, month index); person and month are None where the grain does not
    need them."""

    __slots__ = ("before_bill", "before_minutes", "bills", "cells", "first", "months")

    def __init__(self) -> None:
        self.before_minutes = 0
        self.before_bill = 0
        self.first: date | None = None
        self.cells: dict[tuple[int | None, int | None], list[int]] = {}  # [minutes, bill cents, entries]
        self.months: dict[int | None, dict[int | None, int]] = {}
        self.bills: dict[tuple[int | None, int | None], int] = {}

    def add(self, person: int | None, index: int | None, minutes: int, bill: int, entries: int) -> None:
        key = (person, index)
        cell = self.cells.get(key)
        if cell is None:
            self.cells[key] = [minutes, bill, entries]
        else:
            cell[0] += minutes
            cell[1] += bill
            cell[2] += entries

    def see(self, month: date | str | None) -> None:
        if isinstance(month, str):
            month = date.fromisoformat(month)
        if month is not None and (self.first is None or month < self.first):
            self.first = month

    def settle(self) -> None:
        """The cells left in `cells` (those the raw days may change) join `months` and `bills`; cells without entries
        left (their days were all subtracted) are not cells."""
        months, bills = self.months, self.bills
        for key, (minutes, bill, entries) in self.cells.items():
            if entries > 0:
                people = months.get(key[1])
                if people is None:
                    people = months[key[1]] = {}
                people[key[0]] = minutes
                bills[key] = bill


def _month_index(value: date | str | None) -> int | None:
    """The month index of a date read without Django's converters (SQLite gives 'YYYY-MM-DD')."""
    if value is None:
        return None
    if isinstance(value, str):
        return int(value[:4]) * 12 + int(value[5:7]) - 1
    return value.year * 12 + value.month - 1


def _fetch(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """A values_list query's rows as the driver returns them: tens of thousands of integer rows cost more in
    Django's per-value converters than in the database."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _by_key(group_by: str, cut: rollups.Cut, scope: Q, base: str) -> dict[Any, list[int]]:
    """[minutes, billable minutes, revenue cents of time and materials in the base currency, cost cents] per key of
    the report, every project of the scope: the cut's whole months from the rollup, its raw days added or
    subtracted; a key whose entries all went is dropped."""
    key_field = GROUP_FIELDS[group_by]
    tm_revenue = Q(billable=True, project__billing=Billing.TIME_AND_MATERIALS, project__currency=base)
    out: dict[Any, list[int]] = {}
    if not cut.no_months:
        for key, m, bm, revenue, cost, n in (
            TimeRollup.objects.filter(scope, cut.months_q())
            .values_list(key_field)
            .annotate(
                m=Sum("minutes"),
                bm=Sum("minutes", filter=Q(billable=True)),
                revenue=Sum("bill_cents", filter=tm_revenue),
                cost=Sum("cost_cents"),
                n=Sum("entries"),
            )
            .order_by()
        ):
            if group_by == "month":
                key = f"{key:%Y-%m}"
            out[key] = [int(m or 0), int(bm or 0), int(revenue or 0), int(cost or 0), int(n or 0)]
    raw_days = rollups.any_of([q for q in (cut.plus, cut.minus) if q is not None])
    if raw_days is None:
        return {k: v[:4] for k, v in out.items()}
    raw = TimeEntry.objects.filter(scope, raw_days)
    sign: Any = Value(1) if cut.minus is None else Case(When(cut.minus, then=Value(-1)), default=Value(1))
    raw = raw.annotate(_sign=sign)
    if group_by == "month":
        raw, key_field = raw.annotate(_month=cut.raw_month()), "_month"
    for key, sign_value, m, bm, revenue, cost, n in (
        raw.values_list(key_field, "_sign")
        .annotate(
            m=Sum("minutes"),
            bm=Sum("minutes", filter=Q(billable=True)),
            revenue=Sum("bill_amount", filter=tm_revenue),
            cost=Sum("cost_amount"),
            n=Count("id"),
        )
        .order_by()
    ):
        if group_by == "month":
            key = f"{key:%Y-%m}"
        acc = out.get(key)
        if acc is None:
            acc = out[key] = [0, 0, 0, 0, 0]
        acc[0] += sign_value * int(m or 0)
        acc[1] += sign_value * int(bm or 0)
        acc[2] += sign_value * to_cents(revenue)
        acc[3] += sign_value * to_cents(cost)
        acc[4] += sign_value * int(n or 0)
    return {k: v[:4] for k, v in out.items() if v[4] > 0}


def _recognition_inputs(
    cut: rollups.Cut, scope: Q, base: str, projects: dict[int, _Facts], *, by_person: bool, by_month: bool
) -> dict[int, _Inputs]:
    """The recognised and foreign projects of `scope`: the range's cells at the grain asked (other currencies always
    per person x month) from the rollup's months and the raw days added or subtracted, the first month with time,
    and the time before the range, read only for the projects that need it: fixed fees with time in the range, and
    retainers that do not start on or before the range's first month (they may start at their first time)."""
    date_from, date_to = cut.date_from, cut.date_to
    first_of_range = rollups.month_of(date_from) if date_from else None
    last_of_range = rollups.month_of(date_to) if date_to else None
    foreign = ~Q(project__currency=base)
    out: dict[int, _Inputs] = defaultdict(_Inputs)

    def grain(always: bool, where: Q | None, value: Any, output_field: Any) -> Any:
        """`value` where the grain needs it (every project or only the foreign ones), else NULL."""
        if where is None:
            return Value(None, output_field=output_field)
        condition = where if always else where & foreign
        if not condition:
            return value
        return Case(When(condition, then=value), default=Value(None), output_field=output_field)

    # The rollup months of the range's first to last month: the cut's whole months (INSIDE) at the grain; the others
    # (EDGE: partial months read from raw days) only tell their month.
    qs = TimeRollup.objects.filter(scope)
    if first_of_range is not None:
        qs = qs.filter(month__gte=first_of_range)
    if last_of_range is not None:
        qs = qs.filter(month__lte=last_of_range)
    inside: Q | None = None if cut.no_months else cut.months_q()
    if inside is None:
        phase: Any = Value(EDGE)
    elif not inside:
        phase = Value(INSIDE)
    else:
        phase = Case(When(inside, then=Value(INSIDE)), default=Value(EDGE), output_field=IntegerField())
    firsts: dict[int, Any] = {}
    indexes: dict[Any, int | None] = {None: None}
    # Raw days lie only in the range's first and last months: a cell of another month is final as the rollup gives
    # it, so it goes straight into `months` (and `bills`, for the projects that read them) when it has entries.
    # Other cells (an edge month, or no month at this grain) wait in `cells` for the raw days (see `settle`).
    edges = {month_index(d) for d in (date_from, date_to) if d is not None}
    with_bills = {
        pk for pk, p in projects.items() if p.currency != base or (p.billing == Billing.FIXED_FEE and not p.budget)
    }
    rows: list[tuple[Any, ...]]
    if by_person:
        # Every row is a person x month cell: grouped by the plain columns (no CASE per row in the GROUP BY), the
        # phase told here from the month, the first month being the cell's own.
        cells = _fetch(
            qs.values_list("project_id", "person_id", "month")
            .annotate(
                m=Cast(Sum("minutes"), BigIntegerField()),
                bill=Cast(Sum("bill_cents", filter=Q(billable=True)), BigIntegerField()),
                n=Cast(Sum("entries"), BigIntegerField()),
            )
            .order_by()
        )
        lo = None if cut.first_month is None else month_index(cut.first_month)
        hi = None if cut.end_month is None else month_index(cut.end_month)
        phases: dict[Any, int] = {}
        rows = []
        for project_id, person, month, m, bill, n in cells:
            row_phase = phases.get(month)
            if row_phase is None:
                index = _month_index(month)
                inside_month = (
                    inside is not None
                    and index is not None
                    and (lo is None or index >= lo)
                    and (hi is None or index < hi)
                )
                row_phase = phases[month] = INSIDE if inside_month else EDGE
            rows.append((project_id, row_phase, person, month, m, bill, n, month))
    else:
        rows = _fetch(
            qs.annotate(
                _phase=phase,
                _person=grain(by_person, inside, F("person_id"), IntegerField()),
                _month=grain(by_person or by_month, inside, F("month"), DateField()),
            )
            .values_list("project_id", "_phase", "_person", "_month")
            .annotate(
                # bigint, not numeric: integers from the driver without a Decimal per value
                m=Cast(Sum("minutes"), BigIntegerField()),
                bill=Cast(Sum("bill_cents", filter=Q(billable=True)), BigIntegerField()),
                n=Cast(Sum("entries"), BigIntegerField()),
                first=Min("month"),
            )
            .order_by()
        )
    for project_id, row_phase, person, month, m, bill, n, first in rows:
        seen = firsts.get(project_id)
        if seen is None or first < seen:
            firsts[project_id] = first
        if row_phase == INSIDE:
            index = indexes.get(month, -1)
            if index == -1:
                index = indexes[month] = _month_index(month)
            inputs = out[project_id]
            # One row per (person, month) of a project: GROUP BY gives each once.
            if index is None or index in edges:
                inputs.cells[(person, index)] = [m or 0, bill or 0, n or 0]
            elif (n or 0) > 0:  # `n` is a sum of entry counts: cells without entries are not cells
                people = inputs.months.get(index)
                if people is None:
                    people = inputs.months[index] = {}
                people[person] = m or 0
                if project_id in with_bills:
                    inputs.bills[(person, index)] = bill or 0
    for project_id, first in firsts.items():
        out[project_id].see(first)

    # Raw days: added (inside the range), subtracted (outside it, in a month read whole), and before the range in
    # its first month (time before the range; subtracted too when that month is read whole).
    days = [q for q in (cut.plus, cut.minus) if q is not None]
    if date_from is not None and first_of_range is not None and date_from > first_of_range:
        days.append(Q(date__gte=first_of_range, date__lt=date_from))
    first_read_whole = first_of_range is not None and cut.first_month == first_of_range and not cut.no_months
    if days:
        classes = []
        if date_from is not None:
            classes.append(When(date__lt=date_from, then=Value(BEFORE)))
        if date_to is not None:
            classes.append(When(date__gt=date_to, then=Value(AFTER)))
        day_class = Case(*classes, default=Value(INSIDE), output_field=IntegerField()) if classes else Value(INSIDE)
        month_value = cut.raw_month()
        raw_rows = (
            TimeEntry.objects.filter(scope, rollups.any_of(days))
            .annotate(
                _class=day_class,
                _person=grain(by_person, Q(), F("person_id"), IntegerField()),
                _month=grain(by_person or by_month, Q(), month_value, DateField()),
            )
            .values_list("project_id", "_class", "_person", "_month")
            .annotate(m=Sum("minutes"), bill=Sum("bill_amount", filter=Q(billable=True)), n=Count("id"))
            .order_by()
        )
        for project_id, day_class_value, person, month, m, bill, n in raw_rows:
            inputs = out[project_id]
            minutes, cents, entries = int(m or 0), to_cents(bill), int(n or 0)
            index = month_index(month) if month is not None else None
            if day_class_value == INSIDE:
                inputs.add(person, index, minutes, cents, entries)
            elif day_class_value == AFTER:
                inputs.add(person, index, -minutes, -cents, -entries)
            else:
                inputs.before_minutes += minutes
                inputs.before_bill += cents
                if first_read_whole:
                    inputs.add(person, index, -minutes, -cents, -entries)

    # Before the range's first month: only for the projects whose figures depend on it.
    if first_of_range is not None:
        needed = [
            pk
            for pk, p in projects.items()
            if (p.billing == Billing.FIXED_FEE and pk in out and (out[pk].cells or out[pk].months))
            or (p.billing == Billing.RETAINER and (p.start_date is None or p.start_date > first_of_range))
        ]
        if needed:
            for project_id, m, bill, first in (
                TimeRollup.objects.filter(project_id__in=needed, month__lt=first_of_range)
                .values_list("project_id")
                .annotate(m=Sum("minutes"), bill=Sum("bill_cents", filter=Q(billable=True)), first=Min("month"))
                .order_by()
            ):
                inputs = out[project_id]
                inputs.before_minutes += int(m or 0)
                inputs.before_bill += int(bill or 0)
                inputs.see(first)
    for inputs in out.values():
        inputs.settle()
    return out


def _month_key(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _add(sums: dict[Any, list[int]], key: Any, cents: int) -> None:
    acc = sums.get(key)
    if acc is None:
        acc = sums[key] = [0, 0, 0, 0]
    acc[2] += cents


def _project_key(group_by: str, project: _Facts) -> Any:
    if group_by == "client":
        return project.client_id
    if group_by == "project":
        return project.pk
    return project.am_id


def _fixed_fee_cells(project: _Facts, inputs: _Inputs) -> list[tuple[int | None, int, int]]:
    """(person, month index, recognised cents): month by month R(measure + step) - R(measure), split between the
    month's people by minutes (largest remainder)."""
    curve = fixed_fee_curve(project.fee or ZERO, project.budget)
    by_minutes = bool(project.budget)
    measure = inputs.before_minutes if by_minutes else inputs.before_bill
    month_bill: dict[int | None, int] = defaultdict(int)
    if not by_minutes:
        for (_, index), bill in inputs.bills.items():
            month_bill[index] += bill
    out: list[tuple[int | None, int, int]] = []
    months = inputs.months
    for index in sorted(i for i in months if i is not None):  # this grain always has months
        people = months[index]
        step = sum(people.values()) if by_minutes else month_bill[index]
        earned = curve(measure + step) - curve(measure)
        measure += step
        for person, share in split_cents(earned, people).items():
            out.append((person, index, share))
    return out


def _retainer_span(
    project: _Facts, first: date | None, date_from: date | None, date_to: date | None, today: date
) -> tuple[int, int] | None:
    """The months (indexes, inclusive) a retainer earns inside the range: from its start (or first time) to its end
    (or today)."""
    if project.status == ProjectStatus.PLANNED:
        return None
    starts = [d for d in (project.start_date, first) if d]
    if not starts:
        return None
    start = month_index(min(starts))
    end = month_index(min(project.end_date, today) if project.end_date else today)
    if end < start:
        return None
    if date_from:
        start = max(start, month_index(date_from))
    if date_to:
        end = min(end, month_index(date_to))
    return (start, end) if start <= end else None


class _Retainer:
    """A retainer's fee per month of the range (prorated by days in the edge months)."""

    def __init__(self, fee: Decimal, span: tuple[int, int], date_from: date | None, date_to: date | None) -> None:
        self.fee = fee
        self.fee_cents = to_cents(fee)
        self.first, self.last = span
        self.date_from, self.date_to = date_from, date_to
        edges = {month_index(d) for d in (date_from, date_to) if d}
        self.edges = {
            i: retainer_month_cents(fee, i, date_from, date_to) for i in edges if self.first <= i <= self.last
        }

    def month(self, index: int) -> int:
        earned = self.edges.get(index)
        return self.fee_cents if earned is None else earned

    @property
    def months(self) -> int:
        return self.last - self.first + 1

    @property
    def total(self) -> int:
        return self.months * self.fee_cents + sum(e - self.fee_cents for e in self.edges.values())


class _MonthFees:
    """Retainer fees by month of the range, added up as differences (O(retainers + months), not their product)."""

    def __init__(self) -> None:
        self.fees: dict[int, int] = defaultdict(int)
        self.running: dict[int, int] = defaultdict(int)
        self.adjust: dict[int, int] = defaultdict(int)

    def add(self, retainer: _Retainer) -> None:
        self.fees[retainer.first] += retainer.fee_cents
        self.fees[retainer.last + 1] -= retainer.fee_cents
        self.running[retainer.first] += 1
        self.running[retainer.last + 1] -= 1
        for index, earned in retainer.edges.items():
            self.adjust[index] += earned - retainer.fee_cents

    def into(self, sums: dict[Any, list[int]]) -> None:
        if not self.running:
            return
        fee = running = 0
        for index in range(min(self.running), max(self.running) + 1):
            fee += self.fees.get(index, 0)
            running += self.running.get(index, 0)
            if running:
                _add(sums, _month_key(index), fee + self.adjust.get(index, 0))


def _retainer_by_person(retainer: _Retainer, inputs: _Inputs, cents: dict[Any, int]) -> None:
    """Each month's fee split between its people by minutes, added to `cents` per person; the months without time
    go to no person (None)."""
    covered = months = 0
    first, last, edges, fee = retainer.first, retainer.last, retainer.edges, retainer.fee_cents
    for index, people in inputs.months.items():
        if index is None or index < first or index > last:
            continue
        earned = edges.get(index, fee)
        covered += earned
        months += 1
        if len(people) == 1:  # split_cents's own first case, without the call
            ((person, weight),) = people.items()
            if weight > 0:
                cents[person] = cents.get(person, 0) + earned
                continue
        for person, share in split_cents(earned, people).items():
            cents[person] = cents.get(person, 0) + share
    if months < retainer.months:
        cents[None] = cents.get(None, 0) + retainer.total - covered


def _retainer_cells(retainer: _Retainer, inputs: _Inputs) -> list[tuple[int | None, int, int]]:
    """(person, month index, cents) for every month of the retainer (person None: a month without time)."""
    out: list[tuple[int | None, int, int]] = []
    for index in range(retainer.first, retainer.last + 1):
        earned = retainer.month(index)
        people = inputs.months.get(index)
        if not people:
            out.append((None, index, earned))
        else:
            for person, share in split_cents(earned, people).items():
                out.append((person, index, share))
    return out


def _recognise(
    group_by: str,
    projects: dict[int, _Facts],
    inputs: dict[int, _Inputs],
    sums: dict[Any, list[int]],
    rates: ExchangeRates,
    date_from: date | None,
    date_to: date | None,
    today: date,
    base: str,
) -> None:
    """Add the revenue of fixed-fee, retainer and foreign-currency projects to the rows' sums (cents)."""
    by_person, by_month = group_by == "person", group_by == "month"
    month_fees = _MonthFees()
    empty = _Inputs()
    person_cents: dict[Any, int] = {}  # by person: recognised cents per person, added to `sums` once at the end
    for project in projects.values():
        got = inputs.get(project.pk, empty)
        billing = project.billing
        if project.currency != base:
            _foreign(group_by, project, got, sums, rates, date_from, date_to, today)
            continue
        if billing == Billing.FIXED_FEE:
            if not got.months:
                continue
            if by_person:
                for person, _, cents in _fixed_fee_cells(project, got):
                    person_cents[person] = person_cents.get(person, 0) + cents
            elif by_month:
                for _, index, cents in _fixed_fee_cells(project, got):
                    _add(sums, _month_key(index), cents)
            else:  # the months telescope: R(before + range) - R(before)
                curve = fixed_fee_curve(project.fee or ZERO, project.budget)
                if project.budget:
                    measure, step = got.before_minutes, sum(got.months[None].values())
                else:
                    measure, step = got.before_bill, sum(got.bills.values())
                _add(sums, _project_key(group_by, project), curve(measure + step) - curve(measure))
        elif billing == Billing.RETAINER:
            fee = project.period_fee if project.period_fee is not None else project.fee
            span = _retainer_span(project, got.first, date_from, date_to, today) if fee else None
            if span is None:
                continue
            retainer = _Retainer(fee, span, date_from, date_to)
            if by_person:
                _retainer_by_person(retainer, got, person_cents)
            elif by_month:
                month_fees.add(retainer)
            else:
                _add(sums, _project_key(group_by, project), retainer.total)
    month_fees.into(sums)
    for person, cents in person_cents.items():
        _add(sums, person, cents)


def _foreign(
    group_by: str,
    project: _Facts,
    inputs: _Inputs,
    sums: dict[Any, list[int]],
    rates: ExchangeRates,
    date_from: date | None,
    date_to: date | None,
    today: date,
) -> None:
    """A project in another currency: revenue per person x month cell, each converted at the month's end rate."""
    billing = project.billing
    cells: list[tuple[int | None, int, int]]
    if billing == Billing.TIME_AND_MATERIALS:
        cells = [(person, index, bill) for (person, index), bill in inputs.bills.items()]  # type: ignore[misc]
    elif billing == Billing.FIXED_FEE:
        cells = _fixed_fee_cells(project, inputs)
    elif billing == Billing.RETAINER:
        fee = project.period_fee if project.period_fee is not None else project.fee
        span = _retainer_span(project, inputs.first, date_from, date_to, today) if fee else None
        cells = _retainer_cells(_Retainer(fee, span, date_from, date_to), inputs) if span else []
    else:
        return
    for person, index, cents in cells:
        month = month_of_index(index)
        on = min(month_end(month), date_to) if date_to else month_end(month)
        converted = to_cents(rates.convert(from_cents(cents), project.currency, on))
        if group_by == "person":
            key: Any = person
        elif group_by == "month":
            key = _month_key(index)
        else:
            key = _project_key(group_by, project)
        _add(sums, key, converted)


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
    access.require(actor, "financials", "view")
    if group_by not in GROUPS:
        raise ValidationError({"group_by": f"Group by one of: {', '.join(GROUPS)}."})
    today = today or timezone.localdate()
    qs = money_projects(actor)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if project_id is not None:
        qs = qs.filter(pk=project_id)
    base = actor.workspace.currency
    whole = actor.role in access.ALL_MONEY and client_id is None and project_id is None
    names: dict[int, str] | None = None
    if whole:  # the project sets as joins, not lists of thousands of ids; only the recognised projects loaded
        projects = {
            row[0]: _Facts(row)
            for row in qs.filter(Q(billing__in=RECOGNISED) | ~Q(currency=base))
            .values_list(*REPORT_PROJECT_FIELDS)
            .order_by()  # the order does not matter (rows are sorted at the end): no sort by name
        }
        scope = Q(workspace_id=actor.workspace.pk)
        recognised_scope = scope & (Q(project__billing__in=RECOGNISED) | ~Q(project__currency=base))
    else:
        projects, names = {}, {}
        for row in qs.values_list(*REPORT_PROJECT_FIELDS).order_by():
            names[row[0]] = row[1]
            if row[3] in RECOGNISED or row[4] != base:
                projects[row[0]] = _Facts(row)
        scope = Q(project_id__in=list(names))
        recognised_scope = Q(project_id__in=list(projects))
    cut = rollups.month_cut(date_from, date_to)
    sums = _by_key(group_by, cut, scope, base)
    rates = ExchangeRates(actor.workspace.pk, base, {p.currency for p in projects.values()})
    if projects:
        inputs = _recognition_inputs(
            cut, recognised_scope, base, projects, by_person=group_by == "person", by_month=group_by == "month"
        )
        _recognise(group_by, projects, inputs, sums, rates, date_from, date_to, today, base)
    rows = {
        key: Row(key=key, label="", minutes=m, billable_minutes=bm, revenue=from_cents(revenue), cost=from_cents(cost))
        for key, (m, bm, revenue, cost) in sums.items()
    }
    if group_by == "project" and names is None:
        names = dict(qs.values_list("id", "name").order_by())
    _label(group_by, rows, names or {})
    ordered = sorted(rows.values(), key=lambda r: (str(r.key) if group_by == "month" else r.label.lower(), str(r.key)))
    totals = Row(key=None, label="Total")
    for row in ordered:
        totals.add(row)
    warnings = [
        f"No exchange rate from {code} to {base}: its amounts are counted at 1:1. Add one under Finance → Rates."
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


def _label(group_by: str, rows: dict[Any, Row], project_names: dict[int, str]) -> None:
    if group_by == "month":
        for key, row in rows.items():
            row.label = date(int(key[:4]), int(key[5:7]), 1).strftime("%B %Y")
        return
    if group_by == "project":
        for key, row in rows.items():
            row.label = project_names[key]
        return
    if group_by == "client":
        names = dict(Client.objects.filter(pk__in=list(rows)).values_list("id", "name"))
        for key, row in rows.items():
            row.label = names.get(key, "-")
        return
    names = dict(Person.objects.filter(pk__in=[k for k in rows if k is not None]).values_list("id", "name"))
    for key, row in rows.items():
        if key is None:
            row.label = "No time logged" if group_by == "person" else "Unassigned"
        else:
            row.label = names.get(key, "-")


def margin_trend(*, actor: Actor, months: int = 12, today: date | None = None) -> dict[str, Any]:
    """The last `months` months of revenue, cost and margin (money as strings) for the margin trend chart."""
    today = today or timezone.localdate()
    start = month_start(today)
    for _ in range(months - 1):
        start = month_start(start - timedelta(days=1))
    report = profitability(actor=actor, group_by="month", date_from=start, date_to=today, today=today)
    by_key = {r.key: r for r in report.rows}
    labels, revenue, cost, margin, margin_pct = [], [], [], [], []
    month = start
    while month <= today:
        row = by_key.get(f"{month:%Y-%m}") or Row(key=None, label="")
        labels.append(f"{month:%b %Y}")
        revenue.append(str(row.revenue.quantize(CENT)))
        cost.append(str(row.cost.quantize(CENT)))
        margin.append(str(row.margin.quantize(CENT)))
        margin_pct.append(str(row.margin_pct) if row.margin_pct is not None else "")
        month = next_month(month)
    return {
        "labels": labels,
        "revenue": revenue,
        "cost": cost,
        "margin": margin,
        "margin_pct": margin_pct,
        "currency": report.currency,
    }
