"""Meeting preparation: scheduled meetings, the pre-meeting brief, the QBR pack of a quarter, and the figures each
reads (one figure, one selector: the pack shows what these return)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from baton.core import access, client_view
from baton.core.access import Actor
from baton.core.selectors import one_or_404
from baton.crm.models import Client
from baton.delivery.models import Milestone, Task
from baton.finance.selectors.burn import budget_burn
from baton.handoffs.models import OPEN_STATUSES, HandoffGap
from baton.knowledge.models import Decision
from baton.relationships.models import (
    ClientGoal,
    Escalation,
    GrowthOpportunity,
    Meeting,
    NextStep,
    Touchpoint,
    TouchpointKind,
)
from baton.relationships.selectors.clients import _day_bounds, client_for, protocol_for
from baton.relationships.selectors.health import client_health
from baton.relationships.selectors.lists import goal_progress
from baton.timesheets.models import TimeEntry

MEETING_KINDS = (TouchpointKind.CALL, TouchpointKind.MEETING, TouchpointKind.STRATEGIC_REVIEW)
DECISIONS_WITHOUT_MEETING_DAYS = 90  # decisions shown when the client had no meeting before


# --- Scheduled meetings ----------------------------------------------------------------------------------------------


def meeting_list(
    *,
    actor: Actor,
    client_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    include_cancelled: bool = False,
) -> QuerySet[Meeting]:
    """Meetings the actor may prepare: an AM its own clients' only."""
    access.require(actor, "meeting", "view")
    qs = Meeting.objects.filter(workspace=actor.workspace).select_related("client", "person", "touchpoint")
    if actor.role == access.AM:
        qs = qs.filter(client__account_manager_id=actor.person_id or 0)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if start is not None:
        qs = qs.filter(starts_at__gte=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    if not include_cancelled:
        qs = qs.filter(cancelled_at__isnull=True)
    return qs.prefetch_related("contacts").order_by("starts_at", "id")


def meeting_get(*, actor: Actor, meeting_id: int) -> Meeting:
    """One meeting (a client-role user: 404; an AM another AM's client's: 403)."""
    if actor.is_client:
        raise Http404("No such meeting.")
    meeting = one_or_404(
        Meeting.objects.filter(workspace=actor.workspace, pk=meeting_id).select_related("client", "person"),
        "meeting",
    )
    access.require(actor, "meeting", "view", meeting)
    return meeting


def meetings_this_week(actor: Actor, today: date | None = None) -> list[Meeting]:
    """The actor's clients' meetings from today to seven days on (the AM's home)."""
    today = today or timezone.localdate()
    return list(meeting_list(actor=actor, start=_day_bounds(today), end=_day_bounds(today + timedelta(days=7)))[:20])


# --- The figures (each once) ---------------------------------------------------------------------------------------


def last_meeting_before(client: Client, moment: datetime) -> Touchpoint | None:
    """The client's latest call, meeting or strategic review before `moment`."""
    return (
        Touchpoint.objects.filter(client=client, kind__in=MEETING_KINDS, occurred_at__lt=moment)
        .order_by("-occurred_at", "-id")
        .first()
    )


def decisions_between(client: Client, start: date, end: date) -> list[Decision]:
    """The client's decisions decided on from `start` to `end` (both included), oldest first."""
    return list(
        Decision.objects.filter(client=client, decided_on__gte=start, decided_on__lte=end)
        .select_related("decided_by")
        .order_by("decided_on", "id")
    )


def open_next_steps(client: Client) -> list[NextStep]:
    return list(
        NextStep.objects.filter(client=client, done_at__isnull=True)
        .select_related("owner", "owner_contact")
        .order_by("due_on", "id")
    )


def client_burns(client: Client, today: date) -> list[dict[str, Any]]:
    """Each live project's burn (finance's `budget_burn`): minutes against budget, and the money figures."""
    rows = []
    for project in client.projects.filter(archived_at__isnull=True).exclude(status="cancelled").order_by("name"):
        burn = budget_burn(project, today=today, forecast=False)
        rows.append({"project": project.name, "project_id": project.pk, "burn": burn})
    return rows


def risks_of(client: Client, today: date) -> list[tuple[str, str]]:
    """Each risk with its kind of information (`core.client_view`): overdue next steps and milestones (risk), open
    handoff gaps (an internal note), open escalations (escalation)."""
    risks: list[tuple[str, str]] = [
        (client_view.RISK, f"Next step overdue since {s.due_on:%d %b}: {s.description}")
        for s in NextStep.objects.filter(client=client, done_at__isnull=True, due_on__lt=today).order_by("due_on")
    ]
    risks += [
        (client_view.RISK, f"Milestone “{m.name}” ({m.project.name}) is past its due date {m.due_date:%d %b}.")
        for m in Milestone.objects.filter(
            project__client=client, status="open", due_date__lt=today, project__archived_at__isnull=True
        ).select_related("project")
    ]
    risks += [
        (client_view.INTERNAL_NOTE, f"Open handoff gap ({g.handoff}): {g.question}")
        for g in HandoffGap.objects.filter(
            handoff__client=client, answered_at__isnull=True, handoff__status__in=OPEN_STATUSES
        ).select_related("handoff")
    ]
    risks += [
        (client_view.ESCALATION, f"Open escalation: {e.title}")
        for e in Escalation.objects.filter(client=client, status="open").order_by("-created_at")
    ]
    return risks


def goal_in_period(goal: ClientGoal, start: date, end: date) -> dict[str, Any]:
    """A goal's result in a period: its latest value recorded in it against the target, progress 0-100 % from the
    baseline (as `goal_progress`, on the period's values only)."""
    values = sorted(
        (v for v in goal.values.all() if start <= v.recorded_on <= end), key=lambda v: (v.recorded_on, v.pk)
    )
    latest = values[-1] if values else None
    span = goal.target - goal.baseline
    pct = None
    if latest is not None and span:
        raw = (latest.value - goal.baseline) * 100 / span
        pct = max(Decimal(0), min(Decimal(100), raw)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return {
        "goal": goal,
        "value": latest.value if latest else None,
        "recorded_on": latest.recorded_on if latest else None,
        "target": goal.target,
        "progress_pct": pct,
        "achieved": pct is not None and pct >= 100,
        "values": len(values),
    }


def minutes_by_project(client: Client, start: date, end: date) -> list[dict[str, Any]]:
    """Minutes logged on each of the client's projects from `start` to `end` (both included), most first."""
    rows = (
        TimeEntry.objects.filter(project__client=client, date__gte=start, date__lte=end)
        .values("project_id", "project__name")
        .annotate(minutes=Sum("minutes"))
        .order_by("-minutes", "project__name")
    )
    return [{"project_id": r["project_id"], "project": r["project__name"], "minutes": r["minutes"] or 0} for r in rows]


def delivered_between(client: Client, start: date, end: date) -> dict[str, list[Any]]:
    """Milestones completed and tasks done in the period."""
    lo, hi = _day_bounds(start), _day_bounds(end + timedelta(days=1))
    return {
        "milestones": list(
            Milestone.objects.filter(project__client=client, completed_at__gte=lo, completed_at__lt=hi)
            .select_related("project")
            .order_by("completed_at")
        ),
        "tasks": list(
            Task.objects.filter(project__client=client, status="done", completed_at__gte=lo, completed_at__lt=hi)
            .select_related("project")
            .order_by("completed_at")
        ),
    }


# --- The pre-meeting brief ----------------------------------------------------------------------------------------


def _attendees(meeting: Meeting) -> list[dict[str, str]]:
    people = [{"name": meeting.person.name, "side": "agency", "email": ""}] if meeting.person else []
    return people + [{"name": c.name, "side": "client", "email": c.email} for c in meeting.contacts.all()]


def meeting_brief(*, actor: Actor, meeting_id: int, today: date | None = None) -> dict[str, Any]:
    """Everything to prepare a scheduled meeting, read from the records (internal: staff who prepare it only)."""
    meeting = meeting_get(actor=actor, meeting_id=meeting_id)
    client = meeting.client
    today = today or timezone.localdate()
    last = last_meeting_before(client, meeting.starts_at)
    since = (
        timezone.localtime(last.occurred_at).date() if last else today - timedelta(days=DECISIONS_WITHOUT_MEETING_DAYS)
    )
    health = client_health(client, today)
    weakest = sorted(health["signals"], key=lambda s: s["contribution"] - s["weight"])
    shared = client_view.audience_for(client).may_see(client_view.BUDGET)
    return {
        "meeting": meeting,
        "client": client,
        "today": today,
        "attendees": _attendees(meeting),
        "last_meeting": last,
        "since": since,
        "next_steps": open_next_steps(client),
        "goals": [
            {"goal": g, **goal_progress(g)} for g in client.goals.filter(archived_at__isnull=True).order_by("id")
        ],
        "health": health,
        "health_reasons": [s for s in weakest if s["contribution"] < s["weight"]][:3],
        "decisions": decisions_between(client, since, today),
        "budget_shared": shared,
        "show_money": access.can_see_budgets(actor),
        "budgets": client_burns(client, today),
        "risks": [text for _, text in risks_of(client, today)],
    }


# --- The QBR pack ------------------------------------------------------------------------------------------------

QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """`2026Q3` → (1 July 2026, 30 September 2026); anything else is 422 naming `quarter`."""
    found = QUARTER.match((quarter or "").strip())
    if not found or not 1900 <= int(found.group(1)) <= 2999:
        raise ValidationError({"quarter": "Name a quarter as YYYYQn, e.g. 2026Q3 (years 1900-2999)."})
    year, q = int(found.group(1)), int(found.group(2))
    start = date(year, 3 * q - 2, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return start, end - timedelta(days=1)


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def proposal_draft(client: Client, goal_rows: list[dict[str, Any]]) -> str:
    """Next quarter's proposal, drafted from the open growth opportunities and the goals not yet reached."""
    lines = ["Proposal for next quarter", ""]
    for row in goal_rows:
        if not row["achieved"]:
            lines.append(
                f"- Keep working towards “{row['goal'].title}” ({row['goal'].metric}: target {row['target']})."
            )
    for opp in GrowthOpportunity.objects.filter(client=client, status__in=["idea", "proposed"]).order_by("-value"):
        lines.append(f"- {opp.title}")
    if len(lines) == 2:
        lines.append("- Continue the current scope.")
    return "\n".join(lines)


def qbr_pack(*, actor: Actor, client_id: int, quarter: str, client_facing: bool = False) -> dict[str, Any]:
    """The QBR pack of a client for a quarter. `client_facing` passes `core.client_view`: no escalations, health,
    internal decisions or notes, and budget only as the client's protocol shares it (money never beyond what the
    actor may see)."""
    start, end = quarter_bounds(quarter)
    client = client_for(actor, client_id)
    access.require(actor, "qbr", "view", client)
    today = timezone.localdate()
    audience = client_view.audience_for(client) if client_facing else None

    def keep(tagged: list[tuple[str, Any]]) -> list[Any]:
        return audience.keep(tagged) if audience else [item for _, item in tagged]

    goals = [goal_in_period(g, start, end) for g in client.goals.filter(archived_at__isnull=True).order_by("id")]
    delivered = delivered_between(client, start, end)
    hours = minutes_by_project(client, start, end)
    budgets = client_burns(client, min(end, today))
    decisions = decisions_between(client, start, end)
    escalations = list(
        Escalation.objects.filter(
            client=client, created_at__gte=_day_bounds(start), created_at__lt=_day_bounds(end + timedelta(days=1))
        )
    )
    return {
        "client": client,
        "quarter": quarter.upper(),
        "start": start,
        "end": end,
        "client_facing": client_facing,
        "goals": keep([(client_view.GOAL, g) for g in goals]),
        "milestones": keep([(client_view.PROGRESS, m) for m in delivered["milestones"]]),
        "tasks": keep([(client_view.PROGRESS, t) for t in delivered["tasks"]]),
        "hours": keep([(client_view.PROGRESS, h) for h in hours]),
        "total_minutes": sum(h["minutes"] for h in keep([(client_view.PROGRESS, h) for h in hours])),
        "budgets": keep([(client_view.BUDGET, b) for b in budgets]),
        "show_money": access.can_see_budgets(actor),
        "decisions": keep(
            [(client_view.INTERNAL_DECISION if d.internal else client_view.DECISION, d) for d in decisions]
        ),
        "escalations": keep([(client_view.ESCALATION, e) for e in escalations]),
        "health": None if client_facing else client_health(client, min(end, today)),
        "proposal": proposal_draft(client, goals),
        "budget_shared": protocol_for(client).share_budget_with_client,
    }
