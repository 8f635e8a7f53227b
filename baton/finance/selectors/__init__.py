"""Every read of finance: records through the acting membership, budget burn, the scope log, profitability.

Split by subject; import from here (`from baton.finance import selectors`).
"""

from __future__ import annotations

from baton.core.access import Actor
from baton.finance.selectors.burn import THRESHOLDS, Burn, budget_burn, burn_overview, burn_series
from baton.finance.selectors.records import (
    bill_rate_get,
    bill_rate_list,
    budget_burn_for,
    change_order_get,
    change_order_list,
    cost_rate_get,
    cost_rate_list,
    exchange_rate_list,
    expense_get,
    expense_list,
    invoice_get,
    invoice_list,
    money_project_get,
    money_project_table,
    project_budget_list,
    receivables,
    scope_log_for,
)
from baton.finance.selectors.reports import GROUPS, Report, Row, margin_trend, money_projects, profitability
from baton.finance.selectors.scope import ScopeLog, baseline_for, scope_log, unmanaged_task_ids

__all__ = [
    "GROUPS",
    "THRESHOLDS",
    "Burn",
    "Report",
    "Row",
    "ScopeLog",
    "baseline_for",
    "bill_rate_get",
    "bill_rate_list",
    "budget_burn",
    "budget_burn_for",
    "burn_overview",
    "burn_series",
    "change_order_get",
    "change_order_list",
    "cost_rate_get",
    "cost_rate_list",
    "exchange_rate_list",
    "expense_get",
    "expense_list",
    "invoice_get",
    "invoice_list",
    "margin_trend",
    "money_project_get",
    "money_project_table",
    "money_projects",
    "profitability",
    "project_budget_list",
    "receivables",
    "scope_log",
    "scope_log_for",
    "unmanaged_task_ids",
]


def home_figures(actor: Actor) -> dict[str, object] | None:
    """The finance block of the home page (owner, admin, finance): revenue and margin this month, budgets past 80 %."""
    from django.utils import timezone

    from baton.core import access
    from baton.finance.selectors.burn import month_start

    if actor.role not in access.ALL_MONEY:
        return None
    today = timezone.localdate()
    month = profitability(actor=actor, group_by="month", date_from=month_start(today), date_to=today, today=today)
    projects = list(money_project_table(actor=actor))
    burns = burn_overview(projects, today=today)
    over = sorted(
        ((p, burns[p.pk]) for p in projects if burns[p.pk].level >= 80),
        key=lambda pb: -(pb[1].level_pct or 0),
    )
    return {"month": month.totals, "currency": actor.workspace.currency, "over": over[:8]}
