"""Recovery (every 5 minutes, and whenever a worker starts) queues again only what is not already in the queue: on a
real SQLite queue file, and on a real Redis queue when REDIS_URL is set."""

from __future__ import annotations

import logging
import os
import uuid
from datetime import timedelta

import pytest
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage, SqliteStorage

from baton.automation import services, tasks
from baton.automation.models import WebhookDelivery
from baton.core.models import Event
from baton.crm import services as crm
from baton.delivery import services as delivery

DONE_RULE = {
    "name": "Tell the AM when a task is done",
    "trigger": "task.status_changed",
    "conditions": [{"field": "data.to", "op": "eq", "value": "done"}],
    "actions": [{"type": "notify", "params": {"to": "client_am"}}],
}


@pytest.fixture(params=["sqlite", "redis"])
def real_queue(request, tmp_path, monkeypatch):
    """The app's HUEY, not immediate, on a real storage of its own: jobs wait in it and nothing runs them."""
    if request.param == "redis":
        if not os.environ.get("REDIS_URL"):
            pytest.skip("REDIS_URL is not set (CI's Redis pass sets it).")
        storage = RedisStorage(f"baton-recovery-{uuid.uuid4().hex[:8]}", url=os.environ["REDIS_URL"])
    else:
        storage = SqliteStorage("baton-recovery", filename=str(tmp_path / "queue.sqlite3"))
    monkeypatch.setattr(HUEY, "_immediate", False)
    monkeypatch.setattr(HUEY, "storage", storage)
    try:
        yield storage
    finally:
        storage.flush_all()


def _queued() -> list[tuple[str, int]]:
    return sorted((job.name, int(job.args[0])) for job in [*HUEY.pending(), *HUEY.scheduled()])


def test_recovery_queues_only_what_is_not_in_the_queue(
    real_queue, personas, work, receiver, django_capture_on_commit_callbacks
):
    services.rule_create(actor=personas["admin"].actor, **DONE_RULE)
    services.webhook_create(actor=personas["admin"].actor, url=receiver.url, events=["client.updated"])
    with django_capture_on_commit_callbacks(execute=True):
        delivery.task_change_status(actor=personas["pm"].actor, task=work.task, status="done")
    with django_capture_on_commit_callbacks(execute=True):
        delivery.task_change_status(actor=personas["pm"].actor, task=work.other_task, status="done")
    first, second = Event.objects.filter(verb="task.status_changed").order_by("id").values_list("id", flat=True)
    assert _queued() == [("process_event_task", first), ("process_event_task", second)]

    # A worker took the first job and was killed with it: only that one is queued again, on start or by the sweep.
    assert real_queue.dequeue() is not None
    later = Event.objects.get(pk=second).occurred_at + timedelta(minutes=3)
    assert services.recover(now=later, older_than=timedelta(0)) == 1
    assert _queued() == [("process_event_task", first), ("process_event_task", second)]
    assert services.recover(now=later) == 0  # every unfinished event's job waits: nothing pushed
    assert len(HUEY.pending()) == 2

    # A webhook delivery's job runs as its own job: waiting in the queue, it is left alone; lost, queued again.
    real_queue.flush_queue()
    client = personas.client_a
    with django_capture_on_commit_callbacks(execute=True):
        crm.client_update(actor=personas["admin"].actor, client=client, version=client.version, notes="Ping")
    client_event = Event.objects.get(verb="client.updated")
    assert ("process_event_task", client_event.id) in _queued()
    real_queue.flush_queue()
    with django_capture_on_commit_callbacks(execute=True):
        services.process_event(client_event.id)  # a worker fans it out; the attempt's job waits in the queue
    hook = WebhookDelivery.objects.get()
    assert _queued() == [("deliver_webhook", hook.id)]
    much_later = client_event.occurred_at + timedelta(minutes=10)
    assert services.recover(now=much_later) == 2  # the two task events (their jobs were flushed), not the delivery
    assert _queued().count(("deliver_webhook", hook.id)) == 1
    real_queue.flush_queue()
    assert services.recover(now=much_later) == 3  # now the delivery's job is lost too
    assert _queued().count(("deliver_webhook", hook.id)) == 1
    assert not receiver.requests  # nothing ran: jobs only wait


def test_a_backed_up_queue_is_not_read(real_queue, monkeypatch):
    monkeypatch.setattr(tasks, "QUEUE_SCAN_LIMIT", 0)
    tasks.process_event_task(1)
    assert tasks.waiting_jobs().backed_up
    assert services.recover() == 0


def test_worker_log_lines_are_printed_once():
    """`run_huey` adds its own handler to the "huey" logger unless it has one; settings give it one that does not
    also hand each line to the root handler (which printed every worker line twice)."""
    huey_logger = logging.getLogger("huey")
    assert huey_logger.handlers and not huey_logger.propagate
