"""Every new client gets its communication protocol with today's onboarding start and the standard onboarding
plan (after the client's creation commits; Baton acts)."""

from __future__ import annotations

from django.db import transaction

from baton.core import events
from baton.core.access import Actor
from baton.core.models import Event
from baton.crm.models import Client
from baton.relationships.models import CommunicationProtocol
from baton.relationships.services import onboarding_apply


@events.subscribe
def start_onboarding(event: Event) -> None:
    if event.verb != "client.created" or event.target_type != "client":
        return

    client = Client.objects.filter(pk=event.target_id).first()
    if client is None or client.status not in ("active", "prospect"):
        return
    if CommunicationProtocol.objects.filter(client=client).exists():
        return
    with transaction.atomic():
        onboarding_apply(
            actor=Actor.system(client.workspace), client=client, start=event.occurred_at.date(), emit=False
        )
