"""What resourcing wires at start-up: the event subscriber that records capacity history when a person's capacity is
edited."""

from __future__ import annotations

from baton.resourcing import subscribers  # noqa: F401
