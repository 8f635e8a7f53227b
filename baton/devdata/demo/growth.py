"""Demo data for growth: a year of evidence for the demo's account managers, two assessment periods (self and
manager), development plans, practice with ratings, and project reviews.

Evidence comes from events, as in real use: first everything the other demos emitted (change orders, handoffs,
touchpoints, ...) is replayed through the rules; then a year of AM work before the demo's own history is added as
backdated contract events (touchpoints, status updates, handoffs, escalations, growth opportunities, overdue cadence),
bulk-inserted and run through the same rules. Those events carry `"demo_history": true` in their data.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Event, Workspace
from baton.crm.models import Client
from baton.delivery.models import Project
from baton.growth import services
from baton.growth.models import Behaviour, PracticeScenario
from baton.people.models import Person

# (verb, target_type, label, weight); each AM's year draws from these.
HISTORY = [
    ("touchpoint.logged", "touchpoint", "Weekly call", 10),
    ("status_update.sent", "status_update", "Weekly status update", 8),
    ("touchpoint.logged/strategic", "touchpoint", "Quarterly strategic review", 1),
    ("handoff.confirmed", "handoff", "Account to delivery handoff", 2),
    ("handoff.gaps_raised", "handoff", "Account to delivery handoff", 1),
    ("growth_opportunity.logged", "growth_opportunity", "Opportunity: a new campaign", 1),
    ("escalation.opened", "escalation", "Timeline risk", 1),
    ("escalation.resolved", "escalation", "Timeline risk", 1),
    ("cadence.overdue", "client", "", 1),
]


def _period_of(day: date) -> str:
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def _previous_period(period: str) -> str:
    year, half = int(period[:4]), period[-1]
    return f"{year - 1}-H2" if half == "1" else f"{year}-H1"


# Complexity: a table of cases, one per history verb, drawing from the seeded random sequence.
def _event(workspace: Workspace, am: Person, client: Client, verb: str, rng: random.Random, when: datetime) -> Event:
    kind = verb.split("/", 1)[1] if "/" in verb else ""
    verb = verb.split("/", 1)[0]
    target_type = next(t for v, t, _, _ in HISTORY if v.split("/", 1)[0] == verb)
    label = next(label for v, _, label, _ in HISTORY if v.split("/", 1)[0] == verb)
    data: dict[str, Any] = {"demo_history": True}
    actor_id: int | None = am.id
    if verb == "touchpoint.logged":
        strategic = kind == "strategic"
        data |= {
            "kind": "strategic_review" if strategic else rng.choice(["call", "meeting", "email"]),
            "person_id": am.id,
            "agenda_prepared": strategic or rng.random() < 0.6,
            "goal_report": strategic and rng.random() < 0.8,
            "cadence_met": True,
            "cadence_on_time": rng.random() < 0.8,
            "sentiment": rng.choice(["positive", "positive", "neutral", "negative"]),
        }
        label = f"{'Strategic review' if strategic else data['kind'].capitalize()} with {client.name}"
    elif verb == "status_update.sent":
        data |= {"person_id": am.id}
    elif verb in ("handoff.confirmed", "handoff.gaps_raised"):
        data |= {"kind": "account_to_delivery", "from_person_id": am.id, "to_person_id": None}
        data |= {"first_time": rng.random() < 0.7, "minutes_to_confirm": rng.randint(20, 600)}
        data |= {"gap_count": rng.randint(1, 3)} if verb == "handoff.gaps_raised" else {}
    elif verb == "growth_opportunity.logged":
        data |= {"person_id": am.id, "value": f"{rng.randint(5, 60) * 1000}.00"}
    elif verb == "escalation.opened":
        data |= {
            "rule": "manual",
            "assignee_id": am.id,
            "raised_by_person_id": am.id,
            "before_client_complaint": rng.random() < 0.7,
        }
    elif verb == "escalation.resolved":
        data |= {"resolved_by_person_id": am.id, "assignee_id": am.id}
    elif verb == "cadence.overdue":
        data |= {
            "item": rng.choice(["status_update", "meeting"]),
            "due_on": (when.date() - timedelta(days=3)).isoformat(),
            "days_overdue": rng.randint(1, 6),
            "account_manager_id": am.id,
        }
        actor_id, label = None, client.name
    return Event(
        workspace=workspace,
        verb=verb,
        actor_id=actor_id,
        actor_name=am.name if actor_id else "",
        target_type=target_type,
        target_id=client.id if target_type == "client" else 0,
        target_label=label if target_type in ("client", "touchpoint") else f"{label} ({client.name})",
        client_id=client.id,
        data=data,
        occurred_at=when,
    )


# Complexity: a generator of many steps over one seeded random sequence (same draws, same data).
def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    """Add growth data to the demo agency (after every other app, so its events become evidence too)."""
    services.framework_ensure(workspace)
    services.evidence_rebuild(workspace=workspace)
    ams = list(
        Person.objects.filter(workspace=workspace, membership__role="account_manager", active=True).order_by("id")
    )
    if not ams:
        return
    now = timezone.now()
    # A year of history, ending a few days before the demo's own events begin.
    first_demo_event = (
        Event.objects.filter(workspace=workspace).order_by("occurred_at").values_list("occurred_at", flat=True).first()
    )
    end = min(now, first_demo_event or now) - timedelta(days=2)
    verbs = [v for v, _, _, w in HISTORY for _ in range(w)]
    history: list[Event] = []
    for i, am in enumerate(ams):
        portfolio = [c for c in clients if c.account_manager_id == am.id] or clients[:1]
        skill = 0.55 + 0.1 * (i % 3)  # some AMs get more positive evidence than others
        for week in range(52):
            day = end - timedelta(weeks=52 - week, days=rng.randint(0, 4), hours=rng.randint(0, 8))
            for _ in range(2 if rng.random() < skill else 1):
                verb = rng.choice(verbs)
                if verb in ("cadence.overdue", "handoff.gaps_raised") and rng.random() < skill:
                    verb = "status_update.sent"  # the stronger AMs miss less
                history.append(_event(workspace, am, rng.choice(portfolio), verb, rng, day))
    for event in Event.objects.bulk_create(history, batch_size=500):
        services.evidence_for_event(event)

    # A few notes by the AMs' managers.
    notes = [
        ("leadership.emotional_steadiness", "positive", "Kept the client calm on a tense launch call."),
        ("leadership.tone", "positive", "Delivered the budget news directly and kindly."),
        ("strategic_thinking.thoughtful_questions", "positive", "Asked what the campaign must prove to the board."),
        ("leadership.presence", "negative", "Let the client's CMO run our status meeting."),
    ]
    for am in ams:
        manager_actor = _actor_for(am.lead) if am.lead_id else actor
        for key, polarity, summary in rng.sample(notes, k=2):
            services.evidence_create(
                actor=manager_actor,
                person_id=am.id,
                behaviour=key,
                summary=summary,
                polarity=polarity,
                occurred_at=now - timedelta(days=rng.randint(5, 150)),
            )

    # Two assessment periods: the previous half and the current one, self and manager, a little better the second.
    keys = list(Behaviour.objects.filter(workspace=workspace, active=True).values_list("key", flat=True))
    current = _period_of(timezone.localdate())
    for am in ams:
        base = {k: rng.randint(2, 4) for k in keys}
        manager_actor = _actor_for(am.lead) if am.lead_id else actor
        for step, period in enumerate([_previous_period(current), current]):
            own = {k: max(1, min(5, v + step + rng.choice([0, 0, 1]))) for k, v in base.items()}
            seen = {k: max(1, min(5, v + step - rng.choice([0, 1]))) for k, v in base.items()}
            services.assessment_create(actor=_actor_for(am), person_id=am.id, kind="self", period=period, scores=own)
            if step == 0 or am.id % 2 == 0:  # half of the current period's manager assessments are still to do
                services.assessment_create(
                    actor=manager_actor, person_id=am.id, kind="manager", period=period, scores=seen
                )

    # Development plans, practice and reviews.
    scenarios = list(PracticeScenario.objects.filter(workspace=workspace).order_by("position"))
    goals = [
        (
            "leadership",
            "Chair the client's quarterly review",
            ["Draft the agenda a week ahead", "Rehearse the hard slide"],
        ),
        ("trust", "Log every scope change before work starts", ["Use a change order for anything over 2 hours"]),
        ("strategic_thinking", "Tie every report to a client goal", ["Add the goal line to the status template"]),
    ]
    for i, am in enumerate(ams):
        manager_actor = _actor_for(am.lead) if am.lead_id else actor
        trait, title, actions = goals[i % len(goals)]
        goal = services.goal_create(
            actor=manager_actor,
            person_id=am.id,
            trait=trait,
            title=title,
            due_on=timezone.localdate() + timedelta(days=60 + 15 * i),
            actions=actions,
        )
        services.goal_check_in(actor=_actor_for(am), goal=goal, note="First step done; next one this month.")
        peer = ams[(i + 1) % len(ams)] if len(ams) > 1 else None
        for scenario in rng.sample(scenarios, k=min(2, len(scenarios))):
            session = services.practice_log(
                actor=_actor_for(am),
                scenario_id=scenario.id,
                practised_on=timezone.localdate() - timedelta(days=rng.randint(3, 90)),
                reflection="Rushed the opening; the pause after the bad news worked.",
                partner_id=peer.id if peer else None,
            )
            if peer is not None:
                services.practice_rate(
                    actor=_actor_for(peer),
                    session=session,
                    scores={t: rng.randint(2, 5) for t in ("trust", "alignment", "leadership")},
                    feedback="Clear on cost; could ask more about the client's goal.",
                )

    for project in Project.objects.filter(workspace=workspace, status="done").select_related("client")[:6]:
        am_id = project.client.account_manager_id
        reviewed = next((a for a in ams if a.id == am_id), None)
        if reviewed is None:
            continue
        review = services.review_open(project=project, person=reviewed)
        if rng.random() < 0.5:
            services.review_complete(
                actor=_actor_for(reviewed.lead) if reviewed.lead_id else actor,
                review=review,
                feedback={
                    "trust": "The client always knew where the budget stood.",
                    "leadership": "Steady when the launch date moved.",
                },
            )


def _actor_for(person: Person | None) -> Actor:
    assert person is not None
    return Actor.for_membership(person.membership)
