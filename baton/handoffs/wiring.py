"""What handoffs wires at start-up: event subscribers (AM changed, task entered a status, new workspace), notifiers,
the `create_handoff` rule action and the `handoffs_unconfirmed` sweep; a failure's remediation cost (minutes x
cost rate) hidden in the event log from those who may not see rates, as in the handoff report."""

from __future__ import annotations

from baton.core.registry import register_event_secret
from baton.handoffs import automation, subscribers  # noqa: F401

register_event_secret(
    "handoff_failure.*",
    keys=("remediation_cost", "cost_rate", "changes.remediation_cost"),
    resource="person",
    action="view_rates",
)
