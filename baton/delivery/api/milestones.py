"""`/api/v1/milestones`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, MONEY, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema, Money
from baton.delivery import selectors, services
from baton.delivery.api._common import _budgets_visible, _in_body
from baton.delivery.models import Milestone

router = Router(tags=["projects"])
MilestoneStatusName = Literal["open", "done"]


# --- Milestones -------------------------------------------------------------------------------------------------


class MilestoneIn(InputSchema):
    project_id: int
    name: str = Field(..., min_length=1, max_length=200)
    due_date: date | None = None
    status: MilestoneStatusName = "open"
    amount: Money | None = Field(None, ge=0, description="For milestone billing (optional). " + MONEY)


class MilestonePatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    due_date: date | None = None
    status: MilestoneStatusName | None = None
    amount: Money | None = Field(None, ge=0)
    version: int | None = None


class MilestoneOut(Schema):
    id: int
    project_id: int
    client_id: int
    name: str
    due_date: date | None
    status: str
    amount: Decimal | None = Field(None, description="Null for client-role users.")
    completed_at: datetime | None
    task_count: int
    open_task_count: int
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_client_id(obj: Milestone) -> int:
        return obj.project.client_id

    @staticmethod
    def resolve_amount(obj: Milestone, context: dict[str, Any]) -> Decimal | None:
        return obj.amount if _budgets_visible(context) else None

    @staticmethod
    def resolve_task_count(obj: Milestone) -> int:
        return getattr(obj, "task_count", 0)

    @staticmethod
    def resolve_open_task_count(obj: Milestone) -> int:
        return getattr(obj, "open_task_count", 0)


class MilestoneFilters(ListParams):
    project_id: int | None = None
    client_id: int | None = None
    status: MilestoneStatusName | None = None


@router.get(
    "/milestones",
    response={200: Page[MilestoneOut], **ERRORS},
    tags=["milestones"],
    operation_id="baton_delivery_api_list_milestones",
)
def list_milestones(request: HttpRequest, filters: Query[MilestoneFilters]) -> Any:
    qs = selectors.milestone_list(
        actor=actor_of(request),
        project_id=filters.project_id,
        status=filters.status,
        client_id=filters.client_id,
        counts=False,
    )
    return paginate(qs, filters, then=selectors.with_milestone_task_counts)


@router.post(
    "/milestones",
    response={201: MilestoneOut, **ERRORS},
    tags=["milestones"],
    operation_id="baton_delivery_api_create_milestone",
)
def create_milestone(request: HttpRequest, payload: MilestoneIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    project = _in_body("project_id", selectors.project_get, actor=actor, project_id=data.pop("project_id"))
    milestone = services.milestone_create(actor=actor, project=project, **data)
    return Status(201, selectors.milestone_get(actor=actor, milestone_id=milestone.pk))


@router.get(
    "/milestones/{milestone_id}",
    response={200: MilestoneOut, **ERRORS},
    tags=["milestones"],
    operation_id="baton_delivery_api_get_milestone",
)
def get_milestone(request: HttpRequest, milestone_id: int) -> Any:
    return selectors.milestone_get(actor=actor_of(request), milestone_id=milestone_id)


@router.patch(
    "/milestones/{milestone_id}",
    response={200: MilestoneOut, **ERRORS},
    tags=["milestones"],
    operation_id="baton_delivery_api_update_milestone",
)
def update_milestone(request: HttpRequest, milestone_id: int, payload: MilestonePatch) -> Any:
    actor = actor_of(request)
    milestone = selectors.milestone_get(actor=actor, milestone_id=milestone_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    services.milestone_update(actor=actor, milestone=milestone, version=version, **changes)
    return selectors.milestone_get(actor=actor, milestone_id=milestone_id)


@router.post(
    "/milestones/{milestone_id}/complete",
    response={200: MilestoneOut, **ERRORS},
    tags=["milestones"],
    operation_id="baton_delivery_api_complete_milestone",
)
def complete_milestone(request: HttpRequest, milestone_id: int) -> Any:
    actor = actor_of(request)
    services.milestone_complete(actor=actor, milestone=selectors.milestone_get(actor=actor, milestone_id=milestone_id))
    return selectors.milestone_get(actor=actor, milestone_id=milestone_id)


@router.delete(
    "/milestones/{milestone_id}",
    response={204: None, **ERRORS},
    tags=["milestones"],
    operation_id="baton_delivery_api_delete_milestone",
)
def delete_milestone(request: HttpRequest, milestone_id: int) -> Any:
    actor = actor_of(request)
    services.milestone_delete(actor=actor, milestone=selectors.milestone_get(actor=actor, milestone_id=milestone_id))
    return Status(204, None)
