"""Background work for automation, on Huey. Tasks only call services.

- `process_event_task(event_id)`: notifications, webhook deliveries and rules for one committed event.
- `deliver_webhook(delivery_id)`: one attempt of one delivery (retries schedule themselves with backoff).
- `recover_lost_work`: every 5 minutes, and once when a worker starts: events and retries whose job was lost.
- `recover_cut_deliveries`: every minute, webhook attempts cut by a worker kill (their lease ran out or is about to).
- A stopping worker (SIGTERM is graceful: settings.HUEY["consumer"]) lets in-flight jobs finish; any it must interrupt
  after the shutdown timeout give their delivery's lease back (`release_interrupted_deliveries`).
- Each registered sweep is its own periodic task (see sweeps.py).
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.db import close_old_connections
from huey import crontab, signals
from huey.api import Task
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, on_startup

from baton.automation.services import dispatch, webhooks

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=15)
def process_event_task(event_id: int) -> bool:
    return dispatch.process_event(event_id)


@db_task(retries=1, retry_delay=60)
def deliver_webhook(delivery_id: int) -> bool:
    return webhooks.delivery_attempt(delivery_id) is not None


@db_periodic_task(crontab(minute="*/5"))
def recover_lost_work() -> int:
    return dispatch.recover()


@db_periodic_task(crontab(minute="*"))
def recover_cut_deliveries() -> int:
    return webhooks.retry_due()


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
