"""The handoff demo on a small workspace: every kind in every state, failures, and the weak point on top of the map."""

from __future__ import annotations

import random
from datetime import date

import pytest

from baton.core.access import Actor
from baton.delivery import services as delivery
from baton.devdata.demo.handoffs import extend_demo
from baton.handoffs import selectors
from baton.handoffs.kinds import BUILTIN_KINDS
from baton.handoffs.models import Handoff, HandoffFailure, HandoffStatus

pytestmark = pytest.mark.django_db


def test_demo_data(personas):
    system = Actor.system(personas.workspace)
    delivery.project_create(actor=system, client_id=personas.client_a.id, name="Demo site", start_date=date(2026, 1, 5))
    extend_demo(personas.workspace, system, random.Random(7), [personas.client_a, personas.client_b])
    states = set(Handoff.objects.values_list("kind", "status"))
    for kind in BUILTIN_KINDS:
        for status in HandoffStatus.values:
            assert (kind, status) in states, (kind, status)
    assert Handoff.objects.filter(status="confirmed", first_time=False).exists()
    assert HandoffFailure.objects.count() >= 5
    top = selectors.handoff_map(actor=personas["owner"].actor)[0]
    assert (top.kind, top.source, top.risk) == ("brief_to_creative", "manual", "high")
    report = selectors.handoff_metrics(actor=personas["owner"].actor)
    assert report["count"] > 20 and report["failures"] > 0
