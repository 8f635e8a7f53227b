"""`/growth-opportunities`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema
from baton.crm import selectors as crm_selectors
from baton.crm.api import DealOut, OpenStageName
from baton.relationships import deals, selectors, services
from baton.relationships.api._common import _client

router = Router()


# --- Growth opportunities -------------------------------------------------------------------------------------------

OpportunityStatusName = Literal["idea", "proposed", "won", "lost"]


class OpportunityIn(InputSchema):
    client_id: int
    title: str = Field(..., min_length=1, max_length=200)
    kind: Literal["upsell", "cross_sell"] = "upsell"
    value: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    status: OpportunityStatusName = "idea"
    owner_id: int | None = None
    notes: str = ""


class OpportunityPatch(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    kind: Literal["upsell", "cross_sell"] | None = None
    value: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    status: OpportunityStatusName | None = None
    owner_id: int | None = None
    notes: str | None = None
    version: int | None = None


class OpportunityOut(Schema):
    id: int
    client_id: int
    title: str
    kind: str
    value: Decimal
    status: str
    owner_id: int | None
    notes: str
    deal_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int


class OpportunityFilters(ListParams):
    client_id: int | None = None
    status: OpportunityStatusName | None = None


@router.get(
    "/growth-opportunities",
    response={200: Page[OpportunityOut], **ERRORS},
    tags=["growth opportunities"],
    operation_id="baton_relationships_api_list_opportunities",
)
def list_opportunities(request: HttpRequest, filters: Query[OpportunityFilters]) -> Any:
    qs = selectors.opportunity_list(actor=actor_of(request), client_id=filters.client_id, status=filters.status)
    return paginate(qs, filters)


@router.post(
    "/growth-opportunities",
    response={201: OpportunityOut, **ERRORS},
    tags=["growth opportunities"],
    operation_id="baton_relationships_api_create_opportunity",
)
def create_opportunity(request: HttpRequest, payload: OpportunityIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    client = _client(actor, data.pop("client_id"))
    return Status(201, services.opportunity_create(actor=actor, client=client, **data))


@router.get(
    "/growth-opportunities/{opportunity_id}",
    response={200: OpportunityOut, **ERRORS},
    tags=["growth opportunities"],
    operation_id="baton_relationships_api_get_opportunity",
)
def get_opportunity(request: HttpRequest, opportunity_id: int) -> Any:
    return selectors.opportunity_get(actor=actor_of(request), opportunity_id=opportunity_id)


@router.patch(
    "/growth-opportunities/{opportunity_id}",
    response={200: OpportunityOut, **ERRORS},
    tags=["growth opportunities"],
    operation_id="baton_relationships_api_update_opportunity",
)
def update_opportunity(request: HttpRequest, opportunity_id: int, payload: OpportunityPatch) -> Any:
    actor = actor_of(request)
    opp = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.opportunity_update(actor=actor, opportunity=opp, version=version, **changes)


class OpportunityDealIn(InputSchema):
    """What the new deal takes beyond the opportunity's own name, value, owner and notes (each may be overridden)."""

    name: str | None = Field(None, min_length=1, max_length=200)
    value: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    owner_id: int | None = None
    stage: OpenStageName | None = Field(None, description="Defaults to `proposal`.")
    probability: int | None = Field(None, ge=0, le=100)
    expected_close: date | None = None
    expected_effort_minutes: int | None = Field(None, ge=0)
    effort_role: str | None = None
    effort_weeks: int | None = Field(None, ge=1, le=104)
    recurring: bool | None = None
    term_months: int | None = Field(None, ge=1, le=120)
    service: str | None = Field(None, max_length=100)
    notes: str | None = None
    version: int | None = Field(None, description="The opportunity's version (or If-Match).")


@router.post(
    "/growth-opportunities/{opportunity_id}/deal",
    response={201: DealOut, **ERRORS},
    tags=["growth opportunities"],
    operation_id="baton_relationships_api_opportunity_to_deal",
)
def opportunity_to_deal(request: HttpRequest, opportunity_id: int, payload: OpportunityDealIn | None = None) -> Any:
    """Make the opportunity a deal in one step: prefilled from it, linked (`deal_id`), the opportunity `proposed`.
    409 when it already is a deal (or is won or lost)."""
    actor = actor_of(request)
    opp = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    data = payload.model_dump(exclude_unset=True) if payload else {}
    version = requested_version(request, data.pop("version", None))
    deal = deals.opportunity_to_deal(actor=actor, opportunity=opp, version=version, **data)
    return Status(201, crm_selectors.deal_get(actor=actor, deal_id=deal.pk))
