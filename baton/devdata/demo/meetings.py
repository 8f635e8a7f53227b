"""Demo meeting preparation: a meeting in the coming days for a few active clients (their AMs see them under
"Meetings this week", each with its brief), and a drafted recap of one client's latest meeting."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.relationships import services
from baton.relationships.models import Touchpoint

TITLES = ("Monthly review", "Campaign planning", "Quarterly business review")


def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    today = timezone.localdate()
    active = [c for c in clients if c.status == "active" and c.account_manager_id][:3]
    for i, client in enumerate(active):
        day = today + timedelta(days=1 + rng.randrange(5))
        contacts = list(client.contacts.exclude(email="").values_list("pk", flat=True)[:2])
        services.meeting_schedule(
            actor=actor,
            client=client,
            title=TITLES[i % len(TITLES)],
            kind="strategic_review" if i == 2 else "meeting",
            starts_at=timezone.make_aware(datetime.combine(day, time(10 + i, 0))),
            person_id=client.account_manager_id,
            contact_ids=contacts,
            agenda="Results against goals; open next steps; next month's plan.",
        )
    if active:
        latest = (
            Touchpoint.objects.filter(client=active[0], kind__in=["meeting", "call"]).order_by("-occurred_at").first()
        )
        if latest is not None:
            services.recap_draft(actor=actor, touchpoint=latest)
