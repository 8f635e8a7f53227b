"""Run by the crash test in a subprocess (`python -m baton.automation.tests.worker_script setup|status`), against the
worker's database and queue, so the test process never touches them (and never runs a job itself).

setup: a workspace, a project with a task, a rule on task.status_changed whose actions create a task and then pause;
       then the task moves to done, which queues the job in the SqliteHuey file. Prints the event id.
status: prints what happened, as JSON: tasks created by the rule, its runs, whether the event was processed.
webhook URL: a workspace with a webhook to URL on client.updated, and a client update, which queues its event's job.
deliveries: prints each webhook delivery's status, attempts and lease, as JSON.
scaleout_setup URL: the scale-out test's workspace: an owner with API tokens, a project, a rule that notifies the
       actor on time_entry.created and a webhook to URL on it. Prints the tokens, the project and today's date.
scaleout_wait SECONDS: waits (up to SECONDS) until every time entry's event is processed and delivered and the queue
       is empty; prints the counts of what happened, as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date

import django


def setup() -> dict[str, int]:
    from baton.automation.services import rule_create
    from baton.core.access import Actor
    from baton.core.models import Event
    from baton.crm.services import client_create
    from baton.delivery import services as delivery
    from baton.people.services import workspace_create

    workspace = workspace_create(
        slug="crash", name="Crash", currency="USD", owner_email="owner@crash.test", owner_password=None
    )
    system = Actor.system(workspace)
    client = client_create(actor=system, name="Crash Client")
    project = delivery.project_create(
        actor=system, client_id=client.id, name="Crash Project", start_date=date(2026, 3, 2)
    )
    task = delivery.task_create(actor=system, project=project, title="Ship it")
    rule = rule_create(
        actor=system,
        name="Follow up when done",
        trigger="task.status_changed",
        conditions=[{"field": "data.to", "op": "eq", "value": "done"}],
        actions=[
            {"type": "create_task", "params": {"project": "event", "title": "Follow up on {target_label}"}},
            {"type": "test_pause", "params": {"marker": "paused-once"}},
        ],
    )
    delivery.task_change_status(actor=system, task=task, status="done")
    event = Event.objects.get(verb="task.status_changed", target_id=task.id)
    return {"event_id": event.id, "rule_id": rule.id}


def status() -> dict[str, object]:
    from baton.automation.models import EventDispatch, RuleRun
    from baton.delivery.models import Task

    runs = list(RuleRun.objects.values("event_id", "status", "actions_done", "error"))
    return {
        "follow_ups": Task.objects.filter(title="Follow up on Ship it").count(),
        "runs": runs,
        "processed": list(EventDispatch.objects.filter(processed_at__isnull=False).values_list("event_id", flat=True)),
    }


def again(event_id: int) -> dict[str, object]:
    """The same event once more, as a duplicate job would: nothing new may happen."""
    from baton.automation.models import EventDispatch, Rule
    from baton.automation.services import process_event, rule_run_for_event
    from baton.core.models import Event

    EventDispatch.objects.filter(pk=event_id).update(processed_at=None)
    process_event(event_id)
    event = Event.objects.get(pk=event_id)
    for rule in Rule.objects.all():
        rule_run_for_event(rule_id=rule.id, event=event)
    return status()


def webhook(url: str) -> dict[str, int]:
    from baton.automation.services import webhook_create
    from baton.core.access import Actor
    from baton.crm.services import client_create, client_update
    from baton.people.services import workspace_create

    workspace = workspace_create(
        slug="hooks", name="Hooks", currency="USD", owner_email="owner@hooks.test", owner_password=None
    )
    system = Actor.system(workspace)
    hook = webhook_create(actor=system, url=url, events=["client.updated"])
    client = client_create(actor=system, name="Hook Client")
    client_update(actor=system, client=client, version=client.version, notes="Send me")
    return {"webhook_id": hook.id}


def deliveries() -> list[dict[str, object]]:
    from baton.automation.models import WebhookDelivery

    return [
        {"status": d.status, "attempts": d.attempts, "locked": d.locked_until is not None, "code": d.last_status_code}
        for d in WebhookDelivery.objects.order_by("id")
    ]


def scaleout_setup(url: str) -> dict[str, object]:
    from django.utils import timezone

    from baton.automation.services import rule_create, webhook_create
    from baton.core.access import Actor
    from baton.core.models import Membership
    from baton.core.services import api_token_create
    from baton.crm.services import client_create
    from baton.delivery import services as delivery
    from baton.people.services import workspace_create

    workspace = workspace_create(
        slug="scale", name="Scale", currency="USD", owner_email="owner@scale.test", owner_password=None
    )
    system = Actor.system(workspace)
    owner = Membership.objects.get(workspace=workspace).user
    client = client_create(actor=system, name="Scale Client")
    project = delivery.project_create(
        actor=system, client_id=client.id, name="Scale Project", start_date=date(2026, 1, 5)
    )
    rule_create(
        actor=system,
        name="Tell whoever logs time",
        trigger="time_entry.created",
        conditions=[],
        actions=[{"type": "notify", "params": {"to": "actor"}}],
    )
    webhook_create(actor=system, url=url, events=["time_entry.created"])
    tokens = [api_token_create(actor=system, user=owner, name=f"scale-{i}")[1] for i in range(4)]
    return {"tokens": tokens, "project_id": project.id, "today": timezone.localdate().isoformat()}


def scaleout_status() -> dict[str, int]:
    from django.db.models import Count, Max

    from baton.automation.models import EventDispatch, Notification, RuleRun, WebhookDelivery
    from baton.core.models import Event, PeriodicRun
    from baton.timesheets.models import TimeEntry

    events = Event.objects.filter(verb="time_entry.created")
    ids = list(events.values_list("id", flat=True))
    runs = RuleRun.objects.filter(event_id__in=ids)
    notes = Notification.objects.filter(event_id__in=ids)
    hooks = WebhookDelivery.objects.filter(event_id__in=ids)
    per_event = [
        qs.values("event_id").annotate(n=Count("id")).aggregate(m=Max("n"))["m"] or 0 for qs in (runs, notes, hooks)
    ]
    periodic_max = (
        PeriodicRun.objects.values("task", "period_start").annotate(n=Count("id")).aggregate(m=Max("n"))["m"] or 0
    )
    return {
        "entries": TimeEntry.objects.count(),
        "events": len(ids),
        "processed": EventDispatch.objects.filter(pk__in=ids, processed_at__isnull=False).count(),
        "rule_runs": runs.count(),
        "notifications": notes.count(),
        "deliveries": hooks.count(),
        "delivered": hooks.filter(status="succeeded").count(),
        "attempts": sum(hooks.values_list("attempts", flat=True)),
        "max_rule_runs_per_event": per_event[0],
        "max_notifications_per_event": per_event[1],
        "max_deliveries_per_event": per_event[2],
        "periodic_runs": PeriodicRun.objects.count(),
        "max_periodic_runs_per_period": periodic_max,
    }


def scaleout_wait(seconds: float) -> dict[str, int]:
    from huey.contrib.djhuey import HUEY

    deadline = time.monotonic() + seconds
    while True:
        status = scaleout_status()
        status["queued"] = HUEY.pending_count()
        done = status["processed"] == status["events"] == status["delivered"] and not status["queued"]
        if done or time.monotonic() > deadline:
            return status
        time.sleep(0.5)


if __name__ == "__main__":
    django.setup()
    command = sys.argv[1]
    if command == "setup":
        result: object = setup()
    elif command == "webhook":
        result = webhook(sys.argv[2])
    elif command == "deliveries":
        result = deliveries()
    elif command == "scaleout_setup":
        result = scaleout_setup(sys.argv[2])
    elif command == "scaleout_wait":
        result = scaleout_wait(float(sys.argv[2]))
    elif command == "again":
        result = again(int(sys.argv[2]))
    else:
        result = status()
    print(json.dumps(result))
