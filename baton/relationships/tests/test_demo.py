"""The relationships demo on a small workspace: deals in every stage, a year of touchpoints, and one account at risk."""

from __future__ import annotations

import random

import pytest

from baton.core.access import Actor
from baton.crm.models import Client, Deal
from baton.crm.services import client_create
from baton.devdata.demo.relationships import extend_demo
from baton.relationships.models import ClientGoal, Escalation, HealthSnapshot, Touchpoint
from baton.relationships.selectors import portfolio

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
