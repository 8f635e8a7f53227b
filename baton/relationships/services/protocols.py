"""The client's communication protocol and its onboarding plan (the workspace's template)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.services import bump_version, check_version, validate
from baton.crm.models import Client
from baton.relationships import cadence as cad
from baton.relationships.models import CommunicationProtocol, OnboardingItem, OnboardingStep, TouchpointKind
from baton.relationships.selectors import protocol_for

# --- Protocol and onboarding ------------------------------------------------------------------------------------

PROTOCOL_FIELDS = (
    "channels",
    "response_time_hours",
    "update_every_days",
    "meeting_every_days",
    "strategic_review_every_days",
    "onboarding_started_on",
    "onboarding_update_every_days",
    "share_budget_with_client",
    "notes",
)

# The standard first 30 days when a workspace has not written its own (day offset, kind, title).
DEFAULT_ONBOARDING: tuple[tuple[int, str, str], ...] = (
    (0, "meeting", "Kick-off: agree the communication protocol, goals and KPIs"),
    (1, "email", "Welcome e-mail: who is who, channels, response times"),
    (2, "task", "Record the client's goals and KPIs (metric, baseline, target)"),
    (3, "call", "Access and assets check"),
    (5, "task", "Write and approve the first brief"),
    (7, "status_update", "First weekly status update"),
    (14, "meeting", "Two-week check-in"),
    (21, "status_update", "Week three status update"),
    (28, "strategic_review", "30-day review: validate goals, agree the ongoing rhythm"),
)


@transaction.atomic
def protocol_put(*, actor: Actor, client: Client, version: int | None = None, **fields: Any) -> CommunicationProtocol:
    """Set the client's communication protocol (created on first write). Setting an onboarding start for the first
    time applies the standard onboarding plan."""
    access.require(actor, "protocol", "update", client)
    unknown = set(fields) - set(PROTOCOL_FIELDS)
    if unknown:
        raise ValidationError({f: "Unknown field." for f in unknown})
    protocol = CommunicationProtocol.objects.select_for_update().filter(client=client).first()
    created = protocol is None
    if protocol is None:
        protocol = CommunicationProtocol(workspace=actor.workspace, client=client)
    elif version is not None:
        check_version(protocol, version)
    had_start = protocol.onboarding_started_on
    if "channels" in fields:
        fields["channels"] = [str(c).strip() for c in fields["channels"] or [] if str(c).strip()]
    changed = events.diff(protocol, fields)
    if not changed and not created:
        return protocol
    validate(protocol, exclude=["client"] if created else None)
    if not created:
        bump_version(protocol)
    protocol.save()
    events.emit(actor, "protocol.updated", protocol, data={"changes": changed}, client_id=client.pk)
    if protocol.onboarding_started_on and protocol.onboarding_started_on != had_start:
        onboarding_apply(actor=actor, client=client, start=protocol.onboarding_started_on)
    return protocol


def onboarding_plan(workspace: Workspace) -> list[tuple[int, str, str]]:
    steps = list(OnboardingStep.objects.filter(workspace=workspace).values_list("day_offset", "kind", "title"))
    return steps or list(DEFAULT_ONBOARDING)


ONBOARDING_KINDS = {k.value for k in TouchpointKind} | {"task"}


@transaction.atomic
def onboarding_template_put(*, actor: Actor, steps: list[dict[str, Any]]) -> list[OnboardingStep]:
    """Replace the workspace's standard onboarding plan (each step: day_offset 0-30, kind, title)."""
    access.require(actor, "relationships_settings", "update")
    errors: dict[str, str] = {}
    for i, step in enumerate(steps):
        if step.get("kind") not in ONBOARDING_KINDS:
            errors[f"steps[{i}].kind"] = f"One of {', '.join(sorted(ONBOARDING_KINDS))}."
        if not str(step.get("title") or "").strip():
            errors[f"steps[{i}].title"] = "Give the step a title."
        if not 0 <= int(step.get("day_offset") or 0) <= cad.ONBOARDING_DAYS:
            errors[f"steps[{i}].day_offset"] = "A day from 0 to 30."
    if errors:
        raise ValidationError(errors)
    OnboardingStep.objects.filter(workspace=actor.workspace).delete()
    made = [
        OnboardingStep.objects.create(
            workspace=actor.workspace,
            day_offset=int(s.get("day_offset") or 0),
            kind=s["kind"],
            title=str(s["title"]).strip(),
            position=i,
        )
        for i, s in enumerate(steps)
    ]
    events.emit(actor, "onboarding_template.updated", actor.workspace, data={"steps": len(made)})
    return made


@transaction.atomic
def onboarding_apply(
    *, actor: Actor, client: Client, start: date | None = None, emit: bool = True
) -> list[OnboardingItem]:
    """Give the client the standard first-30-days plan from `start` (its protocol's onboarding start, else today);
    pending items of an earlier plan are replaced, done ones kept. `emit=False` when it follows from an event that
    already says so (a new client: `client.created`)."""
    access.require(actor, "protocol", "update", client)
    protocol = protocol_for(client)
    start = start or protocol.onboarding_started_on or timezone.localdate()
    if protocol.pk is None or protocol.onboarding_started_on != start:
        protocol.onboarding_started_on = start
        if protocol.pk is not None:
            bump_version(protocol)
        protocol.save()
    OnboardingItem.objects.filter(client=client, done_at__isnull=True).delete()
    items = [
        OnboardingItem.objects.create(
            workspace=actor.workspace, client=client, kind=kind, title=title, due_on=start + timedelta(days=offset)
        )
        for offset, kind, title in onboarding_plan(actor.workspace)
    ]
    if emit:
        events.emit(actor, "onboarding.applied", client, data={"started_on": start, "items": len(items)})
    return items


@transaction.atomic
def onboarding_item_done(*, actor: Actor, item: OnboardingItem) -> OnboardingItem:
    access.require(actor, "protocol", "update", item.client)
    if item.done_at is None:
        item.done_at = timezone.now()
        item.save(update_fields=["done_at", "updated_at"])
        events.emit(actor, "onboarding_item.completed", item, data={"title": item.title}, client_id=item.client_id)
    return item
