"""Demo data for the portal as a workplace: the first client's portal user has filed requests (one new, one triaged,
one turned into a task, one declined) and decided on a deliverable; another deliverable waits for its approval."""

from __future__ import annotations

import random

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.delivery import services as delivery
from baton.delivery.models import Project
from baton.people.models import Person
from baton.relationships import services

REQUESTS = (
    ("Add the summer offer to the home page", "change", "high", "new"),
    ("Contact form sends no confirmation e-mail", "bug", "urgent", "triaged"),
    ("A banner set for the trade fair", "new_work", "normal", "converted"),
    ("Can we see the raw survey answers?", "question", "low", "declined"),
)


def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    """Add the portal's requests and deliverable decisions (after delivery and relationships)."""
    if not clients:
        return
    client = clients[0]
    portal_person = Person.objects.filter(workspace=workspace, client_id=client.pk, active=True).first()
    project = (
        Project.objects.filter(workspace=workspace, client=client, archived_at__isnull=True, status="active")
        .order_by("id")
        .first()
    )
    if portal_person is None or project is None:
        return
    portal = Actor.for_membership(portal_person.membership)
    for title, kind, priority, status in REQUESTS:
        req = services.client_request_create(
            actor=portal, project_id=project.pk, title=title, kind=kind, priority=priority
        )
        if status == "triaged":
            services.client_request_triage(actor=actor, request=req, notes="Reproduced on mobile Safari.")
        elif status == "converted":
            services.client_request_convert(actor=actor, request=req, into="task")
        elif status == "declined":
            services.client_request_decline(
                actor=actor, request=req, reason="They hold personal data; we will share the anonymised summary."
            )
    # Work already under the client's eyes started long ago: past the start gates (an override, recorded).
    approved = delivery.task_create(
        actor=actor, project=project, title="Key visual, final", status="in_review", override=True
    )
    services.deliverable_decide(actor=portal, task=approved, decision="approved", comment="Love it, go ahead.")
    delivery.task_create(actor=actor, project=project, title="Landing page copy, v2", status="in_review", override=True)
