"""Engagements (contracts): the create service's rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from baton.core.access import Actor
from baton.core.models import Event
from baton.relationships import services
from baton.relationships.models import Engagement


def test_a_recurring_engagement_needs_an_end_date_and_nothing_is_saved_without_one(personas):
    system = Actor.system(personas.workspace)
    with pytest.raises(ValidationError) as err:
        services.engagement_create(
            actor=system, client=personas.client_a, name="Retainer", start_date=date(2026, 1, 1), recurring=True
        )
    assert "end_date" in err.value.message_dict
    assert not Engagement.objects.exists()
    made = services.engagement_create(
        actor=system,
        client=personas.client_a,
        name="Retainer",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        renewal_date=date(2027, 1, 1),
        value=Decimal("120000.00"),
        recurring=True,
    )
    assert made.status == "active"
    assert made.currency == personas.client_a.currency
    assert Event.objects.filter(verb="engagement.created", target_id=made.pk).count() == 1


def test_an_account_manager_records_engagements_for_their_own_clients_only(personas):
    am = personas["am"].actor
    services.engagement_create(actor=am, client=personas.client_a, name="Retainer", start_date=date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        services.engagement_create(actor=am, client=personas.client_b, name="Retainer", start_date=date(2026, 1, 1))
    assert list(Engagement.objects.values_list("client_id", flat=True)) == [personas.client_a.id]
