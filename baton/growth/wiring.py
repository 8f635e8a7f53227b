"""What growth wires at start-up: its event subscribers (evidence from events, project reviews when a project is
done)."""

from __future__ import annotations

from baton.growth import subscribers  # noqa: F401
