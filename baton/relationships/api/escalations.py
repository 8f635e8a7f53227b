"""`/escalations`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate
from baton.core.schemas import InputSchema
from baton.relationships import selectors, services
from baton.relationships.api._common import _client

router = Router()


# --- Escalations ---------------------------------------------------------------------------------------------------


class EscalationIn(InputSchema):
    client_id: int
    title: str = Field(..., min_length=1, max_length=300)
    detail: str = ""
    assignee_id: int | None = Field(None, description="Defaults to the AM's lead, else an owner.")
    client_complained: bool = Field(False, description="Raised because the client complained (not before).")


class EscalationOut(Schema):
    id: int
    client_id: int
    rule: str
    title: str
    detail: str
    status: str
    assignee_id: int | None
    raised_by_id: int | None
    before_client_complaint: bool
    resolved_at: datetime | None
    resolved_by_id: int | None
    resolution_note: str
    created_at: datetime
    updated_at: datetime
    version: int


class AssignIn(InputSchema):
    assignee_id: int


class ResolveIn(InputSchema):
    note: str = ""


class EscalationFilters(ListParams):
    client_id: int | None = None
    status: Literal["open", "resolved"] | None = None
    assignee_id: int | None = None


@router.get(
    "/escalations",
    response={200: Page[EscalationOut], **ERRORS},
    tags=["escalations"],
    operation_id="baton_relationships_api_list_escalations",
)
def list_escalations(request: HttpRequest, filters: Query[EscalationFilters]) -> Any:
    qs = selectors.escalation_list(
        actor=actor_of(request), client_id=filters.client_id, status=filters.status, assignee_id=filters.assignee_id
    )
    return paginate(qs, filters)


@router.post(
    "/escalations",
    response={201: EscalationOut, **ERRORS},
    tags=["escalations"],
    operation_id="baton_relationships_api_open_escalation",
)
def open_escalation(request: HttpRequest, payload: EscalationIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    client = _client(actor, data.pop("client_id"))
    return Status(201, services.escalation_open(actor=actor, client=client, **data))


@router.get(
    "/escalations/{escalation_id}",
    response={200: EscalationOut, **ERRORS},
    tags=["escalations"],
    operation_id="baton_relationships_api_get_escalation",
)
def get_escalation(request: HttpRequest, escalation_id: int) -> Any:
    return selectors.escalation_get(actor=actor_of(request), escalation_id=escalation_id)


@router.post(
    "/escalations/{escalation_id}/assign",
    response={200: EscalationOut, **ERRORS},
    tags=["escalations"],
    operation_id="baton_relationships_api_assign_escalation",
)
def assign_escalation(request: HttpRequest, escalation_id: int, payload: AssignIn) -> Any:
    actor = actor_of(request)
    escalation = selectors.escalation_get(actor=actor, escalation_id=escalation_id)
    return services.escalation_assign(actor=actor, escalation=escalation, assignee_id=payload.assignee_id)


@router.post(
    "/escalations/{escalation_id}/resolve",
    response={200: EscalationOut, **ERRORS},
    tags=["escalations"],
    operation_id="baton_relationships_api_resolve_escalation",
)
def resolve_escalation(request: HttpRequest, escalation_id: int, payload: ResolveIn) -> Any:
    actor = actor_of(request)
    escalation = selectors.escalation_get(actor=actor, escalation_id=escalation_id)
    return services.escalation_resolve(actor=actor, escalation=escalation, note=payload.note)
