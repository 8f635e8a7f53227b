"""Every new client gets its communication protocol with today's onboarding start and the standard onboarding
plan (after the client's creation commits; Baton acts). An invoice e-mailed to the client's billing contacts is an
e-mail touchpoint of the relationship, logged in the sending transaction (`on_emit("invoice.emailed")`: finance,
below, knows nothing of touchpoints), by Baton on behalf of the person who sent it."""

from __future__ import annotations

from django.db import transaction

from baton.core import events
from baton.core.access import Actor
from baton.core.models import Event
from baton.crm.models import Client, Deal
from baton.finance.models import Invoice
from baton.finance.services import billing_contacts
from baton.relationships.deals import close_opportunities
from baton.relationships.models import CommunicationProtocol, OpportunityStatus, TouchpointKind
from baton.relationships.services import onboarding_apply, touchpoint_log


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


def record_invoice_touchpoint(actor: Actor, invoice: Invoice) -> None:
    """An `email` touchpoint with the billing contacts it went to; no amounts (touchpoints are read by all staff)."""
    contacts = billing_contacts(invoice)
    touchpoint_log(
        actor=Actor.system(actor.workspace),
        client=invoice.client,
        kind=TouchpointKind.EMAIL,
        summary=f"{invoice} e-mailed to {', '.join(c.name for c in contacts)}"[:500],
        person_id=actor.person_id,
        contact_ids=[c.pk for c in contacts],
        attendees=[c.email for c in contacts],
    )


events.on_emit("invoice.emailed", record_invoice_touchpoint)


def lose_opportunities(actor: Actor, deal: Deal) -> None:
    """A lost deal's growth opportunities are lost with it (crm, below, loses the deal and knows nothing of them)."""
    close_opportunities(actor, deal, OpportunityStatus.LOST)


events.on_emit("deal.lost", lose_opportunities)
