"""Admin and operations: what is stuck?

Blocked tasks (listed, the count linking to every blocked task), overdue handoffs agency-wide, handoff failures and
what fixing them cost, the handoff map's weak point, and who is overbooked in the next two weeks. Each figure from
its owning app's selector."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.delivery.selectors import blocked_tasks
from baton.handoffs.selectors import handoff_map, handoff_metrics, overdue_handoffs
from baton.resourcing.selectors.outlook import fortnight

TEMPLATE = "home/operations.html"
SHOWN = 8


def build(actor: Actor) -> dict[str, Any]:
    """The template's context; `figures` (JSON-able) is what `GET /api/v1/home` answers, the same numbers."""
    now = timezone.now()
    blocked_qs = blocked_tasks(actor=actor).prefetch_related(None)  # the home shows no dependencies
    blocked = list(blocked_qs[:SHOWN])
    blocked_count = blocked_qs.count() if len(blocked) == SHOWN else len(blocked)
    late_qs = overdue_handoffs(actor=actor)
    late = list(late_qs[:SHOWN])
    late_count = late_qs.count() if len(late) == SHOWN else len(late)
    metrics = handoff_metrics(actor=actor) if access.allowed(actor, "handoff_report", "view") else None
    points = handoff_map(actor=actor) if metrics is not None else []
    weak = next((p for p in points if p.active and p.handoffs), None)  # a point with traffic, not only a prior
    team = fortnight(actor)
    over = team.get("overbooked", [])
    figures: dict[str, Any] = {
        "currency": actor.workspace.currency,
        "blocked_tasks": blocked_count,
        "blocked": [
            {
                "task_id": t.pk,
                "title": t.title,
                "project_id": t.project_id,
                "project_name": t.project.name,
                "assignee": t.assignee.name if t.assignee else None,
                "since": t.updated_at.isoformat(),
            }
            for t in blocked
        ],
        "overdue_handoffs": late_count,
        "overdue": [
            {
                "handoff_id": h.pk,
                "title": h.title,
                "to": h.to_person.name if h.to_person else None,
                "due_by": h.due_by.isoformat(),
            }
            for h in late
        ],
        "failures": None,
        "weak_point": None,
        "overbooked_people": len(over),
        "overbooked": [
            {
                "person_id": r["person"].pk,
                "name": r["person"].name,
                "days": r["overbooked_days"],
                "over_minutes": r["over_minutes"],
            }
            for r in over[:SHOWN]
        ],
    }
    if metrics is not None:
        cost = metrics["remediation_cost"]
        figures["failures"] = {
            "from": metrics["from"].isoformat(),
            "to": metrics["to"].isoformat(),
            "count": metrics["failures"],
            "remediation_minutes": metrics["remediation_minutes"],
            "remediation_cost": str(cost) if cost is not None else None,
        }
    if weak is not None:
        figures["weak_point"] = {
            "name": weak.name,
            "where": weak.where,
            "risk": weak.risk,
            "handoffs": weak.handoffs,
            "failures": weak.failures,
            "failure_rate": str(weak.failure_rate) if weak.failure_rate is not None else None,
        }
    return {
        "figures": figures,
        "blocked": blocked,
        "late": late,
        "now": now,
        "team": team,
    }
