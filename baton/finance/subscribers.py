"""How finance reacts to other apps' events (see core/events.py).

- Time logged or changed on a project (`time_entry.created`, `time_entry.updated`) checks, in the logging transaction
  and right after its event, whether the time is on unmanaged scope and which budget thresholds the project has
  newly reached (`check_logged_time`, registered with `events.on_emit` by `FinanceConfig.ready`).
- Imported time (`time_entries.imported`, one event per batch) checks the budget thresholds of the projects the
  batch touched (`check_imported_time`); scope is not checked for imported history.
- A project that becomes active freezes its scope baseline: the budget and tasks it was sold with. A project created
  active is usually set up afterwards, so its baseline freezes at the first need (its first time or change order).
  This one runs after the change's transaction commits; a failure is logged and never reaches the request that caused
  the event.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from baton.core import events
from baton.core.access import Actor
from baton.core.models import Event
from baton.delivery.models import Project
from baton.finance.services.budgets import baseline_freeze, budget_check, scope_check_entry

logger = logging.getLogger(__name__)
LOGGED_TIME_VERBS = ("time_entry.created", "time_entry.updated")


def check_logged_time(actor: Actor, entry: Any) -> None:
    """Budget thresholds and unmanaged scope are checked whenever time lands on a project."""
    project = entry.project
    scope_check_entry(actor=actor, entry=entry, project=project)
    budget_check(actor=actor, project=project, on=entry.date)


def check_imported_time(actor: Actor, target: Any) -> None:
    """A batch of imported time (`time_entries.imported`): the budget thresholds of each project it touched."""
    for project in getattr(target, "imported_projects", ()):
        budget_check(actor=actor, project=project)


@events.subscribe
def freeze_baseline_when_project_starts(event: Event) -> None:
    data = event.data or {}
    if not (event.verb == "project.status_changed" and data.get("to") == "active"):
        return
    try:
        project = Project.objects.select_related("workspace", "client").filter(pk=event.target_id).first()
        if project is not None:
            with transaction.atomic():
                baseline_freeze(actor=Actor.system(project.workspace), project=project)
    except Exception:
        logger.exception("Could not freeze the scope baseline of project %s (event %s).", event.target_id, event.pk)
