"""What rates wires at start-up: the rates that fix the workspace's base currency once any exists (MONEY.md §2)."""

from __future__ import annotations

from django.db.models import Q

from baton.core.models import Workspace
from baton.core.registry import register_money_holder
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
