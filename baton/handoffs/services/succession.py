"""A person leaves: the open handoffs they own or receive go to their successor (people's `hand_over`, through the
holding sources registered in wiring.py). A handoff whose other party is the successor has no one left to hand to,
so it is cancelled with that reason."""

from __future__ import annotations

from django.db import transaction

from baton.core import access, events
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.registry import HeldItem
from baton.core.services import bump_version
from baton.handoffs.models import Handoff, HandoffStatus
from baton.handoffs.services._common import _event_data, _locked
from baton.handoffs.services.opening import handoff_cancel
from baton.people.models import Person

OPEN_STATUSES = (HandoffStatus.DRAFT, HandoffStatus.SENT, HandoffStatus.GAPS_RAISED)


def _open(workspace: Workspace, person_id: int, side: str) -> list[Handoff]:
    return list(
        Handoff.objects.filter(workspace=workspace, status__in=OPEN_STATUSES, **{side: person_id}).order_by("id")
    )


def owned_open(workspace: Workspace, person_id: int) -> list[HeldItem]:
    return [HeldItem(h.pk, h.title) for h in _open(workspace, person_id, "from_person_id")]


def received_open(workspace: Workspace, person_id: int) -> list[HeldItem]:
    return [HeldItem(h.pk, h.title) for h in _open(workspace, person_id, "to_person_id")]


@transaction.atomic
def handoff_reassign(*, actor: Actor, handoff: Handoff, leaving: Person, successor: Person) -> Handoff:
    """`leaving`'s side of an open handoff (owner, receiver or both) goes to `successor`; when the successor is the
    other party, the handoff is cancelled. An owner/admin does this (the `update` rule's leaders)."""
    access.require(actor, "handoff", "update", handoff)
    handoff = _locked(handoff)
    other = handoff.to_person_id if handoff.from_person_id == leaving.pk else handoff.from_person_id
    if other == successor.pk:
        return handoff_cancel(
            actor=actor,
            handoff=handoff,
            reason=f"{leaving.name} left and {successor.name}, the other party, took over their work.",
        )
    changes: dict[str, list[int]] = {}
    if handoff.from_person_id == leaving.pk:
        changes["from_person_id"] = [leaving.pk, successor.pk]
        handoff.from_person = successor
    if handoff.to_person_id == leaving.pk:
        changes["to_person_id"] = [leaving.pk, successor.pk]
        handoff.to_person = successor
    if not changes:
        return handoff
    bump_version(handoff)
    handoff.save()
    events.emit(
        actor, "handoff.reassigned", handoff, data=_event_data(handoff, changes=changes, left_person_id=leaving.pk)
    )
    return handoff


def _move(actor: Actor, person_id: int, successor_id: int, side: str) -> int:
    leaving = Person.objects.get(workspace=actor.workspace, pk=person_id)
    successor = Person.objects.get(workspace=actor.workspace, pk=successor_id)
    handoffs = _open(actor.workspace, person_id, side)
    for handoff in handoffs:
        handoff_reassign(actor=actor, handoff=handoff, leaving=leaving, successor=successor)
    return len(handoffs)


def move_owned(actor: Actor, person_id: int, successor_id: int) -> int:
    return _move(actor, person_id, successor_id, "from_person_id")


def move_received(actor: Actor, person_id: int, successor_id: int) -> int:
    return _move(actor, person_id, successor_id, "to_person_id")
