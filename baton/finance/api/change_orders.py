"""`/api/v1/change-orders`."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import (
    ERRORS,
    MONEY,
    ListParams,
    Page,
    actor_of,
    body_doc,
    optional_body,
    paginate,
    requested_version,
)
from baton.core.schemas import InputSchema
from baton.finance import selectors, services
from baton.finance.models import ChangeOrder

router = Router(tags=["change orders"])

StatusName = Literal["draft", "submitted", "approved", "rejected"]


class ChangeOrderIn(InputSchema):
    project_id: int
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    amount_delta: Decimal = Field(
        Decimal("0.00"), max_digits=14, decimal_places=2, description=MONEY + " May be negative (scope taken out)."
    )
    minutes_delta: int = Field(0, description="Whole minutes; may be negative.")
    requested_by: int | None = Field(None, description="The requesting person's id (defaults to the caller).")
    requested_by_contact_id: int | None = Field(None, description="The client contact who asked, when it was them.")
    requested_on: dt.date | None = Field(None, description="Defaults to today.")
    status: Literal["draft", "submitted"] = "draft"
    task_ids: list[int] = Field(default_factory=list, description="Tasks this change covers (managed scope).")


class ChangeOrderPatch(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    amount_delta: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    minutes_delta: int | None = None
    requested_by: int | None = None
    requested_by_contact_id: int | None = None
    requested_on: dt.date | None = None
    task_ids: list[int] | None = None
    version: int | None = None


class DecisionIn(InputSchema):
    reason: str = Field("", max_length=5000)


class ChangeOrderOut(Schema):
    id: int
    project_id: int
    project_name: str
    client_id: int
    currency: str
    title: str
    description: str
    amount_delta: Decimal
    minutes_delta: int
    requested_by: int | None
    requested_by_name: str | None
    requested_by_contact_id: int | None
    requested_on: dt.date
    status: str
    task_ids: list[int]
    submitted_at: datetime | None
    decided_at: datetime | None
    decided_by_id: int | None
    decision_reason: str
    budget_amount_before: Decimal | None
    budget_minutes_before: int | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_project_name(obj: ChangeOrder) -> str:
        return obj.project.name

    @staticmethod
    def resolve_client_id(obj: ChangeOrder) -> int:
        return obj.project.client_id

    @staticmethod
    def resolve_currency(obj: ChangeOrder) -> str:
        return obj.project.currency

    @staticmethod
    def resolve_requested_by(obj: ChangeOrder) -> int | None:
        return obj.requested_by_id

    @staticmethod
    def resolve_requested_by_name(obj: ChangeOrder) -> str | None:
        if obj.requested_by_contact_id and obj.requested_by_contact:
            return obj.requested_by_contact.name
        return obj.requested_by.name if obj.requested_by_id and obj.requested_by else None

    @staticmethod
    def resolve_task_ids(obj: ChangeOrder) -> list[int]:
        return sorted(t.pk for t in obj.tasks.all())


class ChangeOrderFilters(ListParams):
    project_id: int | None = None
    client_id: int | None = None
    status: StatusName | None = None


def _order(request: HttpRequest, change_order_id: int) -> ChangeOrder:
    return selectors.change_order_get(actor=actor_of(request), change_order_id=change_order_id)


@router.get("/change-orders", response={200: Page[ChangeOrderOut], **ERRORS})
def list_change_orders(request: HttpRequest, filters: Query[ChangeOrderFilters]) -> Any:
    qs = selectors.change_order_list(
        actor=actor_of(request), project_id=filters.project_id, status=filters.status, client_id=filters.client_id
    )
    return paginate(qs, filters)


@router.post("/change-orders", response={201: ChangeOrderOut, **ERRORS})
def create_change_order(request: HttpRequest, payload: ChangeOrderIn) -> Any:
    """Log a change request (draft or submitted). Nothing moves until it is approved."""
    order = services.change_order_create(actor=actor_of(request), **payload.model_dump())
    return Status(201, _order(request, order.pk))


@router.get("/change-orders/{change_order_id}", response={200: ChangeOrderOut, **ERRORS})
def get_change_order(request: HttpRequest, change_order_id: int) -> Any:
    return _order(request, change_order_id)


@router.patch("/change-orders/{change_order_id}", response={200: ChangeOrderOut, **ERRORS})
def update_change_order(request: HttpRequest, change_order_id: int, payload: ChangeOrderPatch) -> Any:
    actor = actor_of(request)
    order = _order(request, change_order_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    services.change_order_update(actor=actor, order=order, version=version, **changes)
    return _order(request, change_order_id)


@router.post("/change-orders/{change_order_id}/submit", response={200: ChangeOrderOut, **ERRORS})
def submit_change_order(request: HttpRequest, change_order_id: int) -> Any:
    services.change_order_submit(actor=actor_of(request), order=_order(request, change_order_id))
    return _order(request, change_order_id)


@router.post(
    "/change-orders/{change_order_id}/approve",
    response={200: ChangeOrderOut, **ERRORS},
    openapi_extra=body_doc(DecisionIn),
)
def approve_change_order(request: HttpRequest, change_order_id: int) -> Any:
    """Approve: the project's budget_amount and budget_minutes move by the deltas (and with them the forecast);
    `project.budget_changed` is recorded. 409 when already decided."""
    payload = optional_body(request, DecisionIn)
    services.change_order_approve(
        actor=actor_of(request), order=_order(request, change_order_id), reason=payload.reason
    )
    return _order(request, change_order_id)


@router.post(
    "/change-orders/{change_order_id}/reject",
    response={200: ChangeOrderOut, **ERRORS},
    openapi_extra=body_doc(DecisionIn),
)
def reject_change_order(request: HttpRequest, change_order_id: int) -> Any:
    payload = optional_body(request, DecisionIn)
    services.change_order_reject(actor=actor_of(request), order=_order(request, change_order_id), reason=payload.reason)
    return _order(request, change_order_id)
