"""What handoffs wires at start-up: event subscribers (AM changed, task entered a status, new workspace), notifiers,
the `create_handoff` rule action and the `handoffs_unconfirmed` sweep."""

from __future__ import annotations

from baton.handoffs import automation, subscribers  # noqa: F401
