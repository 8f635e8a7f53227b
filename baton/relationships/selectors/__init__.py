"""Reads for account management: the cadence plan and health of a client, portfolios, and the lists behind the
API and pages. Every list takes the `Actor`; another workspace's or (client role) another client's ids are 404.

Split by responsibility; import from here (`from baton.relationships import selectors`).
"""

from baton.relationships.selectors.cadence import (
    _cadence_inputs,
    _local_day_never_steps_back,
    _spec,
    cadence_for,
    cadence_items_bulk,
    cadence_today,
    client_cadence_items,
    due_rows,
)
from baton.relationships.selectors.clients import (
    _day_bounds,
    client_for,
    client_internal_texts,
    client_shares,
    portfolio_mode,
    protocol_for,
    settings_for,
)
from baton.relationships.selectors.health import (
    _health_facts_bulk,
    budget_overruns,
    client_health,
    client_health_bulk,
    health_for,
    health_measures,
    top_risk,
    unconfirmed_critical_handoffs,
)
from baton.relationships.selectors.lists import (
    client_report,
    escalation_get,
    escalation_list,
    goal_get,
    goal_lines,
    goal_list,
    goal_progress,
    next_step_get,
    next_step_list,
    opportunity_get,
    opportunity_list,
    status_update_get,
    status_update_list,
    touchpoint_get,
    touchpoint_list,
    touchpoint_next_steps,
)
from baton.relationships.selectors.portal import portal_overview
from baton.relationships.selectors.portfolios import am_home, portfolio, portfolio_and_due, portfolio_with_plans
from baton.relationships.selectors.weeks import week_facts

__all__ = [
    "_cadence_inputs",
    "_day_bounds",
    "_health_facts_bulk",
    "_local_day_never_steps_back",
    "_spec",
    "am_home",
    "budget_overruns",
    "cadence_for",
    "cadence_items_bulk",
    "cadence_today",
    "client_cadence_items",
    "client_for",
    "client_health",
    "client_health_bulk",
    "client_internal_texts",
    "client_report",
    "client_shares",
    "due_rows",
    "escalation_get",
    "escalation_list",
    "goal_get",
    "goal_lines",
    "goal_list",
    "goal_progress",
    "health_for",
    "health_measures",
    "next_step_get",
    "next_step_list",
    "opportunity_get",
    "opportunity_list",
    "portal_overview",
    "portfolio",
    "portfolio_and_due",
    "portfolio_mode",
    "portfolio_with_plans",
    "protocol_for",
    "settings_for",
    "status_update_get",
    "status_update_list",
    "top_risk",
    "touchpoint_get",
    "touchpoint_list",
    "touchpoint_next_steps",
    "unconfirmed_critical_handoffs",
    "week_facts",
]
