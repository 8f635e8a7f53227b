"""Background work for automation, on Huey. Tasks only call services.

- `process_event_task(event_id)`: notifications, webhook deliveries and rules for one committed event.
- `deliver_webhook(delivery_id)`: one attempt of one delivery (retries schedule themselves with backoff).
- `recover_lost_work`: every 5 minutes, and once when a worker starts: events and retries whose job was lost (not
  what still waits in the queue: `waiting_jobs` reads it once).
- `recover_cut_deliveries`: every minute, webhook attempts cut by a worker kill (their lease ran out or is about to).
- A stopping worker (SIGTERM is graceful: settings.HUEY["consumer"]) lets in-flight jobs finish; any it must interrupt
  after the shutdown timeout give their delivery's lease back (`release_interrupted_deliveries`).
- Each registered sweep is its own periodic task (see sweeps.py).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.db import close_old_connections
from huey import crontab, signals
from huey.api import Task
from huey.contrib.djhuey import HUEY, db_task, on_startup

from baton.automation.services import dispatch, webhooks
from baton.core.periodic import periodic_task

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=15)
def process_event_task(event_id: int) -> bool:
    return dispatch.process_event(event_id)


@db_task(retries=1, retry_delay=60)
def deliver_webhook(delivery_id: int) -> bool:
    return webhooks.delivery_attempt(delivery_id) is not None


@periodic_task(crontab(minute="*/5"))
def recover_lost_work() -> int:
    return dispatch.recover()


@periodic_task(crontab(minute="*"))
def recover_cut_deliveries() -> int:
    return webhooks.retry_due()


QUEUE_SCAN_LIMIT = 50_000  # past this many waiting jobs the queue is backed up, not losing work: recovery waits


@dataclass(frozen=True)
class Waiting:
    """What the Huey queue holds (waiting to run now, or scheduled for later): the event ids and delivery ids of its
    jobs. `backed_up`: more than QUEUE_SCAN_LIMIT jobs wait; nothing was read."""

    events: frozenset[int] = frozenset()
    deliveries: frozenset[int] = frozenset()
    backed_up: bool = False


def waiting_jobs() -> Waiting:
    """Read the queue and the schedule once (Redis or SQLite storage alike), so recovery queues only what is not
    already there."""
    if HUEY.pending_count() + HUEY.scheduled_count() > QUEUE_SCAN_LIMIT:
        return Waiting(backed_up=True)
    events: set[int] = set()
    deliveries: set[int] = set()
    for job in [*HUEY.pending(), *HUEY.scheduled()]:
        if not job.args:
            continue
        if isinstance(job, process_event_task.task_class):
            events.add(int(job.args[0]))
        elif isinstance(job, deliver_webhook.task_class):
            deliveries.add(int(job.args[0]))
    return Waiting(frozenset(events), frozenset(deliveries))


@HUEY.signal(signals.SIGNAL_INTERRUPTED)
def release_interrupted_deliveries(signal: str, task: Task, *args: object, **kwargs: object) -> None:
    """The worker stopped before this job finished: a webhook attempt gives its lease back, for the next worker."""
    if task.name.endswith("deliver_webhook") and task.args:
        webhooks.release([int(task.args[0])])  # the consumer's main thread, as the process ends


_recovered_on_start = threading.Lock()
_startup_done = False


@on_startup()
def recover_on_worker_start() -> None:
    """A worker that starts (again) first queues what a killed one left unfinished. Once per process, although
    every worker thread calls it."""
    global _startup_done
    with _recovered_on_start:
        if _startup_done:
            return
        _startup_done = True

    try:
        queued = dispatch.recover(older_than=timedelta(0))
        logger.info("Worker start: %s unfinished job(s) queued again.", queued)
    except Exception:
        logger.exception("Worker start: recovery failed; the periodic recovery will retry.")
    finally:
        close_old_connections()
