"""Writes for handoff templates, handoffs (the confirmation loop), gaps and failures.

The loop: the owner (`from_person`) fills a draft and sends it (422 naming every empty required field); the
receiver (`to_person`) confirms it, or raises gaps; the owner answers them, which returns the handoff to the
receiver. Only the receiver confirms or raises gaps and only the owner answers (403 for anyone else); the owner
sends (an owner/admin, or Baton itself, may send on its behalf). Every step is an event; notifications follow
from them (`automation.py`).

Split by responsibility; import from here (`from baton.handoffs import services`).
"""

from baton.handoffs.services._common import FIELD_VALUE_MAX, logger
from baton.handoffs.services.confirmation import handoff_answer_gaps, handoff_confirm, handoff_raise_gaps
from baton.handoffs.services.failures import cost_rate_on, failure_record
from baton.handoffs.services.opening import (
    EDITABLE_STATUSES,
    HANDOFF_FIELDS,
    ensure_can,
    handoff_cancel,
    handoff_open,
    handoff_send,
    handoff_update,
)
from baton.handoffs.services.templates import (
    TASK_STATUSES,
    TEMPLATE_FIELDS,
    TRIGGER_RECEIVERS,
    template_create,
    template_for,
    template_update,
    templates_ensure,
)
from baton.handoffs.services.triggers import handoff_for_am_change, handoffs_for_task_status, trigger_receiver

__all__ = [
    "EDITABLE_STATUSES",
    "FIELD_VALUE_MAX",
    "HANDOFF_FIELDS",
    "TASK_STATUSES",
    "TEMPLATE_FIELDS",
    "TRIGGER_RECEIVERS",
    "cost_rate_on",
    "ensure_can",
    "failure_record",
    "handoff_answer_gaps",
    "handoff_cancel",
    "handoff_confirm",
    "handoff_for_am_change",
    "handoff_open",
    "handoff_raise_gaps",
    "handoff_send",
    "handoff_update",
    "handoffs_for_task_status",
    "logger",
    "template_create",
    "template_for",
    "template_update",
    "templates_ensure",
    "trigger_receiver",
]
