"""What resourcing wires at start-up: the missing-time sweep and its notifier (`missing_time.py`, `automation.py`);
the event subscriber that records capacity history when a person's capacity is edited, the bookings a leaving person
hands to a successor (core's holding sources, for people's archive), and the capacity a deal would meet (crm's deal
API shows it; crm, below, declares the hook)."""

from __future__ import annotations

from baton.core.registry import register_holding_source
from baton.crm.selectors import set_deal_capacity_reader
from baton.resourcing import automation, missing_time, subscribers, succession  # noqa: F401
from baton.resourcing.reports import deal_capacity

register_holding_source(
    "bookings", "bookings from today on", succession.future_bookings, succession.move_bookings, order=70
)
set_deal_capacity_reader(lambda actor, deal: deal_capacity(actor=actor, deal=deal))
