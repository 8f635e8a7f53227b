"""The handoff metrics on fixtures whose figures are worked out by hand here, the seeds' arithmetic reproduced from
recorded failures, and the handoff map's ranking."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from baton.core.access import Actor
from baton.crm.services import client_create
from baton.devdata.testing.handoffs import FIELDS, make_sent_handoff
from baton.handoffs import selectors, services
from baton.handoffs.models import Handoff
from baton.people.services import person_create
from baton.rates.services import cost_rate_create

pytestmark = pytest.mark.django_db


def _sent(personas, owner="am", receiver="member", minutes_ago=0, title="H"):
    h = make_sent_handoff(
        workspace=personas.workspace, owner=personas[owner].person, receiver=personas[receiver].person, title=title
    )
    Handoff.objects.filter(pk=h.pk).update(sent_at=timezone.now() - timedelta(minutes=minutes_ago))
    h.refresh_from_db()
    return h


def test_metrics_on_a_hand_computed_fixture(personas):
    system = Actor.system(personas.workspace)
    member, am = personas["member"].actor, personas["am"].actor
    today = timezone.localdate()
    # A: confirmed first time after 30 minutes
    a = services.handoff_confirm(actor=member, handoff=_sent(personas, minutes_ago=30, title="A"))
    # B: two gaps, answered, confirmed after 120 minutes
    b = _sent(personas, minutes_ago=120, title="B")
    b = services.handoff_raise_gaps(actor=member, handoff=b, gaps=["One?", "Two?"])
    b = services.handoff_answer_gaps(actor=am, handoff=b, answers={"1": "x", "2": "y"})
    b = services.handoff_confirm(actor=member, handoff=b)
    # C: one gap, still open; D: sent, waiting
    c = services.handoff_raise_gaps(actor=member, handoff=_sent(personas, title="C"), gaps=["Three?"])
    _sent(personas, title="D")
    # E: a draft (not a handoff yet); F: sent 40 days ago (outside the period)
    services.handoff_open(actor=am, kind="sales_to_account", from_person=None, to_person=personas["pm"].person)
    f = _sent(personas, minutes_ago=40 * 24 * 60, title="F")
    assert (a.minutes_to_confirm, b.minutes_to_confirm) == (30, 120)

    # Failures: 45 min by the PM (50.00/h) = 37.50; 100 min by a specialist whose rate rose to 75.00 that week
    # (90.00 before) = 125.00; one 20 days ago (outside the period).
    specialist = person_create(
        actor=system, name="Sam Specialist", email="sam@studio.test", role="member", cost_rate=Decimal("90.00")
    )
    cost_rate_create(actor=system, person_id=specialist.id, rate="75.00", effective_from=today - timedelta(days=3))
    services.failure_record(
        actor=system,
        handoff=a,
        description="Wrong tone",
        remediation_minutes=45,
        remediated_by_id=personas["pm"].person.id,
    )
    services.failure_record(
        actor=system,
        handoff=b,
        description="Rebuilt the plan",
        remediation_minutes=100,
        remediated_by_id=specialist.id,
        occurred_on=today - timedelta(days=1),
    )
    old = services.failure_record(
        actor=system,
        handoff=f,
        description="Old",
        remediation_minutes=60,
        remediated_by_id=specialist.id,
        occurred_on=today - timedelta(days=20),
    )
    assert old.cost_rate == Decimal("90.00") and old.remediation_cost == Decimal("90.00")

    report = selectors.handoff_metrics(
        actor=personas["owner"].actor, date_from=today - timedelta(days=7), date_to=today
    )
    assert report["count"] == 4  # A, B, C, D
    assert report["confirmed"] == 2
    assert report["first_time_confirmed_pct"] == 50.0  # A of A and B
    assert report["median_minutes_to_confirm"] == 75  # (30 + 120) / 2
    assert report["gaps_per_handoff"] == 0.75  # 3 questions / 4 handoffs
    assert report["funnel"] == {"sent": 4, "gaps_raised": 2, "confirmed": 2}
    assert report["failures"] == 2
    assert report["remediation_minutes"] == 145
    assert report["remediation_cost"] == Decimal("162.50")  # 37.50 + 125.00
    by_kind = {r["key"]: r for r in report["by_kind"]}
    assert by_kind["sales_to_account"]["count"] == 4
    assert by_kind["sales_to_account"]["remediation_cost"] == Decimal("162.50")
    by_team = {r["key"]: r for r in report["by_team"]}
    assert by_team["Account manager"]["count"] == 4  # the owner's job title
    assert sum(r["count"] for r in report["by_month"]) == 4
    assert c.status == "gaps_raised"

    api = personas["finance"].api().get(f"/api/v1/reports/handoffs?from={today - timedelta(days=7)}&to={today}").json()
    assert {
        k: api[k]
        for k in (
            "count",
            "confirmed",
            "first_time_confirmed_pct",
            "median_minutes_to_confirm",
            "gaps_per_handoff",
            "failures",
            "remediation_minutes",
            "remediation_cost",
        )
    } == {
        "count": 4,
        "confirmed": 2,
        "first_time_confirmed_pct": 50.0,
        "median_minutes_to_confirm": 75,
        "gaps_per_handoff": 0.75,
        "failures": 2,
        "remediation_minutes": 145,
        "remediation_cost": "162.50",
    }
    bad = personas["finance"].api().get("/api/v1/reports/handoffs?from=2026-02-01&to=2026-01-01")
    assert bad.status_code == 422
    assert personas["client_a"].api().get("/api/v1/reports/handoffs").status_code == 403


def test_the_seed_example_from_recorded_failures(personas):
    """30 accounts x 2 failures a month x 3 h x $75 = 180 h = $13,500 a month (and $162,000 a year)."""
    system = Actor.system(personas.workspace)
    fixer = person_create(
        actor=system, name="Fixer", email="fixer@studio.test", role="member", cost_rate=Decimal("75.00")
    )
    am = personas["am"].person
    month_start = date(2026, 3, 1)
    for i in range(30):
        client = client_create(actor=system, name=f"Account {i + 1:02d}", account_manager_id=am.id)
        handoff = services.handoff_open(
            actor=system,
            kind="sales_to_account",
            client=client,
            from_person=am,
            to_person=personas["pm"].person,
            fields=FIELDS,
        )
        handoff = services.handoff_send(actor=system, handoff=handoff)
        for day in (3, 17):
            services.failure_record(
                actor=system,
                handoff=handoff,
                description="Client repeated themselves",
                remediation_minutes=180,
                remediated_by_id=fixer.id,
                occurred_on=month_start + timedelta(days=day),
                category="client_repeated",
            )
    report = selectors.handoff_metrics(actor=personas["owner"].actor, date_from=month_start, date_to=date(2026, 3, 31))
    assert report["failures"] == 60
    assert report["remediation_minutes"] == 180 * 60  # 180 hours
    assert report["remediation_cost"] == Decimal("13500.00")
    assert Decimal(report["remediation_cost"]) * 12 == Decimal("162000.00")
    march = next(r for r in report["by_month"] if r["key"] == "2026-03")
    assert march["remediation_cost"] == Decimal("13500.00")


def test_the_map_ranks_points_by_risk_times_frequency(personas):
    system = Actor.system(personas.workspace)
    # brief → creative: 4 sent, 3 traced failures (rate 0.75 x impact 2 = 1.5: high)
    for i in range(4):
        h = services.handoff_open(
            actor=system,
            kind="brief_to_creative",
            from_person=personas["am"].person,
            to_person=personas["member"].person,
            title=f"Brief {i}",
            fields={
                "approved_brief_version": "v2",
                "tone_of_voice_reference": "https://brand.example.com/guide",  # issue 20: a reference is a link
                "walkthrough_meeting": "Mon",
                "deliverables": "6 pages",
            },
        )
        h = services.handoff_send(actor=system, handoff=h)
        if i < 3:
            services.failure_record(
                actor=system,
                handoff=h,
                description="Wrong voice",
                remediation_minutes=120,
                remediated_by_id=personas["member"].person.id,
            )
    # sales → account: 2 sent, no failures (0 x 3 = 0: low)
    for i in range(2):
        _sent(personas, title=f"Sale {i}")
    points = selectors.handoff_map(actor=personas["owner"].actor)
    top = points[0]
    assert (top.kind, top.source) == ("brief_to_creative", "manual")
    assert top.handoffs == 4 and top.failures == 3 and top.failure_rate == Decimal("0.75")
    assert top.risk_score == Decimal("1.50") and top.risk == "high"
    sales = next(p for p in points if p.kind == "sales_to_account" and p.source == "manual")
    assert sales.risk == "low" and sales.failure_rate == Decimal("0.00")
    # every point is listed, including triggers and built-in points never used yet (prior 25 %)
    wheres = {(p.kind, p.source, p.trigger_key) for p in points}
    assert ("design_to_development", "task_status", "design-review") in wheres
    assert ("account_transition", "am_changed", "") in wheres
    assert ("sales_to_account", "deal_won", "") in wheres
    unused = next(p for p in points if p.kind == "account_transition" and p.source == "am_changed")
    assert unused.handoffs == 0 and unused.failure_rate is None and unused.risk_score == Decimal("0.75")
    assert personas["owner"].api().get("/api/v1/reports/handoff-map").json()[0]["kind"] == "brief_to_creative"


def test_handoffs_are_counted_in_the_month_of_the_workspace_zone(personas):
    """A handoff sent at 02:00 UTC on 1 April is sent on 31 March in New York: the month is the workspace's."""
    from datetime import UTC, datetime

    personas.workspace.timezone = "America/New_York"
    personas.workspace.save(update_fields=["timezone"])
    late_march = _sent(personas, title="Late March")
    Handoff.objects.filter(pk=late_march.pk).update(sent_at=datetime(2026, 4, 1, 2, 0, tzinfo=UTC))
    april = _sent(personas, title="April")
    Handoff.objects.filter(pk=april.pk).update(sent_at=datetime(2026, 4, 1, 5, 0, tzinfo=UTC))
    owner = personas["owner"].actor
    owner.workspace.refresh_from_db()
    report = selectors.handoff_metrics(actor=owner, date_from=date(2026, 3, 1), date_to=date(2026, 4, 30))
    counts = {r["key"]: r["count"] for r in report["by_month"]}
    assert counts == {"2026-03": 1, "2026-04": 1}
    assert report["count"] == 2
