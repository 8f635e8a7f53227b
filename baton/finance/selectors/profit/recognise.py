"""The profitability report's revenue recognition per billing type and month, in integer cents (the rules' arithmetic:
`baton/finance/selectors/recognition.py`): fixed fees by the curve R(x) month by month, retainers by their monthly
fee, other currencies per person x month cell converted at the month's end rate. Added to the rows' sums, which
`read.by_key` started."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from baton.core.months import month_end, month_start, next_month
from baton.delivery.models import Billing
from baton.finance.selectors.profit._common import ZERO, Facts, Inputs
from baton.finance.selectors.profit.history import Interval, Terms, TermsChange
from baton.finance.selectors.recognition import (
    fixed_fee_curve,
    from_cents,
    month_index,
    month_of_index,
    retainer_month_cents,
    split_cents,
    to_cents,
)
from baton.rates.selectors import ExchangeRates

Sums = dict[Any, list[int]]


def _month_key(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _add(sums: Sums, key: Any, cents: int) -> None:
    acc = sums.get(key)
    if acc is None:
        acc = sums[key] = [0, 0, 0, 0, 0]
    acc[2] += cents


def _project_key(group_by: str, project: Facts) -> Any:
    if group_by == "client":
        return project.client_id
    if group_by == "project":
        return project.pk
    return project.am_id


# --- Fixed fee ------------------------------------------------------------------------------------------------------


def _fixed_fee_cells(project: Facts, inputs: Inputs) -> list[tuple[int | None, int, int]]:
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


def _fixed_fee_total(project: Facts, inputs: Inputs) -> int:
    """The range's recognised cents of a fixed fee: the months telescope to R(before + range) - R(before)."""
    curve = fixed_fee_curve(project.fee or ZERO, project.budget)
    if project.budget:
        measure, step = inputs.before_minutes, sum(inputs.months[None].values())
    else:
        measure, step = inputs.before_bill, sum(inputs.bills.values())
    return curve(measure + step) - curve(measure)


def _recognise_fixed_fee(
    group_by: str, project: Facts, inputs: Inputs, sums: Sums, person_cents: dict[Any, int]
) -> None:
    """A fixed fee in the base currency: by person into `person_cents`, by month or by the project's key into `sums`."""
    if not inputs.months:
        return
    if group_by == "person":
        for person, _, cents in _fixed_fee_cells(project, inputs):
            person_cents[person] = person_cents.get(person, 0) + cents
    elif group_by == "month":
        for _, index, cents in _fixed_fee_cells(project, inputs):
            _add(sums, _month_key(index), cents)
    else:
        _add(sums, _project_key(group_by, project), _fixed_fee_total(project, inputs))


# --- Retainer -------------------------------------------------------------------------------------------------------


class _Retainer:
    """A retainer's fee per month over one stretch of earning days (inclusive): whole months earn the fee, the
    stretch's first and last months their days' share (half up)."""

    def __init__(self, fee: Decimal, lo: date, hi: date) -> None:
        self.fee = fee
        self.fee_cents = to_cents(fee)
        self.first, self.last = month_index(lo), month_index(hi)
        self.edges = {i: retainer_month_cents(fee, i, lo, hi) for i in {self.first, self.last}}

    def month(self, index: int) -> int:
        earned = self.edges.get(index)
        return self.fee_cents if earned is None else earned

    @property
    def months(self) -> int:
        return self.last - self.first + 1

    @property
    def total(self) -> int:
        return self.months * self.fee_cents + sum(e - self.fee_cents for e in self.edges.values())


def _retainers_of(
    project: Facts,
    inputs: Inputs,
    intervals: list[Interval],
    date_from: date | None,
    date_to: date | None,
    today: date,
) -> list[_Retainer]:
    """The stretches a retainer earns inside the range (MONEY.md §3): the days between its start date (else its first
    month with time) and its end date on which it was active or on hold, up to the end of this month."""
    fee = project.period_fee if project.period_fee is not None else project.fee
    start = project.start_date or inputs.first
    if not fee or start is None:
        return []
    out = []
    for stretch_from, stretch_to in intervals:
        lo = max(d for d in (start, stretch_from, date_from) if d is not None)
        hi = min(d for d in (project.end_date, stretch_to, date_to, month_end(today)) if d is not None)
        if lo <= hi:
            out.append(_Retainer(fee, lo, hi))
    return out


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

    def into(self, sums: Sums) -> None:
        if not self.running:
            return
        fee = running = 0
        for index in range(min(self.running), max(self.running) + 1):
            fee += self.fees.get(index, 0)
            running += self.running.get(index, 0)
            if running:
                _add(sums, _month_key(index), fee + self.adjust.get(index, 0))


def _retainer_by_person(retainer: _Retainer, inputs: Inputs, cents: dict[Any, int]) -> None:
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


def _retainer_cells(retainer: _Retainer, inputs: Inputs) -> list[tuple[int | None, int, int]]:
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


def _recognise_retainer(
    group_by: str,
    project: Facts,
    retainer: _Retainer,
    inputs: Inputs,
    sums: Sums,
    month_fees: _MonthFees,
    person_cents: dict[Any, int],
) -> None:
    """A retainer in the base currency: by person into `person_cents`, by month into `month_fees`, else its total
    under the project's key."""
    if group_by == "person":
        _retainer_by_person(retainer, inputs, person_cents)
    elif group_by == "month":
        month_fees.add(retainer)
    else:
        _add(sums, _project_key(group_by, project), retainer.total)


# --- Every recognised or foreign project ----------------------------------------------------------------------------


class Context:
    """What recognition needs beyond each project's inputs: the range, the rates, and the history the rules read."""

    def __init__(
        self,
        *,
        group_by: str,
        rates: ExchangeRates,
        date_from: date | None,
        date_to: date | None,
        today: date,
        base: str,
        intervals: dict[int, list[Interval]],
        terms: dict[int, Terms],
        days: dict[int, list[tuple[date, int, int, int]]],
    ) -> None:
        self.group_by, self.rates, self.base, self.today = group_by, rates, base, today
        self.date_from, self.date_to = date_from, date_to
        self.intervals, self.terms, self.days = intervals, terms, days
        self.write_downs: list[WriteDown] = []


def recognise(projects: dict[int, Facts], inputs: dict[int, Inputs], sums: Sums, ctx: Context) -> None:
    """Add the revenue of fixed-fee, retainer and foreign-currency projects to the rows' sums (cents); a fixed fee
    whose change orders cut it below what was earned notes its write-downs in `ctx.write_downs`."""
    month_fees = _MonthFees()
    empty = Inputs()
    person_cents: dict[Any, int] = {}  # by person: recognised cents per person, added to `sums` once at the end
    group_by = ctx.group_by
    for project in projects.values():
        got = inputs.get(project.pk, empty)
        billing = project.billing
        if project.currency != ctx.base or project.pk in ctx.terms:
            _cells_into(project, _cells(project, got, ctx), sums, ctx)
        elif billing == Billing.FIXED_FEE:
            _recognise_fixed_fee(group_by, project, got, sums, person_cents)
        elif billing == Billing.RETAINER:
            for retainer in _retainers_of(
                project, got, ctx.intervals.get(project.pk, []), ctx.date_from, ctx.date_to, ctx.today
            ):
                _recognise_retainer(group_by, project, retainer, got, sums, month_fees, person_cents)
    month_fees.into(sums)
    for person, cents in person_cents.items():
        _add(sums, person, cents)


def _cells(project: Facts, inputs: Inputs, ctx: Context) -> list[tuple[int | None, int, int]]:
    """(person, month index, cents in the project's currency) of a project read per cell: a fixed fee or retainer in
    another currency, or a fixed fee whose terms changed. (Time and materials in any currency is the entries' stored
    base amounts, summed with the rest in `read.by_key`.)"""
    billing = project.billing
    if billing == Billing.FIXED_FEE:
        terms = ctx.terms.get(project.pk)
        if terms is not None:
            return _changed_fee_cells(project, terms, ctx.days.get(project.pk, []), ctx)
        return _fixed_fee_cells(project, inputs)
    if billing == Billing.RETAINER:
        cells: list[tuple[int | None, int, int]] = []
        for retainer in _retainers_of(
            project, inputs, ctx.intervals.get(project.pk, []), ctx.date_from, ctx.date_to, ctx.today
        ):
            cells.extend(_retainer_cells(retainer, inputs))
        return cells
    return []


def _cells_into(project: Facts, cells: list[tuple[int | None, int, int]], sums: Sums, ctx: Context) -> None:
    """Cells into the rows' sums, converted into the base currency at the month's end rate (or the range's end)."""
    foreign = project.currency != ctx.base
    if foreign and not ctx.rates.has(project.currency):
        ctx.rates.missing.add(project.currency)  # never counted 1:1: left out, with a warning
        return
    for person, index, cents in cells:
        if foreign:
            month = month_of_index(index)
            on = min(month_end(month), ctx.date_to) if ctx.date_to else month_end(month)
            cents = to_cents(ctx.rates.convert(from_cents(cents), project.currency, on))
        if ctx.group_by == "person":
            key: Any = person
        elif ctx.group_by == "month":
            key = _month_key(index)
        else:
            key = _project_key(ctx.group_by, project)
        _add(sums, key, cents)


# --- A fixed fee whose terms changed --------------------------------------------------------------------------------


class WriteDown(NamedTuple):
    project_id: int
    month: str
    cents: int
    change_orders: list[TermsChange]


def _earned(project: Facts, terms: Terms, day: date | None, minutes: int, bill: int) -> int:
    """R(t) in cents with the fee and budget minutes in force on `day` (MONEY.md §3)."""
    fee, budget = terms.on(day)
    fee = max(fee, ZERO)
    if project.budget:
        return fixed_fee_curve(fee, max(budget, 1))(minutes)
    return fixed_fee_curve(fee, 0)(bill)


# Complexity: one walk over the days and month ends, the revenue of each month being R(its end) - R(the last).
def _changed_fee_cells(
    project: Facts, terms: Terms, days: list[tuple[date, int, int, int]], ctx: Context
) -> list[tuple[int | None, int, int]]:
    """A month's revenue is R(end of month) - R(end of the previous month), each as it stood then: a change order
    moves only the month it is approved in and later, and a fee cut below what was earned is a write-down there.
    `days`: (day, person, minutes, billable bill cents) of every entry up to the range's end, by day."""
    date_from, date_to = ctx.date_from, ctx.date_to
    events = [d for d, *_ in days] + [c.on for c in terms.changes]
    if not events:
        return []
    end = date_to or max([ctx.today, *events])
    start = date_from or min(events)
    if start > end:
        return []
    i, minutes, bill = 0, 0, 0
    while i < len(days) and days[i][0] < start:
        minutes, bill, i = minutes + days[i][2], bill + days[i][3], i + 1
    last = _earned(project, terms, start - timedelta(days=1), minutes, bill) if date_from else 0
    out: list[tuple[int | None, int, int]] = []
    month = month_start(start)
    while month <= end:
        point = min(month_end(month), end)
        people: dict[int | None, int] = {}
        while i < len(days) and days[i][0] <= point:
            _, who, m, b = days[i]
            minutes, bill, i = minutes + m, bill + b, i + 1
            people[who] = people.get(who, 0) + m
        now = _earned(project, terms, point, minutes, bill)
        earned, last = now - last, now
        if earned:
            index = month_index(month)
            for person, share in split_cents(earned, people).items():
                out.append((person, index, share))
            if earned < 0:
                ctx.write_downs.append(
                    WriteDown(project.pk, _month_key(index), earned, terms.approved_between(month, point))
                )
        month = next_month(month)
    return out
