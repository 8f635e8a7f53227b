"""`/api/v1/decisions`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.access import Actor
from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema
from baton.crm.selectors import client_get
from baton.knowledge import selectors, services

router = Router(tags=["decisions"])


def _client_for_body(actor: Actor, client_id: int) -> Any:
    """A client named in a request body: unknown (or invisible) is a bad `client_id` (422), not a 404."""
    try:
        return client_get(actor=actor, client_id=client_id)
    except Http404 as exc:
        raise ValidationError({"client_id": "No such client in this workspace."}) from exc


class DecisionIn(InputSchema):
    client_id: int
    project_id: int | None = None
    task_id: int | None = Field(None, description="A task of the project (its project is filled in when omitted).")
    touchpoint_id: int | None = Field(None, description="The call or meeting where it was decided (optional).")
    title: str = Field(..., min_length=1, max_length=300)
    decision: str = Field(..., min_length=1, description="What was decided.")
    rationale: str = Field("", description="Why.")
    alternatives_rejected: list[str] = Field(default_factory=list, description="What was considered and rejected.")
    decided_by: int | None = Field(
        None, description="The person (a person id of this workspace) who decided. Either this or the contact."
    )
    decided_by_contact_id: int | None = Field(None, description="The client contact who decided, when it was theirs.")
    decided_on: date | None = Field(None, description="Defaults to today.")
    internal: bool = Field(False, description="The account team's own decision: the client never sees it.")


class DecisionPatch(InputSchema):
    project_id: int | None = None
    task_id: int | None = None
    touchpoint_id: int | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    decision: str | None = Field(None, min_length=1)
    rationale: str | None = None
    alternatives_rejected: list[str] | None = None
    decided_by: int | None = None
    decided_by_contact_id: int | None = None
    decided_on: date | None = None
    internal: bool | None = None
    version: int | None = None


class DecisionOut(Schema):
    id: int
    client_id: int
    project_id: int | None
    task_id: int | None
    touchpoint_id: int | None
    title: str
    decision: str
    rationale: str
    alternatives_rejected: list[str]
    decided_by: int | None = Field(None, description="The deciding person's id.")
    decided_by_name: str | None = None
    decided_by_contact_id: int | None
    decided_by_contact_name: str | None = None
    decided_on: date
    internal: bool
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_decided_by(obj: Any) -> int | None:
        return obj.decided_by_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_decided_by_name(obj: Any) -> str | None:
        return obj.decided_by.name if obj.decided_by_id else None

    @staticmethod
    def resolve_decided_by_contact_name(obj: Any) -> str | None:
        return obj.decided_by_contact.name if obj.decided_by_contact_id else None


class DecisionFilters(ListParams):
    client_id: int | None = None
    project_id: int | None = None
    task_id: int | None = None
    decided_by: int | None = None
    search: str | None = None


@router.get("/decisions", response={200: Page[DecisionOut], **ERRORS}, tags=["decisions"])
def list_decisions(request: HttpRequest, filters: Query[DecisionFilters]) -> Any:
    qs = selectors.decision_list(
        actor=actor_of(request),
        client_id=filters.client_id,
        project_id=filters.project_id,
        task_id=filters.task_id,
        decided_by=filters.decided_by,
        search=filters.search,
    )
    return paginate(qs, filters)


@router.post("/decisions", response={201: DecisionOut, **ERRORS}, tags=["decisions"])
def create_decision(request: HttpRequest, payload: DecisionIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    client = _client_for_body(actor, data.pop("client_id"))
    decision = services.decision_create(actor=actor, client=client, **data)
    return Status(201, selectors.decision_get(actor=actor, decision_id=decision.pk))


@router.get("/decisions/{decision_id}", response={200: DecisionOut, **ERRORS}, tags=["decisions"])
def get_decision(request: HttpRequest, decision_id: int) -> Any:
    return selectors.decision_get(actor=actor_of(request), decision_id=decision_id)


@router.patch("/decisions/{decision_id}", response={200: DecisionOut, **ERRORS}, tags=["decisions"])
def update_decision(request: HttpRequest, decision_id: int, payload: DecisionPatch) -> Any:
    actor = actor_of(request)
    decision = selectors.decision_get(actor=actor, decision_id=decision_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    services.decision_update(actor=actor, record=decision, version=version, **changes)
    return selectors.decision_get(actor=actor, decision_id=decision_id)
