"""What a leaving person holds in relationships (the open next steps they own) and how it goes to their successor
(`services.next_step_reassign`): registered from wiring.py with core's holding sources (people's archive)."""

from __future__ import annotations

from django.db.models import QuerySet

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.registry import HeldItem
from baton.relationships.models import NextStep
from baton.relationships.services import next_step_reassign


def _open(workspace: Workspace, person_id: int) -> QuerySet[NextStep]:
    return (
        NextStep.objects.filter(workspace=workspace, owner_id=person_id, done_at__isnull=True)
        .select_related("client")
        .order_by("due_on", "id")
    )


def open_next_steps(workspace: Workspace, person_id: int) -> list[HeldItem]:
    return [HeldItem(s.pk, f"{s.client.name}: {s.description}") for s in _open(workspace, person_id)]


def move_next_steps(actor: Actor, person_id: int, successor_id: int) -> int:
    steps = list(_open(actor.workspace, person_id))
    for step in steps:
        next_step_reassign(actor=actor, step=step, owner_id=successor_id)
    return len(steps)
