"""What a leaving person holds in crm (the clients they are account manager of) and how it goes to their successor:
registered from wiring.py with core's holding sources (people's archive). The AM change goes through
`client_update`, so it is recorded (AM history, `client.am_changed`) and handoffs opens the account transition."""

from __future__ import annotations

from django.db.models import QuerySet

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.registry import HeldItem
from baton.crm.models import Client
from baton.crm.services import client_update


def _managed(workspace: Workspace, person_id: int) -> QuerySet[Client]:
    return Client.objects.filter(workspace=workspace, account_manager_id=person_id, archived_at__isnull=True).order_by(
        "name", "id"
    )


def clients_managed(workspace: Workspace, person_id: int) -> list[HeldItem]:
    return [HeldItem(c.pk, c.name) for c in _managed(workspace, person_id)]


def move_clients(actor: Actor, person_id: int, successor_id: int) -> int:
    clients = list(_managed(actor.workspace, person_id))
    for client in clients:
        client_update(actor=actor, client=client, version=client.version, account_manager_id=successor_id)
    return len(clients)
