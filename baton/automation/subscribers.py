"""The core.events subscriber: after a change commits, its event goes to the worker (one Huey job per event) if
anything listens to it: a notifier, an active rule or an active webhook.

Under pytest Huey runs jobs immediately, so the effect is there as soon as the transaction commits. A failure here is
logged and never reaches the request that caused the event; the recovery sweep queues the event again.
"""

from __future__ import annotations

import logging

from baton.automation import tasks
from baton.automation.services.dispatch import is_relevant
from baton.core import events
from baton.core.models import Event

logger = logging.getLogger(__name__)


@events.subscribe
def hand_event_to_worker(event: Event) -> None:
    try:
        if is_relevant(event):
            tasks.process_event_task(event.pk)
    except Exception:
        logger.exception("Could not queue event %s (%s) for automation; the recovery sweep will.", event.pk, event.verb)
