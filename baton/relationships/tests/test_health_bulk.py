"""The portfolio measures every client's health in grouped queries; each figure must equal what the one-client
reads give (`/clients/{id}/health`, `/clients/{id}/cadence`) and what the signals meant when measured one client at
a time (the reference below is the per-client code the bulk read replaced)."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Q, Sum

from baton.core.access import Actor
from baton.core.models import Event, Membership
from baton.crm.models import Client
from baton.relationships import cadence as cad
from baton.relationships.health import HealthMeasures
from baton.relationships.models import CommunicationProtocol, Escalation, NextStep, Touchpoint
from baton.relationships.selectors import (
    _cadence_inputs,
    _day_bounds,
    _health_facts_bulk,
    _spec,
    cadence_for,
    client_cadence_items,
    health_for,
    portfolio,
)
from baton.relationships.selectors.cadence import CADENCE_STATUSES

pytestmark = pytest.mark.django_db


def _reference_measures(client: Client, today) -> HealthMeasures:
    """The signals of one client, one query at a time (as before the bulk read)."""
    from baton.delivery.models import Task
    from baton.finance.selectors.burn import budget_burn
    from baton.handoffs.models import HandoffFailure

    protocol = CommunicationProtocol.objects.filter(client=client).first() or CommunicationProtocol(
        workspace_id=client.workspace_id, client=client
    )
    overdue = [i for i in client_cadence_items(client, today, protocol) if i.status == "overdue"]
    since = today - timedelta(days=90)
    burns = []
    for project in client.projects.filter(archived_at__isnull=True, status__in=["active", "on_hold"]):
        if not (project.budget_amount or project.budget_minutes or project.billing == "retainer"):
            continue
        burn = budget_burn(project, today=today)
        pct = burn.burn_pct if burn.burn_pct is not None else burn.minutes_pct
        est = Task.objects.filter(project=project).aggregate(
            total=Sum("estimate_minutes"), done=Sum("estimate_minutes", filter=Q(status="done"))
        )
        progress = (
            (Decimal(est["done"] or 0) * 100 / Decimal(est["total"])).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if est["total"]
            else None
        )
        burns.append((pct, progress))
    gaps = [pct - progress for pct, progress in burns if pct is not None and progress is not None] + [
        pct for pct, progress in burns if pct is not None and progress is None and pct > 100
    ]
    recent = Touchpoint.objects.filter(client=client, occurred_at__gte=_day_bounds(since))
    response = [int(m) for m in recent.values_list("response_minutes", flat=True) if m]
    avg = (Decimal(sum(response)) / Decimal(len(response)) / 60).quantize(Decimal("0.1")) if response else None
    return HealthMeasures(
        cadence_days_overdue=sum(i.days_overdue for i in overdue),
        cadence_items_overdue=len(overdue),
        overdue_next_steps=NextStep.objects.filter(client=client, done_at__isnull=True, due_on__lt=today).count(),
        open_escalations=Escalation.objects.filter(client=client, status="open").count(),
        burn_minus_progress_pct=max(gaps) if gaps else None,
        unmanaged_scope_tasks=Event.objects.filter(
            client_id=client.pk, verb="task.scope_flagged", occurred_at__gte=_day_bounds(since)
        )
        .values("target_id")
        .distinct()
        .count(),
        handoff_failures=HandoffFailure.objects.filter(handoff__client_id=client.pk, occurred_on__gte=since).count(),
        avg_response_hours=avg,
        response_target_hours=protocol.response_time_hours,
        sentiments=tuple(
            recent.exclude(sentiment="").order_by("-occurred_at", "-id").values_list("sentiment", flat=True)[:5]
        ),
    )


def test_portfolio_agrees_with_each_clients_health_and_cadence():
    from django.utils import timezone

    from baton.core.tests.test_query_counts import _agency

    workspace = _agency("bulk-health", 2)
    today = timezone.localdate()
    # The demo's past clients (archived, churned, with only health snapshots: the churn history) are left out.
    clients = list(Client.objects.filter(workspace=workspace, archived_at__isnull=True).order_by("pk"))
    measures, plans = _health_facts_bulk(clients, today)
    for client in clients:
        assert measures[client.pk] == _reference_measures(client, today), client.name
        assert plans[client.pk] == client_cadence_items(client, today)
    assert any(m.burn_minus_progress_pct is not None for m in measures.values())  # the data exercise the signals
    assert any(m.cadence_items_overdue for m in measures.values())

    # The plan reads only the latest touchpoint per kind and milestone: the same plan as over every touchpoint.
    tz = timezone.get_current_timezone()
    for client in clients:
        protocol = CommunicationProtocol.objects.filter(client=client).first() or CommunicationProtocol(
            workspace_id=client.workspace_id
        )
        every = [
            cad.LoggedTouchpoint(t.kind, t.occurred_at.astimezone(tz).date(), t.milestone_id)
            for t in Touchpoint.objects.filter(
                client=client,
                occurred_at__gte=_day_bounds(today - timedelta(days=400)),
                occurred_at__lt=_day_bounds(today + timedelta(days=1)),
            ).order_by("occurred_at")
        ]
        _, milestones, onboarding = _cadence_inputs([client.pk], today)
        assert len(every) > 3
        plan = cad.cadence_plan(_spec(protocol, client), today, every, milestones[client.pk], onboarding[client.pk])
        if client.status not in CADENCE_STATUSES:  # a prospect or churned client keeps no cadence
            plan = []
        assert plan == client_cadence_items(client, today) == plans[client.pk], client.name

    owner = Actor.for_membership(Membership.objects.filter(workspace=workspace, role="owner").first())
    rows = portfolio(actor=owner, today=today)
    assert rows
    for row in rows:
        health = health_for(actor=owner, client_id=row["client_id"], today=today)
        assert (row["score"], row["band"]) == (health["score"], health["band"])
        cadence = cadence_for(actor=owner, client_id=row["client_id"], today=today)
        assert (row["cadence_due"], row["cadence_overdue"]) == (cadence["due_count"], cadence["overdue_count"])


def test_latest_local_day_where_the_clock_falls_back_across_midnight(personas):
    """The cadence reads each group's latest moment and takes its local day, except in a window where the zone's local
    date steps back (Goose Bay fell back from 00:01 to 23:01 until 2010): there the latest local day can belong to an
    earlier moment, and the database computes every touchpoint's local day."""
    from datetime import UTC, date, datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from baton.relationships.selectors import _local_day_never_steps_back

    window = (datetime(2025, 10, 27, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC))
    assert _local_day_never_steps_back(ZoneInfo("UTC"), *window)
    assert _local_day_never_steps_back(ZoneInfo("Europe/London"), *window)
    assert _local_day_never_steps_back(ZoneInfo("America/St_Johns"), *window)
    old = (datetime(2004, 12, 1, tzinfo=UTC), datetime(2005, 12, 1, tzinfo=UTC))
    assert not _local_day_never_steps_back(ZoneInfo("America/Goose_Bay"), *old)
    assert _local_day_never_steps_back(ZoneInfo("America/Goose_Bay"), *window)

    client = personas.client_a
    # 2005-10-30 03:00 UTC is 00:00 on the 30th in Goose Bay (ADT); 03:30 UTC, after the fall-back, 23:30 on the 29th.
    for hour, minute in ((3, 0), (3, 30)):
        Touchpoint.objects.create(
            workspace=client.workspace,
            client=client,
            kind="call",
            summary="Fall-back call",
            occurred_at=datetime(2005, 10, 30, hour, minute, tzinfo=UTC),
        )
    with timezone.override(ZoneInfo("America/Goose_Bay")):
        logged, _, _ = _cadence_inputs([client.pk], date(2005, 11, 15), {client.workspace_id})
    assert [(t.kind, t.on) for t in logged[client.pk]] == [("call", date(2005, 10, 30))]
    with timezone.override(ZoneInfo("UTC")):
        logged, _, _ = _cadence_inputs([client.pk], date(2005, 11, 15), {client.workspace_id})
    assert [(t.kind, t.on) for t in logged[client.pk]] == [("call", date(2005, 10, 30))]
