"""What relationships wires at start-up: its sweeps (cadence, weekly drafts, health snapshots, escalation rules), the
`open_escalation` action and its event subscribers; crm's portfolio check reads the workspace's warn/refuse choice, and
an account transition's prefill names the latest touchpoint's open next steps; a growth opportunity's value is hidden in
the event log from those who may not see opportunities; core's "what may the client see" policy reads what the client's
protocol shares and which of its texts are internal (its escalations); a leaving person's open next steps go to their
successor (core's holding sources, for people's archive); deals, goals, touchpoints and next steps join search
(`search.py`); the knowledge record's goals are the client goals here."""

from __future__ import annotations

from baton.core.client_view import register_internal_texts, register_sharing_reader
from baton.core.registry import register_event_secret, register_holding_source
from baton.crm.selectors import set_opportunity_pipeline_reader
from baton.crm.services import set_portfolio_mode_reader
from baton.handoffs.prefill import register_next_step_source
from baton.knowledge.goals import set_client_goal_reader
from baton.relationships import automation, process_changes, search, subscribers, succession  # noqa: F401
from baton.relationships.selectors import (
    client_internal_texts,
    client_shares,
    goal_lines,
    opportunity_pipeline,
    portfolio_mode,
    touchpoint_next_steps,
)

set_portfolio_mode_reader(portfolio_mode)
set_opportunity_pipeline_reader(opportunity_pipeline)  # the weighted pipeline's line of opportunities not yet deals
register_next_step_source(touchpoint_next_steps)
set_client_goal_reader(goal_lines)  # the knowledge record shows the client goals of /client-goals, the one source
register_event_secret("growth_opportunity.*", keys=("value", "changes.value"), resource="growth_opportunity")
register_sharing_reader(client_shares)
register_internal_texts(client_internal_texts)
register_holding_source(
    "next_steps", "open next steps they own", succession.open_next_steps, succession.move_next_steps, order=30
)
