"""Steps: touchpoints and handoffs."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from baton.devdata.scale._common import Progress, World, _batched
from baton.handoffs.models import Handoff, HandoffFailure, HandoffGap, HandoffTemplate
from baton.handoffs.services import templates_ensure
from baton.rates.resolution import RateBook, amount_for
from baton.relationships.models import Touchpoint


def step_touchpoints(w: World, advance: Progress) -> None:
    """Client touchpoints (relationships app): calls, e-mails, meetings, status updates, reviews by the account
    managers, spread over the years (100,000 at L)."""
    rng = w.rng
    span = (w.today - w.start).days
    ams = {p.pk for p in w.people if p.membership.role == "account_manager"}
    kinds = ["call", "email", "meeting", "status_update", "strategic_review"]
    rows = []
    for i in range(w.size.touchpoints):
        client = w.clients[i % len(w.clients)]
        day = w.start + timedelta(days=rng.randint(0, span))
        rows.append(
            Touchpoint(
                workspace=w.workspace,
                client=client,
                kind=rng.choices(kinds, weights=[30, 35, 20, 12, 3])[0],
                occurred_at=timezone.make_aware(datetime(day.year, day.month, day.day, rng.randint(8, 17))),
                summary="Weekly check-in" if i % 3 else "Review of the month's results",
                person_id=client.account_manager_id if client.account_manager_id in ams else None,
                agenda_prepared=rng.random() < 0.7,
                goal_report=rng.random() < 0.3,
                sentiment=rng.choice(["positive", "neutral", "neutral", "negative", ""]),
            )
        )
        if len(rows) >= 10_000:
            Touchpoint.objects.bulk_create(rows)
            advance("touchpoints", len(rows))
            rows = []
    Touchpoint.objects.bulk_create(rows)
    advance("touchpoints", len(rows))
    w.counts["touchpoints"] = w.size.touchpoints


# Complexity: one generator step over the shared seeded random sequence (same draws, same data).
def step_handoffs(w: World, advance: Progress) -> None:
    """Handoffs of every kind (handoffs app; 20,000 at L) from each client's AM or a lead to someone on the work,
    spread over the years: most confirmed (a quarter after gaps were raised), some waiting, drafts and cancellations,
    and downstream failures on about one in sixteen, costed at the fixer's cost rate."""
    if not w.size.handoffs:
        return
    templates_ensure(w.workspace)
    templates = list(HandoffTemplate.objects.filter(workspace=w.workspace, active=True).order_by("kind"))
    weights = {"account_to_delivery": 30, "brief_to_creative": 25, "design_to_development": 20, "delivery_to_qa": 15}
    rng = w.rng
    span_minutes = (w.today - w.start).days * 24 * 60
    origin = timezone.make_aware(datetime(w.start.year, w.start.month, w.start.day, 9))
    staff = [p for p in w.people if p.membership.role != "client"]
    by_id = {p.pk: p for p in staff}
    statuses = ["confirmed"] * 75 + ["sent"] * 8 + ["gaps_raised"] * 5 + ["draft"] * 7 + ["cancelled"] * 5
    made: list[Handoff] = []
    for i in range(w.size.handoffs):
        template = rng.choices(templates, weights=[weights.get(t.kind, 5) for t in templates])[0]
        client = w.clients[i % len(w.clients)]
        sender = by_id.get(client.account_manager_id) or rng.choice(staff)
        receiver = rng.choice(staff)
        while receiver.pk == sender.pk:
            receiver = rng.choice(staff)
        status = rng.choice(statuses)
        sent_at = origin + timedelta(minutes=rng.randint(0, max(span_minutes - 1, 0)))
        first_time = rng.random() < 0.75
        minutes = rng.randint(30, 600) if first_time else rng.randint(600, 4000)
        made.append(
            Handoff(
                workspace=w.workspace,
                template=template,
                kind=template.kind,
                title=f"{template.name}: {client.name}",
                client=client,
                from_person=sender,
                to_person=receiver,
                due_by=sent_at + timedelta(hours=template.confirmation_sla_hours),
                field_spec=template.fields,
                fields={f["key"]: f"{f['label']} for {client.name}." for f in template.fields},
                requires_walkthrough=template.requires_walkthrough,
                status=status,
                sent_at=None if status == "draft" else sent_at,
                confirmed_at=sent_at + timedelta(minutes=minutes) if status == "confirmed" else None,
                cancelled_at=sent_at + timedelta(days=1) if status == "cancelled" else None,
                gap_rounds=0 if first_time and status != "gaps_raised" else rng.randint(1, 2),
                first_time=first_time if status == "confirmed" else None,
                minutes_to_confirm=minutes if status == "confirmed" else None,
                created_by=sender,
            )
        )
    failures: list[HandoffFailure] = []
    gaps: list[HandoffGap] = []
    book = RateBook.load(w.workspace.pk, only=Q(pk__in=[]))  # cost rates only
    for batch in _batched(made, 5_000):
        Handoff.objects.bulk_create(batch)
        advance("handoffs", len(batch))
        for handoff in batch:
            for n in range(1, handoff.gap_rounds + 1):
                key = rng.choice(handoff.field_spec)["key"] if handoff.field_spec else ""
                answered = handoff.status != "gaps_raised" or n < handoff.gap_rounds
                raised_at = (handoff.sent_at or handoff.due_by) + timedelta(hours=4 * n)
                gaps.append(
                    HandoffGap(
                        handoff=handoff,
                        round=n,
                        question=f"What exactly is meant by {key.replace('_', ' ') or 'this'}?",
                        field_key=key,
                        raised_by=handoff.to_person,
                        raised_at=raised_at,
                        answer="Answered on the call." if answered else "",
                        answered_by=handoff.from_person if answered else None,
                        answered_at=raised_at + timedelta(hours=2) if answered else None,
                    )
                )
            if handoff.status != "confirmed" or rng.random() >= 1 / 16:
                continue
            fixer = handoff.to_person  # MONEY.md §7: the receiver remediates when no one else is named
            remediation = rng.choice([60, 120, 180, 180, 240, 360])
            day = min(w.today, (handoff.confirmed_at or handoff.due_by).date() + timedelta(rng.randint(3, 20)))
            rate = book.resolve(
                person_id=fixer.pk,
                person_bill_rate=fixer.bill_rate,
                person_cost_rate=fixer.cost_rate,
                person_title=fixer.title,
                person_role="",
                project_id=0,
                client_id=0,
                on=day,
            ).cost_rate  # the cost rate in force on the failure's date, as the service resolves it
            failures.append(
                HandoffFailure(
                    workspace=w.workspace,
                    handoff=handoff,
                    category=rng.choice(["rework", "wrong_messaging", "client_repeated", "missed_deadline"]),
                    description="Rework traced to a field the receiver had to guess.",
                    remediation_minutes=remediation,
                    remediated_by=fixer,
                    occurred_on=day,
                    cost_rate=rate,
                    remediation_cost=amount_for(remediation, rate),
                )
            )
    HandoffGap.objects.bulk_create(gaps, batch_size=5_000)
    HandoffFailure.objects.bulk_create(failures, batch_size=5_000)
    w.counts["handoffs"] = len(made)
    w.counts["handoff failures"] = len(failures)
