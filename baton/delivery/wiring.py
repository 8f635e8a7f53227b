"""What delivery wires at start-up: its periodic sweeps (overdue tasks and milestones) in core's sweep framework."""

from __future__ import annotations

from baton.delivery import sweeps  # noqa: F401
