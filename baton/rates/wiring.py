"""What rates wires at start-up: the rates that fix the workspace's base currency once any exists (MONEY.md §2), and
what of their events (and of a person's rates changing) the event log hides from those who may not see rates."""

from __future__ import annotations

from django.db.models import Q

from baton.core.models import Workspace
from baton.core.registry import register_event_secret, register_money_holder
from baton.people.models import Person
from baton.rates.models import BillRate, CostRate


def _bill_rates(workspace: Workspace) -> int:
    return BillRate.objects.filter(workspace=workspace).count()


def _cost_rates(workspace: Workspace) -> int:
    return CostRate.objects.filter(workspace=workspace).count()


def _people_with_rates(workspace: Workspace) -> int:
    return Person.objects.filter(Q(cost_rate__gt=0) | Q(bill_rate__gt=0), workspace=workspace).count()


register_money_holder("bill rates", _bill_rates)
register_money_holder("cost rates", _cost_rates)
register_money_holder("people with a cost or bill rate", _people_with_rates, singular="person with a cost or bill rate")

# The event log shows rates only to those the rate card, exchange rates and people's rates are shown to (members get
# 403 or null there). A rate's label names its rate ("85.00 from 2026-01-01"), so it goes too.
register_event_secret("bill_rate.*", keys=("rate", "changes.rate"), resource="rate_card", label="a bill rate")
register_event_secret("cost_rate.*", keys=("rate", "changes.rate"), resource="rate_card", label="a cost rate")
register_event_secret(
    "exchange_rate.*", keys=("rate", "changes.rate"), resource="exchange_rate", label="an exchange rate"
)
register_event_secret(
    "person.*", keys=("changes.cost_rate", "changes.bill_rate"), resource="person", action="view_rates"
)
