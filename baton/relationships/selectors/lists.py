"""The lists behind the API and pages (another workspace's or, client role, another client's ids are 404),
the client report and the open next steps of the latest touchpoint."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from baton.core import access, client_view, formats
from baton.core.access import Actor
from baton.core.selectors import one_or_404
from baton.crm.models import Client
from baton.crm.services import STAGE_PROBABILITY
from baton.delivery.models import Milestone
from baton.knowledge.models import Decision
from baton.relationships.models import (
    ClientGoal,
    Escalation,
    GrowthOpportunity,
    NextStep,
    OpportunityStatus,
    StatusUpdate,
    Touchpoint,
)
from baton.relationships.selectors.clients import _day_bounds, client_for

ZERO2 = Decimal("0.00")
# An open growth opportunity not yet a deal counts in the weighted pipeline like a deal at `lead`.
OPPORTUNITY_PROBABILITY = STAGE_PROBABILITY["lead"]

# --- Lists --------------------------------------------------------------------------------------------------------


def _client_scoped(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    qs = qs.filter(workspace=actor.workspace)
    if actor.is_client:
        qs = qs.filter(client_id=actor.client_id or 0)
    return qs


def touchpoint_list(
    *, actor: Actor, client_id: int | None = None, kind: str | None = None, person_id: int | None = None
) -> QuerySet[Touchpoint]:
    access.require(actor, "touchpoint", "view")
    qs = _client_scoped(actor, Touchpoint.objects.all()).select_related("client", "person")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if kind:
        qs = qs.filter(kind=kind)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    return qs.prefetch_related("contacts", "decisions", "next_steps").order_by("-occurred_at", "-id")


def touchpoint_get(*, actor: Actor, touchpoint_id: int) -> Touchpoint:
    if actor.is_client:
        raise Http404("No such touchpoint.")
    return one_or_404(touchpoint_list(actor=actor).filter(pk=touchpoint_id), "touchpoint")


def next_step_list(
    *, actor: Actor, client_id: int | None = None, owner_id: int | None = None, open_only: bool = False
) -> QuerySet[NextStep]:
    access.require(actor, "touchpoint", "view")
    qs = _client_scoped(actor, NextStep.objects.all()).select_related("client", "owner", "owner_contact")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    if open_only:
        qs = qs.filter(done_at__isnull=True)
    return qs.order_by("done_at", "due_on", "id")


def next_step_get(*, actor: Actor, next_step_id: int) -> NextStep:
    if actor.is_client:
        raise Http404("No such next step.")
    return one_or_404(next_step_list(actor=actor).filter(pk=next_step_id), "next step")


def status_update_list(
    *, actor: Actor, client_id: int | None = None, status: str | None = None
) -> QuerySet[StatusUpdate]:
    access.require(actor, "status_update", "view")
    qs = _client_scoped(actor, StatusUpdate.objects.all()).select_related("client")
    if actor.is_client:
        qs = qs.filter(status="sent")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-week_start", "-id")


def status_update_get(*, actor: Actor, status_update_id: int) -> StatusUpdate:
    return one_or_404(status_update_list(actor=actor).filter(pk=status_update_id), "status update")


def goal_list(*, actor: Actor, client_id: int | None = None) -> QuerySet[ClientGoal]:
    access.require(actor, "client_goal", "view")
    qs = _client_scoped(actor, ClientGoal.objects.filter(archived_at__isnull=True)).select_related("client")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    return qs.prefetch_related("values").order_by("client_id", "id")


def goal_lines(client: Client) -> list[dict[str, str]]:
    """The client's goals as the knowledge record shows them (knowledge reads them through its hook, filled from
    wiring.py): the same goals, in the same order, as `/client-goals?client_id=` — title, metric and target."""
    lines = []
    for goal in ClientGoal.objects.filter(client=client, archived_at__isnull=True).order_by("client_id", "id"):
        target = " ".join(part for part in (formats.number(goal.target, 2, trim=True), goal.unit) if part)
        if goal.target_date:
            target += f" by {formats.day(goal.target_date)}"
        lines.append({"goal": goal.title, "kpi": goal.metric, "target": target})
    return lines


def goal_get(*, actor: Actor, goal_id: int) -> ClientGoal:
    return one_or_404(goal_list(actor=actor).filter(pk=goal_id), "goal")


def goal_progress(goal: ClientGoal) -> dict[str, Any]:
    """Latest value and the progress from baseline to target, 0-100 % (beyond is capped; backwards is 0). A goal
    that is a cost (`lower_is_better`) with no baseline above its target: target ÷ latest value, capped at 100 %."""
    values = sorted(goal.values.all(), key=lambda v: (v.recorded_on, v.pk))
    latest = values[-1] if values else None
    span = goal.target - goal.baseline
    pct = None
    if latest is not None and goal.lower_is_better and goal.baseline <= goal.target:
        # A cost with no worse baseline to measure from: how close the latest value is to the ceiling.
        raw = goal.target * 100 / latest.value if latest.value > 0 else Decimal(100)
        pct = max(Decimal(0), min(Decimal(100), raw)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    elif latest is not None and span:
        raw = (latest.value - goal.baseline) * 100 / span
        pct = max(Decimal(0), min(Decimal(100), raw)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return {
        "latest_value": latest.value if latest else None,
        "latest_on": latest.recorded_on if latest else None,
        "progress_pct": pct,
        "achieved": pct is not None and pct >= 100,
        "values": [{"recorded_on": v.recorded_on, "value": v.value, "note": v.note} for v in values],
    }


def escalation_list(
    *, actor: Actor, client_id: int | None = None, status: str | None = None, assignee_id: int | None = None
) -> QuerySet[Escalation]:
    access.require(actor, "escalation", "view")
    qs = _client_scoped(actor, Escalation.objects.all()).select_related("client", "assignee")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if status:
        qs = qs.filter(status=status)
    if assignee_id is not None:
        qs = qs.filter(assignee_id=assignee_id)
    return qs.order_by("status", "-created_at", "-id")


def escalation_get(*, actor: Actor, escalation_id: int) -> Escalation:
    if actor.is_client or not Escalation.objects.filter(workspace=actor.workspace, pk=escalation_id).exists():
        raise Http404("No such escalation.")
    return one_or_404(escalation_list(actor=actor).filter(pk=escalation_id), "escalation")


def opportunity_list(
    *, actor: Actor, client_id: int | None = None, status: str | None = None
) -> QuerySet[GrowthOpportunity]:
    access.require(actor, "growth_opportunity", "view")
    qs = _client_scoped(actor, GrowthOpportunity.objects.all()).select_related("client", "owner")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-value", "id")


def opportunity_pipeline(actor: Actor, owner_id: int | None = None) -> dict[str, Any]:
    """The weighted pipeline's opportunities line (crm's `opportunity_pipeline_reader`): open growth opportunities
    (idea or proposed) that are not yet deals, weighted at `OPPORTUNITY_PROBABILITY` (a deal's at `lead`). One that
    became a deal (`deal` set) counts as that deal, so nothing is counted twice. Nothing for who may not see them."""
    if not access.allowed(actor, "growth_opportunity", "view"):
        return {"count": 0, "value": Decimal("0.00"), "probability": OPPORTUNITY_PROBABILITY, "weighted_value": ZERO2}
    qs = opportunity_list(actor=actor).filter(
        deal__isnull=True, status__in=(OpportunityStatus.IDEA, OpportunityStatus.PROPOSED)
    )
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    row = qs.aggregate(count=Count("id"), value=Sum("value"))
    value = Decimal(row["value"] or 0).quantize(ZERO2)
    weighted = (value * OPPORTUNITY_PROBABILITY / Decimal(100)).quantize(ZERO2, ROUND_HALF_UP)
    return {"count": row["count"], "value": value, "probability": OPPORTUNITY_PROBABILITY, "weighted_value": weighted}


def opportunity_get(*, actor: Actor, opportunity_id: int) -> GrowthOpportunity:
    if actor.is_client or not GrowthOpportunity.objects.filter(workspace=actor.workspace, pk=opportunity_id).exists():
        raise Http404("No such growth opportunity.")
    return one_or_404(opportunity_list(actor=actor).filter(pk=opportunity_id), "growth opportunity")


def client_report(*, actor: Actor, client_id: int, today: date | None = None) -> dict[str, Any]:
    """The client report: progress against each goal, milestones reached, recent status updates and decisions."""
    client = client_for(actor, client_id)
    access.require(actor, "client_report", "view", client)
    today = today or timezone.localdate()
    goals = [
        {"goal": g, **goal_progress(g)}
        for g in ClientGoal.objects.filter(client=client, archived_at__isnull=True).prefetch_related("values")
    ]
    since = today - timedelta(days=90)
    audience = client_view.audience_for(client)  # the report goes to the client: the one "what may it see" policy
    return {
        "client": client,
        "date": today,
        "goals": audience.only(client_view.GOAL, goals),
        "milestones": audience.only(
            client_view.PROGRESS,
            Milestone.objects.filter(project__client=client, completed_at__gte=_day_bounds(since))
            .select_related("project")
            .order_by("-completed_at")[:20],
        ),
        "status_updates": audience.only(
            client_view.STATUS_UPDATE,
            StatusUpdate.objects.filter(client=client, status="sent").order_by("-week_start")[:6],
        ),
        "decisions": audience.keep(
            (client_view.INTERNAL_DECISION if d.internal else client_view.DECISION, d)
            for d in Decision.objects.filter(client=client, decided_on__gte=since).order_by("-decided_on")[:10]
        ),
    }


def touchpoint_next_steps(client: Client) -> list[str]:
    """The open next steps agreed at the client's latest touchpoint that has any, for an account transition
    handoff's prefill. (Until the renovation this read a `next_steps` text that the touchpoint does not have and
    the prefill swallowed the error, so these lines never appeared.)"""
    latest = (
        Touchpoint.objects.filter(client=client, next_steps__done_at__isnull=True)
        .order_by("-occurred_at", "-id")
        .first()
    )
    if latest is None:
        return []
    steps = NextStep.objects.filter(touchpoint=latest, done_at__isnull=True).order_by("due_on", "id")
    return [f"From the last {latest.kind} ({formats.day(latest.occurred_at)}): {step.description}" for step in steps]
