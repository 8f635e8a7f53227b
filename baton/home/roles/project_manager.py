"""Project manager: how are my projects burning against their progress, and what is late, blocked or waiting on me?

Each live project it manages with the share of its budget used (finance's `current_burns`, the burn
`GET /api/v1/reports/budget-burn` gives: the larger of money and time, as the budget thresholds compare) beside the
share of its tasks done (delivery's `project_figures`), drawn as two bars with the numbers in a table; its late
milestones (open, due before today), the milestones done without a scope review ("scope review due", finance's
`scope_reviews_due`), its blocked tasks and the handoffs waiting on it (handoffs' inbox)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from baton.core.access import Actor
from baton.core.selectors import event_list
from baton.delivery.models import MilestoneStatus, Project, TaskStatus
from baton.delivery.selectors import LIVE_PROJECT_STATUSES, milestone_list, project_figures, project_list, task_list
from baton.finance.selectors import Burn, current_burns, scope_reviews_due
from baton.handoffs.models import Handoff
from baton.handoffs.selectors import Inbox, inbox
from baton.home.roles.feed import fold_events, iso, money_str

TEMPLATE = "home/project_manager.html"
AHEAD_POINTS = 10  # budget used this many points ahead of the work done: flagged


def build(actor: Actor) -> dict[str, Any]:
    """The template's context; `figures` (JSON-able) is what `GET /api/v1/home` answers, the same numbers."""
    today = timezone.localdate()
    pid = actor.person_id or 0
    projects = list(
        project_list(actor=actor, project_manager_id=pid)
        .filter(status__in=LIVE_PROJECT_STATUSES)
        .order_by("end_date", "name", "id")
    )
    _, burns = current_burns(actor, today, managed_by=pid)
    rows = [_project_row(p, burns.get(p.pk)) for p in projects]
    late = list(
        milestone_list(actor=actor, status=MilestoneStatus.OPEN, counts=False).filter(
            project__project_manager_id=pid, project__archived_at__isnull=True, due_date__lt=today
        )[:10]
    )
    review_due = list(scope_reviews_due(actor=actor, managed_by=pid)[:10])
    blocked = list(
        task_list(actor=actor, status=TaskStatus.BLOCKED).filter(
            project__project_manager_id=pid, project__archived_at__isnull=True
        )[:10]
    )
    box = inbox(actor=actor)
    waiting = [*box.to_confirm, *box.gaps_to_answer, *box.to_send]
    clients = {p.client_id for p in projects}
    feed = fold_events(list(event_list(actor=actor).filter(client_id__in=clients)[:40]))
    figures = {
        "projects": rows,
        "burning_ahead": sum(1 for r in rows if r["burn_ahead"]),
        "blocked_count": sum(r["blocked_count"] for r in rows),
        "late_milestones": [
            {
                "id": m.pk,
                "name": m.name,
                "project_id": m.project_id,
                "project_name": m.project.name,
                "due_date": iso(m.due_date),
                "days_late": (today - m.due_date).days if m.due_date else 0,
            }
            for m in late
        ],
        "scope_reviews_due": [
            {
                "id": m.pk,
                "name": m.name,
                "project_id": m.project_id,
                "project_name": m.project.name,
                "completed_at": iso(m.completed_at),
            }
            for m in review_due
        ],
        "blocked_tasks": [
            {
                "id": t.pk,
                "title": t.title,
                "project_id": t.project_id,
                "project_name": t.project.name,
                "assignee_name": t.assignee.name if t.assignee else None,
            }
            for t in blocked
        ],
        "handoffs_waiting": [
            {
                "id": h.pk,
                "title": h.title,
                "why": _why(h, box),
                "due_by": iso(h.due_by),
            }
            for h in waiting
        ],
    }
    return {"figures": figures, "today": today, "feed": feed}


def _project_row(p: Project, burn: Burn | None) -> dict[str, Any]:
    """A project's work done (its tasks) beside its budget used (the larger of money and time)."""
    facts = project_figures(p)
    used: Decimal | None = burn.level_pct if burn is not None else None
    return {
        "project_id": p.pk,
        "project_name": p.name,
        "client_name": p.client.name,
        "status": p.status,
        "end_date": iso(p.end_date),
        "progress_pct": facts["progress_pct"],
        "tasks_done": facts["done_count"],
        "task_count": facts["task_count"],
        "blocked_count": facts["blocked_count"],
        "overdue_count": facts["overdue_count"],
        "budget_used_pct": money_str(used),
        "spent_amount": money_str(burn.spent_amount) if burn else None,
        "budget_amount": money_str(burn.budget_amount) if burn and burn.budget_amount else None,
        "currency": burn.currency if burn else p.currency,
        "burn_ahead": used is not None and used - facts["progress_pct"] >= AHEAD_POINTS,
        "budget_bar": min(int(used), 100) if used is not None else 0,  # the bar's length, at most full
    }


def _why(h: Handoff, box: Inbox) -> str:
    if h in box.to_confirm:
        return "to confirm"
    return "gaps to answer" if h in box.gaps_to_answer else "to send"
