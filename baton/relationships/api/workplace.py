"""`/client-requests`, `/deliverables` and `/shared-files`: the portal as a workplace, for both sides (a client-role
token reads and writes its own client's only; anything else is 404)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate
from baton.core.schemas import InputSchema, Money
from baton.knowledge.api.comments import attachment_response
from baton.knowledge.files import ALLOWED_TYPES
from baton.relationships import selectors, services

router = Router()

KindName = Literal["change", "bug", "question", "new_work"]
PriorityName = Literal["low", "normal", "high", "urgent"]
StatusName = Literal["new", "triaged", "converted", "declined"]


# --- Client requests -----------------------------------------------------------------------------------------------


class ClientRequestIn(InputSchema):
    client_id: int | None = Field(None, description="A client-role token's own client when left out.")
    project_id: int | None = None
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    kind: KindName = "change"
    priority: PriorityName = "normal"


class ClientRequestOut(Schema):
    id: int
    client_id: int
    project_id: int | None
    title: str
    description: str
    kind: str
    priority: str
    status: str
    requested_by_id: int | None
    assignee_id: int | None
    triaged_at: datetime | None
    decline_reason: str
    closed_at: datetime | None
    closed_by_id: int | None
    task_id: int | None
    change_order_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int


class ClientRequestStaffOut(ClientRequestOut):
    triage_notes: str | None = Field(None, description="Internal: null for a client-role user.")


class TriageIn(InputSchema):
    priority: PriorityName | None = None
    assignee_id: int | None = None
    notes: str | None = None
    project_id: int | None = None


class ConvertIn(InputSchema):
    into: Literal["task", "change_order"]
    title: str | None = Field(None, max_length=200, description="The request's title when left out.")
    assignee_id: int | None = None
    estimate_minutes: int | None = Field(None, ge=0)
    due_date: date | None = None
    amount_delta: Money = Field(Decimal("0"), description="A change order's amount.")
    minutes_delta: int = Field(0, description="A change order's minutes.")
    submit: bool = Field(False, description="Submit the change order for the client's decision at once.")


class DeclineIn(InputSchema):
    reason: str = Field(..., min_length=1, description="The client reads it.")


class ClientRequestFilters(ListParams):
    client_id: int | None = None
    project_id: int | None = None
    status: StatusName | None = None
    kind: KindName | None = None
    priority: PriorityName | None = None


def _out(request: HttpRequest, req: Any) -> Any:
    """Staff see the triage notes; a client-role user never does (null)."""
    out = ClientRequestStaffOut.model_validate(req)
    if actor_of(request).is_client:
        out.triage_notes = None
    return out


@router.get(
    "/client-requests",
    response={200: Page[ClientRequestStaffOut], **ERRORS},
    tags=["client-requests"],
    operation_id="baton_relationships_api_list_client_requests",
)
def list_client_requests(request: HttpRequest, filters: Query[ClientRequestFilters]) -> Any:
    actor = actor_of(request)
    qs = selectors.client_request_list(
        actor=actor,
        client_id=filters.client_id,
        project_id=filters.project_id,
        status=filters.status,
        kind=filters.kind,
        priority=filters.priority,
    )
    page = paginate(qs, filters)
    page["results"] = [_out(request, r) for r in page["results"]]
    return page


@router.post(
    "/client-requests",
    response={201: ClientRequestStaffOut, **ERRORS},
    tags=["client-requests"],
    operation_id="baton_relationships_api_create_client_request",
)
def create_client_request(request: HttpRequest, payload: ClientRequestIn) -> Any:
    req = services.client_request_create(actor=actor_of(request), **payload.model_dump())
    return Status(201, _out(request, req))


@router.get(
    "/client-requests/{request_id}",
    response={200: ClientRequestStaffOut, **ERRORS},
    tags=["client-requests"],
    operation_id="baton_relationships_api_get_client_request",
)
def get_client_request(request: HttpRequest, request_id: int) -> Any:
    return _out(request, selectors.client_request_get(actor=actor_of(request), request_id=request_id))


@router.post(
    "/client-requests/{request_id}/triage",
    response={200: ClientRequestStaffOut, **ERRORS},
    tags=["client-requests"],
    operation_id="baton_relationships_api_triage_client_request",
)
def triage_client_request(request: HttpRequest, request_id: int, payload: TriageIn) -> Any:
    actor = actor_of(request)
    req = selectors.client_request_get(actor=actor, request_id=request_id)
    return _out(request, services.client_request_triage(actor=actor, request=req, **payload.model_dump()))


@router.post(
    "/client-requests/{request_id}/convert",
    response={200: ClientRequestStaffOut, **ERRORS},
    tags=["client-requests"],
    operation_id="baton_relationships_api_convert_client_request",
)
def convert_client_request(request: HttpRequest, request_id: int, payload: ConvertIn) -> Any:
    """Into exactly one task or change order on the request's project (422 naming `project_id` without one);
    converting a request that is no longer open answers 409."""
    actor = actor_of(request)
    req = selectors.client_request_get(actor=actor, request_id=request_id)
    return _out(request, services.client_request_convert(actor=actor, request=req, **payload.model_dump()))


@router.post(
    "/client-requests/{request_id}/decline",
    response={200: ClientRequestStaffOut, **ERRORS},
    tags=["client-requests"],
    operation_id="baton_relationships_api_decline_client_request",
)
def decline_client_request(request: HttpRequest, request_id: int, payload: DeclineIn) -> Any:
    actor = actor_of(request)
    req = selectors.client_request_get(actor=actor, request_id=request_id)
    return _out(request, services.client_request_decline(actor=actor, request=req, reason=payload.reason))


# --- Deliverables ----------------------------------------------------------------------------------------------


class DeliverableOut(Schema):
    task_id: int = Field(..., alias="id")
    title: str
    project_id: int
    client_id: int | None = Field(None, alias="project.client_id")
    status: str
    due_date: date | None
    updated_at: datetime


class DeliverableFilters(ListParams):
    client_id: int | None = None
    project_id: int | None = None


class DeliverableDecisionIn(InputSchema):
    comment: str = ""


class ApprovalOut(Schema):
    id: int
    task_id: int
    client_id: int
    decision: str
    comment: str
    decided_by_id: int | None
    decided_at: datetime
    created_at: datetime
    updated_at: datetime
    version: int


class ApprovalFilters(ListParams):
    client_id: int | None = None
    project_id: int | None = None
    task_id: int | None = None


@router.get(
    "/deliverables",
    response={200: Page[DeliverableOut], **ERRORS},
    tags=["deliverables"],
    operation_id="baton_relationships_api_list_deliverables",
)
def list_deliverables(request: HttpRequest, filters: Query[DeliverableFilters]) -> Any:
    """Deliverables waiting for the client's approval: its projects' tasks in review."""
    qs = selectors.deliverables_waiting(
        actor=actor_of(request), client_id=filters.client_id, project_id=filters.project_id
    )
    return paginate(qs, filters)


def _decide(request: HttpRequest, task_id: int, decision: str, comment: str) -> Any:
    actor = actor_of(request)
    task = selectors.deliverable_task_get(actor=actor, task_id=task_id)
    return services.deliverable_decide(actor=actor, task=task, decision=decision, comment=comment)


@router.post(
    "/deliverables/{deliverable_id}/approve",
    response={200: ApprovalOut, **ERRORS},
    tags=["deliverables"],
    operation_id="baton_relationships_api_approve_deliverable",
)
def approve_deliverable(request: HttpRequest, deliverable_id: int, payload: DeliverableDecisionIn) -> Any:
    """The task moves to done; `deliverable.approved`. A task not in review: 409."""
    return _decide(request, deliverable_id, "approved", payload.comment)


@router.post(
    "/deliverables/{deliverable_id}/request-changes",
    response={200: ApprovalOut, **ERRORS},
    tags=["deliverables"],
    operation_id="baton_relationships_api_request_deliverable_changes",
)
def request_deliverable_changes(request: HttpRequest, deliverable_id: int, payload: DeliverableDecisionIn) -> Any:
    """The task moves back to in progress; `deliverable.changes_requested`. The comment is required (422)."""
    return _decide(request, deliverable_id, "changes_requested", payload.comment)


@router.get(
    "/deliverable-approvals",
    response={200: Page[ApprovalOut], **ERRORS},
    tags=["deliverables"],
    operation_id="baton_relationships_api_list_deliverable_approvals",
)
def list_deliverable_approvals(request: HttpRequest, filters: Query[ApprovalFilters]) -> Any:
    qs = selectors.approval_list(
        actor=actor_of(request), client_id=filters.client_id, task_id=filters.task_id, project_id=filters.project_id
    )
    return paginate(qs, filters)


# --- Shared files ----------------------------------------------------------------------------------------------


class SharedFileOut(Schema):
    id: int
    client_id: int
    project_id: int | None
    request_id: int | None
    name: str
    content_type: str
    size: int
    shared_with_client: bool
    uploaded_by_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int


class SharedFileFilters(ListParams):
    client_id: int | None = None
    project_id: int | None = None
    request_id: int | None = None


@router.get(
    "/shared-files",
    response={200: Page[SharedFileOut], **ERRORS},
    tags=["shared-files"],
    operation_id="baton_relationships_api_list_shared_files",
)
def list_shared_files(request: HttpRequest, filters: Query[SharedFileFilters]) -> Any:
    """A project's files; a client-role token sees only those shared with its client."""
    qs = selectors.shared_file_list(
        actor=actor_of(request),
        client_id=filters.client_id,
        project_id=filters.project_id,
        request_id=filters.request_id,
    )
    return paginate(qs, filters)


@router.post(
    "/shared-files",
    response={201: SharedFileOut, **ERRORS},
    tags=["shared-files"],
    operation_id="baton_relationships_api_create_shared_file",
)
def create_shared_file(
    request: HttpRequest,
    file: File[UploadedFile],
    project_id: Form[int | None] = None,
    request_id: Form[int | None] = None,
    shared_with_client: Form[bool] = False,
) -> Any:
    """Upload (multipart/form-data: file, project_id or request_id, shared_with_client). Typed by content and
    limited in size like attachments; a client's upload is always shared with it."""
    actor = actor_of(request)
    req = None
    if request_id is not None:
        try:
            req = selectors.client_request_get(actor=actor, request_id=request_id)
        except Http404 as exc:
            raise ValidationError({"request_id": "No such request."}) from exc
    item = services.shared_file_create(
        actor=actor, upload=file, project_id=project_id, request=req, shared_with_client=shared_with_client
    )
    return Status(201, item)


@router.get(
    "/shared-files/{file_id}/download",
    response=ERRORS,
    tags=["shared-files"],
    operation_id="baton_relationships_api_download_shared_file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment, with its detected content type.",
                "content": {kind: {"schema": {"type": "string", "format": "binary"}} for kind in ALLOWED_TYPES},
            }
        }
    },
)
def download_shared_file(request: HttpRequest, file_id: int) -> Any:
    return attachment_response(selectors.shared_file_get(actor=actor_of(request), file_id=file_id))  # type: ignore[arg-type]
