"""Writes for account management: protocols, onboarding, touchpoints and next steps, status updates, goals,
escalations, health snapshots, growth opportunities, settings, and the client's change-order decisions.

Split by resource; import from here (`from baton.relationships import services`). The readers `client_cadence_items`,
`client_health`, `protocol_for`, `settings_for` and `week_facts` have always been found here too (they live in
`baton.relationships.selectors`).
"""

from baton.relationships.selectors import client_cadence_items, client_health, protocol_for, settings_for, week_facts
from baton.relationships.services.engagements import (
    ENGAGEMENT_FIELDS,
    engagement_churn,
    engagement_create,
    engagement_end,
    engagement_renew,
    engagement_update,
)
from baton.relationships.services.escalations import (
    default_assignee,
    escalation_assign,
    escalation_open,
    escalation_resolve,
    escalation_rules_check,
)
from baton.relationships.services.goals import GOAL_FIELDS, goal_create, goal_update, goal_value_record
from baton.relationships.services.health_backtest import health_backtest_run, health_weights_accept, health_weights_undo
from baton.relationships.services.health_snapshots import health_snapshot_take
from baton.relationships.services.meetings import meeting_schedule, recap_draft, recap_send
from baton.relationships.services.opportunities import OPPORTUNITY_FIELDS, opportunity_create, opportunity_update
from baton.relationships.services.portal import portal_change_order_decide
from baton.relationships.services.protocols import (
    DEFAULT_ONBOARDING,
    ONBOARDING_KINDS,
    PROTOCOL_FIELDS,
    onboarding_apply,
    onboarding_item_done,
    onboarding_plan,
    onboarding_template_put,
    protocol_put,
)
from baton.relationships.services.settings import SETTINGS_FIELDS, settings_update
from baton.relationships.services.status_updates import (
    status_update_draft,
    status_update_edit,
    status_update_send,
    week_start_of,
)
from baton.relationships.services.touchpoints import (
    TOUCHPOINT_FIELDS,
    next_step_complete,
    next_step_reassign,
    touchpoint_log,
    touchpoint_update,
)
from baton.relationships.services.workplace import (
    client_request_convert,
    client_request_create,
    client_request_decline,
    client_request_triage,
    deliverable_decide,
    shared_file_create,
)

__all__ = [
    "DEFAULT_ONBOARDING",
    "ENGAGEMENT_FIELDS",
    "GOAL_FIELDS",
    "ONBOARDING_KINDS",
    "OPPORTUNITY_FIELDS",
    "PROTOCOL_FIELDS",
    "SETTINGS_FIELDS",
    "TOUCHPOINT_FIELDS",
    "client_cadence_items",
    "client_health",
    "client_request_convert",
    "client_request_create",
    "client_request_decline",
    "client_request_triage",
    "default_assignee",
    "deliverable_decide",
    "engagement_churn",
    "engagement_create",
    "engagement_end",
    "engagement_renew",
    "engagement_update",
    "escalation_assign",
    "escalation_open",
    "escalation_resolve",
    "escalation_rules_check",
    "goal_create",
    "goal_update",
    "goal_value_record",
    "health_backtest_run",
    "health_snapshot_take",
    "health_weights_accept",
    "health_weights_undo",
    "meeting_schedule",
    "next_step_complete",
    "next_step_reassign",
    "onboarding_apply",
    "onboarding_item_done",
    "onboarding_plan",
    "onboarding_template_put",
    "opportunity_create",
    "opportunity_update",
    "portal_change_order_decide",
    "protocol_for",
    "protocol_put",
    "recap_draft",
    "recap_send",
    "settings_for",
    "settings_update",
    "shared_file_create",
    "status_update_draft",
    "status_update_edit",
    "status_update_send",
    "touchpoint_log",
    "touchpoint_update",
    "week_facts",
    "week_start_of",
]
