"""Scope reviews at milestones: the project's manager records whether the work is still in scope or needs a change
order (finance owns the scope baseline and change orders; delivery owns the milestone)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.services import validate
from baton.delivery.models import Milestone
from baton.finance.models import ChangeOrder, ScopeReview, ScopeReviewOutcome

NOTE_MAX = 5000


@transaction.atomic
def scope_review_record(
    *,
    actor: Actor,
    milestone: Milestone,
    outcome: str,
    note: str = "",
    change_order_id: int | None = None,
) -> ScopeReview:
    """Record a scope review of `milestone`: `in_scope`, or `change_order_needed` with a note saying what changed
    (and, when one exists, the change order of the same project). The project's manager, an owner or an admin;
    every bad field named at once (422)."""
    project = milestone.project
    review = ScopeReview(
        workspace=actor.workspace, project=project, milestone=milestone, reviewed_by_id=actor.person_id
    )
    access.require(actor, "scope_review", "create", review)
    errors: dict[str, str] = {}
    if outcome not in ScopeReviewOutcome.values:
        errors["outcome"] = f"Choose one of: {', '.join(ScopeReviewOutcome.values)}."
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        errors["note"] = f"At most {NOTE_MAX} characters."
    if outcome == ScopeReviewOutcome.CHANGE_ORDER_NEEDED and not text and change_order_id is None:
        errors["note"] = "Say what grew beyond the scope (or link the change order)."
    order: ChangeOrder | None = None
    if change_order_id is not None:
        if isinstance(change_order_id, bool) or not isinstance(change_order_id, int):
            errors["change_order_id"] = "Name the change order by id."
        else:
            order = ChangeOrder.objects.filter(workspace=actor.workspace, pk=change_order_id).first()
            if order is None or order.project_id != project.pk:
                errors["change_order_id"] = f"No such change order on “{project.name}”."
                order = None
        if outcome == ScopeReviewOutcome.IN_SCOPE:
            errors["change_order_id"] = "A review that finds the work in scope links no change order."
    review.outcome = outcome if "outcome" not in errors else ScopeReviewOutcome.IN_SCOPE
    review.note = text[:NOTE_MAX]
    review.change_order = order
    review.reviewed_at = timezone.now()
    validate(review, errors, exclude=["workspace", "project", "milestone", "change_order", "reviewed_by"])
    review.save()
    events.emit(
        actor,
        "scope_review.created",
        review,
        data=_data(review),
        client_id=project.client_id,
    )
    return review


def _data(review: ScopeReview) -> dict[str, Any]:
    return {
        "project_id": review.project_id,
        "milestone_id": review.milestone_id,
        "outcome": review.outcome,
        "change_order_id": review.change_order_id,
        "reviewed_by_id": review.reviewed_by_id,
    }
