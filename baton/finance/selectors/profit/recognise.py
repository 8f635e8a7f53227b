"""The profitability report's revenue recognition per billing type and month, in integer cents (the rules' arithmetic:
`baton/finance/selectors/recognition.py`): fixed fees by the curve R(x) month by month, retainers by their monthly
fee, other currencies per person x month cell converted at the month's end rate. Added to the rows' sums, which
`read.by_key` started."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from baton.delivery.models import Billing, ProjectStatus
from baton.finance.selectors.burn import month_end
from baton.finance.selectors.profit._common import ZERO, Facts, Inputs
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
        acc = sums[key] = [0, 0, 0, 0]
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


def _retainer_span(
    project: Facts, first: date | None, date_from: date | None, date_to: date | None, today: date
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


def _retainer_of(
    project: Facts, inputs: Inputs, date_from: date | None, date_to: date | None, today: date
) -> _Retainer | None:
    """The retainer's months in the range, or None when it earns nothing there (no fee, not started, planned)."""
    fee = project.period_fee if project.period_fee is not None else project.fee
    span = _retainer_span(project, inputs.first, date_from, date_to, today) if fee else None
    return _Retainer(fee, span, date_from, date_to) if span is not None else None


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


def recognise(
    group_by: str,
    projects: dict[int, Facts],
    inputs: dict[int, Inputs],
    sums: Sums,
    rates: ExchangeRates,
    date_from: date | None,
    date_to: date | None,
    today: date,
    base: str,
) -> None:
    """Add the revenue of fixed-fee, retainer and foreign-currency projects to the rows' sums (cents)."""
    month_fees = _MonthFees()
    empty = Inputs()
    person_cents: dict[Any, int] = {}  # by person: recognised cents per person, added to `sums` once at the end
    for project in projects.values():
        got = inputs.get(project.pk, empty)
        billing = project.billing
        if project.currency != base:
            _foreign(group_by, project, got, sums, rates, date_from, date_to, today)
        elif billing == Billing.FIXED_FEE:
            _recognise_fixed_fee(group_by, project, got, sums, person_cents)
        elif billing == Billing.RETAINER:
            retainer = _retainer_of(project, got, date_from, date_to, today)
            if retainer is not None:
                _recognise_retainer(group_by, project, retainer, got, sums, month_fees, person_cents)
    month_fees.into(sums)
    for person, cents in person_cents.items():
        _add(sums, person, cents)


def _foreign(
    group_by: str,
    project: Facts,
    inputs: Inputs,
    sums: Sums,
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
        retainer = _retainer_of(project, inputs, date_from, date_to, today)
        cells = _retainer_cells(retainer, inputs) if retainer is not None else []
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
