"""`/api/v1/people`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.access import can_see_rates
from baton.core.api_support import (
    ERRORS,
    ListParams,
    Page,
    actor_of,
    body_doc,
    optional_body,
    paginate,
    requested_version,
)
from baton.core.money import to_money
from baton.core.schemas import InputSchema
from baton.people import selectors, services
from baton.people.models import Person

router = Router(tags=["people"])

RoleName = Literal["owner", "admin", "finance", "account_manager", "project_manager", "member", "client"]


class PersonIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    email: str = Field(..., min_length=3, max_length=254)
    role: RoleName = "member"
    title: str = ""
    weekly_capacity_minutes: int = Field(2400, ge=0, le=10080)
    working_days: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5])
    cost_rate: Decimal = Field(Decimal("0.00"), ge=0, max_digits=10, decimal_places=2)
    bill_rate: Decimal = Field(Decimal("0.00"), ge=0, max_digits=10, decimal_places=2)
    skills: list[str] = Field(default_factory=list)
    active: bool = True
    client_id: int | None = None
    lead_id: int | None = Field(None, description="The person this one reports to.")
    resource_manager: bool = Field(False, description="Plans the team's time: the resources home, books people.")
    password: str | None = Field(None, description="Optional: lets the person log in to the web UI at once.")


class PersonPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = Field(None, min_length=3, max_length=254)
    role: RoleName | None = None
    title: str | None = None
    weekly_capacity_minutes: int | None = Field(None, ge=0, le=10080)
    working_days: list[int] | None = None
    cost_rate: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    bill_rate: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    skills: list[str] | None = None
    active: bool | None = None
    client_id: int | None = None
    lead_id: int | None = None
    resource_manager: bool | None = Field(
        None, description="Plans the team's time (a capability, not a role): the resources home, books people."
    )
    successor_id: int | None = Field(
        None, description="With active: false, the person who takes over what this one holds (see /holdings)."
    )
    version: int | None = None


class PersonOut(Schema):
    id: int
    name: str
    email: str
    role: str
    title: str
    weekly_capacity_minutes: int
    working_days: list[int]
    cost_rate: Decimal | None = Field(None, description="Hidden (null) for roles that may not see rates.")
    bill_rate: Decimal | None = Field(None, description="Hidden (null) for roles that may not see rates.")
    skills: list[str]
    active: bool
    client_id: int | None
    lead_id: int | None
    resource_manager: bool
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_cost_rate(obj: Person, context: dict[str, Any]) -> Decimal | None:
        return obj.cost_rate if can_see_rates(context["request"].auth) else None

    @staticmethod
    def resolve_bill_rate(obj: Person, context: dict[str, Any]) -> Decimal | None:
        return obj.bill_rate if can_see_rates(context["request"].auth) else None


class PersonFilters(ListParams):
    role: str | None = None
    active: bool | None = None
    skill: str | None = None
    client_id: int | None = None
    lead_id: int | None = None
    search: str | None = Field(None, description="Part of a name or email.")


@router.get("/people", response={200: Page[PersonOut], **ERRORS})
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> Any:
    qs = selectors.person_list(
        actor=actor_of(request),
        role=filters.role,
        active=filters.active,
        skill=filters.skill,
        search=filters.search,
        client_id=filters.client_id,
        lead_id=filters.lead_id,
    )
    return paginate(qs, filters)


@router.post("/people", response={201: PersonOut, **ERRORS})
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    data = payload.model_dump()
    data["cost_rate"], data["bill_rate"] = to_money(data["cost_rate"]), to_money(data["bill_rate"])
    return Status(201, services.person_create(actor=actor_of(request), **data))


@router.get("/people/{person_id}", response={200: PersonOut, **ERRORS})
def get_person(request: HttpRequest, person_id: int) -> Any:
    return selectors.person_get(actor=actor_of(request), person_id=person_id)


@router.patch("/people/{person_id}", response={200: PersonOut, **ERRORS})
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> Any:
    actor = actor_of(request)
    person = selectors.person_get(actor=actor, person_id=person_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    for money_field in ("cost_rate", "bill_rate"):
        if changes.get(money_field) is not None:
            changes[money_field] = to_money(changes[money_field])
    return services.person_update(actor=actor, person=person, version=version, **changes)


class PersonArchiveIn(InputSchema):
    successor_id: int | None = Field(
        None,
        description="Who takes over what the person holds (open handoffs, next steps, clients, projects, tasks, "
        "future bookings). Required when they hold anything: without it the archive answers 409 listing it.",
    )


class HeldItemOut(Schema):
    id: int
    title: str


class HoldingOut(Schema):
    key: str = Field(
        ..., description="handoffs_owned, handoffs_received, next_steps, clients, projects, tasks, bookings"
    )
    label: str
    count: int
    items: list[HeldItemOut]


class HoldingsOut(Schema):
    person_id: int
    count: int = Field(..., description="Everything held, all kinds together; 0 when archiving needs no successor.")
    holdings: list[HoldingOut]


@router.get("/people/{person_id}/holdings", response={200: HoldingsOut, **ERRORS})
def person_holdings(request: HttpRequest, person_id: int) -> Any:
    """What the person holds that a successor must take over when they are archived."""
    actor = actor_of(request)
    held = services.holdings(actor=actor, person=selectors.person_get(actor=actor, person_id=person_id))
    rows = [
        {"key": s.key, "label": s.label, "count": len(items), "items": [{"id": i.id, "title": i.title} for i in items]}
        for s, items in held
    ]
    return {"person_id": person_id, "count": sum(r["count"] for r in rows), "holdings": rows}


@router.post(
    "/people/{person_id}/archive", response={200: PersonOut, **ERRORS}, openapi_extra=body_doc(PersonArchiveIn)
)
def archive_person(request: HttpRequest, person_id: int) -> Any:
    """Archive a person. When they hold open work, name a `successor_id` who receives it (409 listing it otherwise)."""
    actor = actor_of(request)
    body = optional_body(request, PersonArchiveIn)
    return services.person_archive(
        actor=actor, person=selectors.person_get(actor=actor, person_id=person_id), successor_id=body.successor_id
    )
