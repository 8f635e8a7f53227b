"""Project reviews: opened by an event or by hand, and completed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Event
from baton.core.services import bump_version
from baton.delivery.models import Project
from baton.growth.models import (
    ProjectReview,
    ReviewStatus,
    Trait,
)
from baton.growth.services._common import _creditable
from baton.people.models import Person

# --- Project reviews ----------------------------------------------------------------------------------------------


def review_open_for_event(event: Event) -> ProjectReview | None:
    """A project that went to done opens a review for its client's AM (once per project x AM)."""
    project = (
        Project.objects.select_related("client", "workspace")
        .filter(pk=event.target_id, workspace_id=event.workspace_id)
        .first()
    )
    if project is None or not project.client.account_manager_id:
        return None
    person = _creditable(event.workspace_id, project.client.account_manager_id)
    if person is None:
        return None
    return review_open(project=project, person=person)


@transaction.atomic
def review_open(*, project: Any, person: Person) -> ProjectReview:
    """Open the review of `person` (the client's AM) on a finished project, once."""
    review, created = ProjectReview.objects.get_or_create(
        project=project, person=person, defaults={"workspace_id": project.workspace_id}
    )
    if created:
        events.emit(
            Actor.system(project.workspace),
            "project_review.opened",
            review,
            data={"project_id": project.id, "person_id": person.id},
            client_id=project.client_id,
        )
    return review


@transaction.atomic
def review_complete(*, actor: Actor, review: ProjectReview, feedback: dict[str, str]) -> ProjectReview:
    """The AM's manager (or an owner/admin) writes the review: feedback per trait."""
    review = ProjectReview.objects.select_for_update().select_related("person").get(pk=review.pk)
    access.require(actor, "growth_record", "update", review.person)
    if review.person_id == actor.person_id and not actor.is_leader:
        raise PermissionDenied("A project review is written by the AM's manager.")
    if review.status == ReviewStatus.DONE:
        raise Conflict("This review is complete already.")
    known = set(Trait.objects.filter(workspace=actor.workspace).values_list("key", flat=True))
    clean = {k: v.strip() for k, v in (feedback or {}).items() if k in known and isinstance(v, str) and v.strip()}
    if not clean:
        raise ValidationError({"feedback": "Give feedback on at least one trait."})
    review.feedback = clean
    review.status = ReviewStatus.DONE
    review.reviewer_id = actor.person_id
    review.completed_at = timezone.now()
    bump_version(review)
    review.save()
    events.emit(
        actor,
        "project_review.completed",
        review,
        data={"project_id": review.project_id, "person_id": review.person_id},
    )
    return review
