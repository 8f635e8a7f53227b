"""Reads for learning: onboarding templates and plans, the training library, assignments and attempts.

A plan is seen by its hire, their buddy, their lead (up the chain) and owners/admins; assignments and attempts like
growth records (the person, their lead up the chain, owners/admins). Anything else answers 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.core.selectors import one_or_404
from baton.growth.models import (
    AssignmentStatus,
    Lesson,
    LessonAssignment,
    LessonAttempt,
    OnboardingItem,
    OnboardingPlan,
    OnboardingTemplate,
)
from baton.growth.selectors import report_ids, visible_people
from baton.people.models import Person


def _not_for_clients(actor: Actor, what: str) -> None:
    """A client-role user is not told that a staff record exists: an id answers 404, like another workspace's."""
    if actor.is_client:
        raise Http404(f"No such {what}.")


def template_list(actor: Actor) -> QuerySet[OnboardingTemplate]:
    access.require(actor, "learning_library", "view")
    return OnboardingTemplate.objects.filter(workspace=actor.workspace)


def template_get(actor: Actor, template_id: int) -> OnboardingTemplate:
    _not_for_clients(actor, "onboarding template")
    return one_or_404(template_list(actor).filter(pk=template_id), "onboarding template")


def plan_list(actor: Actor, *, person_id: int | None = None) -> QuerySet[OnboardingPlan]:
    """Plans the actor sees: all (owners/admins), else its own, those it is buddy on and its reports'."""
    access.require(actor, "onboarding_plan", "view")
    qs = (
        OnboardingPlan.objects.filter(workspace=actor.workspace)
        .select_related("person", "buddy", "template", "person__lead")
        .prefetch_related("items")
    )
    if not actor.is_leader:
        me = actor.person_id or 0
        qs = qs.filter(Q(person_id=me) | Q(buddy_id=me) | Q(person_id__in=report_ids(actor)))
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    return qs


def plan_get(actor: Actor, plan_id: int) -> OnboardingPlan:
    _not_for_clients(actor, "onboarding plan")
    return one_or_404(plan_list(actor).filter(pk=plan_id), "onboarding plan")


def item_get(actor: Actor, plan_id: int, item_id: int) -> OnboardingItem:
    plan = plan_get(actor, plan_id)
    return one_or_404(OnboardingItem.objects.filter(plan=plan, pk=item_id), "onboarding item")


def plan_progress(plan: OnboardingPlan, today: date | None = None) -> dict[str, Any]:
    """A plan's figures (the home block, the plan page and the API's `progress` read this one): items done of all,
    per cent (whole, rounded down), overdue, and the next open item."""
    today = today or timezone.localdate()
    items = sorted(plan.items.all(), key=lambda i: (i.due_on, i.position, i.pk))
    done = sum(1 for i in items if i.completed_at is not None)
    open_items = [i for i in items if i.completed_at is None]
    return {
        "items": len(items),
        "done": done,
        "percent": done * 100 // len(items) if items else 100,
        "overdue": sum(1 for i in open_items if i.due_on < today),
        "next_title": open_items[0].title if open_items else None,
        "next_due_on": open_items[0].due_on.isoformat() if open_items else None,
        "complete": not open_items,
    }


def onboarding_home(actor: Actor) -> dict[str, Any] | None:
    """The home block: the actor's own unfinished plan, and the unfinished plans it sees as buddy, lead or owner/admin
    (their progress): the same figures on the page and in `GET /api/v1/home` (`figures.onboarding`)."""
    if not actor.person_id or not access.allowed(actor, "onboarding_plan", "view"):
        return None
    today = timezone.localdate()
    # One query when there is nothing (homes keep within their query budget): direct reports only, not the chain.
    qs = (
        OnboardingPlan.objects.filter(workspace=actor.workspace, completed_at__isnull=True)
        .select_related("person", "buddy")
        .prefetch_related("items")
        .order_by("start_date", "id")
    )
    if not actor.is_leader:
        me = actor.person_id
        qs = qs.filter(Q(person_id=me) | Q(buddy_id=me) | Q(person__lead_id=me))
    plans = list(qs)
    own = next((p for p in plans if p.person_id == actor.person_id), None)
    others = [p for p in plans if p.person_id != actor.person_id]
    if own is None and not others:
        return None
    return {
        "own": _home_plan(own, today, items=True) if own else None,
        "supporting": [_home_plan(p, today) for p in others],
    }


def _home_plan(plan: OnboardingPlan, today: date, *, items: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "plan_id": plan.pk,
        "person_id": plan.person_id,
        "person_name": plan.person.name,
        "buddy_id": plan.buddy_id,
        "buddy_name": plan.buddy.name if plan.buddy else None,
        "start_date": plan.start_date.isoformat(),
        **plan_progress(plan, today),
    }
    if items:
        row["open_items"] = [
            {
                "id": i.pk,
                "title": i.title,
                "owner": i.owner,
                "due_on": i.due_on.isoformat(),
                "overdue": i.due_on < today,
            }
            for i in sorted(plan.items.all(), key=lambda i: (i.due_on, i.position, i.pk))
            if i.completed_at is None
        ][:8]
    return row


# --- Training -----------------------------------------------------------------------------------------------------


def lesson_list(actor: Actor, *, include_inactive: bool = False) -> QuerySet[Lesson]:
    access.require(actor, "learning_library", "view")
    qs = Lesson.objects.filter(workspace=actor.workspace)
    if not (include_inactive and actor.is_leader):
        qs = qs.filter(active=True)
    return qs


def lesson_get(actor: Actor, lesson_id: int) -> Lesson:
    _not_for_clients(actor, "lesson")
    access.require(actor, "learning_library", "view")
    qs = Lesson.objects.filter(workspace=actor.workspace, pk=lesson_id)
    if not actor.is_leader:
        qs = qs.filter(active=True)
    return one_or_404(qs, "lesson")


def assignment_list(
    actor: Actor, *, person_id: int | None = None, lesson_id: int | None = None, status: str | None = None
) -> QuerySet[LessonAssignment]:
    """Assignments the actor sees: its own and its reports' (everyone's for owners/admins)."""
    access.require(actor, "growth_record", "view")
    qs = LessonAssignment.objects.filter(workspace=actor.workspace).select_related("lesson", "person")
    if not actor.is_leader:
        qs = qs.filter(person_id__in={actor.person_id or 0} | report_ids(actor))
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if lesson_id is not None:
        qs = qs.filter(lesson_id=lesson_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def assignment_get(actor: Actor, assignment_id: int) -> LessonAssignment:
    _not_for_clients(actor, "lesson assignment")
    return one_or_404(assignment_list(actor).filter(pk=assignment_id), "lesson assignment")


def attempt_list(
    actor: Actor, *, assignment_id: int | None = None, person_id: int | None = None
) -> QuerySet[LessonAttempt]:
    access.require(actor, "growth_record", "view")
    qs = LessonAttempt.objects.filter(workspace=actor.workspace).select_related(
        "assignment", "assignment__lesson", "assignment__person"
    )
    if not actor.is_leader:
        qs = qs.filter(assignment__person_id__in={actor.person_id or 0} | report_ids(actor))
    if assignment_id is not None:
        qs = qs.filter(assignment_id=assignment_id)
    if person_id is not None:
        qs = qs.filter(assignment__person_id=person_id)
    return qs


def attempt_get(actor: Actor, attempt_id: int) -> LessonAttempt:
    _not_for_clients(actor, "lesson attempt")
    return one_or_404(attempt_list(actor).filter(pk=attempt_id), "lesson attempt")


def training_team(actor: Actor) -> tuple[list[Person], list[Lesson], dict[tuple[int, int], LessonAssignment]]:
    """Who has completed what: the actor's reports (everyone, for owners/admins) by the lessons assigned to them."""
    people = list(visible_people(actor).filter(active=True).exclude(pk=actor.person_id or 0).order_by("name"))
    cells = {
        (a.person_id, a.lesson_id): a
        for a in assignment_list(actor).filter(person__in=people).select_related(None).prefetch_related(None)
    }
    lesson_ids = {lesson_id for _, lesson_id in cells}
    lessons = list(Lesson.objects.filter(workspace=actor.workspace, pk__in=lesson_ids).order_by("title"))
    return [p for p in people if any((p.pk, les.pk) in cells for les in lessons)], lessons, cells


def to_review(actor: Actor) -> list[LessonAttempt]:
    """Scenario answers waiting for the actor's review (its reports'; everyone's for owners/admins)."""
    qs = attempt_list(actor).filter(passed__isnull=True, assignment__status=AssignmentStatus.SUBMITTED)
    return list(qs.exclude(assignment__person_id=actor.person_id or 0))
