"""Writes for the client knowledge record and the stakeholder map (internal to the agency)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from baton.core import access, events
from baton.core.access import Actor
from baton.core.services import bump_version, check_version, validate
from baton.crm.models import Client, Contact
from baton.knowledge.models import (
    ClientKnowledge,
    Stakeholder,
)

# --- The knowledge record and the stakeholder map -------------------------------------------------------------


GOALS_MOVED = (
    "A client's goals are kept in /client-goals (with their KPI, target and recorded values): add or change them "
    "there; the knowledge record shows them."
)


@transaction.atomic
def knowledge_update(
    *,
    actor: Actor,
    client: Client,
    version: int | None = None,
    preferences: str | None = None,
    sensitivities: str | None = None,
    goals: list[Any] | None = None,
) -> ClientKnowledge:
    """Write the client's knowledge record (created on first write). Fields left as None keep their value. When a
    version is sent (If-Match) and the record has moved on, nothing changes (409). Goals are relationships' client
    goals (`baton.knowledge.goals`): a non-empty `goals` is refused (422), an empty one (an old client's) ignored."""
    access.require(actor, "knowledge", "update", client)
    record = ClientKnowledge.objects.select_for_update().filter(pk=client.pk).first()
    if record is None:
        if version not in (None, 0):
            check_version(ClientKnowledge(version=0), version)
        record = ClientKnowledge(client=client, workspace=actor.workspace)
        creating = True
    else:
        if version is not None:
            check_version(record, version)
        creating = False
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if preferences is not None:
        values["preferences"] = preferences.strip()
    if sensitivities is not None:
        values["sensitivities"] = sensitivities.strip()
    if goals:
        errors["goals"] = GOALS_MOVED
    if errors:
        raise ValidationError(errors)
    changed = events.diff(record, values)
    if not changed and not creating:
        return record
    record.updated_by_id = actor.person_id
    validate(record, validate_constraints=False)
    if not creating:
        bump_version(record)
    record.save()
    events.emit(actor, "client_knowledge.updated", record, data={"changes": changed}, client_id=client.pk)
    return record


@transaction.atomic
def stakeholder_update(
    *,
    actor: Actor,
    contact: Contact,
    influence: str | None = None,
    attitude: str | None = None,
    notes: str | None = None,
    version: int | None = None,
) -> Stakeholder:
    """Set where a client contact stands (influence, attitude, notes); the profile is created on first write."""
    client = contact.client
    access.require(actor, "knowledge", "update", client)
    profile = Stakeholder.objects.select_for_update().filter(pk=contact.pk).first()
    creating = profile is None
    if profile is None:
        profile = Stakeholder(contact=contact, client=client, workspace=actor.workspace)
    elif version is not None:
        check_version(profile, version)
    values = {
        k: v
        for k, v in {
            "influence": influence,
            "attitude": attitude,
            "notes": (notes or "").strip() if notes else notes,
        }.items()
        if v is not None
    }
    changed = events.diff(profile, values)
    if not changed and not creating:
        return profile
    profile.updated_by_id = actor.person_id
    validate(profile)
    if not creating:
        bump_version(profile)
    profile.save()
    events.emit(
        actor,
        "stakeholder.updated",
        profile,
        data={"contact_id": contact.pk, "changes": changed},
        client_id=client.pk,
    )
    return profile
