"""Demo of the deal → client lifecycle (issue 20): an open recurring retainer deal needing "design" (its page shows the
capacity it would meet), and one growth opportunity made a deal in one step (the others stay on the pipeline's own
line of opportunities not yet deals)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.crm.services import deal_create
from baton.people.models import Person
from baton.relationships.deals import opportunity_to_deal
from baton.relationships.models import GrowthOpportunity, OpportunityStatus


def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    live = [c for c in clients if c.status == "active" and c.account_manager_id]
    if not live:
        return
    seller = (
        Person.objects.filter(workspace=workspace, active=True, membership__role__in=("owner", "admin"))
        .order_by("id")
        .first()
    )
    with transaction.atomic():
        deal_create(
            actor=actor,
            client=live[len(live) // 2],  # no draw from `rng`: the later demos keep their data
            name="Always-on social retainer",
            value="48000.00",
            stage="negotiation",
            owner_id=seller.pk if seller else None,
            expected_close=timezone.localdate() + timedelta(days=14),
            expected_effort_minutes=19200,
            effort_role="design",
            effort_weeks=8,
            recurring=True,
            term_months=12,
            service="Social",
            primary_goals="Keep the brand present every week",
        )
        idea = (
            GrowthOpportunity.objects.filter(workspace=workspace, deal__isnull=True, status=OpportunityStatus.IDEA)
            .select_related("client")
            .order_by("-value", "id")
            .first()
        )
        if idea is not None:
            opportunity_to_deal(actor=actor, opportunity=idea, expected_close=timezone.localdate() + timedelta(days=30))
