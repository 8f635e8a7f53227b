"""Every write of finance: budgets, change orders, expenses, invoices and payments, plus the rate-card writes
finance's callers have always found here (they live in `baton.rates.services`; new code imports them from there).

Split by resource; import from here (`from baton.finance import services`).
"""

from baton.finance.services.budgets import (
    baseline_freeze,
    budget_check,
    budget_thresholds_check,
    project_budget_move,
    project_budget_settings,
    project_budget_update,
    scope_check_entry,
    sweep_budget_thresholds,
)
from baton.finance.services.change_orders import (
    CHANGE_ORDER_FIELDS,
    change_order_approve,
    change_order_create,
    change_order_reject,
    change_order_submit,
    change_order_update,
)
from baton.finance.services.expenses import (
    EXPENSE_FIELDS,
    billable_amount_of,
    expense_create,
    expense_delete,
    expense_update,
    expenses_missing_rates,
    expenses_reprice,
)
from baton.finance.services.invoices import (
    credit_note_create,
    invoice_create,
    invoice_delete,
    invoice_draft_from_fee,
    invoice_draft_from_retainer,
    invoice_draft_from_time,
    invoice_issue,
    invoice_update,
    invoice_void,
    line_amount,
    next_number,
    payment_record,
    totals_of,
)
from baton.rates.services import (
    bill_rate_create,
    bill_rate_delete,
    bill_rate_update,
    cost_rate_create,
    cost_rate_delete,
    exchange_rate_create,
)

__all__ = [
    "CHANGE_ORDER_FIELDS",
    "EXPENSE_FIELDS",
    "baseline_freeze",
    "bill_rate_create",
    "bill_rate_delete",
    "bill_rate_update",
    "billable_amount_of",
    "budget_check",
    "budget_thresholds_check",
    "change_order_approve",
    "change_order_create",
    "change_order_reject",
    "change_order_submit",
    "change_order_update",
    "cost_rate_create",
    "cost_rate_delete",
    "credit_note_create",
    "exchange_rate_create",
    "expense_create",
    "expense_delete",
    "expense_update",
    "expenses_missing_rates",
    "expenses_reprice",
    "invoice_create",
    "invoice_delete",
    "invoice_draft_from_fee",
    "invoice_draft_from_retainer",
    "invoice_draft_from_time",
    "invoice_issue",
    "invoice_update",
    "invoice_void",
    "line_amount",
    "next_number",
    "payment_record",
    "project_budget_move",
    "project_budget_settings",
    "project_budget_update",
    "scope_check_entry",
    "sweep_budget_thresholds",
    "totals_of",
]
