"""What timesheets wires at start-up: entries waiting for an exchange rate are priced when one is added (rates, below
timesheets, emits `exchange_rate.created`; the repricing runs in its transaction), and they answer rates'
`missing_rates` question."""

from __future__ import annotations

from typing import Any

from baton.core import events
from baton.core.access import Actor
from baton.rates.selectors import register_missing_rate_source
from baton.timesheets.selectors import entries_missing_rates
from baton.timesheets.services import time_entries_reprice


def reprice_on_new_rate(actor: Actor, rate: Any) -> None:
    time_entries_reprice(actor=actor, currency=rate.currency, since=rate.effective_on)


events.on_emit("exchange_rate.created", reprice_on_new_rate)
register_missing_rate_source(entries_missing_rates)
