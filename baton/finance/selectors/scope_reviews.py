"""Reads of scope reviews at milestones: the reviews of the projects whose money the actor sees, and the milestones
done without a review ("scope review due"), each narrowed to the actor's projects."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from baton.core import access
from baton.core.access import Actor
from baton.core.selectors import one_or_404
from baton.delivery.models import Milestone, MilestoneStatus
from baton.finance.models import ScopeReview
from baton.rates.selectors import money_projects


def scope_review_list(
    *, actor: Actor, project_id: int | None = None, milestone_id: int | None = None
) -> QuerySet[ScopeReview]:
    """Scope reviews, newest first, of the projects whose money the actor sees (403 for members and clients)."""
    access.require(actor, "scope_review", "view")
    qs = ScopeReview.objects.filter(workspace=actor.workspace, project__in=money_projects(actor)).select_related(
        "project", "milestone", "change_order", "reviewed_by"
    )
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if milestone_id is not None:
        qs = qs.filter(milestone_id=milestone_id)
    return qs


def scope_review_milestone(*, actor: Actor, milestone_id: int) -> Milestone:
    """A milestone of a project whose money the actor sees (404 otherwise)."""
    return one_or_404(
        Milestone.objects.filter(workspace=actor.workspace, project__in=money_projects(actor))
        .select_related("project", "project__client")
        .filter(pk=milestone_id),
        "milestone",
    )


def scope_reviews_due(*, actor: Actor, managed_by: int | None = None) -> QuerySet[Milestone]:
    """Milestones done without any scope review, on live projects whose money the actor sees (`managed_by`: only
    the projects that person manages), the longest done first. 403 for members and clients."""
    access.require(actor, "scope_review", "view")
    qs = Milestone.objects.filter(
        workspace=actor.workspace,
        status=MilestoneStatus.DONE,
        project__in=money_projects(actor),
        project__archived_at__isnull=True,
    ).filter(~Exists(ScopeReview.objects.filter(milestone_id=OuterRef("pk"))))
    if managed_by is not None:
        qs = qs.filter(project__project_manager_id=managed_by)
    return qs.select_related("project").order_by("completed_at", "id")
