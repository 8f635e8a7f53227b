"""Touchpoints and their next steps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Workspace
from baton.core.services import bump_version, check_version, validate
from baton.crm.models import Client, Contact
from baton.delivery.models import Milestone, Project
from baton.knowledge.models import Decision
from baton.people.validators import person_of_workspace
from baton.relationships import cadence as cad
from baton.relationships.models import NextStep, OnboardingItem, Touchpoint
from baton.relationships.selectors import client_cadence_items

# --- Touchpoints ------------------------------------------------------------------------------------------------


def _ids_in(model: Any, workspace: Workspace, ids: list[int], field: str, errors: dict[str, str], **extra: Any) -> None:
    if ids and model.objects.filter(workspace=workspace, pk__in=ids, **extra).count() != len(set(ids)):
        errors[field] = "Some of these do not exist for this client in this workspace."


def _next_step_errors(actor: Actor, steps: list[dict[str, Any]], errors: dict[str, str]) -> None:
    for i, step in enumerate(steps):
        if not str(step.get("description") or "").strip():
            errors[f"next_steps[{i}].description"] = "Say what happens next."
        owner = step.get("owner_id")
        person_of_workspace(actor.workspace, owner, f"next_steps[{i}].owner_id", errors)
        if owner is None and step.get("owner_contact_id") is None:
            errors[f"next_steps[{i}].owner_id"] = "Every next step needs an owner (a person or a client contact)."
        if not step.get("due_on"):
            errors[f"next_steps[{i}].due_on"] = "Every next step needs a due date."


def _project_and_milestone_errors(
    actor: Actor,
    client: Client,
    touchpoint: Touchpoint,
    project_id: int | None,
    milestone_id: int | None,
    errors: dict[str, str],
) -> None:
    """The project and milestone must be the client's (else an error, and the touchpoint drops them); a milestone
    gives the touchpoint its project when none was named."""
    if (
        project_id is not None
        and not Project.objects.filter(workspace=actor.workspace, client=client, pk=project_id).exists()
    ):
        errors["project_id"] = "No such project of this client."
        touchpoint.project_id = None
    if milestone_id is not None:
        ms = Milestone.objects.filter(workspace=actor.workspace, project__client=client, pk=milestone_id).first()
        if ms is None:
            errors["milestone_id"] = "No such milestone of this client."
            touchpoint.milestone_id = None
        elif touchpoint.project_id is None:
            touchpoint.project_id = ms.project_id


def _save_links(
    actor: Actor,
    client: Client,
    touchpoint: Touchpoint,
    contact_ids: list[int] | None,
    decision_ids: list[int] | None,
    next_steps: list[dict[str, Any]] | None,
) -> None:
    """The saved touchpoint's contacts, decisions (a decision without a touchpoint gets this one) and next steps."""
    if contact_ids:
        touchpoint.contacts.set(contact_ids)
    if decision_ids:
        touchpoint.decisions.set(decision_ids)
        Decision.objects.filter(pk__in=decision_ids, touchpoint_id__isnull=True).update(touchpoint_id=touchpoint.pk)
    for step in next_steps or []:
        NextStep.objects.create(
            workspace=actor.workspace,
            touchpoint=touchpoint,
            client=client,
            description=str(step["description"]).strip(),
            owner_id=step.get("owner_id"),
            owner_contact_id=step.get("owner_contact_id"),
            due_on=step.get("due_on"),
        )


def _complete_onboarding_item(client: Client, kind: str, touchpoint: Touchpoint) -> None:
    """The touchpoint completes the client's first open onboarding item of its kind."""
    pending = OnboardingItem.objects.filter(client=client, kind=kind, done_at__isnull=True).order_by("due_on").first()
    if pending is not None:
        pending.done_at = touchpoint.occurred_at
        pending.touchpoint = touchpoint
        pending.save(update_fields=["done_at", "touchpoint", "updated_at"])


@transaction.atomic
def touchpoint_log(
    *,
    actor: Actor,
    client: Client,
    kind: str,
    summary: str,
    occurred_at: datetime | None = None,
    person_id: int | None = None,
    contact_ids: list[int] | None = None,
    attendees: list[str] | None = None,
    discussed: str = "",
    decision_ids: list[int] | None = None,
    next_steps: list[dict[str, Any]] | None = None,
    agenda_prepared: bool = False,
    goal_report: bool = False,
    sentiment: str = "",
    response_minutes: int | None = None,
    project_id: int | None = None,
    milestone_id: int | None = None,
) -> Touchpoint:
    """Log a call, e-mail, meeting, status update or strategic review with its structured summary. It satisfies the
    matching cadence item (reported in the event: cadence_met, cadence_on_time) and the first open onboarding item
    of its kind."""
    touchpoint = Touchpoint(
        workspace=actor.workspace,
        client=client,
        kind=kind,
        summary=(summary or "").strip(),
        occurred_at=occurred_at or timezone.now(),
        person_id=person_id if person_id is not None else actor.person_id,
        attendees=[str(a).strip() for a in attendees or [] if str(a).strip()],
        discussed=discussed,
        agenda_prepared=agenda_prepared,
        goal_report=goal_report,
        sentiment=sentiment or "",
        response_minutes=response_minutes,
        project_id=project_id,
        milestone_id=milestone_id,
    )
    access.require(actor, "touchpoint", "create", touchpoint)
    errors: dict[str, str] = {}
    if person_id is not None and person_of_workspace(actor.workspace, person_id, "person_id", errors) is None:
        touchpoint.person_id = None
    _ids_in(Contact, actor.workspace, contact_ids or [], "contact_ids", errors, client=client)
    _ids_in(Decision, actor.workspace, decision_ids or [], "decision_ids", errors, client=client)
    _project_and_milestone_errors(actor, client, touchpoint, project_id, milestone_id, errors)
    _next_step_errors(actor, next_steps or [], errors)
    validate(touchpoint, errors)
    # What the cadence asked for before this touchpoint, as of its day.

    on = timezone.localtime(touchpoint.occurred_at).date()
    before = client_cadence_items(client, on)
    matched = cad.matched_item(before, kind, on, milestone_id=touchpoint.milestone_id)
    touchpoint.save()
    _save_links(actor, client, touchpoint, contact_ids, decision_ids, next_steps)
    _complete_onboarding_item(client, kind, touchpoint)
    events.emit(
        actor,
        "touchpoint.logged",
        touchpoint,
        data={
            "kind": kind,
            "person_id": touchpoint.person_id,
            "agenda_prepared": agenda_prepared,
            "goal_report": goal_report,
            "cadence_met": matched is not None,
            "cadence_on_time": (matched.days_overdue == 0) if matched is not None else None,
            "cadence_item": matched.item if matched is not None else None,
            "sentiment": touchpoint.sentiment,
            "next_steps": len(next_steps or []),
        },
    )
    return touchpoint


TOUCHPOINT_FIELDS = (
    "summary",
    "discussed",
    "attendees",
    "agenda_prepared",
    "goal_report",
    "sentiment",
    "response_minutes",
    "occurred_at",
    "kind",
)


@transaction.atomic
def touchpoint_update(*, actor: Actor, touchpoint: Touchpoint, version: int | None, **changes: Any) -> Touchpoint:
    access.require(actor, "touchpoint", "update", touchpoint)
    touchpoint = Touchpoint.objects.select_for_update().select_related("client").get(pk=touchpoint.pk)
    check_version(touchpoint, version)
    decision_ids = changes.pop("decision_ids", None)
    contact_ids = changes.pop("contact_ids", None)
    unknown = set(changes) - set(TOUCHPOINT_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    errors: dict[str, str] = {}

    _ids_in(Decision, actor.workspace, decision_ids or [], "decision_ids", errors, client=touchpoint.client)
    _ids_in(Contact, actor.workspace, contact_ids or [], "contact_ids", errors, client=touchpoint.client)
    changed = events.diff(touchpoint, changes)
    if decision_ids is not None:
        changed["decision_ids"] = [sorted(touchpoint.decisions.values_list("pk", flat=True)), sorted(decision_ids)]
    if contact_ids is not None:
        changed["contact_ids"] = [sorted(touchpoint.contacts.values_list("pk", flat=True)), sorted(contact_ids)]
    validate(touchpoint, errors)
    if not changed:
        return touchpoint
    bump_version(touchpoint)
    touchpoint.save()
    if decision_ids is not None:
        touchpoint.decisions.set(decision_ids)
    if contact_ids is not None:
        touchpoint.contacts.set(contact_ids)
    events.emit(actor, "touchpoint.updated", touchpoint, data={"changes": changed})
    return touchpoint


@transaction.atomic
def next_step_complete(*, actor: Actor, step: NextStep) -> NextStep:
    access.require(actor, "touchpoint", "update", step)
    step = NextStep.objects.select_for_update().get(pk=step.pk)
    if step.done_at is not None:
        raise Conflict("This next step is already done.", field="done")
    step.done_at = timezone.now()
    bump_version(step)
    step.save()
    events.emit(actor, "next_step.completed", step, data={"description": step.description})
    return step


@transaction.atomic
def next_step_reassign(*, actor: Actor, step: NextStep, owner_id: int) -> NextStep:
    """An open next step changes owner (e.g. its owner left: people's archive hands it to their successor)."""
    access.require(actor, "touchpoint", "update", step)
    step = NextStep.objects.select_for_update().get(pk=step.pk)
    if step.done_at is not None:
        raise Conflict("This next step is already done.", field="done")
    errors: dict[str, str] = {}
    person_of_workspace(actor.workspace, owner_id, "owner_id", errors, staff=True, active=True)
    if errors:
        raise ValidationError(errors)
    previous = step.owner_id
    if previous == owner_id:
        return step
    step.owner_id = owner_id
    bump_version(step)
    step.save()
    events.emit(
        actor,
        "next_step.reassigned",
        step,
        data={"description": step.description, "client_id": step.client_id, "owner_id": [previous, owner_id]},
    )
    return step
