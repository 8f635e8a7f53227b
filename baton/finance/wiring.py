"""What finance wires at start-up: its event subscribers (a project going active freezes its scope baseline), the
periodic `budget_thresholds` sweep, its reaction, inside the logging transaction, when time lands on a project, the
records that fix the workspace's base currency (expenses, invoices), and, when an exchange rate is added, the base
amounts of the expenses that waited for it (they also answer rates' `missing_rates` question)."""

from __future__ import annotations

from typing import Any

from baton.core import events
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.registry import register_money_holder
from baton.finance import subscribers, sweeps  # noqa: F401
from baton.finance.models import Expense, Invoice
from baton.finance.services.expenses import expenses_missing_rates, expenses_reprice
from baton.rates.selectors import register_missing_rate_source

for verb in subscribers.LOGGED_TIME_VERBS:
    events.on_emit(verb, subscribers.check_logged_time)


def _expenses(workspace: Workspace) -> int:
    return Expense.objects.filter(workspace=workspace).count()


def _invoices(workspace: Workspace) -> int:
    return Invoice.objects.filter(workspace=workspace).count()


# MONEY.md §2: expenses and invoices (credit notes included) fix the workspace's base currency.
register_money_holder("expenses", _expenses)
register_money_holder("invoices", _invoices)


def reprice_expenses_on_new_rate(actor: Actor, rate: Any) -> None:
    expenses_reprice(actor=actor, currency=rate.currency, since=rate.effective_on)


events.on_emit("exchange_rate.created", reprice_expenses_on_new_rate)
register_missing_rate_source(expenses_missing_rates)
