"""`/clients/{id}/protocol`, `/clients/{id}/cadence`, `/clients/{id}/health` and `/portfolio`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from baton.core import access
from baton.core.api import ChangeRequestOut, pending_response
from baton.core.api_support import ERRORS, actor_of
from baton.core.changes import apply_or_request
from baton.core.schemas import Day, InputSchema
from baton.relationships import process_changes, selectors, services

router = Router()


# --- Protocol, cadence, health, portfolio -----------------------------------------------------------------------


class ProtocolIn(InputSchema):
    channels: list[str] = []
    response_time_hours: int = Field(24, ge=1, le=720)
    update_every_days: int = Field(7, ge=1, le=365)
    meeting_every_days: int = Field(14, ge=1, le=365)
    strategic_review_every_days: int = Field(90, ge=1, le=730)
    onboarding_started_on: date | None = None
    onboarding_update_every_days: int = Field(1, ge=1, le=30)
    share_budget_with_client: bool = False
    notes: str = ""
    version: int | None = None


class ProtocolOut(Schema):
    id: int = Field(..., description="One protocol per client: its id is the client's id.")
    client_id: int
    channels: list[str]
    response_time_hours: int
    update_every_days: int
    meeting_every_days: int
    strategic_review_every_days: int
    onboarding_started_on: date | None
    onboarding_update_every_days: int
    share_budget_with_client: bool
    notes: str
    created_at: datetime | None
    updated_at: datetime | None
    version: int

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return int(obj.client_id)


@router.get(
    "/clients/{client_id}/protocol",
    response={200: ProtocolOut, **ERRORS},
    operation_id="baton_relationships_api_get_protocol",
)
def get_protocol(request: HttpRequest, client_id: int) -> Any:
    actor = actor_of(request)

    client = selectors.client_for(actor, client_id)
    access.require(actor, "protocol", "view")
    return services.protocol_for(client)


@router.put(
    "/clients/{client_id}/protocol",
    response={200: ProtocolOut, 202: ChangeRequestOut, **ERRORS},
    operation_id="baton_relationships_api_put_protocol",
)
def put_protocol(request: HttpRequest, client_id: int, payload: ProtocolIn) -> Any:
    """202 with the change request when the workspace requires an owner's approval of process changes."""
    actor = actor_of(request)
    client = selectors.client_for(actor, client_id)
    data = payload.model_dump()
    result = apply_or_request(actor=actor, kind=process_changes.PROTOCOL, action="update", target=client, payload=data)
    return pending_response(result) or result


class CadenceItemOut(Schema):
    item: str
    kind: str
    due_on: date
    due_date: date
    status: str
    overdue: bool
    days_overdue: int
    reason: str
    satisfied_by: list[str]
    milestone_id: int | None


class CadenceOut(Schema):
    client_id: int
    date: date
    phase: str
    onboarding_day: int | None
    due_count: int
    overdue_count: int
    items: list[CadenceItemOut] = Field(..., description="Due today or overdue, most overdue first by due date.")
    upcoming: list[CadenceItemOut]


@router.get(
    "/clients/{client_id}/cadence",
    response={200: CadenceOut, **ERRORS},
    operation_id="baton_relationships_api_get_cadence",
)
def get_cadence(request: HttpRequest, client_id: int, on: Day | None = None) -> Any:
    """What is due and overdue for this client today (or `on` a day), each with its due date and reason."""
    return selectors.cadence_for(actor=actor_of(request), client_id=client_id, today=on)


class SignalOut(Schema):
    name: str
    value: Any
    weight: int
    contribution: int
    explanation: str


class TrendOut(Schema):
    date: date
    score: int
    band: str


class HealthOut(Schema):
    client_id: int
    score: int
    band: str
    as_of: date = Field(..., description="The day the score is computed for: health is live (today), everywhere.")
    signals: list[SignalOut]
    trend: list[TrendOut] = Field(..., description="The daily snapshots, oldest first: history, not the score.")


@router.get(
    "/clients/{client_id}/health",
    response={200: HealthOut, **ERRORS},
    operation_id="baton_relationships_api_get_health",
)
def get_health(request: HttpRequest, client_id: int) -> Any:
    """An explainable 0-100 score: each signal's contribution adds up to the score; `trend` is the daily history."""
    return selectors.health_for(actor=actor_of(request), client_id=client_id)


class PortfolioRowOut(Schema):
    client_id: int
    client_name: str
    account_manager_id: int | None
    account_manager_name: str | None
    score: int = Field(..., description="Live health, the same as /clients/{id}/health.")
    band: str
    as_of: date
    cadence_due: int = Field(..., description="This client's items in cadence_due_today (due today or overdue).")
    cadence_overdue: int = Field(..., description="Of those, the overdue (due before today, not yet met).")
    open_escalations: Any
    top_risk: str


class DueItemOut(CadenceItemOut):
    client_id: int
    client_name: str


class PortfolioOut(Schema):
    count: int
    results: list[PortfolioRowOut]
    cadence_due_today: list[DueItemOut]


@router.get("/portfolio", response={200: PortfolioOut, **ERRORS}, operation_id="baton_relationships_api_get_portfolio")
def get_portfolio(request: HttpRequest, account_manager_id: int | None = None) -> Any:
    """Clients by risk (lowest health first) with today's cadence across them; an AM gets its own portfolio."""
    actor = actor_of(request)
    rows, due = selectors.portfolio_and_due(actor=actor, account_manager_id=account_manager_id)
    return {"count": len(rows), "results": rows, "cadence_due_today": due}
