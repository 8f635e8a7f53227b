"""What finance wires at start-up: its event subscribers (a project going active freezes its scope baseline), the
periodic `budget_thresholds`, `invoices_overdue`, `invoice_reminders`, `recurring_invoices` and `retainer_rollover`
sweeps (and where a notification about an invoice or a bank statement links), its reaction, inside the logging
transaction, when time lands on a project, the records that fix the workspace's base currency (expenses, invoices,
recurring invoices, bank transactions), and, when an exchange rate is added, the base amounts of the expenses that
waited for it (they also answer rates' `missing_rates` question), and the amounts of its events that the event log
hides from those who may not see them (`register_event_secret`); and the project page's scope reviews block
(`scope_review_views.scope_review_block` in delivery's `PROJECT_PAGE_BLOCKS`)."""

from __future__ import annotations

from typing import Any

from baton.core import access, events
from baton.core.access import Actor
from baton.core.models import Event, Workspace
from baton.core.registry import register_event_secret, register_event_url, register_money_holder
from baton.delivery.views import PROJECT_PAGE_BLOCKS
from baton.finance import search, subscribers, sweeps  # noqa: F401
from baton.finance.models import BankTransaction, Expense, Invoice, RecurringInvoice
from baton.finance.scope_review_views import scope_review_block
from baton.finance.services.expenses import expenses_missing_rates, expenses_reprice
from baton.rates.selectors import register_missing_rate_source

if scope_review_block not in PROJECT_PAGE_BLOCKS:
    PROJECT_PAGE_BLOCKS.append(scope_review_block)

for verb in subscribers.LOGGED_TIME_VERBS:
    events.on_emit(verb, subscribers.check_logged_time)
events.on_emit("time_entries.imported", subscribers.check_imported_time)


def _expenses(workspace: Workspace) -> int:
    return Expense.objects.filter(workspace=workspace).count()


def _invoices(workspace: Workspace) -> int:
    return Invoice.objects.filter(workspace=workspace).count()


def _recurring_invoices(workspace: Workspace) -> int:
    return RecurringInvoice.objects.filter(workspace=workspace).count()


def _bank_transactions(workspace: Workspace) -> int:
    return BankTransaction.objects.filter(workspace=workspace).count()


# MONEY.md §2: expenses and invoices (credit notes included) fix the workspace's base currency.
register_money_holder("expenses", _expenses)
register_money_holder("invoices", _invoices)
register_money_holder("recurring invoices", _recurring_invoices)
register_money_holder("bank transactions", _bank_transactions)


def reprice_expenses_on_new_rate(actor: Actor, rate: Any) -> None:
    expenses_reprice(actor=actor, currency=rate.currency, since=rate.effective_on)


events.on_emit("exchange_rate.created", reprice_expenses_on_new_rate)
register_missing_rate_source(expenses_missing_rates)
# A notification about an invoice (an `invoice.overdue` rule) links to its page.
register_event_url("invoice", "finance:invoice", "invoice_id")
register_event_url("bank_statement", "finance:bank_statement", "statement_id")


# The event log hides amounts from those who get 403 on them elsewhere (API.md Wave 2): the access rule of the
# resource's own endpoints, by role.
register_event_secret("invoice.*", keys=("total", "amount_paid", "balance_due", "changes"), resource="invoice")
register_event_secret("payment.*", keys=("amount",), resource="invoice", label="a payment")  # "Payment of 1200.00"
register_event_secret("change_order.*", keys=("amount_delta", "changes.amount_delta"), resource="change_order")
# The budget moves by the change order's amount: before and after would tell it.
register_event_secret("project.budget_changed", keys=("budget_amount",), resource="change_order")
register_event_secret("quote.*", keys=("subtotal", "total", "changes"), resource="quote")
register_event_secret("budget.*", keys=("budget_amount", "spent_amount"), resource="budget")
# Collections: what a bank transaction paid, and a whole statement's import, only to those who import statements.
register_event_secret("bank_transaction.*", keys=None, resource="bank_statement")
register_event_secret("bank_statement.*", keys=None, resource="bank_statement")
register_event_secret("recurring_invoice.*", keys=None, resource="recurring_invoice")


def _sees_expense_amounts(actor: Actor, event: Event) -> bool:
    """As the expense endpoints: money roles, and anyone their own expense (or one they recorded)."""
    if access.allowed(actor, "time_entry", "view_amounts"):
        return True
    data = event.data if isinstance(event.data, dict) else {}
    return actor.person_id is not None and actor.person_id in (event.actor_id, data.get("person_id"))


register_event_secret(
    "expense.*",
    keys=("amount", "billable_amount", "changes.amount", "changes.billable_amount", "changes.markup_pct"),
    check=_sees_expense_amounts,
)
