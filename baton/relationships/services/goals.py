"""Client goals and their recorded values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.services import bump_version, check_version, validate
from baton.crm.models import Client
from baton.relationships.models import ClientGoal, GoalValue

# --- Goals ----------------------------------------------------------------------------------------------------

GOAL_FIELDS = ("title", "metric", "unit", "baseline", "target", "target_date", "description", "lower_is_better")


@transaction.atomic
def goal_create(
    *,
    actor: Actor,
    client: Client,
    title: str,
    metric: str,
    target: Any,
    source_handoff_id: int | None = None,
    **fields: Any,
) -> ClientGoal:
    """A goal of the client; `source_handoff_id` when it is a commitment of a confirmed sales handoff."""
    goal = ClientGoal(
        workspace=actor.workspace,
        client=client,
        title=(title or "").strip(),
        metric=metric,
        target=target,
        source_handoff_id=source_handoff_id,
    )
    access.require(actor, "client_goal", "create", goal)
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise ValidationError({f: "Unknown field." for f in unknown})
    for k, v in fields.items():
        if v is not None:
            setattr(goal, k, v)
    errors: dict[str, str] = {}
    if goal.target is not None and Decimal(str(goal.target)) == Decimal(str(goal.baseline)):
        errors["target"] = "The target must differ from the baseline."
    validate(goal, errors)
    goal.save()
    events.emit(
        actor,
        "client_goal.created",
        goal,
        data={"title": goal.title, "metric": goal.metric, "source_handoff_id": goal.source_handoff_id},
    )
    return goal


@transaction.atomic
def goal_update(*, actor: Actor, goal: ClientGoal, version: int | None, **changes: Any) -> ClientGoal:
    access.require(actor, "client_goal", "update", goal)
    goal = ClientGoal.objects.select_for_update().select_related("client").get(pk=goal.pk)
    check_version(goal, version)
    unknown = set(changes) - set(GOAL_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    changed = events.diff(goal, changes)
    errors: dict[str, str] = {}
    # A null is left to full_clean ("cannot be null", naming the field).
    if (
        goal.target is not None
        and goal.baseline is not None
        and Decimal(str(goal.target)) == Decimal(str(goal.baseline))
    ):
        errors["target"] = "The target must differ from the baseline."
    validate(goal, errors)
    if changed:
        bump_version(goal)
        goal.save()
        events.emit(actor, "client_goal.updated", goal, data={"changes": changed})
    return goal


@transaction.atomic
def goal_value_record(
    *, actor: Actor, goal: ClientGoal, value: Any, recorded_on: date | None = None, note: str = ""
) -> GoalValue:
    access.require(actor, "client_goal", "update", goal)
    row = GoalValue(
        workspace=actor.workspace, goal=goal, value=value, recorded_on=recorded_on or timezone.localdate(), note=note
    )
    validate(row, exclude=["goal"])
    row.save()
    ClientGoal.objects.filter(pk=goal.pk).update(updated_at=timezone.now())
    events.emit(
        actor,
        "client_goal.value_recorded",
        goal,
        data={"value": row.value, "recorded_on": row.recorded_on, "goal_value_id": row.pk},
    )
    return row
