"""What handoffs wires at start-up: event subscribers (AM changed, task entered a status, new workspace), notifiers,
the `create_handoff` rule action, the `handoffs_unconfirmed` sweep; a failure's remediation cost (minutes x cost rate)
hidden in the event log from those who may not see rates, as in the handoff report; the open handoffs a leaving
person hands to a successor (people's archive); the project page's handoffs block; the task start gate (an
unconfirmed handoff holds a task back, `gates.py`); and handoffs join search (`search.py`)."""

from __future__ import annotations

from baton.core.registry import register_event_secret, register_holding_source
from baton.delivery.gates import register_start_gate
from baton.delivery.views import PROJECT_PAGE_BLOCKS
from baton.handoffs import automation, process_changes, search, subscribers  # noqa: F401
from baton.handoffs.gates import handoff_gate
from baton.handoffs.services import succession
from baton.handoffs.views import project_block

if project_block not in PROJECT_PAGE_BLOCKS:
    PROJECT_PAGE_BLOCKS.append(project_block)

register_event_secret(
    "handoff_failure.*",
    keys=("remediation_cost", "cost_rate", "changes.remediation_cost"),
    resource="person",
    action="view_rates",
)
register_holding_source(
    "handoffs_owned", "open handoffs they own", succession.owned_open, succession.move_owned, order=10
)
register_holding_source(
    "handoffs_received", "open handoffs they receive", succession.received_open, succession.move_received, order=20
)
register_start_gate(handoff_gate)
