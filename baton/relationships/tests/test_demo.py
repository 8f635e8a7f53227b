"""The relationships demo on a small workspace: deals in every stage, a year of touchpoints, and one account at risk."""

from __future__ import annotations

import random

import pytest

from baton.core.access import Actor
from baton.crm.models import Client, Deal
from baton.crm.services import client_create
from baton.devdata.demo import engagements as engagements_demo
from baton.devdata.demo.relationships import extend_demo
from baton.relationships.models import ClientGoal, Engagement, Escalation, HealthSnapshot, Touchpoint
from baton.relationships.selectors import mrr, portfolio, renewals_due

pytestmark = pytest.mark.django_db


def test_demo_data(personas):
    system = Actor.system(personas.workspace)
    third = client_create(actor=system, name="Client C", account_manager_id=personas["pm"].person.id)
    clients = list(Client.objects.filter(pk__in=[personas.client_a.id, personas.client_b.id, third.id]).order_by("id"))
    extend_demo(personas.workspace, system, random.Random(3), clients)
    assert set(Deal.objects.values_list("stage", flat=True)) == {
        "lead",
        "qualified",
        "proposal",
        "negotiation",
        "won",
        "lost",
    }
    assert Deal.objects.get(stage="won").handoff_id is not None
    assert Touchpoint.objects.filter(client=clients[1]).count() > 30  # client A is the newest: onboarding
    assert ClientGoal.objects.count() == 6 and HealthSnapshot.objects.count() >= 15
    rows = portfolio(actor=personas["owner"].actor)
    assert rows[0]["client_id"] == clients[-1].id and rows[0]["band"] == "at_risk", rows[0]
    assert Escalation.objects.filter(client=clients[-1], status="open").count() >= 2


def test_demo_contracts_renew_up_and_down_and_one_at_risk_renews_within_60_days(personas):
    system = Actor.system(personas.workspace)
    third = client_create(actor=system, name="Client C", account_manager_id=personas["pm"].person.id)
    clients = list(Client.objects.filter(pk__in=[personas.client_a.id, personas.client_b.id, third.id]).order_by("id"))
    extend_demo(personas.workspace, system, random.Random(3), clients)
    engagements_demo.extend_demo(personas.workspace, system, random.Random(3), clients)
    renewals = list(Engagement.objects.filter(renewed_from__isnull=False).select_related("renewed_from"))
    changes = sorted((mrr(e) or 0) - (mrr(e.renewed_from) or 0) for e in renewals)
    moved = [c for c in changes if c]  # the other long-standing accounts renewed at the same value
    assert len(moved) == 2 and moved[0] < 0 < moved[1]  # one contraction, one expansion
    at_risk = clients[-1]
    due = renewals_due(actor=personas["owner"].actor, days=60)
    row = next(r for r in due if r["client_id"] == at_risk.pk)
    assert row["risk_band"] in ("medium", "high")
    assert row["days_to_renewal"] <= row["notice_days"] + 60
