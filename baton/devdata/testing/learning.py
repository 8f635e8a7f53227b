"""Records for the access matrix (baton/core/tests/test_access_matrix.py): an onboarding template and the member's
plan (with `buddy` as its buddy; the member's lead is set by `make_growth_records`), a quiz and a reading, the quiz
assigned to the member (open, so the member can take it) and a scenario answer of the member waiting for review."""

from __future__ import annotations

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.growth.services import onboarding, training
from baton.people.models import Person

ITEMS = [
    {"title": "Accounts and laptop", "day_offset": 0, "owner": "lead"},
    {"title": "Lunch with your buddy", "day_offset": 2, "owner": "buddy"},
]
QUESTIONS = [{"question": "Who confirms a handoff?", "choices": ["The sender", "The receiver"], "answer": 1}]


def make_learning_records(
    *, workspace: Workspace, member: Person, buddy: Person | None = None, free: Person | None = None
) -> dict[str, int]:
    """Also a plan and a read lesson for every other staff person but `free` (left without a plan, for creating one),
    so each persona's lists have rows."""
    system = Actor.system(workspace)
    template = onboarding.onboarding_template_save(actor=system, name="Matrix welcome", role="member", items=ITEMS)
    plan = onboarding.onboarding_plan_create(
        actor=system, person_id=member.pk, template_id=template.pk, buddy_id=buddy.pk if buddy else None
    )
    quiz = training.lesson_save(actor=system, title="Matrix quiz", kind="quiz", questions=QUESTIONS, pass_mark=100)
    reading = training.lesson_save(actor=system, title="Matrix reading", body="Read me.")
    scenario = training.lesson_save(actor=system, title="Matrix scenario", kind="scenario", prompt="A client calls.")
    assignment = training.lesson_assign(actor=system, lesson_id=quiz.pk, person_id=member.pk)
    answered = training.lesson_assign(actor=system, lesson_id=scenario.pk, person_id=member.pk)
    attempt = training.attempt_submit(
        actor=Actor.for_membership(member.membership),
        assignment=answered,
        response="I call them back today.",
    )
    everyone = training.lesson_save(actor=system, title="Matrix welcome reading", body="Hello.")
    for person in Person.objects.filter(workspace=workspace).exclude(membership__role="client"):
        own = training.lesson_assign(actor=system, lesson_id=everyone.pk, person_id=person.pk)
        training.attempt_submit(actor=Actor.for_membership(person.membership), assignment=own)
        if person.pk not in (member.pk, free.pk if free else None):
            onboarding.onboarding_plan_create(actor=system, person_id=person.pk, items=ITEMS)
    return {
        "onboarding_template_id": template.pk,
        "onboarding_plan_id": plan.pk,
        "onboarding_item_id": plan.items.order_by("position").first().pk,  # type: ignore[union-attr]
        "lesson_id": quiz.pk,
        "reading_lesson_id": reading.pk,
        "lesson_assignment_id": assignment.pk,
        "lesson_attempt_id": attempt.pk,
    }
