"""`/client-goals` and the client report (`/clients/{id}/report/pdf`)."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, PDF_CONTENT, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema
from baton.relationships import selectors, services
from baton.relationships.api._common import _client
from baton.relationships.pdf import render_client_report

router = Router()


# --- Goals and the client report ---------------------------------------------------------------------------------


class GoalValueOut(Schema):
    recorded_on: date
    value: Decimal
    note: str


class GoalIn(InputSchema):
    client_id: int
    title: str = Field(..., min_length=1, max_length=200)
    metric: str = Field(..., min_length=1, max_length=200)
    unit: str = ""
    baseline: Decimal = Decimal("0")
    target: Decimal
    target_date: date | None = None
    description: str = ""
    lower_is_better: bool = False


class GoalPatch(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    metric: str | None = Field(None, min_length=1, max_length=200)
    unit: str | None = None
    baseline: Decimal | None = None
    target: Decimal | None = None
    target_date: date | None = None
    description: str | None = None
    lower_is_better: bool | None = None
    version: int | None = None


class GoalOut(Schema):
    id: int
    client_id: int
    title: str
    metric: str
    unit: str
    baseline: Decimal
    target: Decimal
    target_date: date | None
    description: str
    lower_is_better: bool
    source_handoff_id: int | None
    latest_value: Decimal | None
    progress_pct: Decimal | None
    values: list[GoalValueOut]
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_latest_value(obj: Any) -> Any:
        return selectors.goal_progress(obj)["latest_value"]

    @staticmethod
    def resolve_progress_pct(obj: Any) -> Any:
        return selectors.goal_progress(obj)["progress_pct"]

    @staticmethod
    def resolve_values(obj: Any) -> Any:
        return selectors.goal_progress(obj)["values"]


class GoalValueIn(InputSchema):
    value: Decimal
    recorded_on: date | None = None
    note: str = ""


class GoalFilters(ListParams):
    client_id: int | None = None


@router.get(
    "/client-goals",
    response={200: Page[GoalOut], **ERRORS},
    tags=["goals"],
    operation_id="baton_relationships_api_list_goals",
)
def list_goals(request: HttpRequest, filters: Query[GoalFilters]) -> Any:
    return paginate(selectors.goal_list(actor=actor_of(request), client_id=filters.client_id), filters)


@router.post(
    "/client-goals",
    response={201: GoalOut, **ERRORS},
    tags=["goals"],
    operation_id="baton_relationships_api_create_goal",
)
def create_goal(request: HttpRequest, payload: GoalIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    client = _client(actor, data.pop("client_id"))
    return Status(201, services.goal_create(actor=actor, client=client, **data))


@router.get(
    "/client-goals/{goal_id}",
    response={200: GoalOut, **ERRORS},
    tags=["goals"],
    operation_id="baton_relationships_api_get_goal",
)
def get_goal(request: HttpRequest, goal_id: int) -> Any:
    return selectors.goal_get(actor=actor_of(request), goal_id=goal_id)


@router.patch(
    "/client-goals/{goal_id}",
    response={200: GoalOut, **ERRORS},
    tags=["goals"],
    operation_id="baton_relationships_api_update_goal",
)
def update_goal(request: HttpRequest, goal_id: int, payload: GoalPatch) -> Any:
    actor = actor_of(request)
    goal = selectors.goal_get(actor=actor, goal_id=goal_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    services.goal_update(actor=actor, goal=goal, version=version, **changes)
    return selectors.goal_get(actor=actor, goal_id=goal_id)


@router.post(
    "/client-goals/{goal_id}/values",
    response={201: GoalOut, **ERRORS},
    tags=["goals"],
    operation_id="baton_relationships_api_record_goal_value",
)
def record_goal_value(request: HttpRequest, goal_id: int, payload: GoalValueIn) -> Any:
    actor = actor_of(request)
    goal = selectors.goal_get(actor=actor, goal_id=goal_id)
    services.goal_value_record(actor=actor, goal=goal, **payload.model_dump())
    return Status(201, selectors.goal_get(actor=actor, goal_id=goal_id))


@router.get(
    "/clients/{client_id}/report/pdf",
    response={200: None, **ERRORS},
    tags=["goals"],
    operation_id="baton_relationships_api_client_report_pdf",
    openapi_extra={"responses": {200: {"description": "The client report as a PDF", "content": PDF_CONTENT}}},
)
def client_report_pdf(request: HttpRequest, client_id: int) -> Any:
    """The client report as a PDF: progress against the client's goals, milestones, updates and decisions."""

    report = selectors.client_report(actor=actor_of(request), client_id=client_id)
    return FileResponse(
        io.BytesIO(render_client_report(report)),
        as_attachment=True,
        filename=f"client-report-{client_id}.pdf",
        content_type="application/pdf",
    )
