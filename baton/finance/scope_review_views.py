"""The project page's scope reviews block (registered in delivery's `PROJECT_PAGE_BLOCKS` by wiring.py) and the
form that records a review of a milestone."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.access import Actor
from baton.core.errors import BatonError
from baton.core.web import actor_required, get_actor
from baton.delivery.models import Milestone, Project
from baton.finance import selectors, services
from baton.finance.models import ChangeOrder, ScopeReview, ScopeReviewOutcome


def scope_review_block(actor: Actor, project: Project) -> dict[str, Any]:
    """Context for `finance/partials/_scope_reviews.html`: the project's reviews, the milestones done without one
    ("scope review due") and, for its manager, the form. Empty for roles that do not see the project's money."""
    probe = ScopeReview(project=project)
    if not access.allowed(actor, "scope_review", "view", probe):
        return {}
    reviews = list(selectors.scope_review_list(actor=actor, project_id=project.pk)[:50])
    due = list(selectors.scope_reviews_due(actor=actor).filter(project_id=project.pk))
    can_review = access.allowed(actor, "scope_review", "create", probe) and not project.archived_at
    return {
        "scope": {
            "reviews": reviews,
            "due": due,
            "can_review": can_review,
            "milestones": list(Milestone.objects.filter(project=project).order_by("due_date", "id"))
            if can_review
            else [],
            "change_orders": list(ChangeOrder.objects.filter(project=project).order_by("-requested_on", "-id"))
            if can_review
            else [],
            "outcomes": ScopeReviewOutcome.choices,
            "action": reverse("finance:scope_review_new", args=[project.pk]),
        }
    }


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


@require_POST
@actor_required
def scope_review_new(request: HttpRequest, project_id: int) -> HttpResponse:
    """Record a scope review of one of the project's milestones; back to the project page with what happened."""
    actor = get_actor(request)
    back = reverse("delivery:project_detail", args=[project_id]) + "#scope-reviews"
    milestone_id = _int(request.POST.get("milestone_id"))
    if milestone_id is None:
        messages.error(request, "Choose the milestone you reviewed.")
        return redirect(back)
    milestone = selectors.scope_review_milestone(actor=actor, milestone_id=milestone_id)
    if milestone.project_id != project_id:
        messages.error(request, "That milestone belongs to another project.")
        return redirect(back)
    try:
        review = services.scope_review_record(
            actor=actor,
            milestone=milestone,
            outcome=request.POST.get("outcome") or "",
            note=request.POST.get("note") or "",
            change_order_id=_int(request.POST.get("change_order_id")),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    except (BatonError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "detail", None) or str(exc) or "You may not review this scope.")
    else:
        messages.success(request, f"Scope review of “{milestone.name}” recorded: {review.get_outcome_display()}.")
    return redirect(back)
