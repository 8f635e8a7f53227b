"""What the worker does with a committed event, and how lost work is found again.

`process_event` raises the event's notifications, fans it out to webhooks and runs the rules that trigger on it;
every step is idempotent, so running it twice (a retried job, a duplicate from the recovery sweep, two workers) has
the effect of running it once. Huey removes a job from the queue when a worker takes it, so a worker killed mid-job
loses it: `recover` finds committed events that were never marked processed and queues them again (every few
minutes, and whenever a worker starts).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import BooleanField, Exists, OuterRef, Value
from django.utils import timezone

from baton.automation import tasks
from baton.automation.models import EventDispatch, Rule, Webhook
from baton.automation.services import notifications as notes
from baton.automation.services import webhooks as hooks
from baton.automation.services.rules import Chain, is_internal_verb, rule_run_for_event
from baton.core import events, formats
from baton.core.models import Event, Workspace
from baton.core.registry import notified_verbs, notifiers_for

logger = logging.getLogger(__name__)

RECOVERY_WINDOW = timedelta(hours=24)


def _rule_triggers(workspace_id: int) -> set[str]:
    return set(Rule.objects.filter(workspace_id=workspace_id, active=True).values_list("trigger", flat=True))


def _webhook_subscriptions(workspace_id: int) -> list[Webhook]:
    return list(Webhook.objects.filter(workspace_id=workspace_id, active=True).only("id", "events"))


@events.probe
def _listeners(event: Event) -> dict[str, Any]:
    """Is there an active rule on this verb (internal verbs never trigger rules), and any active webhook?"""
    if is_internal_verb(event.verb):
        rule: Any = Value(False, output_field=BooleanField())
    else:
        rule = Exists(Rule.objects.filter(workspace_id=OuterRef("pk"), active=True, trigger=event.verb))
    return {
        "automation_rule": rule,
        "automation_webhook": Exists(Webhook.objects.filter(workspace_id=OuterRef("pk"), active=True)),
    }


def is_relevant(event: Event) -> bool:
    """Whether anything listens to this event (a notifier, an active rule, an active webhook). No query of its own for
    the usual event (`core.events.probed`: one statement shared with growth's evidence subscriber); one more when the
    workspace has an active webhook (their subscriptions are matched in Python); events nobody listens to never reach
    the queue."""
    if notifiers_for(event.verb):
        return True
    found = events.probed(event)
    if not found:
        return False
    if found["automation_rule"]:
        return True
    return bool(found["automation_webhook"]) and any(
        hooks.wants(w, event.verb) for w in _webhook_subscriptions(event.workspace_id)
    )


def _mark_processed(event: Event) -> None:
    now = timezone.now()
    if EventDispatch.objects.filter(pk=event.pk).update(processed_at=now):
        return
    try:
        with transaction.atomic():
            EventDispatch.objects.create(event=event, workspace_id=event.workspace_id, processed_at=now)
    except IntegrityError:
        EventDispatch.objects.filter(pk=event.pk).update(processed_at=now)


def process_event(event_id: int) -> bool:
    """Notifications, webhook deliveries and rule runs for one committed event. Returns False when it was done
    already (or the event is gone)."""
    event = Event.objects.select_related("workspace").filter(pk=event_id).first()
    if event is None:
        return False
    dispatch = EventDispatch.objects.filter(pk=event_id).first()
    if dispatch is not None and dispatch.processed_at is not None:
        return False
    # Notifications and e-mails written here (in the worker, outside any request) follow the workspace's locale.
    with formats.using(event.workspace):
        for notifier in notifiers_for(event.verb):
            try:
                with transaction.atomic():
                    notes.notify_specs(event, notifier(event))
            except (OperationalError, InterfaceError):
                raise  # the database: retry the job
            except Exception:  # a broken notifier must not hold up rules and webhooks (nor loop in recovery)
                logger.exception("Notifier %s failed on event %s.", getattr(notifier, "__name__", notifier), event.pk)
        hooks.deliveries_for_event(event)
        if not is_internal_verb(event.verb):
            chain = Chain.of(dispatch)
            rule_ids = (
                Rule.objects.filter(
                    workspace_id=event.workspace_id, trigger=event.verb, active=True, created_at__lte=event.occurred_at
                )
                .order_by("id")
                .values_list("id", flat=True)
            )
            for rule_id in list(rule_ids):
                rule_run_for_event(rule_id=rule_id, event=event, chain=chain)
    _mark_processed(event)
    return True


def unprocessed_events(
    workspace: Workspace, *, now: datetime, older_than: timedelta, window: timedelta = RECOVERY_WINDOW
) -> list[int]:
    """Ids of the workspace's recent events that something listens to and no worker finished."""
    verbs = _rule_triggers(workspace.pk) | notified_verbs()
    subscriptions = _webhook_subscriptions(workspace.pk)
    everything = any("*" in (w.events or []) or any(v.endswith(".*") for v in w.events or []) for w in subscriptions)
    for webhook in subscriptions:
        verbs |= set(webhook.events or [])
    if not verbs and not everything:
        return []
    done = EventDispatch.objects.filter(pk=OuterRef("pk"), processed_at__isnull=False)
    qs = Event.objects.filter(
        workspace=workspace, occurred_at__gte=now - window, occurred_at__lte=now - older_than
    ).exclude(Exists(done))
    if not everything:
        qs = qs.filter(verb__in=verbs)
    else:
        for prefix in hooks.STAR_EXCLUDES:
            qs = qs.exclude(verb__startswith=prefix)
    return list(qs.order_by("id").values_list("id", flat=True)[:2000])


def recover(*, now: datetime | None = None, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Queue again every event whose processing was lost, and every webhook retry whose job was lost: not those whose
    job still waits in the queue (read once, `tasks.waiting_jobs`)."""
    now = now or timezone.now()
    waiting = tasks.waiting_jobs()
    if waiting.backed_up:
        logger.warning("Recovery skipped: over %s jobs wait in the queue.", tasks.QUEUE_SCAN_LIMIT)
        return 0
    queued = skipped = 0
    for workspace in Workspace.objects.all():
        for event_id in unprocessed_events(workspace, now=now, older_than=older_than):
            if event_id in waiting.events:
                skipped += 1
                continue
            tasks.process_event_task(event_id)
            queued += 1
    queued += hooks.retry_due(now=now, grace=older_than, skip=waiting.deliveries)
    if queued:
        logger.info("Recovery queued %s lost job(s); %s unfinished event(s) still wait in the queue.", queued, skipped)
    return queued
