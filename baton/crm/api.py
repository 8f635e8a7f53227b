"""`/api/v1/clients` and `/api/v1/contacts`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema
from baton.crm import selectors, services

router = Router(tags=["clients"])

ClientStatusName = Literal["prospect", "active", "paused", "churned"]


class ClientIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    status: ClientStatusName = "active"
    account_manager_id: int | None = None
    currency: str | None = Field(None, description="ISO 4217; defaults to the workspace's currency.")
    industry: str = ""
    website: str = ""
    notes: str = ""
    legal_name: str = Field("", max_length=200, description="The registered name invoices and e-invoices use.")
    address: str = Field("", description="Street, then postal code and city, one per line.")
    country: str = Field("", max_length=2, description="ISO 3166 two-letter code.")
    vat_id: str = Field("", max_length=40)
    number: str = Field("", max_length=60, description="The client's number in your books.")


class ClientPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    status: ClientStatusName | None = None
    account_manager_id: int | None = None
    currency: str | None = None
    industry: str | None = None
    website: str | None = None
    notes: str | None = None
    legal_name: str | None = Field(None, max_length=200)
    address: str | None = None
    country: str | None = Field(None, max_length=2)
    vat_id: str | None = Field(None, max_length=40)
    number: str | None = Field(None, max_length=60)
    version: int | None = None


class ClientOut(Schema):
    id: int
    name: str
    status: str
    account_manager_id: int | None
    account_manager_name: str | None = None
    currency: str
    industry: str
    website: str
    notes: str
    legal_name: str
    address: str
    country: str
    vat_id: str
    number: str
    archived: bool
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    warnings: list[str] = Field(
        default_factory=list, description="E.g. the AM's portfolio passes the workspace maximum (warn mode)."
    )

    @staticmethod
    def resolve_warnings(obj: Any) -> list[str]:
        return list(getattr(obj, "warnings", []))

    @staticmethod
    def resolve_account_manager_name(obj: Any) -> str | None:
        return obj.account_manager.name if obj.account_manager_id else None

    @staticmethod
    def resolve_archived(obj: Any) -> bool:
        return obj.archived_at is not None


class ClientFilters(ListParams):
    status: ClientStatusName | None = None
    account_manager_id: int | None = None
    search: str | None = None
    archived: bool | None = Field(False, description="false (default): current clients; true: archived only.")


@router.get("/clients", response={200: Page[ClientOut], **ERRORS})
def list_clients(request: HttpRequest, filters: Query[ClientFilters]) -> Any:
    qs = selectors.client_list(
        actor=actor_of(request),
        status=filters.status,
        account_manager_id=filters.account_manager_id,
        search=filters.search,
        archived=filters.archived,
    )
    return paginate(qs, filters)


@router.post("/clients", response={201: ClientOut, **ERRORS})
def create_client(request: HttpRequest, payload: ClientIn) -> Any:
    return Status(201, services.client_create(actor=actor_of(request), **payload.model_dump()))


@router.get("/clients/{client_id}", response={200: ClientOut, **ERRORS})
def get_client(request: HttpRequest, client_id: int) -> Any:
    return selectors.client_get(actor=actor_of(request), client_id=client_id)


@router.patch("/clients/{client_id}", response={200: ClientOut, **ERRORS})
def update_client(request: HttpRequest, client_id: int, payload: ClientPatch) -> Any:
    actor = actor_of(request)
    client = selectors.client_get(actor=actor, client_id=client_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.client_update(actor=actor, client=client, version=version, **changes)


@router.post("/clients/{client_id}/archive", response={200: ClientOut, **ERRORS})
def archive_client(request: HttpRequest, client_id: int) -> Any:
    actor = actor_of(request)
    return services.client_archive(actor=actor, client=selectors.client_get(actor=actor, client_id=client_id))


@router.post("/clients/{client_id}/unarchive", response={200: ClientOut, **ERRORS})
def unarchive_client(request: HttpRequest, client_id: int) -> Any:
    actor = actor_of(request)
    return services.client_unarchive(actor=actor, client=selectors.client_get(actor=actor, client_id=client_id))


class ContactIn(InputSchema):
    client_id: int
    name: str = Field(..., min_length=1, max_length=200)
    email: str = ""
    phone: str = ""
    role: str = ""
    is_primary: bool = False
    is_billing: bool = Field(False, description="Invoices are e-mailed to billing contacts.")
    notes: str = ""


class ContactPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = None
    phone: str | None = None
    role: str | None = None
    is_primary: bool | None = None
    is_billing: bool | None = None
    notes: str | None = None
    version: int | None = None


class ContactOut(Schema):
    id: int
    client_id: int
    name: str
    email: str
    phone: str
    role: str
    is_primary: bool
    is_billing: bool
    notes: str
    created_at: datetime
    updated_at: datetime
    version: int


class ContactFilters(ListParams):
    client_id: int | None = None
    is_primary: bool | None = None
    search: str | None = None


@router.get("/contacts", response={200: Page[ContactOut], **ERRORS}, tags=["contacts"])
def list_contacts(request: HttpRequest, filters: Query[ContactFilters]) -> Any:
    qs = selectors.contact_list(
        actor=actor_of(request), client_id=filters.client_id, is_primary=filters.is_primary, search=filters.search
    )
    return paginate(qs, filters)


@router.post("/contacts", response={201: ContactOut, **ERRORS}, tags=["contacts"])
def create_contact(request: HttpRequest, payload: ContactIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    try:
        client = selectors.client_get(actor=actor, client_id=data.pop("client_id"))
    except Http404 as exc:
        raise ValidationError({"client_id": "No such client in this workspace."}) from exc
    return Status(201, services.contact_create(actor=actor, client=client, **data))


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, tags=["contacts"])
def get_contact(request: HttpRequest, contact_id: int) -> Any:
    return selectors.contact_get(actor=actor_of(request), contact_id=contact_id)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, tags=["contacts"])
def update_contact(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Any:
    actor = actor_of(request)
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.contact_update(actor=actor, contact=contact, version=version, **changes)


@router.delete("/contacts/{contact_id}", response={204: None, **ERRORS}, tags=["contacts"])
def delete_contact(request: HttpRequest, contact_id: int) -> Any:
    actor = actor_of(request)
    services.contact_delete(actor=actor, contact=selectors.contact_get(actor=actor, contact_id=contact_id))
    return Status(204, None)


# --- Deals ----------------------------------------------------------------------------------------------------

DealStageName = Literal["lead", "qualified", "proposal", "negotiation", "won", "lost"]
OpenStageName = Literal["lead", "qualified", "proposal", "negotiation"]


class DealIn(InputSchema):
    client_id: int
    name: str = Field(..., min_length=1, max_length=200)
    value: Decimal = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    currency: str | None = None
    stage: OpenStageName = "lead"
    probability: int | None = Field(None, ge=0, le=100, description="Defaults to the stage's usual probability.")
    expected_close: date | None = None
    owner_id: int | None = Field(None, description="Defaults to you.")
    contact_ids: list[int] = []
    expected_effort_minutes: int = Field(0, ge=0)
    effort_role: str = ""
    effort_weeks: int = Field(4, ge=1, le=104)
    recurring: bool = Field(False, description="Winning makes a retainer project and a recurring engagement.")
    term_months: int = Field(12, ge=1, le=120, description="A recurring deal's term; `value` is the whole term's.")
    service: str = Field("", max_length=100)
    template_id: int | None = None
    primary_goals: str = ""
    objections: str = ""
    agreed_deliverables: str = ""
    timeline_expectations: str = ""
    sales_commitments: str = ""
    notes: str = ""


class DealPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    value: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    currency: str | None = None
    stage: OpenStageName | None = None
    probability: int | None = Field(None, ge=0, le=100)
    expected_close: date | None = None
    owner_id: int | None = None
    contact_ids: list[int] | None = None
    expected_effort_minutes: int | None = Field(None, ge=0)
    effort_role: str | None = None
    effort_weeks: int | None = Field(None, ge=1, le=104)
    recurring: bool | None = None
    term_months: int | None = Field(None, ge=1, le=120)
    service: str | None = Field(None, max_length=100)
    template_id: int | None = None
    primary_goals: str | None = None
    objections: str | None = None
    agreed_deliverables: str | None = None
    timeline_expectations: str | None = None
    sales_commitments: str | None = None
    notes: str | None = None
    version: int | None = None


class DealOut(Schema):
    id: int
    client_id: int
    client_name: str
    name: str
    value: Decimal
    currency: str
    stage: str
    probability: int
    weighted_value: Decimal
    expected_close: date | None
    owner_id: int | None
    contact_ids: list[int]
    expected_effort_minutes: int
    effort_role: str
    effort_weeks: int
    recurring: bool
    term_months: int
    service: str
    template_id: int | None
    primary_goals: str
    objections: str
    agreed_deliverables: str
    timeline_expectations: str
    sales_commitments: str
    notes: str
    project_id: int | None
    handoff_id: int | None
    closed_on: date | None
    lost_reason: str
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_client_name(obj: Any) -> str:
        return obj.client.name

    @staticmethod
    def resolve_contact_ids(obj: Any) -> list[int]:
        return sorted(c.pk for c in obj.contacts.all())


class CapacityWeekOut(Schema):
    week: date = Field(description="The week's Monday.")
    demand_minutes: int = Field(description="The deal's effort that week, unweighted (what winning it asks).")
    free_minutes: int = Field(description="Capacity less bookings of everyone matching the need by skill or title.")
    covered: bool


class DealCapacityOut(Schema):
    role: str = Field(description="The deal's `effort_role` as written.")
    skill: str = Field(description="The need as a skill (lower case); empty when the deal names none.")
    matched_by: str
    weeks: list[CapacityWeekOut]
    short_weeks: int


class DealDetailOut(DealOut):
    capacity: DealCapacityOut | None = Field(
        None,
        description="Free capacity for the deal's need over its effort weeks; null once closed or not yours to see.",
    )


class DealFilters(ListParams):
    stage: DealStageName | None = None
    client_id: int | None = None
    owner_id: int | None = None
    open: bool = Field(False, description="Only open deals (lead to negotiation).")


class DealLoseIn(InputSchema):
    reason: str = ""


class BoardColumnOut(Schema):
    stage: str
    label: str
    count: int
    total_value: Decimal
    weighted_value: Decimal
    expected_effort_minutes: int
    weighted_effort_minutes: int
    deal_ids: list[int]

    @staticmethod
    def resolve_deal_ids(obj: Any) -> list[int]:
        return [d.pk for d in obj["deals"]]


class PipelineOpportunitiesOut(Schema):
    count: int = Field(description="Open growth opportunities (idea or proposed) that are not yet deals.")
    value: Decimal
    probability: int = Field(description="The probability they are weighted at (a deal's at `lead`).")
    weighted_value: Decimal


class BoardOut(Schema):
    columns: list[BoardColumnOut]
    open_deals: int
    open_value: Decimal
    weighted_open_value: Decimal = Field(description="The open deals' value x probability.")
    weighted_effort_minutes: int
    opportunities: PipelineOpportunitiesOut
    weighted_total_value: Decimal = Field(description="weighted_open_value + opportunities.weighted_value.")


def _deal_client(actor: Any, client_id: int) -> Any:
    try:
        return selectors.client_get(actor=actor, client_id=client_id)
    except Http404 as exc:
        raise ValidationError({"client_id": "No such client in this workspace."}) from exc


@router.get("/deals", response={200: Page[DealOut], **ERRORS}, tags=["deals"])
def list_deals(request: HttpRequest, filters: Query[DealFilters]) -> Any:
    qs = selectors.deal_list(
        actor=actor_of(request),
        stage=filters.stage,
        client_id=filters.client_id,
        owner_id=filters.owner_id,
        open_only=filters.open,
    )
    return paginate(qs, filters)


@router.post("/deals", response={201: DealOut, **ERRORS}, tags=["deals"])
def create_deal(request: HttpRequest, payload: DealIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    client = _deal_client(actor, data.pop("client_id"))
    return Status(201, services.deal_create(actor=actor, client=client, **data))


@router.get("/deals/board", response={200: BoardOut, **ERRORS}, tags=["deals"])
def deal_board(request: HttpRequest, owner_id: int | None = None) -> Any:
    columns, totals = selectors.pipeline(actor=actor_of(request), owner_id=owner_id)
    return {"columns": columns, **totals}


@router.get("/deals/{deal_id}", response={200: DealDetailOut, **ERRORS}, tags=["deals"])
def get_deal(request: HttpRequest, deal_id: int) -> Any:
    """The deal, with the capacity it would meet (`capacity`)."""
    actor = actor_of(request)
    deal = selectors.deal_get(actor=actor, deal_id=deal_id)
    deal.capacity = selectors.deal_capacity(actor=actor, deal=deal)  # type: ignore[attr-defined]
    return deal


@router.patch("/deals/{deal_id}", response={200: DealOut, **ERRORS}, tags=["deals"])
def update_deal(request: HttpRequest, deal_id: int, payload: DealPatch) -> Any:
    actor = actor_of(request)
    deal = selectors.deal_get(actor=actor, deal_id=deal_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.deal_update(actor=actor, deal=deal, version=version, **changes)


@router.post("/deals/{deal_id}/lose", response={200: DealOut, **ERRORS}, tags=["deals"])
def lose_deal(request: HttpRequest, deal_id: int, payload: DealLoseIn | None = None) -> Any:
    actor = actor_of(request)
    deal = selectors.deal_get(actor=actor, deal_id=deal_id)
    services.deal_lose(actor=actor, deal=deal, reason=payload.reason if payload else "")
    return selectors.deal_get(actor=actor, deal_id=deal.pk)
