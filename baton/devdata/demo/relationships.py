"""Demo data for account management: deals in every stage, protocols, a year of touchpoints, goals with values,
status updates, growth opportunities, health history, and one account clearly at risk (and why)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.crm.services import deal_create, deal_lose
from baton.people.models import Person
from baton.relationships import services
from baton.relationships.deals import deal_win
from baton.relationships.models import NextStep, OnboardingItem, Touchpoint

DEALS = (
    ("lead", "Podcast series", "12000.00", 2400),
    ("qualified", "Employer branding", "18000.00", 3600),
    ("proposal", "E-commerce relaunch", "64000.00", 12000),
    ("negotiation", "Annual retainer 2027", "48000.00", 9600),
    ("won", "Trade fair campaign", "22000.00", 4800),
    ("lost", "Rebrand pitch", "35000.00", 7000),
)
GOALS = (
    ("More qualified leads", "Qualified leads a month", "", Decimal("40"), Decimal("80")),
    ("Lower cost per acquisition", "Cost per acquisition", "USD", Decimal("120"), Decimal("80")),
)
SUMMARIES = {
    "call": "Weekly call: progress, blockers and next week's priorities.",
    "email": "Sent the weekly summary and the links to review.",
    "meeting": "Working session on the current deliverables.",
    "status_update": "Weekly status update sent.",
    "strategic_review": "Quarterly review of results against the goals; agreed the next quarter's focus.",
}


def _at(day: datetime | object, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))  # type: ignore[arg-type]


# Complexity: a generator of many steps over one seeded random sequence (same draws, same data).
def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    """Add account management data (after delivery, knowledge, finance and handoffs)."""
    today = timezone.localdate()
    live = [c for c in clients if c.status == "active" and c.account_manager_id]
    if not live:
        return
    staff = list(Person.objects.filter(workspace=workspace, active=True).exclude(membership__role="client"))
    sellers = [p for p in staff if p.membership.role in ("owner", "admin")] or staff
    at_risk = live[-1]
    newest = live[0] if len(live) > 1 else None
    with transaction.atomic():
        for i, (stage, name, value, effort) in enumerate(DEALS):
            client = live[i % len(live)]
            seller = next((p for p in sellers if p.pk != client.account_manager_id), None)
            deal = deal_create(
                actor=actor,
                client=client,
                name=name,
                value=value,
                stage="negotiation" if stage in ("won", "lost") else stage,
                owner_id=seller.pk if seller else None,
                expected_close=today + timedelta(days=14 * (i + 1)),
                expected_effort_minutes=effort,
                effort_role=rng.choice(["Design", "Development", "Copywriting", "Strategy"]),
                primary_goals="Grow qualified demand",
                objections="Budget timing",
                sales_commitments="Senior team on the kick-off",
                contact_ids=list(client.contacts.values_list("pk", flat=True)[:2]),
            )
            if stage == "won" and seller is not None:
                deal_win(actor=actor, deal=deal)
            elif stage == "lost":
                deal_lose(actor=actor, deal=deal, reason="They chose an in-house team.")
    for client in live:
        start = today - timedelta(days=10 if client == newest else rng.randint(200, 400))
        with transaction.atomic():
            services.protocol_put(
                actor=actor,
                client=client,
                channels=["email", "video", "phone"],
                response_time_hours=24,
                update_every_days=7,
                meeting_every_days=14,
                strategic_review_every_days=90,
                onboarding_started_on=start,
                share_budget_with_client=rng.random() < 0.5,
            )
        _touchpoints(actor, rng, client, start, today, at_risk=client == at_risk)
        # The touchpoints above are bulk-inserted, so nothing ticked the onboarding plan off: an established account
        # did its onboarding long ago, each step on the day it was due.
        done: list[OnboardingItem] = []
        for item in OnboardingItem.objects.filter(client=client, done_at__isnull=True, due_on__lt=today - timedelta(3)):
            item.done_at = _at(item.due_on, 11)
            done.append(item)
        OnboardingItem.objects.bulk_update(done, ["done_at"])
        with transaction.atomic():
            for title, metric, unit, baseline, target in GOALS:
                goal = services.goal_create(
                    actor=actor,
                    client=client,
                    title=title,
                    metric=metric,
                    unit=unit,
                    baseline=baseline,
                    target=target,
                    target_date=today + timedelta(days=180),
                )
                for month in range(6, 0, -1):
                    share = Decimal(6 - month + 1) / Decimal(8) * (Decimal("0.15") if client == at_risk else 1)
                    services.goal_value_record(
                        actor=actor,
                        goal=goal,
                        value=(baseline + (target - baseline) * share).quantize(Decimal("0.01")),
                        recorded_on=today - timedelta(days=30 * month),
                    )
            services.opportunity_create(
                actor=actor,
                client=client,
                title=rng.choice(["Paid social add-on", "SEO retainer", "Video content package", "CRO audit"]),
                kind=rng.choice(["upsell", "cross_sell"]),
                value=Decimal(rng.randrange(3000, 30000, 500)),
                status=rng.choice(["idea", "proposed"]),
            )
            last_week = services.status_update_draft(actor=actor, client=client, week_start=today - timedelta(days=7))
            if last_week.recipients:
                services.status_update_send(actor=actor, update=last_week)
            services.status_update_draft(actor=actor, client=client)
    # The account at risk: silent for six weeks, unhappy, overdue promises, and the rules escalate it.
    with transaction.atomic():
        escalation = services.escalation_open(
            actor=actor,
            client=at_risk,
            title=f"{at_risk.name} unhappy with missed launch date",
            detail="The client called the owner directly: launch slipped twice and nobody warned them.",
            client_complained=True,
        )
        assert escalation.pk
        for back in (28, 21, 14, 7, 0):
            services.health_snapshot_take(workspace, today - timedelta(days=back))
        services.escalation_rules_check(workspace, today)


def _touchpoints(actor: Actor, rng: random.Random, client: Client, start, today, *, at_risk: bool) -> None:  # type: ignore[no-untyped-def]
    """About a year of contact: near-daily in onboarding, weekly afterwards, reviews each quarter; the account at
    risk goes quiet six weeks ago with sour sentiment and next steps left overdue."""
    begin = max(start, today - timedelta(days=365))
    stop = today - timedelta(days=42) if at_risk else today - timedelta(days=1)
    day = begin
    rows = []
    steps = []
    am_id = client.account_manager_id
    # A strategic review a little before each one falls due (onboarding's end, then every 90 days).
    next_review = start + timedelta(days=30 + 85)
    while next_review < begin:
        next_review += timedelta(days=88)
    while day <= stop:
        onboarding = (day - start).days < 30
        if day >= next_review:
            kind = "strategic_review"
            next_review = day + timedelta(days=88)
        else:
            kind = (
                rng.choice(["call", "email", "status_update", "meeting"])
                if not onboarding
                else rng.choice(["call", "email"])
            )
        sentiment = (
            rng.choice(["negative", "negative", "neutral"])
            if at_risk and day > stop - timedelta(days=60)
            else rng.choice(["positive", "positive", "neutral", ""])
        )
        rows.append(
            Touchpoint(
                workspace_id=client.workspace_id,
                client=client,
                kind=kind,
                occurred_at=_at(day, rng.randint(9, 16)),
                summary=SUMMARIES[kind],
                person_id=am_id,
                agenda_prepared=kind in ("meeting", "strategic_review"),
                goal_report=kind == "strategic_review",
                sentiment=sentiment,
                response_minutes=rng.choice([None, 90, 240, 600]) if not at_risk else rng.choice([1800, 2880, None]),
            )
        )
        day += timedelta(days=rng.randint(1, 2) if onboarding else rng.randint(5, 8))
    made = Touchpoint.objects.bulk_create(rows)
    for tp in made[-3:]:
        steps.append(
            NextStep(
                workspace_id=client.workspace_id,
                touchpoint=tp,
                client=client,
                description=rng.choice(["Send the revised plan", "Share the analytics access", "Book the next review"]),
                owner_id=am_id,
                due_on=timezone.localtime(tp.occurred_at).date() + timedelta(days=5),
                done_at=None if at_risk else tp.occurred_at + timedelta(days=3),
            )
        )
    NextStep.objects.bulk_create(steps)
