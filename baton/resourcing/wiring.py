"""What resourcing wires at start-up: the missing-time sweep and its notifier (`missing_time.py`, `automation.py`);
the event subscriber that records capacity history when a person's capacity is edited, and the bookings a leaving
person hands to a successor (core's holding sources, for people's archive)."""

from __future__ import annotations

from baton.core.registry import register_holding_source
from baton.resourcing import automation, missing_time, subscribers, succession  # noqa: F401

register_holding_source(
    "bookings", "bookings from today on", succession.future_bookings, succession.move_bookings, order=70
)
