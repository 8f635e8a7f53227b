"""The profitability report's money that is not time (MONEY.md §3, §4): expenses (their cost is cost on every billing
type; billable ones also earn their billable amount, cost plus markup) and issued credit notes against a project
(they reduce its revenue on their issue date, as their own line), each on its own date, in the base currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce

from baton.finance.models import Expense, Invoice, InvoiceKind, InvoiceStatus
from baton.finance.selectors.recognition import to_cents
from baton.rates.selectors import ExchangeRates

# The field each grouping reads on an expense or a credit note (None: no such key; month: from the date).
EXPENSE_KEYS = {"client": "project__client_id", "project": "project_id", "person": "person_id", "month": "date"}
CREDIT_KEYS = {"client": "client_id", "project": "project_id", "person": None, "month": "issue_date"}
ISSUED = (InvoiceStatus.SENT, InvoiceStatus.PAID)


def _in_range(field: str, date_from: date | None, date_to: date | None) -> Q:
    q = Q()
    if date_from is not None:
        q &= Q(**{f"{field}__gte": date_from})
    if date_to is not None:
        q &= Q(**{f"{field}__lte": date_to})
    return q


def _key(group_by: str, value: Any) -> Any:
    return f"{value:%Y-%m}" if group_by == "month" else value


def expenses_and_credits(
    group_by: str,
    scope: Q,
    date_from: date | None,
    date_to: date | None,
    workspace_id: int,
    base: str,
    sums: dict[Any, list[int]],
) -> set[str]:
    """Add the expenses' cost (column 4) and billable amounts (revenue, column 2) and subtract the credit notes from
    revenue, per key, in cents. Amounts in another currency convert at the rate in force on their own date, each
    rounded (as stored amounts would be). Returns the currencies without an exchange rate."""
    money = DecimalField(max_digits=16, decimal_places=2)
    zero = Value(Decimal("0.00"), output_field=money)
    expenses = (
        Expense.objects.filter(scope, _in_range("date", date_from, date_to))
        .values_list(EXPENSE_KEYS[group_by], "currency", "date")
        .annotate(
            cost=Sum("amount", output_field=money),
            billable=Coalesce(Sum("billable_amount", filter=Q(billable=True), output_field=money), zero),
            credit=zero,
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
        .annotate(_key=F(credit_key) if credit_key else Value(None, output_field=IntegerField()))
        .values_list("_key", "currency", "issue_date")
        .annotate(cost=zero, billable=zero, credit=Sum("subtotal", output_field=money))
        .order_by()
    )
    rows = list(expenses.union(credits, all=True))  # one query for both
    currencies = {row[1] for row in rows}
    rates = ExchangeRates(workspace_id, base, currencies) if currencies - {base} else None
    for key, currency, day, cost, billable, credit in rows:
        acc = _acc(sums, _key(group_by, day if group_by == "month" else key))
        acc[4] += _cents(rates, cost, currency, day)
        acc[2] += _cents(rates, billable, currency, day) - _cents(rates, abs(credit), currency, day)
    return rates.missing if rates is not None else set()


def _acc(sums: dict[Any, list[int]], key: Any) -> list[int]:
    acc = sums.get(key)
    if acc is None:
        acc = sums[key] = [0, 0, 0, 0, 0]
    return acc


def _cents(rates: ExchangeRates | None, amount: Decimal, currency: str, day: date) -> int:
    if rates is None or currency == rates.base:
        return to_cents(amount)
    return to_cents(rates.convert(amount, currency, day))
