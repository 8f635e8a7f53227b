"""Every write of automation: rules, notifications, webhooks, and what the worker does with an event.

Split by concern; import from here (`from baton.automation import services`).
"""

from baton.automation.services.dispatch import is_relevant, process_event, recover, unprocessed_events
from baton.automation.services.notifications import (
    digest_send,
    notification_mark_all_read,
    notification_mark_read,
    notify,
    preference_get,
    preference_update,
    url_for_event,
)
from baton.automation.services.rules import (
    Chain,
    DryRunRow,
    is_internal_verb,
    rule_create,
    rule_delete,
    rule_dry_run,
    rule_errors,
    rule_run_for_event,
    rule_update,
)
from baton.automation.services.webhooks import (
    deliveries_for_event,
    delivery_attempt,
    delivery_for_event,
    payload_for,
    retry_due,
    sign,
    webhook_create,
    webhook_delete,
    webhook_test,
    webhook_update,
)

__all__ = [
    "Chain",
    "DryRunRow",
    "deliveries_for_event",
    "delivery_attempt",
    "delivery_for_event",
    "digest_send",
    "is_internal_verb",
    "is_relevant",
    "notification_mark_all_read",
    "notification_mark_read",
    "notify",
    "payload_for",
    "preference_get",
    "preference_update",
    "process_event",
    "recover",
    "retry_due",
    "rule_create",
    "rule_delete",
    "rule_dry_run",
    "rule_errors",
    "rule_run_for_event",
    "rule_update",
    "sign",
    "unprocessed_events",
    "url_for_event",
    "webhook_create",
    "webhook_delete",
    "webhook_test",
    "webhook_update",
]
