"""The core.events subscriber: after a change commits, its event goes to the worker (one Huey job per event) if
anything listens to it: a notifier, an active rule or an active webhook.

Under pytest Huey runs jobs immediately, so the effect is there as soon as the transaction commits. A failure here is
logged and never reaches the request that caused the event; the recovery sweep queues the event again. An unreachable
queue (Redis down) is logged once a minute (`core.outage`), and for a few seconds after a failure no event tries it
(each try could wait for the connect timeout): the events are in the database, and `recover` queues them.
"""

from __future__ import annotations

import logging

from baton.automation import tasks
from baton.automation.services.dispatch import is_relevant
from baton.core import events, outage
from baton.core.models import Event

logger = logging.getLogger(__name__)


QUEUE = outage.QUEUE


@events.subscribe
def hand_event_to_worker(event: Event) -> None:
    try:
        if not is_relevant(event):
            return
    except Exception:
        logger.exception("Could not queue event %s (%s) for automation; the recovery sweep will.", event.pk, event.verb)
        return
    if outage.down(QUEUE):
        return
    try:
        tasks.process_event_task(event.pk)
    except outage.QUEUE_ERRORS as exc:  # the queue's backend (a job that runs inline under pytest raises anything else)
        outage.failed(QUEUE, exc, "Events are kept in the database; the recovery queues them when it is back.")
    except Exception:
        logger.exception("Could not queue event %s (%s) for automation; the recovery sweep will.", event.pk, event.verb)
    else:
        outage.recovered(QUEUE)
