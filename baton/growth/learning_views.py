"""Learning pages: onboarding plans (the list a lead or owner follows, one plan with its checklist to tick) and the
training library (my lessons, a lesson with its quiz, scenario or reading, a person's training page with answers to
review, and the team view: who has completed what)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.errors import BatonError
from baton.core.tables import download_format, table_response
from baton.core.web import actor_required, get_actor
from baton.growth import learning_selectors as selectors
from baton.growth.learning_tables import training_team_table
from baton.growth.models import LessonKind
from baton.growth.selectors import growth_person
from baton.growth.services import onboarding, training


def _staff(request: HttpRequest) -> access.Actor:
    actor = get_actor(request)
    if actor.is_client:
        raise PermissionDenied("Learning is for the agency's staff.")
    return actor


def _tell(request: HttpRequest, act: Any) -> bool:
    """Run a write; a refused one becomes a message on the page it returns to."""
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    except BatonError as exc:
        messages.error(request, exc.detail)
        return False
    return True


# --- Onboarding ---------------------------------------------------------------------------------------------------


@actor_required
def onboarding_list(request: HttpRequest) -> HttpResponse:
    """The plans the actor follows (its own, as buddy, its reports', everyone's for owners/admins) and the templates."""
    actor = _staff(request)
    today = timezone.localdate()
    plans = [(p, selectors.plan_progress(p, today)) for p in selectors.plan_list(actor).order_by("completed_at")]
    return render(
        request,
        "growth/onboarding.html",
        {"plans": plans, "templates": selectors.template_list(actor), "today": today},
    )


@actor_required
def onboarding_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = _staff(request)
    plan = selectors.plan_get(actor, plan_id)
    today = timezone.localdate()
    items = sorted(plan.items.all(), key=lambda i: (i.due_on, i.position, i.pk))
    return render(
        request,
        "growth/onboarding_plan.html",
        {
            "plan": plan,
            "items": items,
            "progress": selectors.plan_progress(plan, today),
            "today": today,
            "can_tick": access.allowed(actor, "onboarding_plan", "update", plan),
        },
    )


@require_POST
@actor_required
def onboarding_item_toggle(request: HttpRequest, plan_id: int, item_id: int) -> HttpResponse:
    actor = _staff(request)
    item = selectors.item_get(actor, plan_id, item_id)
    done = item.completed_at is None
    if _tell(request, lambda: onboarding.onboarding_item_set(actor=actor, item=item, done=done)):
        messages.success(request, f"“{item.title}” {'done' if done else 'reopened'}.")
    back = request.POST.get("next") or ""
    return redirect(back if back in (reverse("home"),) else reverse("growth:onboarding_plan", args=[plan_id]))


# --- Training -----------------------------------------------------------------------------------------------------


@actor_required
def training_home(request: HttpRequest) -> HttpResponse:
    """My lessons (to do, waiting for review, completed) and the whole library."""
    actor = _staff(request)
    mine = list(selectors.assignment_list(actor, person_id=actor.person_id or 0))
    return render(
        request,
        "growth/training.html",
        {
            "mine": mine,
            "lessons": selectors.lesson_list(actor, include_inactive=True),
            "to_review": selectors.to_review(actor),
            "can_manage": access.allowed(actor, "learning_library", "update"),
        },
    )


@actor_required
def lesson_page(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """A lesson: its body and links, and one's own assignment: the quiz, the scenario answer or "I have read it"."""
    actor = _staff(request)
    lesson = selectors.lesson_get(actor, lesson_id)
    assignment = (
        selectors.assignment_list(actor, person_id=actor.person_id or 0, lesson_id=lesson.pk).first()
        if actor.person_id
        else None
    )
    if request.method == "POST" and assignment is not None:
        answers: list[Any] = []
        if lesson.kind == LessonKind.QUIZ:
            for i in range(len(lesson.questions)):
                raw = request.POST.get(f"q{i}", "")
                answers.append(int(raw) if raw.isdigit() else None)
        attempt_box: list[Any] = []
        if _tell(
            request,
            lambda: attempt_box.append(
                training.attempt_submit(
                    actor=actor, assignment=assignment, answers=answers, response=request.POST.get("response", "")
                )
            ),
        ):
            _attempt_message(request, attempt_box[0], lesson.pass_mark)
        return redirect("growth:lesson", lesson_id=lesson.pk)
    attempts = list(selectors.attempt_list(actor, assignment_id=assignment.pk)) if assignment else []
    return render(
        request,
        "growth/lesson.html",
        {"lesson": lesson, "assignment": assignment, "attempts": attempts, "questions": lesson.questions},
    )


def _attempt_message(request: HttpRequest, attempt: Any, pass_mark: int) -> None:
    if attempt.score is not None:
        verdict = "Passed" if attempt.passed else f"Not passed yet (pass mark {pass_mark}%)"
        messages.success(request, f"{verdict}: you scored {attempt.score}%.")
    elif attempt.passed is None:
        messages.success(request, "Sent to your lead for review.")
    else:
        messages.success(request, "Marked as done.")


@actor_required
def training_person(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's training: their assignments and attempts; their lead reviews scenario answers here."""
    actor = _staff(request)
    person = growth_person(actor, person_id)
    assignments = list(selectors.assignment_list(actor, person_id=person.pk))
    attempts = list(selectors.attempt_list(actor, person_id=person.pk))
    can_review = person.pk != actor.person_id and (actor.is_leader or access.manages(actor, person))
    return render(
        request,
        "growth/training_person.html",
        {"person": person, "assignments": assignments, "attempts": attempts, "can_review": can_review},
    )


@require_POST
@actor_required
def attempt_review(request: HttpRequest, attempt_id: int) -> HttpResponse:
    actor = _staff(request)
    attempt = selectors.attempt_get(actor, attempt_id)
    passed = request.POST.get("passed") == "yes"
    if _tell(
        request,
        lambda: training.attempt_review(actor=actor, attempt=attempt, passed=passed, note=request.POST.get("note", "")),
    ):
        messages.success(request, "Review recorded.")
    return redirect("growth:training_person", person_id=attempt.assignment.person_id)


@actor_required
def training_team(request: HttpRequest) -> HttpResponse:
    """Who has completed what: the actor's reports (everyone, for owners/admins) by the lessons assigned to them."""
    actor = _staff(request)
    people, lessons, cells = selectors.training_team(actor)
    rows = [{"person": p, "cells": [cells.get((p.pk, les.pk)) for les in lessons]} for p in people]
    if download_format(request):
        return table_response(request, training_team_table(rows, lessons), "training-team")
    completed = sum(1 for a in cells.values() if a.status == "completed")
    return render(
        request,
        "growth/training_team.html",
        {"rows": rows, "lessons": lessons, "completed": completed, "assigned": len(cells)},
    )
