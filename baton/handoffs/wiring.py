"""What handoffs wires at start-up: event subscribers (AM changed, task entered a status, new workspace), notifiers,
the `create_handoff` rule action, the `handoffs_unconfirmed` sweep, and the open handoffs a leaving person hands to a
successor (people's archive)."""

from __future__ import annotations

from baton.core.registry import register_holding_source
from baton.handoffs import automation, subscribers  # noqa: F401
from baton.handoffs.services import succession

register_holding_source(
    "handoffs_owned", "open handoffs they own", succession.owned_open, succession.move_owned, order=10
)
register_holding_source(
    "handoffs_received", "open handoffs they receive", succession.received_open, succession.move_received, order=20
)
