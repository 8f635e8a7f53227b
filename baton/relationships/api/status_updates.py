"""`/status-updates`: draft, edit, send."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema
from baton.relationships import selectors, services
from baton.relationships.api._common import _client

router = Router()


# --- Status updates ------------------------------------------------------------------------------------------------


class StatusUpdateOut(Schema):
    id: int
    client_id: int
    week_start: date
    subject: str
    body: str
    compiled: dict[str, Any]
    status: str
    recipients: list[str]
    sent_at: datetime | None
    sent_by_id: int | None
    touchpoint_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int


class StatusDraftIn(InputSchema):
    client_id: int
    week_start: date | None = Field(None, description="Any day of the week; defaults to this week.")


class StatusPatch(InputSchema):
    subject: str | None = Field(None, min_length=1, max_length=300)
    body: str | None = Field(None, min_length=1)
    recipients: list[str] | None = None
    version: int | None = None


class StatusSendIn(InputSchema):
    recipients: list[str] | None = None


class StatusFilters(ListParams):
    client_id: int | None = None
    status: Literal["draft", "sent"] | None = None


@router.get(
    "/status-updates",
    response={200: Page[StatusUpdateOut], **ERRORS},
    tags=["status updates"],
    operation_id="baton_relationships_api_list_status_updates",
)
def list_status_updates(request: HttpRequest, filters: Query[StatusFilters]) -> Any:
    qs = selectors.status_update_list(actor=actor_of(request), client_id=filters.client_id, status=filters.status)
    return paginate(qs, filters)


@router.post(
    "/status-updates/draft",
    response={201: StatusUpdateOut, **ERRORS},
    tags=["status updates"],
    operation_id="baton_relationships_api_draft_status_update",
)
def draft_status_update(request: HttpRequest, payload: StatusDraftIn) -> Any:
    """Draft now: compile the week's events into the client's status update (re-drafts this week's draft)."""
    actor = actor_of(request)
    client = _client(actor, payload.client_id)
    return Status(201, services.status_update_draft(actor=actor, client=client, week_start=payload.week_start))


@router.get(
    "/status-updates/{status_update_id}",
    response={200: StatusUpdateOut, **ERRORS},
    tags=["status updates"],
    operation_id="baton_relationships_api_get_status_update",
)
def get_status_update(request: HttpRequest, status_update_id: int) -> Any:
    return selectors.status_update_get(actor=actor_of(request), status_update_id=status_update_id)


@router.patch(
    "/status-updates/{status_update_id}",
    response={200: StatusUpdateOut, **ERRORS},
    tags=["status updates"],
    operation_id="baton_relationships_api_edit_status_update",
)
def edit_status_update(request: HttpRequest, status_update_id: int, payload: StatusPatch) -> Any:
    actor = actor_of(request)
    update = selectors.status_update_get(actor=actor, status_update_id=status_update_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.status_update_edit(actor=actor, update=update, version=version, **changes)


@router.post(
    "/status-updates/{status_update_id}/send",
    response={200: StatusUpdateOut, **ERRORS},
    tags=["status updates"],
    operation_id="baton_relationships_api_send_status_update",
)
def send_status_update(request: HttpRequest, status_update_id: int, payload: StatusSendIn | None = None) -> Any:
    """E-mail it to the client; logs a `status_update` touchpoint."""
    actor = actor_of(request)
    update = selectors.status_update_get(actor=actor, status_update_id=status_update_id)
    return services.status_update_send(actor=actor, update=update, recipients=payload.recipients if payload else None)
