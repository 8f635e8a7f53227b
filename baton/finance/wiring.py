"""What finance wires at start-up: its event subscribers (a project going active freezes its scope baseline), the
periodic `budget_thresholds` sweep, its reaction, inside the logging transaction, when time lands on a project, and
the records that fix the workspace's base currency (expenses, invoices)."""

from __future__ import annotations

from baton.core import events
from baton.core.models import Workspace
from baton.core.registry import register_money_holder
from baton.finance import subscribers, sweeps  # noqa: F401
from baton.finance.models import Expense, Invoice

for verb in subscribers.LOGGED_TIME_VERBS:
    events.on_emit(verb, subscribers.check_logged_time)


def _expenses(workspace: Workspace) -> int:
    return Expense.objects.filter(workspace=workspace).count()


def _invoices(workspace: Workspace) -> int:
    return Invoice.objects.filter(workspace=workspace).count()


# MONEY.md §2: expenses and invoices (credit notes included) fix the workspace's base currency.
register_money_holder("expenses", _expenses)
register_money_holder("invoices", _invoices)
