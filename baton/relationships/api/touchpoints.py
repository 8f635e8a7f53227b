"""`/touchpoints` and `/next-steps`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema
from baton.relationships import selectors, services
from baton.relationships.api._common import SentimentName, TouchpointKindName, _client

router = Router()


# --- Touchpoints and next steps ---------------------------------------------------------------------------------


class NextStepIn(InputSchema):
    description: str = Field(..., min_length=1, max_length=500)
    owner_id: int | None = None
    owner_contact_id: int | None = None
    due_on: date | None = None


class NextStepOut(Schema):
    id: int
    touchpoint_id: int
    client_id: int
    description: str
    owner_id: int | None
    owner_contact_id: int | None
    due_on: date | None
    done: bool
    done_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_done(obj: Any) -> bool:
        return obj.done_at is not None


class TouchpointIn(InputSchema):
    client_id: int
    kind: TouchpointKindName
    occurred_at: datetime | None = None
    summary: str = Field(..., min_length=1)
    person_id: int | None = None
    contact_ids: list[int] = []
    attendees: list[str] = []
    discussed: str = ""
    decision_ids: list[int] = Field([], description="Decisions of the decision log (/decisions) taken here.")
    next_steps: list[NextStepIn] = []
    agenda_prepared: bool = False
    goal_report: bool = False
    sentiment: SentimentName = ""
    response_minutes: int | None = Field(None, ge=0)
    project_id: int | None = None
    milestone_id: int | None = None


class TouchpointPatch(InputSchema):
    kind: TouchpointKindName | None = None
    occurred_at: datetime | None = None
    summary: str | None = Field(None, min_length=1)
    contact_ids: list[int] | None = None
    attendees: list[str] | None = None
    discussed: str | None = None
    decision_ids: list[int] | None = None
    agenda_prepared: bool | None = None
    goal_report: bool | None = None
    sentiment: SentimentName | None = None
    response_minutes: int | None = None
    version: int | None = None


class TouchpointOut(Schema):
    id: int
    client_id: int
    kind: str
    occurred_at: datetime
    summary: str
    person_id: int | None
    contact_ids: list[int]
    attendees: list[str]
    discussed: str
    decision_ids: list[int]
    next_steps: list[NextStepOut]
    agenda_prepared: bool
    goal_report: bool
    sentiment: str
    response_minutes: int | None
    project_id: int | None
    milestone_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_contact_ids(obj: Any) -> list[int]:
        return sorted(c.pk for c in obj.contacts.all())

    @staticmethod
    def resolve_decision_ids(obj: Any) -> list[int]:
        return sorted(d.pk for d in obj.decisions.all())

    @staticmethod
    def resolve_next_steps(obj: Any) -> list[Any]:
        return list(obj.next_steps.all())


class TouchpointFilters(ListParams):
    client_id: int | None = None
    kind: TouchpointKindName | None = None
    person_id: int | None = None


@router.get(
    "/touchpoints",
    response={200: Page[TouchpointOut], **ERRORS},
    tags=["touchpoints"],
    operation_id="baton_relationships_api_list_touchpoints",
)
def list_touchpoints(request: HttpRequest, filters: Query[TouchpointFilters]) -> Any:
    qs = selectors.touchpoint_list(
        actor=actor_of(request), client_id=filters.client_id, kind=filters.kind, person_id=filters.person_id
    )
    return paginate(qs, filters)


@router.post(
    "/touchpoints",
    response={201: TouchpointOut, **ERRORS},
    tags=["touchpoints"],
    operation_id="baton_relationships_api_log_touchpoint",
)
def log_touchpoint(request: HttpRequest, payload: TouchpointIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    client = _client(actor, data.pop("client_id"))
    touchpoint = services.touchpoint_log(actor=actor, client=client, **data)
    return Status(201, selectors.touchpoint_get(actor=actor, touchpoint_id=touchpoint.pk))


@router.get(
    "/touchpoints/{touchpoint_id}",
    response={200: TouchpointOut, **ERRORS},
    tags=["touchpoints"],
    operation_id="baton_relationships_api_get_touchpoint",
)
def get_touchpoint(request: HttpRequest, touchpoint_id: int) -> Any:
    return selectors.touchpoint_get(actor=actor_of(request), touchpoint_id=touchpoint_id)


@router.patch(
    "/touchpoints/{touchpoint_id}",
    response={200: TouchpointOut, **ERRORS},
    tags=["touchpoints"],
    operation_id="baton_relationships_api_update_touchpoint",
)
def update_touchpoint(request: HttpRequest, touchpoint_id: int, payload: TouchpointPatch) -> Any:
    actor = actor_of(request)
    touchpoint = selectors.touchpoint_get(actor=actor, touchpoint_id=touchpoint_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    services.touchpoint_update(actor=actor, touchpoint=touchpoint, version=version, **changes)
    return selectors.touchpoint_get(actor=actor, touchpoint_id=touchpoint_id)


class NextStepFilters(ListParams):
    client_id: int | None = None
    owner_id: int | None = None
    open: bool = False


@router.get(
    "/next-steps",
    response={200: Page[NextStepOut], **ERRORS},
    tags=["touchpoints"],
    operation_id="baton_relationships_api_list_next_steps",
)
def list_next_steps(request: HttpRequest, filters: Query[NextStepFilters]) -> Any:
    qs = selectors.next_step_list(
        actor=actor_of(request), client_id=filters.client_id, owner_id=filters.owner_id, open_only=filters.open
    )
    return paginate(qs, filters)


@router.post(
    "/next-steps/{next_step_id}/complete",
    response={200: NextStepOut, **ERRORS},
    tags=["touchpoints"],
    operation_id="baton_relationships_api_complete_next_step",
)
def complete_next_step(request: HttpRequest, next_step_id: int) -> Any:
    actor = actor_of(request)
    return services.next_step_complete(
        actor=actor, step=selectors.next_step_get(actor=actor, next_step_id=next_step_id)
    )
