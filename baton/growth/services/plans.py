"""Development plans: goals, their status, actions and check-ins."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.services import bump_version, validate
from baton.growth.models import (
    DevelopmentGoal,
    GoalAction,
    GoalCheckIn,
    GoalStatus,
    Trait,
)
from baton.growth.services._common import _plan_person
from baton.growth.services.framework import framework_ensure


@transaction.atomic
def goal_create(
    *,
    actor: Actor,
    person_id: int,
    trait: str,
    title: str,
    description: str = "",
    due_on: date | None = None,
    actions: list[str] | None = None,
) -> DevelopmentGoal:
    """A development goal for one trait, set by the person or their manager, with its first actions."""
    person = _plan_person(actor, person_id)
    framework_ensure(actor.workspace)
    errors: dict[str, str] = {}
    found = Trait.objects.filter(workspace=actor.workspace, key=trait).first()
    if found is None:
        errors["trait"] = "Choose one of the five traits."
    if not (title or "").strip():
        errors["title"] = "Name the goal."
    if errors or found is None:
        raise ValidationError(errors)
    goal = DevelopmentGoal(
        workspace=actor.workspace,
        person=person,
        trait=found,
        title=title.strip(),
        description=description or "",
        due_on=due_on,
        created_by_id=actor.person_id,
    )
    validate(goal)
    goal.save()
    for text in actions or []:
        if text.strip():
            GoalAction.objects.create(workspace=actor.workspace, goal=goal, text=text.strip()[:300])
    events.emit(actor, "development_goal.created", goal, data={"person_id": person.id, "trait": found.key})
    return goal


@transaction.atomic
def goal_set_status(*, actor: Actor, goal: DevelopmentGoal, status: str) -> DevelopmentGoal:
    goal = DevelopmentGoal.objects.select_for_update().select_related("person").get(pk=goal.pk)
    access.require(actor, "growth_record", "update", goal.person)
    if status not in GoalStatus.values:
        raise ValidationError({"status": "Status is open, done or dropped."})
    changed = events.diff(goal, {"status": status})
    if changed:
        bump_version(goal)
        goal.save()
        events.emit(actor, "development_goal.updated", goal, data={"changes": changed, "person_id": goal.person_id})
    return goal


@transaction.atomic
def goal_action_add(*, actor: Actor, goal: DevelopmentGoal, text: str, due_on: date | None = None) -> GoalAction:
    access.require(actor, "growth_record", "update", goal.person)
    if not (text or "").strip():
        raise ValidationError({"text": "Say what you will do."})
    action = GoalAction(workspace=actor.workspace, goal=goal, text=text.strip(), due_on=due_on)
    validate(action)
    action.save()
    events.emit(actor, "goal_action.created", action, data={"goal_id": goal.id, "person_id": goal.person_id})
    return action


@transaction.atomic
def goal_action_toggle(*, actor: Actor, action: GoalAction) -> GoalAction:
    action = GoalAction.objects.select_for_update().select_related("goal__person").get(pk=action.pk)
    access.require(actor, "growth_record", "update", action.goal.person)
    action.done_at = None if action.done_at else timezone.now()
    bump_version(action)
    action.save()
    verb = "goal_action.completed" if action.done_at else "goal_action.reopened"
    events.emit(actor, verb, action, data={"goal_id": action.goal_id, "person_id": action.goal.person_id})
    return action


@transaction.atomic
def goal_check_in(*, actor: Actor, goal: DevelopmentGoal, note: str, on_track: bool = True) -> GoalCheckIn:
    """A check-in on a goal by the person or their manager."""
    access.require(actor, "growth_record", "update", goal.person)
    if not (note or "").strip():
        raise ValidationError({"note": "Say how it is going."})
    check_in = GoalCheckIn(
        workspace=actor.workspace, goal=goal, author_id=actor.person_id, note=note.strip(), on_track=on_track
    )
    validate(check_in)
    check_in.save()
    events.emit(actor, "goal_check_in.created", check_in, data={"goal_id": goal.id, "person_id": goal.person_id})
    return check_in
