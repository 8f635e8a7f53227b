"""Every read of finance: records through the acting membership, budget burn, the scope log, profitability (rate
cards and who sees money: `baton.rates.selectors`).

Split by subject; import from here (`from baton.finance import selectors`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import DecimalField, IntegerField, OuterRef, Subquery, Sum
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.delivery.models import Billing, Project
from baton.finance.models import Expense
from baton.finance.selectors.burn import (
    THRESHOLDS,
    ZERO,
    Burn,
    _retainer_burn_of,
    budget_burn,
    burn_overview,
    burn_series,
    month_end,
    month_start,
    plain_burn,
    retainer_minutes_by_month_of,
)
from baton.finance.selectors.collections import (
    bank_review_queue,
    bank_statement_get,
    bank_statement_list,
    bank_transaction_get,
    recurring_invoice_get,
    recurring_invoice_list,
    reminder_schedule_of,
)
from baton.finance.selectors.profit import GROUPS, Report, Row, margin_trend, profitability
from baton.finance.selectors.records import (
    Receivable,
    Receivables,
    budget_burn_for,
    change_order_get,
    change_order_list,
    expense_get,
    expense_list,
    invoice_get,
    invoice_list,
    money_project_table,
    overdue_invoices,
    project_budget_list,
    receivables,
    scope_log_for,
)
from baton.finance.selectors.scope import ScopeLog, baseline_for, scope_log, unmanaged_task_ids
from baton.finance.selectors.scope_reviews import scope_review_list, scope_review_milestone, scope_reviews_due
from baton.rates.selectors import money_projects
from baton.timesheets import rollups
from baton.timesheets.models import TimeRollup

__all__ = [
    "GROUPS",
    "THRESHOLDS",
    "Burn",
    "Receivable",
    "Receivables",
    "Report",
    "Row",
    "ScopeLog",
    "bank_review_queue",
    "bank_statement_get",
    "bank_statement_list",
    "bank_transaction_get",
    "baseline_for",
    "budget_burn",
    "budget_burn_for",
    "burn_overview",
    "burn_series",
    "change_order_get",
    "change_order_list",
    "expense_get",
    "expense_list",
    "invoice_get",
    "invoice_list",
    "margin_trend",
    "money_project_table",
    "overdue_invoices",
    "profitability",
    "project_budget_list",
    "receivables",
    "recurring_invoice_get",
    "recurring_invoice_list",
    "reminder_schedule_of",
    "scope_log",
    "scope_log_for",
    "scope_review_list",
    "scope_review_milestone",
    "scope_reviews_due",
    "unmanaged_task_ids",
]


def home_figures(actor: Actor) -> dict[str, object] | None:
    """The finance block of the home page (owner, admin, finance): revenue and margin this month, budgets past 80 %,
    receivables and credits owed to clients."""
    if actor.role not in access.ALL_MONEY:
        return None
    today = timezone.localdate()
    month = profitability(actor=actor, group_by="month", date_from=month_start(today), date_to=today, today=today)
    projects, burns = current_burns(actor, today)
    over = sorted(
        ((p, burns[p.pk]) for p in projects if burns[p.pk].level >= 80),
        key=lambda pb: -(pb[1].level_pct or 0),
    )
    return {
        "month": month.totals,
        "currency": actor.workspace.currency,
        "over": over[:8],
        "receivables": receivables(actor=actor, today=today),
    }


def current_burns(actor: Actor, today: date, managed_by: int | None = None) -> tuple[list[Project], dict[int, Burn]]:
    """The current projects of `money_project_table` (client and budget settings joined) with the burn
    `burn_overview` gives each, read in one statement: the spend sums are correlated subqueries on the project rows
    (all time; for a retainer, the current month), plus one grouped query for the monthly minutes of retainers that
    roll unused time over. `managed_by` (a person id): only the projects that person manages (the PM's home), so the
    sums run over its projects and not the whole agency's."""
    period = month_start(today)
    end = month_end(period)

    def rollup_sum(field: str, billable: bool | None = None, month: bool = False) -> Subquery:
        rows = TimeRollup.objects.filter(project_id=OuterRef("pk"))
        if billable is not None:
            rows = rows.filter(billable=billable)
        if month:  # the period as `totals_by(month_split(period, end))` reads it: the month's rollup rows
            rows = rows.filter(month=period)
        return Subquery(
            rows.order_by().values("project_id").annotate(s=Sum(field)).values("s")[:1], output_field=IntegerField()
        )

    def expense_sum(month: bool = False) -> Subquery:
        rows = Expense.objects.filter(project_id=OuterRef("pk"), billable=True)
        if month:
            rows = rows.filter(date__gte=period, date__lte=end)
        return Subquery(
            rows.order_by().values("project_id").annotate(s=Sum("billable_amount")).values("s")[:1],
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )

    scope = money_projects(actor)
    if managed_by is not None:
        scope = scope.filter(project_manager_id=managed_by)
    projects: list[Project] = list(
        scope.filter(archived_at__isnull=True)
        .exclude(status__in=["done", "cancelled"])
        .select_related("client", "finance_budget")
        .only(  # what the burn and the home's table read (a thousand projects at scale)
            *("id", "name", "billing", "currency", "start_date", "client__name"),
            *("budget_amount", "budget_minutes", "period_budget_amount", "period_budget_minutes"),
            *(
                "finance_budget__project_id",
                "finance_budget__retainer_rollover",
                "finance_budget__rollover_cap_minutes",
            ),
        )
        .annotate(
            all_minutes=rollup_sum("minutes"),
            all_billable_minutes=rollup_sum("minutes", billable=True),
            all_bill_cents=rollup_sum("bill_cents", billable=True),
            all_expenses=expense_sum(),
            month_minutes=rollup_sum("minutes", month=True),
            month_billable_minutes=rollup_sum("minutes", billable=True, month=True),
            month_bill_cents=rollup_sum("bill_cents", billable=True, month=True),
            month_expenses=expense_sum(month=True),
        )
        .order_by("client__name", "name")
    )

    def settings_of(project: Project) -> Any:
        return getattr(project, "finance_budget", None)

    rolling = [
        p.pk
        for p in projects
        if p.billing == Billing.RETAINER
        and settings_of(p) is not None
        and settings_of(p).retainer_rollover
        and (p.period_budget_minutes if p.period_budget_minutes is not None else p.budget_minutes)
    ]
    used = retainer_minutes_by_month_of(rolling)
    burns: dict[int, Burn] = {}
    for p in projects:
        facts: Any = p
        if p.billing == Billing.RETAINER:
            expenses = facts.month_expenses or ZERO
            spent = {
                "minutes": int(facts.month_minutes or 0),
                "billable_minutes": int(facts.month_billable_minutes or 0),
                "amount": rollups.money(facts.month_bill_cents) + expenses,
                "expenses": expenses,
            }
            burns[p.pk] = _retainer_burn_of(
                p, period, today, settings_of(p), dict(sorted(used.get(p.pk, {}).items())), spent
            )
            continue
        expenses = facts.all_expenses or ZERO
        burns[p.pk] = plain_burn(
            p,
            spent=rollups.money(facts.all_bill_cents) + expenses,
            minutes=int(facts.all_minutes or 0),
            billable_minutes=int(facts.all_billable_minutes or 0),
            expenses=expenses,
        )
    return projects, burns
