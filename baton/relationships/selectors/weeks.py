"""What happened for a client in a week: the facts a status update is drafted from."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Sum

from baton.core import client_view, formats
from baton.core.client_view import ClientAudience
from baton.crm.models import Client
from baton.delivery.models import Milestone, Task
from baton.knowledge.models import Decision
from baton.relationships.models import Escalation, NextStep
from baton.relationships.selectors.clients import _day_bounds
from baton.timesheets.models import TimeEntry

# --- Week facts (status updates) ------------------------------------------------------------------------------------


def week_facts(client: Client, week_start: date, audience: ClientAudience | None = None) -> dict[str, Any]:
    """What happened for the client in the week, as the client may see it (`core.client_view`, the client's
    protocol by default): milestones reached, tasks done, hours against budget (only when budgets are shared),
    decisions, open next steps and delivery risks. Escalations and health never reach these facts."""
    audience = audience or client_view.audience_for(client)
    start, end = _day_bounds(week_start), _day_bounds(week_start + timedelta(days=7))
    milestones = list(
        Milestone.objects.filter(project__client=client, completed_at__gte=start, completed_at__lt=end).values(
            "id", "name", "project__name"
        )
    )
    tasks = [
        {"id": t.pk, "title": t.title, "project": t.project.name}
        for t in Task.objects.filter(
            project__client=client, status="done", completed_at__gte=start, completed_at__lt=end
        )
        .select_related("project")
        .order_by("completed_at")
    ]
    budgets = _week_budgets(client, week_start)
    decisions = [
        (
            client_view.INTERNAL_DECISION if d["internal"] else client_view.DECISION,
            {"id": d["id"], "title": d["title"], "decided_on": d["decided_on"]},
        )
        for d in Decision.objects.filter(
            client=client, decided_on__gte=week_start, decided_on__lt=week_start + timedelta(days=7)
        )
        .order_by("decided_on")
        .values("id", "title", "decided_on", "internal")
    ]
    steps = [
        {
            "id": s.pk,
            "description": s.description,
            "owner": s.owner.name if s.owner else (s.owner_contact.name if s.owner_contact else "—"),
            "due_on": s.due_on,
        }
        for s in NextStep.objects.filter(client=client, done_at__isnull=True).select_related("owner", "owner_contact")
    ]
    risks = _week_risks(client, week_start, budgets)
    return {
        "week_start": week_start,
        "milestones_reached": audience.only(
            client_view.PROGRESS,
            [{"id": m["id"], "name": m["name"], "project": m["project__name"]} for m in milestones],
        ),
        "tasks_done": audience.only(client_view.PROGRESS, tasks),
        "budgets_shared": audience.may_see(client_view.BUDGET),
        "budgets": audience.only(client_view.BUDGET, budgets),
        "decisions": audience.keep(decisions),
        "next_steps": audience.only(client_view.NEXT_STEP, steps),
        "risks": audience.keep(risks),
    }


def _week_budgets(client: Client, week_start: date) -> list[dict[str, Any]]:
    """Hours this week and in all against the budgeted hours, per live project of the client."""
    budgets: list[dict[str, Any]] = []
    for project in client.projects.filter(archived_at__isnull=True).exclude(status__in=["cancelled"]):
        week_minutes = (
            TimeEntry.objects.filter(
                project=project, date__gte=week_start, date__lt=week_start + timedelta(days=7)
            ).aggregate(m=Sum("minutes"))["m"]
            or 0
        )
        total_minutes = TimeEntry.objects.filter(project=project).aggregate(m=Sum("minutes"))["m"] or 0
        if week_minutes or project.status == "active":
            budgets.append(
                {
                    "project_id": project.pk,
                    "project": project.name,
                    "hours_week": round(week_minutes / 60, 1),
                    "hours_total": round(total_minutes / 60, 1),
                    "budget_hours": round((project.budget_minutes or 0) / 60, 1),
                    "over_budget": bool(project.budget_minutes) and total_minutes > project.budget_minutes,
                }
            )
    return budgets


def _week_risks(client: Client, week_start: date, budgets: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Each risk of the week with its kind of information (`core.client_view`): over budget, late milestones, open
    escalations."""
    risks = [(client_view.BUDGET, f"{b['project']} is over its budgeted hours.") for b in budgets if b["over_budget"]]
    risks += [
        (
            client_view.RISK,
            f"Milestone “{m.name}” ({m.project.name}) is past its due date {formats.day_short(m.due_date)}.",
        )
        for m in Milestone.objects.filter(
            project__client=client,
            status="open",
            due_date__lt=week_start + timedelta(days=7),
            project__archived_at__isnull=True,
        ).select_related("project")
        if m.due_date
    ]
    risks += [
        (client_view.ESCALATION, f"Open escalation: {e.title}")
        for e in Escalation.objects.filter(client=client, status="open").only("title")
    ]
    return risks
