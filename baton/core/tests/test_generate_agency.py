"""`generate_agency`: the bulk generator's handoffs agree with what the services would have recorded, so the handoff
report over generated data means what it says."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from baton.core.access import Actor
from baton.devdata.scale import Size, generate
from baton.handoffs.models import Handoff, HandoffFailure, HandoffGap
from baton.handoffs.selectors import handoff_metrics


@pytest.mark.django_db
def test_generated_handoffs_are_consistent_and_feed_the_report():
    size = Size(people=10, clients=5, projects=8, entries=200, bookings=10, years=1, handoffs=400, touchpoints=50)
    world = generate(size, seed=11, slug="gen-handoffs")
    workspace = world.workspace
    handoffs = Handoff.objects.filter(workspace=workspace)
    assert handoffs.count() == 400 == world.counts["handoffs"]
    assert set(handoffs.values_list("status", flat=True)) == {"draft", "sent", "gaps_raised", "confirmed", "cancelled"}
    for h in handoffs.filter(status="confirmed"):
        assert h.confirmed_at is not None and h.sent_at is not None
        assert h.minutes_to_confirm == int((h.confirmed_at - h.sent_at).total_seconds() // 60)
        assert h.first_time == (h.gap_rounds == 0)
        assert h.from_person_id != h.to_person_id
    assert not handoffs.filter(status="draft", sent_at__isnull=False).exists()
    for h in handoffs.filter(gap_rounds__gt=0):
        assert h.gaps.count() == h.gap_rounds
    assert not HandoffGap.objects.filter(handoff__status="confirmed", answered_at__isnull=True).exists()
    failures = HandoffFailure.objects.filter(workspace=workspace)
    assert failures.exists()
    for f in failures:
        expected = (f.cost_rate * f.remediation_minutes / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert f.remediation_cost == expected and f.occurred_on <= world.today

    report = handoff_metrics(actor=Actor.system(workspace), date_from=date(2000, 1, 1), date_to=world.today)
    sent = handoffs.exclude(sent_at__isnull=True)
    assert report["count"] == sent.count()
    assert report["confirmed"] == sent.filter(status="confirmed").count()
    assert report["failures"] == failures.count()
    assert report["remediation_minutes"] == sum(f.remediation_minutes for f in failures)
    assert Decimal(str(report["remediation_cost"])) == sum((f.remediation_cost for f in failures), Decimal("0"))
