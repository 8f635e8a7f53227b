"""`/api/v1/milestones/{id}/scope-review` (record one), `/api/v1/scope-reviews` (list) and
`/api/v1/scope-reviews/due` (milestones done without a review)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate
from baton.core.schemas import InputSchema
from baton.delivery.models import Milestone
from baton.finance import selectors, services
from baton.finance.models import ScopeReview

router = Router(tags=["scope reviews"])


class ScopeReviewIn(InputSchema):
    outcome: Literal["in_scope", "change_order_needed"]
    note: str = Field(
        "",
        max_length=5000,
        description="What grew beyond the scope (required with a change order "
        "needed, unless a change order is linked).",
    )
    change_order_id: int | None = Field(None, description="A change order of the same project (not with in_scope).")


class ScopeReviewOut(Schema):
    id: int
    project_id: int
    project_name: str
    milestone_id: int
    milestone_name: str
    outcome: str
    note: str
    change_order_id: int | None
    change_order_title: str | None
    reviewed_by_id: int | None
    reviewed_by_name: str | None
    reviewed_at: datetime
    created_at: datetime

    @staticmethod
    def resolve_project_name(obj: ScopeReview) -> str:
        return obj.project.name

    @staticmethod
    def resolve_milestone_name(obj: ScopeReview) -> str:
        return obj.milestone.name

    @staticmethod
    def resolve_change_order_title(obj: ScopeReview) -> str | None:
        return obj.change_order.title if obj.change_order_id and obj.change_order else None

    @staticmethod
    def resolve_reviewed_by_name(obj: ScopeReview) -> str | None:
        return obj.reviewed_by.name if obj.reviewed_by_id and obj.reviewed_by else None


class ScopeReviewFilters(ListParams):
    project_id: int | None = None
    milestone_id: int | None = None


class DueOut(Schema):
    milestone_id: int
    milestone_name: str
    project_id: int
    project_name: str
    due_date: date | None
    completed_at: datetime | None

    @staticmethod
    def resolve_milestone_id(obj: Milestone) -> int:
        return obj.pk

    @staticmethod
    def resolve_milestone_name(obj: Milestone) -> str:
        return obj.name

    @staticmethod
    def resolve_project_name(obj: Milestone) -> str:
        return obj.project.name


class DueFilters(ListParams):
    project_manager_id: int | None = Field(None, description="Only the projects this person manages.")


@router.post("/milestones/{milestone_id}/scope-review", response={201: ScopeReviewOut, **ERRORS})
def record_scope_review(request: HttpRequest, milestone_id: int, payload: ScopeReviewIn) -> Any:
    """The project's manager (or an owner/admin) records whether the work is still in scope at this milestone or
    needs a change order (a note saying what, or the change order itself)."""
    actor = actor_of(request)
    milestone = selectors.scope_review_milestone(actor=actor, milestone_id=milestone_id)
    review = services.scope_review_record(actor=actor, milestone=milestone, **payload.model_dump())
    return Status(201, selectors.scope_review_list(actor=actor).get(pk=review.pk))


@router.get("/scope-reviews", response={200: Page[ScopeReviewOut], **ERRORS})
def list_scope_reviews(request: HttpRequest, filters: Query[ScopeReviewFilters]) -> Any:
    qs = selectors.scope_review_list(
        actor=actor_of(request), project_id=filters.project_id, milestone_id=filters.milestone_id
    )
    return paginate(qs, filters)


@router.get("/scope-reviews/due", response={200: Page[DueOut], **ERRORS})
def list_scope_reviews_due(request: HttpRequest, filters: Query[DueFilters]) -> Any:
    """Milestones done without a scope review ("scope review due"), on live projects whose money you see."""
    qs = selectors.scope_reviews_due(actor=actor_of(request), managed_by=filters.project_manager_id)
    return paginate(qs, filters)
