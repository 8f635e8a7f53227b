"""Client: how are my projects, and what waits for me? The portal is the home: the client's portal overview
(relationships' `portal_overview`, every part through `core.client_view`), led by what waits for its approval,
the latest status update and, when the agency shares them, the budgets."""

from __future__ import annotations

from typing import Any

from baton.core.access import Actor
from baton.home.roles.feed import iso, money_str
from baton.relationships.selectors import portal_overview

TEMPLATE = "home/client.html"


def build(actor: Actor) -> dict[str, Any]:
    """The template's context; `figures` (JSON-able) is what `GET /api/v1/home` answers, the same numbers."""
    if not actor.client_id:
        return {"figures": {}, "portal": None}
    portal = portal_overview(actor)
    updates = list(portal["updates"])
    latest = updates[0] if updates else None
    awaiting = list(portal["awaiting"])
    orders = list(portal["change_orders"])
    figures = {
        "client_name": portal["client"].name,
        "projects": [
            {
                "id": p.pk,
                "name": p.name,
                "status": p.status,
                "status_label": p.get_status_display(),
                "end_date": iso(p.end_date),
            }
            for p in portal["projects"]
        ],
        "awaiting_approval": len(awaiting) + len(orders),
        "tasks_in_review": [{"id": t.pk, "title": t.title, "project_name": t.project.name} for t in awaiting],
        "change_orders": [
            {
                "id": co.pk,
                "title": co.title,
                "project_name": co.project.name,
                "amount_delta": money_str(co.amount_delta),
                "minutes_delta": co.minutes_delta,
                "currency": co.project.currency,
            }
            for co in orders
        ],
        "open_milestones": [
            {"id": m.pk, "name": m.name, "project_name": m.project.name, "due_date": iso(m.due_date)}
            for m in portal["milestones"]
        ],
        "latest_update": {"id": latest.pk, "subject": latest.subject, "sent_at": iso(latest.sent_at)}
        if latest
        else None,
        "budget_shared": bool(portal["budgets"]),
        "budgets": [
            {
                "project_id": p.pk,
                "project_name": p.name,
                "currency": b.currency,
                "spent_amount": money_str(b.spent_amount),
                "budget_amount": money_str(b.budget_amount),
                "burn_pct": money_str(b.burn_pct),
            }
            for p, b in portal["budgets"]
        ],
    }
    return {"figures": figures, "portal": portal, "latest_update": latest, "change_orders": orders}
