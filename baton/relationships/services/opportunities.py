"""Growth opportunities."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from baton.core import access, events
from baton.core.access import Actor
from baton.core.services import bump_version, check_version, validate
from baton.crm.models import Client
from baton.people.validators import person_of_workspace
from baton.relationships.models import GrowthOpportunity

# --- Growth opportunities ---------------------------------------------------------------------------------------

OPPORTUNITY_FIELDS = ("title", "kind", "value", "status", "owner_id", "notes")


@transaction.atomic
def opportunity_create(*, actor: Actor, client: Client, title: str, **fields: Any) -> GrowthOpportunity:
    opp = GrowthOpportunity(workspace=actor.workspace, client=client, title=(title or "").strip())
    opp.owner_id = actor.person_id
    access.require(actor, "growth_opportunity", "create", opp)
    unknown = set(fields) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise ValidationError({f: "Unknown field." for f in unknown})
    for k, v in fields.items():
        if v is not None:
            setattr(opp, k, v)
    errors: dict[str, str] = {}
    if opp.owner_id and person_of_workspace(actor.workspace, opp.owner_id, "owner_id", errors) is None:
        opp.owner_id = None
    validate(opp, errors)
    opp.save()
    events.emit(
        actor,
        "growth_opportunity.logged",
        opp,
        data={"person_id": actor.person_id, "value": opp.value, "kind": opp.kind, "title": opp.title},
    )
    return opp


@transaction.atomic
def opportunity_update(
    *, actor: Actor, opportunity: GrowthOpportunity, version: int | None, **changes: Any
) -> GrowthOpportunity:
    access.require(actor, "growth_opportunity", "update", opportunity)
    opp = GrowthOpportunity.objects.select_for_update().select_related("client").get(pk=opportunity.pk)
    check_version(opp, version)
    unknown = set(changes) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    errors: dict[str, str] = {}
    if (
        changes.get("owner_id")
        and person_of_workspace(actor.workspace, changes["owner_id"], "owner_id", errors) is None
    ):
        changes.pop("owner_id")
    changed = events.diff(opp, changes)
    validate(opp, errors)
    if changed:
        bump_version(opp)
        opp.save()
        events.emit(actor, "growth_opportunity.updated", opp, data={"changes": changed})
    return opp
