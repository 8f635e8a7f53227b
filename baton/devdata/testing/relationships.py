"""Relationship records for permission tests (the access matrix): one of each kind, in a given workspace."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from baton.core.access import Actor
from baton.crm.models import Client, Contact
from baton.crm.services import client_create, deal_create
from baton.people.models import Person
from baton.relationships import services
from baton.relationships.models import StatusUpdate


def make_relationships_records(
    *, workspace: object, client: Client, contact: Contact, am: Person, seller: Person
) -> dict[str, int]:
    """An open deal of `seller` (for a client whose AM is `am`); a touchpoint with a next step, a sent and a draft
    status update, a goal with a value, an open escalation, a growth opportunity and an active recurring
    engagement, all of `client`. Returns ids by path name."""
    actor = Actor.system(client.workspace)
    deal_client = client
    if client.account_manager_id is None:
        deal_client = client_create(actor=actor, name="Matrix prospect", account_manager_id=am.pk)
    deal = deal_create(
        actor=actor, client=deal_client, name="Matrix deal", value="10000.00", stage="proposal", owner_id=seller.pk
    )
    today = timezone.localdate()
    touchpoint = services.touchpoint_log(
        actor=actor,
        client=client,
        kind="call",
        summary="Matrix call",
        contact_ids=[contact.pk],
        next_steps=[{"description": "Send the plan", "owner_id": am.pk, "due_on": today + timedelta(days=2)}],
    )
    sent = services.status_update_draft(actor=actor, client=client, week_start=today - timedelta(days=7))
    services.status_update_send(actor=actor, update=sent, recipients=["matrix@client.test"])
    draft = services.status_update_draft(actor=actor, client=client)
    StatusUpdate.objects.filter(pk=draft.pk).update(recipients=["matrix@client.test"])
    meeting = services.meeting_schedule(
        actor=actor,
        client=client,
        title="Matrix review",
        starts_at=timezone.now() + timedelta(days=2),
        contact_ids=[contact.pk],
    )
    services.recap_draft(actor=actor, touchpoint=touchpoint, recipients=["matrix@client.test"])
    goal = services.goal_create(actor=actor, client=client, title="More leads", metric="Leads a month", target="200")
    services.goal_value_record(actor=actor, goal=goal, value="120")
    escalation = services.escalation_open(actor=actor, client=client, title="Matrix escalation")
    opportunity = services.opportunity_create(actor=actor, client=client, title="Matrix upsell", value="5000.00")
    engagement = services.engagement_create(
        actor=actor,
        client=client,
        name="Matrix retainer",
        start_date=today - timedelta(days=200),
        end_date=today + timedelta(days=164),
        renewal_date=today + timedelta(days=165),
        value="12000.00",
        recurring=True,
    )
    return {
        "deal_id": deal.pk,
        "touchpoint_id": touchpoint.pk,
        "meeting_id": meeting.pk,
        "next_step_id": touchpoint.next_steps.get().pk,
        "status_update_id": sent.pk,
        "draft_status_update_id": draft.pk,
        "goal_id": goal.pk,
        "escalation_id": escalation.pk,
        "opportunity_id": opportunity.pk,
        "assignee_id": am.pk,
        "engagement_id": engagement.pk,
    }
