"""Every new client gets its communication protocol with today's onboarding start and the standard onboarding
plan (after the client's creation commits; Baton acts). Confirming a sales-to-account handoff turns each measurable
commitment in its fields ("6x ROAS", "CPA under €25 by March") into a client goal with its target, in the confirming
transaction (`on_emit("handoff.confirmed")`). An invoice e-mailed to the client's billing contacts is an
e-mail touchpoint of the relationship, logged in the sending transaction (`on_emit("invoice.emailed")`: finance,
below, knows nothing of touchpoints), by Baton on behalf of the person who sent it."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from baton.core import events
from baton.core.access import Actor
from baton.core.models import Event
from baton.crm.models import Client, Deal
from baton.finance.models import Invoice
from baton.finance.services import billing_contacts
from baton.handoffs.models import Handoff
from baton.relationships.commitments import measurable_commitments
from baton.relationships.deals import close_opportunities
from baton.relationships.models import ClientGoal, CommunicationProtocol, OpportunityStatus, TouchpointKind
from baton.relationships.services import goal_create, onboarding_apply, touchpoint_log


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


def goals_from_sales_handoff(actor: Actor, handoff: Handoff) -> None:
    """A client goal for each measurable commitment in a confirmed sales-to-account handoff's fields (in the
    template's order; a metric promised twice, once), made by Baton with `source_handoff_id`; none twice."""
    if not isinstance(handoff, Handoff):  # the verb emitted on another target (a test, a replay) is none of ours
        return
    client = handoff.client
    if handoff.kind != "sales_to_account" or client is None:
        return
    if ClientGoal.objects.filter(workspace_id=handoff.workspace_id, source_handoff_id=handoff.pk).exists():
        return
    keys = [f["key"] for f in handoff.field_spec or []] or list(handoff.fields or {})
    text = "\n".join(str((handoff.fields or {}).get(key) or "") for key in keys)
    seen: set[str] = set()
    for commitment in measurable_commitments(text):
        if commitment.key in seen:
            continue
        seen.add(commitment.key)
        goal_create(
            actor=Actor.system(actor.workspace),
            client=client,
            title=commitment.title,
            metric=commitment.metric,
            unit=commitment.unit,
            target=commitment.target.quantize(Decimal("0.01")),
            target_date=commitment.target_date,
            lower_is_better=commitment.lower_is_better,
            description=f"Committed in the sales handoff: “{commitment.text}”",
            source_handoff_id=handoff.pk,
        )


events.on_emit("handoff.confirmed", goals_from_sales_handoff)


def lose_opportunities(actor: Actor, deal: Deal) -> None:
    """A lost deal's growth opportunities are lost with it (crm, below, loses the deal and knows nothing of them)."""
    close_opportunities(actor, deal, OpportunityStatus.LOST)


events.on_emit("deal.lost", lose_opportunities)
