"""What the client portal shows a client-role user."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from baton.core.access import Actor
from baton.delivery import selectors as delivery
from baton.finance.models import ChangeOrder
from baton.finance.selectors.burn import budget_burn
from baton.knowledge.selectors import decision_list
from baton.relationships.selectors.clients import client_for, protocol_for
from baton.relationships.selectors.lists import goal_list, goal_progress, status_update_list


def portal_overview(actor: Actor) -> dict[str, Any]:
    """What the client portal shows a client-role user of its own client: projects, open milestones, tasks awaiting
    approval, change orders to decide, sent status updates, decisions, goals, and budget figures only when the
    client's protocol shares them."""
    if not actor.is_client or not actor.client_id:
        raise Http404("No portal here.")
    client = client_for(actor, actor.client_id)
    projects = list(delivery.project_list(actor=actor).filter(client_id=client.pk, archived_at__isnull=True))
    shared = protocol_for(client).share_budget_with_client
    return {
        "client": client,
        "projects": projects,
        "milestones": list(
            delivery.milestone_list(actor=actor).filter(project__client_id=client.pk, status="open")[:20]
        ),
        "awaiting": list(delivery.task_list(actor=actor).filter(project__client_id=client.pk, status="in_review")[:20]),
        "change_orders": list(
            ChangeOrder.objects.filter(
                workspace=actor.workspace, project__client_id=client.pk, status="submitted"
            ).select_related("project")
        ),
        "updates": list(status_update_list(actor=actor, client_id=client.pk)[:10]),
        "decisions": list(decision_list(actor=actor, client_id=client.pk)[:10]),
        "goals": [{"goal": g, **goal_progress(g)} for g in goal_list(actor=actor, client_id=client.pk)],
        "budgets": [(p, budget_burn(p)) for p in projects if p.status in ("active", "on_hold")] if shared else [],
    }
