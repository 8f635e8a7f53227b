"""`/api/v1/project-budgets`, `/reports/budget-burn` and `/reports/scope-changes`."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate
from baton.core.schemas import InputSchema, StrictSchema
from baton.finance import selectors, services
from baton.finance.models import ProjectBudget
from baton.finance.selectors.burn import Burn
from baton.rates.selectors import money_project_get

router = Router(tags=["budgets"])


class ProjectBudgetIn(InputSchema):
    retainer_rollover: bool | None = Field(None, description="Unused retainer minutes carry into the next period.")
    rollover_cap_minutes: int | None = Field(None, ge=0, description="At most this many minutes carry over.")
    notes: str | None = Field(None, max_length=5000)
    version: int | None = None


class ProjectBudgetOut(Schema):
    id: int | None
    project_id: int
    billing: str
    currency: str
    budget_amount: Decimal = Field(..., description="The project's budget (a T&M project's cap; 0: uncapped).")
    budget_minutes: int
    period_budget_amount: Decimal | None
    period_budget_minutes: int | None
    retainer_rollover: bool
    rollover_cap_minutes: int | None
    notes: str
    version: int

    @staticmethod
    def resolve_billing(obj: Any) -> str:
        return str(obj.project.billing)

    @staticmethod
    def resolve_currency(obj: Any) -> str:
        return str(obj.project.currency)

    @staticmethod
    def resolve_budget_amount(obj: ProjectBudget) -> Decimal:
        return obj.project.budget_amount

    @staticmethod
    def resolve_budget_minutes(obj: ProjectBudget) -> int:
        return obj.project.budget_minutes

    @staticmethod
    def resolve_period_budget_amount(obj: ProjectBudget) -> Decimal | None:
        return obj.project.period_budget_amount

    @staticmethod
    def resolve_period_budget_minutes(obj: ProjectBudget) -> int | None:
        return obj.project.period_budget_minutes


class ProjectBudgetFilters(ListParams):
    project_id: int | None = None


@router.get("/project-budgets", response={200: Page[ProjectBudgetOut], **ERRORS})
def list_project_budgets(request: HttpRequest, filters: Query[ProjectBudgetFilters]) -> Any:
    """Budget settings of the projects whose money the caller sees (only projects with settings are listed)."""
    return paginate(selectors.project_budget_list(actor=actor_of(request), project_id=filters.project_id), filters)


@router.put("/project-budgets/{project_id}", response={200: ProjectBudgetOut, **ERRORS})
def put_project_budget(request: HttpRequest, project_id: int, payload: ProjectBudgetIn) -> Any:
    """Set a project's budget settings (created on first use). The budget amounts themselves live on the project
    and move only through approved change orders."""
    actor = actor_of(request)
    project = money_project_get(actor=actor, project_id=project_id)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    return services.project_budget_update(actor=actor, project=project, version=version, **changes)


class BurnParams(StrictSchema):
    project_id: int
    period: dt.date | None = Field(None, description="A retainer's period: any day of the month (default: now).")


class BurnOut(Schema):
    project_id: int
    billing: str
    currency: str
    budget_amount: Decimal = Field(..., description="The budget (a retainer: this period's, with rollover).")
    spent_amount: Decimal = Field(..., description="bill_amount of billable entries + billable expenses.")
    burn_pct: float | None = Field(..., description="spent_amount / budget_amount x 100; null without a budget.")
    budget_minutes: int
    spent_minutes: int = Field(..., description="Every minute logged, billable or not.")
    minutes_pct: float | None
    forecast_at_completion: Decimal = Field(
        ...,
        description="spent_amount + remaining estimate minutes x (spent_amount / spent_minutes); a retainer's "
        "period: the pace so far extended to the period's end.",
    )
    forecast_minutes: int
    remaining_estimate_minutes: int
    billable_minutes: int
    expenses_amount: Decimal
    period: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    rollover_minutes: int = 0
    thresholds_crossed: list[int]
    level: int = Field(..., description="The highest threshold reached: 0, 50, 80 or 100.")


def burn_out(burn: Burn) -> dict[str, Any]:
    return {
        **{k: getattr(burn, k) for k in BurnOut.model_fields if hasattr(burn, k)},
        "burn_pct": float(burn.burn_pct) if burn.burn_pct is not None else None,
        "minutes_pct": float(burn.minutes_pct) if burn.minutes_pct is not None else None,
        "level": burn.level,
    }


@router.get("/reports/budget-burn", response={200: BurnOut, **ERRORS}, tags=["reports"])
def budget_burn(request: HttpRequest, params: Query[BurnParams]) -> Any:
    """Budget burn of one project (owner/admin/finance; its PM; its client's AM)."""
    burn = selectors.budget_burn_for(actor=actor_of(request), project_id=params.project_id, period=params.period)
    return burn_out(burn)


class ScopeParams(StrictSchema):
    project_id: int


class BaselineOut(Schema):
    budget_amount: Decimal
    budget_minutes: int
    end_date: dt.date | None
    task_ids: list[int]
    frozen_at: datetime
    frozen: bool = Field(..., description="false: derived (the project has not frozen one yet).")


class ScopeChangeOut(Schema):
    id: int
    title: str
    status: str
    amount_delta: Decimal
    minutes_delta: int
    requested_by: int | None
    requested_by_contact_id: int | None
    requested_on: dt.date
    decided_at: datetime | None
    task_ids: list[int]


class UnmanagedOut(Schema):
    task_id: int
    title: str
    created_at: datetime
    minutes: int
    amount: Decimal


class ScopeOut(Schema):
    project_id: int
    currency: str
    budget_amount: Decimal
    budget_minutes: int
    baseline: BaselineOut | None
    approved_amount: Decimal
    approved_minutes: int
    pending_amount: Decimal
    pending_minutes: int
    unexplained_amount: Decimal = Field(
        ..., description="Budget changes since the baseline that no change order or budget revision explains."
    )
    unexplained_minutes: int
    revised_amount: Decimal = Field(..., description="What the budget revisions since the baseline moved.")
    revised_minutes: int
    change_orders: list[ScopeChangeOut]
    unmanaged: list[UnmanagedOut] = Field(..., description="Tasks added after the baseline without a change order.")
    unmanaged_minutes: int
    unmanaged_amount: Decimal


@router.get("/reports/scope-changes", response={200: ScopeOut, **ERRORS}, tags=["reports"])
def scope_changes(request: HttpRequest, params: Query[ScopeParams]) -> Any:
    """The scope change log: the baseline, every change order, and unmanaged scope with the time logged on it."""
    log = selectors.scope_log_for(actor=actor_of(request), project_id=params.project_id)
    baseline = None
    if log.baseline is not None:
        b = log.baseline
        baseline = {
            "budget_amount": b.budget_amount,
            "budget_minutes": b.budget_minutes,
            "end_date": b.end_date,
            "task_ids": list(b.task_ids or []),
            "frozen_at": b.frozen_at,
            "frozen": log.frozen,
        }
    return {
        "project_id": log.project.pk,
        "currency": log.project.currency,
        "budget_amount": log.project.budget_amount,
        "budget_minutes": log.project.budget_minutes,
        "baseline": baseline,
        "approved_amount": log.approved_amount,
        "approved_minutes": log.approved_minutes,
        "pending_amount": log.pending_amount,
        "pending_minutes": log.pending_minutes,
        "unexplained_amount": log.unexplained_amount,
        "unexplained_minutes": log.unexplained_minutes,
        "revised_amount": log.revised_amount,
        "revised_minutes": log.revised_minutes,
        "change_orders": [
            {
                "id": o.pk,
                "title": o.title,
                "status": o.status,
                "amount_delta": o.amount_delta,
                "minutes_delta": o.minutes_delta,
                "requested_by": o.requested_by_id,
                "requested_by_contact_id": o.requested_by_contact_id,
                "requested_on": o.requested_on,
                "decided_at": o.decided_at,
                "task_ids": sorted(t.pk for t in o.tasks.all()),
            }
            for o in log.change_orders
        ],
        "unmanaged": log.unmanaged,
        "unmanaged_minutes": log.unmanaged_minutes,
        "unmanaged_amount": log.unmanaged_amount,
    }
