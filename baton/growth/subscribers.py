"""Event subscribers (run after the change's transaction commits; see core/events.py).

- Every event whose verb an evidence rule names becomes evidence for the person the rule credits (once per rule x
  event; `rebuild_evidence` replays the log for anything missed).
- A project that goes to done opens a project review for its client's AM.

A failure is logged and never reaches the request that caused the event.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Exists, OuterRef

from baton.core import events
from baton.core.models import Event, Workspace
from baton.growth.evidence import OWN_VERB_PREFIXES
from baton.growth.models import EvidenceRule, GrowthSetup
from baton.growth.services import evidence_for_event, framework_ensure, review_open_for_event

logger = logging.getLogger(__name__)


@events.probe
def _evidence_state(event: Event) -> dict[str, Any]:
    """Is the framework seeded, and does an active evidence rule name this verb?"""
    return {
        "growth_seeded": Exists(GrowthSetup.objects.filter(workspace_id=OuterRef("pk"))),
        "growth_ruled": Exists(EvidenceRule.objects.filter(workspace_id=OuterRef("pk"), verb=event.verb, active=True)),
    }


@events.subscribe
def evidence_from_event(event: Event) -> None:
    if event.verb.startswith(OWN_VERB_PREFIXES):
        return

    try:
        # No query of its own for the usual case (the framework is seeded and no active rule names this verb: nothing
        # to do; `core.events.probed` is one statement shared with automation's); seeding (first use) and applying the
        # rules as before otherwise.
        state = events.probed(event)
        seeded, ruled = (state["growth_seeded"], state["growth_ruled"]) if state else (False, True)
        if seeded and not ruled:
            return
        if not seeded:
            framework_ensure(Workspace(pk=event.workspace_id))  # only its id is used
        evidence_for_event(event)
    except Exception:
        logger.exception("Could not write evidence for event %s (%s).", event.pk, event.verb)


@events.subscribe
def review_when_project_done(event: Event) -> None:
    if not (event.verb == "project.status_changed" and (event.data or {}).get("to") == "done"):
        return

    try:
        review_open_for_event(event)
    except Exception:
        logger.exception("Could not open a project review for project %s (event %s).", event.target_id, event.pk)
