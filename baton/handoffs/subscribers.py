"""Event subscribers (run after the change commits; see core/events.py): the triggers that work without the rule
engine, each opening a handoff at most once per transition (the event id is the handoff's `source_ref`).

- `client.am_changed` → an `account_transition` draft from the outgoing to the new AM, prefilled.
- `task.status_changed` → the templates' task triggers (e.g. a design task to `in_review` → `design_to_development`
  to the assignee of the next task).
- `workspace.created` → the built-in templates (others get them lazily on first use).

A failure is logged and never reaches the request that caused the event.
"""

from __future__ import annotations

import logging

from django.db import transaction

from baton.core import events
from baton.core.models import Event
from baton.handoffs import services

logger = logging.getLogger(__name__)


def _am_change(event: Event) -> tuple[object, object] | None:
    data = event.data or {}
    if "from" in data or "to" in data:
        return data.get("from"), data.get("to")
    change = (data.get("changes") or {}).get("account_manager_id")
    if isinstance(change, list) and len(change) == 2:
        return change[0], change[1]
    return None


@events.subscribe
def open_handoffs_for_event(event: Event) -> None:
    if event.verb not in ("client.am_changed", "task.status_changed", "workspace.created"):
        return

    try:
        with transaction.atomic():
            workspace = event.workspace
            if event.verb == "workspace.created":
                services.templates_ensure(workspace)
            elif event.verb == "client.am_changed":
                change = _am_change(event)
                if change is not None:
                    services.handoff_for_am_change(
                        workspace=workspace,
                        event_id=event.pk,
                        client_id=event.target_id,
                        old_id=change[0],
                        new_id=change[1],
                    )
            else:
                to = (event.data or {}).get("to")
                if to:
                    services.handoffs_for_task_status(
                        workspace=workspace, event_id=event.pk, task_id=event.target_id, to_status=str(to)
                    )
    except Exception:
        logger.exception("Could not open the handoff for %s (event %s).", event.verb, event.pk)
