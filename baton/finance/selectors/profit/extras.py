"""The profitability report's money that is not time (MONEY.md §3, §4): expenses (their cost is cost on every billing
type; billable ones also earn their billable amount, cost plus markup) and issued credit notes against a project
(they reduce its revenue on their issue date, as their own line), each on its own date, in the base currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce

from baton.finance.models import Expense, Invoice, InvoiceKind, InvoiceStatus
from baton.finance.selectors.profit.history import status_rows
from baton.finance.selectors.recognition import to_cents
from baton.rates.models import ExchangeRate
from baton.rates.selectors import ExchangeRates
from baton.timesheets.models import TimeEntry

# The field each grouping reads on an expense or a credit note (None: no such key; month: from the date).
EXPENSE_KEYS = {"client": "project__client_id", "project": "project_id", "person": "person_id", "month": "date"}
CREDIT_KEYS = {"client": "client_id", "project": "project_id", "person": None, "month": "issue_date"}
ISSUED = (InvoiceStatus.SENT, InvoiceStatus.PAID)
EXPENSE, CREDIT, WAITING, RATE, STATUS = 0, 1, 2, 3, 4  # the kinds of rows of the one query


def _in_range(field: str, date_from: date | None, date_to: date | None) -> Q:
    q = Q()
    if date_from is not None:
        q &= Q(**{f"{field}__gte": date_from})
    if date_to is not None:
        q &= Q(**{f"{field}__lte": date_to})
    return q


def _key(group_by: str, value: Any) -> Any:
    return f"{value:%Y-%m}" if group_by == "month" else value


class Extras:
    """What the report's one extras query found: its rows, the workspace's exchange rates and the status history rows
    (project, day, id, status) read with them."""

    def __init__(
        self, rows: list[tuple[Any, ...]], rates: ExchangeRates, statuses: list[tuple[int, date, int, str]]
    ) -> None:
        self.rows, self.rates, self.statuses = rows, rates, statuses


def read_extras(
    group_by: str,
    scope: Q,
    date_from: date | None,
    date_to: date | None,
    workspace_id: int,
    base: str,
    moved: list[int],
) -> Extras:
    """One UNION query: the expenses per key and day (stored base amounts), the issued credit notes against a project,
    the first day each currency is waited for by time entries and expenses marked without an exchange rate, and the
    workspace's exchange rates and the status history of the retainers in `moved` (so the report needs no query of
    its own for them)."""
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=8)
    zero = Value(Decimal("0.00"), output_field=money)
    none = Value(None, output_field=IntegerField())
    expenses = (
        Expense.objects.filter(scope, _in_range("date", date_from, date_to))
        .annotate(_kind=Value(EXPENSE))
        .values_list(EXPENSE_KEYS[group_by], "_kind", Value(base), "date")
        .annotate(
            cost=Sum("amount_base", output_field=money),
            billable=Coalesce(Sum("billable_amount_base", filter=Q(billable=True), output_field=money), zero),
        )
        .order_by()
    )
    credit_key = CREDIT_KEYS[group_by]
    credits = (
        Invoice.objects.filter(
            scope,
            _in_range("issue_date", date_from, date_to),
            kind=InvoiceKind.CREDIT_NOTE,
            status__in=ISSUED,
            project__isnull=False,
        )
        .annotate(_key=F(credit_key) if credit_key else none, _kind=Value(CREDIT))
        .values_list("_key", "_kind", "currency", "issue_date")
        .annotate(cost=zero, billable=Sum("subtotal", output_field=money))
        .order_by()
    )
    # Records still waiting for an exchange rate: their figures show a warning (MONEY.md §2). Read by currency and day
    # without the range (the partial index on the few marked rows serves it; a date range would pick the date index
    # and scan the range's entries); the days outside the range are dropped in `apply_extras`.
    waiting = [
        model.objects.filter(scope, ~Q(missing_rate_currency=""))
        .annotate(_key=none, _kind=Value(WAITING))
        .values_list("_key", "_kind", "missing_rate_currency", "date")
        .annotate(cost=zero, billable=zero)
        .order_by()
        for model in (TimeEntry, Expense)
    ]
    rates = (
        ExchangeRate.objects.filter(workspace_id=workspace_id)
        .exclude(currency=base)
        .annotate(_key=none, _kind=Value(RATE), _rate=Cast("rate", money), _zero=zero)
        .values_list("_key", "_kind", "currency", "effective_on", "_rate", "_zero")
        .order_by()
    )
    parts: list[QuerySet[Any, tuple[Any, ...]]] = [credits, *waiting, rates]
    if moved:
        parts.append(
            status_rows(
                moved
            )  # ids in numeric columns: the first column takes the grouping key's type (a date by month)
            .annotate(_key=none, _kind=Value(STATUS), _project=Cast("project_id", money), _id=Cast("id", money))
            .values_list("_key", "_kind", "status", "on", "_project", "_id")
            .order_by()
        )
    rows = list(expenses.union(*parts, all=True))  # one query for all of them
    return Extras(
        [row for row in rows if row[1] in (EXPENSE, CREDIT, WAITING)],
        ExchangeRates.of_rows(base, [(row[2], row[3], row[4]) for row in rows if row[1] == RATE]),
        [(int(row[4]), row[3], int(row[5]), row[2]) for row in rows if row[1] == STATUS],
    )


def apply_extras(
    group_by: str,
    extras: Extras,
    base: str,
    sums: dict[Any, list[int]],
    date_from: date | None,
    date_to: date | None,
) -> dict[str, date]:
    """Add the expenses' cost (column 4) and billable amounts (revenue, column 2) and subtract the credit notes from
    revenue, per key, in cents. Expenses count their stored base amounts; a credit note in another currency converts
    at the rate in force on its date. Returns the currencies some figure of the range waits an exchange rate for,
    with the first day that needs one (time entries and expenses marked when saved; credit notes without a rate are
    left out)."""
    rates = extras.rates
    waits: dict[str, date] = {}
    for key, kind, currency, day, cost, amount in extras.rows:
        if kind == WAITING:
            if (date_from is None or day >= date_from) and (date_to is None or day <= date_to):
                waits[currency] = min(day, waits.get(currency, day))
            continue
        acc = _acc(sums, _key(group_by, day if group_by == "month" else key))
        if kind == EXPENSE:  # stored in the base currency when saved
            acc[4] += to_cents(cost)
            acc[2] += to_cents(amount)
        elif rates.has(currency):
            acc[2] -= _cents(rates, abs(amount), currency, day)
        else:
            waits[currency] = min(day, waits.get(currency, day))
    return waits


def _acc(sums: dict[Any, list[int]], key: Any) -> list[int]:
    acc = sums.get(key)
    if acc is None:
        acc = sums[key] = [0, 0, 0, 0, 0]
    return acc


def _cents(rates: ExchangeRates | None, amount: Decimal, currency: str, day: date) -> int:
    if rates is None or currency == rates.base:
        return to_cents(amount)
    return to_cents(rates.convert(amount, currency, day))
