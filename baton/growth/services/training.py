"""The training library: lessons (a reading, a quiz or a practice scenario), assigned to people by role (everyone of
the role now, and each new person of it when created) and by hand, and attempts: a quiz scored on submission (per
cent right, half up; passed at the pass mark), a scenario's answer reviewed by the person's lead, a reading done."""

from __future__ import annotations

import logging
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Role
from baton.core.services import bump_version, check_version, validate
from baton.growth.models import AssignmentStatus, Lesson, LessonAssignment, LessonAttempt, LessonKind
from baton.growth.services._common import _growth_person
from baton.growth.services.onboarding import STAFF_ROLES
from baton.people.models import Person

logger = logging.getLogger(__name__)


def _clean_questions(questions: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    if not isinstance(questions, list) or not questions:
        errors["questions"] = "A quiz asks at least one question."
        return []
    clean: list[dict[str, Any]] = []
    for i, q in enumerate(questions):
        if not isinstance(q, dict):
            errors[f"questions[{i}]"] = "A question is {question, choices, answer}."
            continue
        text = str(q.get("question") or "").strip()
        choices = q.get("choices")
        answer = q.get("answer")
        if not text:
            errors[f"questions[{i}].question"] = "Ask something."
        if (
            not isinstance(choices, list)
            or len(choices) < 2
            or not all(isinstance(c, str) and c.strip() for c in choices)
        ):
            errors[f"questions[{i}].choices"] = "Offer at least two choices."
            choices = []
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < max(len(choices), 1):
            errors[f"questions[{i}].answer"] = "The index (from 0) of the right choice."
        clean.append({"question": text, "choices": [c.strip() for c in choices], "answer": answer})
    return clean


def _clean_links(links: Any, errors: dict[str, str]) -> list[dict[str, str]]:
    clean: list[dict[str, str]] = []
    for i, link in enumerate(links or []):
        url = str((link or {}).get("url") or "").strip() if isinstance(link, dict) else ""
        if not url.startswith(("https://", "http://")):
            errors[f"links[{i}].url"] = "A web address starting with https://."
            continue
        clean.append({"title": str(link.get("title") or url).strip()[:200], "url": url[:1000]})
    return clean


def _lesson_errors(fields: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    errors: dict[str, str] = {}
    kind = fields["kind"]
    if not (fields["title"] or "").strip():
        errors["title"] = "Name the lesson."
    if kind not in LessonKind.values:
        errors["kind"] = "reading, quiz or scenario."
    questions = _clean_questions(fields["questions"], errors) if kind == LessonKind.QUIZ else []
    pass_mark = fields["pass_mark"]
    if isinstance(pass_mark, bool) or not isinstance(pass_mark, int) or not 1 <= pass_mark <= 100:
        errors["pass_mark"] = "A pass mark is a per cent from 1 to 100."
    if kind == LessonKind.SCENARIO and not (fields["prompt"] or "").strip():
        errors["prompt"] = "Describe the situation to answer."
    roles = fields["roles"] or []
    if not isinstance(roles, list) or any(r not in STAFF_ROLES for r in roles):
        errors["roles"] = f"Roles among {', '.join(STAFF_ROLES)}."
        roles = []
    clean = {
        "title": (fields["title"] or "").strip(),
        "body": fields["body"] or "",
        "links": _clean_links(fields["links"], errors),
        "kind": kind,
        "questions": questions,
        "pass_mark": pass_mark,
        "prompt": (fields["prompt"] or "").strip(),
        "roles": sorted(set(roles)),
        "active": bool(fields["active"]),
    }
    return errors, clean


LESSON_DEFAULTS: dict[str, Any] = {
    "body": "",
    "links": [],
    "kind": LessonKind.READING.value,
    "questions": [],
    "pass_mark": 80,
    "prompt": "",
    "roles": [],
    "active": True,
}


@transaction.atomic
def lesson_save(*, actor: Actor, lesson: Lesson | None = None, version: int | None = None, **fields: Any) -> Lesson:
    """Add a lesson or change one (owners/admins). Its roles' active people are assigned it (new roles too)."""
    access.require(actor, "learning_library", "update")
    created = lesson is None
    if lesson is not None:
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        check_version(lesson, version)
        current = {k: getattr(lesson, k) for k in ("title", *LESSON_DEFAULTS)}
    else:
        current = {"title": "", **LESSON_DEFAULTS}
    errors, clean = _lesson_errors({**current, **{k: v for k, v in fields.items() if v is not None}})
    if errors:
        raise ValidationError(errors)
    if lesson is None:
        lesson = Lesson(workspace=actor.workspace)
    else:
        bump_version(lesson)
    for key, value in clean.items():
        setattr(lesson, key, value)
    validate(lesson)
    lesson.save()
    events.emit(actor, "lesson.created" if created else "lesson.updated", lesson, data={"kind": lesson.kind})
    if lesson.active and lesson.roles:
        people = Person.objects.filter(workspace=actor.workspace, active=True, membership__role__in=lesson.roles)
        for person in people:
            _assign(actor, lesson, person, via_role=True)
    return lesson


def _assign(
    actor: Actor, lesson: Lesson, person: Person, *, via_role: bool, due_on: date | None = None
) -> LessonAssignment | None:
    """Assign once: an existing assignment is kept as it is (None)."""
    if LessonAssignment.objects.filter(lesson=lesson, person=person).exists():
        return None
    assignment = LessonAssignment.objects.create(
        workspace=actor.workspace,
        lesson=lesson,
        person=person,
        via_role=via_role,
        due_on=due_on,
        assigned_by_id=actor.person_id,
    )
    events.emit(
        actor,
        "lesson_assignment.created",
        assignment,
        data={"person_id": person.pk, "lesson_id": lesson.pk, "via_role": via_role},
    )
    return assignment


@transaction.atomic
def lesson_assign(*, actor: Actor, lesson_id: Any, person_id: Any, due_on: date | None = None) -> LessonAssignment:
    """Assign a lesson to one person (owners/admins, or the person's lead)."""
    access.require(actor, "growth_record", "create")
    errors: dict[str, str] = {}
    lesson = Lesson.objects.filter(workspace=actor.workspace, pk=lesson_id, active=True).first()
    if lesson is None:
        errors["lesson_id"] = "No such lesson in the training library."
    person = _growth_person(actor, person_id, errors)
    if errors or lesson is None or person is None:
        raise ValidationError(errors)
    if not (actor.is_leader or access.manages(actor, person)):
        raise PermissionDenied("Owners, admins and the person's lead assign lessons.")
    assignment = _assign(actor, lesson, person, via_role=False, due_on=due_on)
    if assignment is None:
        raise Conflict("This lesson is already assigned to this person.")
    return assignment


def lessons_for_new_person(actor: Actor, person: Any) -> None:
    """`person.created` (in its transaction): the lessons of the new person's role are assigned to them."""
    role = Person.objects.filter(pk=person.pk).values_list("membership__role", flat=True).first()
    if role is None or role == Role.CLIENT:
        return
    try:
        with transaction.atomic():
            for lesson in Lesson.objects.filter(workspace_id=person.workspace_id, active=True):
                if role in (lesson.roles or []):
                    _assign(actor, lesson, person, via_role=True)
    except Exception:
        logger.exception("Could not assign role lessons to person %s.", person.pk)


def quiz_score(questions: list[dict[str, Any]], answers: list[Any]) -> int:
    """Per cent of questions answered right, rounded half up to a whole number."""
    right = sum(1 for q, a in zip(questions, answers, strict=False) if a == q["answer"] and not isinstance(a, bool))
    return int((Decimal(right * 100) / Decimal(len(questions))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@transaction.atomic
def attempt_submit(
    *, actor: Actor, assignment: LessonAssignment, answers: Any = None, response: str = ""
) -> LessonAttempt:
    """The person's own try: a quiz's answers (one choice index per question; scored now), a scenario's answer
    (waits for the lead's review), or a reading (done). A completed assignment takes no more attempts (409)."""
    assignment = LessonAssignment.objects.select_for_update().select_related("lesson", "person").get(pk=assignment.pk)
    access.require(actor, "growth_record", "view", assignment.person)
    if assignment.person_id != actor.person_id:
        raise PermissionDenied("Only the person it is assigned to takes a lesson.")
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise Conflict(
            "This lesson is already completed." if assignment.status == "completed" else "Waiting for review."
        )
    lesson = assignment.lesson
    attempt = LessonAttempt(workspace=actor.workspace, assignment=assignment)
    errors: dict[str, str] = {}
    if lesson.kind == LessonKind.QUIZ:
        if not isinstance(answers, list) or len(answers) != len(lesson.questions):
            errors["answers"] = f"Answer each of the {len(lesson.questions)} questions with a choice's index."
        else:
            for i, (q, a) in enumerate(zip(lesson.questions, answers, strict=True)):
                if isinstance(a, bool) or not isinstance(a, int) or not 0 <= a < len(q["choices"]):
                    errors[f"answers[{i}]"] = "The index (from 0) of a choice."
        if not errors:
            attempt.answers = answers
            attempt.score = quiz_score(lesson.questions, answers)
            attempt.passed = attempt.score >= lesson.pass_mark
    elif lesson.kind == LessonKind.SCENARIO:
        if not (response or "").strip():
            errors["response"] = "Write your answer to the scenario."
        attempt.response = (response or "").strip()
    else:
        attempt.passed = True
    if errors:
        raise ValidationError(errors)
    validate(attempt, exclude=["assignment"])
    attempt.save()
    _after_attempt(assignment, attempt)
    events.emit(
        actor,
        "lesson_attempt.submitted",
        attempt,
        data={
            "person_id": assignment.person_id,
            "lesson_id": lesson.pk,
            "assignment_id": assignment.pk,
            "kind": lesson.kind,
            "lead_id": assignment.person.lead_id,
        },
    )
    return attempt


def _after_attempt(assignment: LessonAssignment, attempt: LessonAttempt) -> None:
    if attempt.passed:
        assignment.status, assignment.completed_at = AssignmentStatus.COMPLETED, timezone.now()
    elif attempt.passed is None:
        assignment.status = AssignmentStatus.SUBMITTED
    else:
        assignment.status = AssignmentStatus.ASSIGNED
    bump_version(assignment)
    assignment.save()


@transaction.atomic
def attempt_review(*, actor: Actor, attempt: LessonAttempt, passed: bool, note: str = "") -> LessonAttempt:
    """A scenario answer reviewed by the person's lead (or an owner/admin, never oneself): passed completes the
    lesson, not passed sends it back to try again."""
    attempt = LessonAttempt.objects.select_for_update().select_related("assignment__person").get(pk=attempt.pk)
    person = attempt.assignment.person
    access.require(actor, "growth_record", "update", person)
    if person.pk == actor.person_id or not (actor.is_leader or access.manages(actor, person)):
        raise PermissionDenied("The person's lead or an owner/admin reviews a scenario answer.")
    if attempt.passed is not None:
        raise Conflict("This attempt is already decided.")
    attempt.passed, attempt.review_note = bool(passed), note or ""
    attempt.reviewed_by_id, attempt.reviewed_at = actor.person_id, timezone.now()
    bump_version(attempt)
    attempt.save()
    assignment = LessonAssignment.objects.select_for_update().get(pk=attempt.assignment_id)
    _after_attempt(assignment, attempt)
    events.emit(
        actor,
        "lesson_attempt.reviewed",
        attempt,
        data={"person_id": person.pk, "assignment_id": assignment.pk},
    )
    return attempt
