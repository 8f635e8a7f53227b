"""Event subscribers (run after the change's transaction commits; see core/events.py).

- A project that becomes active freezes its scope baseline: the budget and tasks it was sold with. A project created
  active is usually set up afterwards, so its baseline freezes at the first need (its first time or change order).

A failure is logged and never reaches the request that caused the event.
"""

from __future__ import annotations

import logging

from baton.core import events
from baton.core.models import Event

logger = logging.getLogger(__name__)


@events.subscribe
def freeze_baseline_when_project_starts(event: Event) -> None:
    data = event.data or {}
    if not (event.verb == "project.status_changed" and data.get("to") == "active"):
        return
    from django.db import transaction

    from baton.core.access import Actor
    from baton.delivery.models import Project
    from baton.finance.services import baseline_freeze

    try:
        project = Project.objects.select_related("workspace", "client").filter(pk=event.target_id).first()
        if project is not None:
            with transaction.atomic():
                baseline_freeze(actor=Actor.system(project.workspace), project=project)
    except Exception:
        logger.exception("Could not freeze the scope baseline of project %s (event %s).", event.target_id, event.pk)
