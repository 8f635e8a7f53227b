"""What timesheets wires at start-up: time entries with an amount fix the workspace's base currency (MONEY.md §2);
entries waiting for an exchange rate are priced when one is added (rates, below timesheets, emits
`exchange_rate.created`; the repricing runs in its transaction), and they answer rates' `missing_rates` question."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from baton.core import events
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.registry import register_money_holder
from baton.rates.selectors import register_missing_rate_source
from baton.timesheets.models import TimeEntry
from baton.timesheets.selectors import entries_missing_rates
from baton.timesheets.services import time_entries_reprice


def _entries_with_amount(workspace: Workspace) -> int:
    return TimeEntry.objects.filter(~Q(bill_amount=0) | ~Q(cost_amount=0), workspace=workspace).count()


register_money_holder("time entries with an amount", _entries_with_amount, singular="time entry with an amount")


def reprice_on_new_rate(actor: Actor, rate: Any) -> None:
    time_entries_reprice(actor=actor, currency=rate.currency, since=rate.effective_on)


events.on_emit("exchange_rate.created", reprice_on_new_rate)
register_missing_rate_source(entries_missing_rates)
