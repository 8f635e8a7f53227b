"""Event subscribers (run after the change's transaction commits; see core/events.py).

- A person's capacity edited on the person itself (`person.updated` changing weekly_capacity_minutes or
  working_days) is recorded in the capacity history from today on, so past figures keep the capacity they had.

A subscriber failure is logged and never reaches the request that caused the event.
"""

from __future__ import annotations

import logging

from baton.core import events
from baton.core.models import Event
from baton.resourcing.services import capacity_record_person_edit

logger = logging.getLogger(__name__)
CAPACITY_FIELDS = ("weekly_capacity_minutes", "working_days")


@events.subscribe
def record_capacity_history(event: Event) -> None:
    if event.verb != "person.updated":
        return
    changes = (event.data or {}).get("changes") or {}
    if not any(f in changes for f in CAPACITY_FIELDS):
        return

    try:
        capacity_record_person_edit(workspace=event.workspace, person_id=event.target_id, changes=changes)
    except Exception:
        logger.exception("Could not record the capacity change of person %s (event %s).", event.target_id, event.pk)
