"""Event subscribers (run after the change's transaction commits; see core/events.py).

- A task moved to (or created in) progress is linked to the approved brief version it starts from.
- Every event about a client, project, task, brief, decision or comment refreshes that record's search entries, so
  crm and delivery need not know about search; so does every event about a registered kind (`search_sources.py`).

A subscriber failure is logged and never reaches the request that caused the event: the change itself is
committed already, and `rebuild_search_index` repairs the index.
"""

from __future__ import annotations

import logging

from baton.core import events
from baton.core.models import Event
from baton.knowledge.services import (
    discussion_orphans_remove,
    indexed_target_types,
    search_index_refresh,
    task_brief_link_for_event,
)

logger = logging.getLogger(__name__)


@events.subscribe
def link_started_task_to_brief(event: Event) -> None:
    data = event.data or {}
    started = (event.verb == "task.status_changed" and data.get("to") == "in_progress") or (
        event.verb == "task.created" and data.get("status") == "in_progress"
    )
    if not started:
        return

    try:
        task_brief_link_for_event(event)
    except Exception:
        logger.exception("Could not link task %s to its brief (event %s).", event.target_id, event.pk)


@events.subscribe
def keep_search_index_current(event: Event) -> None:
    if event.target_type not in indexed_target_types():
        return
    try:
        search_index_refresh(
            workspace_id=event.workspace_id,
            kind=event.target_type,
            object_id=event.target_id,
            deleted=event.verb.endswith(".deleted"),
        )
    except Exception:
        logger.exception("Could not refresh the search index for %s#%s.", event.target_type, event.target_id)


@events.subscribe
def remove_orphaned_discussion(event: Event) -> None:
    """A deleted task (and the brief it took with it) leaves no comments or files behind."""
    if event.verb not in ("task.deleted", "project.deleted"):
        return

    try:
        discussion_orphans_remove(workspace_id=event.workspace_id)
    except Exception:
        logger.exception("Could not remove the discussion of deleted %s#%s.", event.target_type, event.target_id)
