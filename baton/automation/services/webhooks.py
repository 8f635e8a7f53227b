"""Webhooks: subscriptions, signed deliveries with retries, the delivery log, disabling a failing endpoint.

Each (webhook, event) has one `WebhookDelivery` holding the exact JSON body, so every attempt sends the same bytes
with the same `X-Baton-Delivery` id (receivers deduplicate on it: a worker killed after the POST but before it
recorded the answer sends that delivery again). An attempt claims the delivery with a short lease, POSTs outside
any transaction, then records the answer; a failure is retried with exponential backoff (scheduled on Huey, and
picked up again by the recovery sweep if the scheduled job is lost). After `WEBHOOK_DISABLE_AFTER` failed attempts
in a row the webhook is switched off and the owners and admins are notified.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import math
import os
import re
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from baton.automation import tasks
from baton.automation.models import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery
from baton.automation.services import egress
from baton.automation.services.notifications import notify
from baton.core import access, events, outage
from baton.core.access import Actor
from baton.core.models import Event, Role
from baton.core.services import bump_version, check_version, validate
from baton.people.models import Person

logger = logging.getLogger(__name__)

WEBHOOK_FIELDS = ("url", "events", "description", "active")
VERB_OR_STAR = re.compile(r"^(\*|[a-z][a-z0-9_]*\.(\*|[a-z][a-z0-9_]*))$")
# "*" means every event except the automation's own delivery and notification bookkeeping.
STAR_EXCLUDES = ("notification", "webhook_delivery", "webhook.tested")
USER_AGENT = "Baton-Webhooks/1"


def _setting(name: str, default: int) -> int:
    """A Django setting of that name, else the environment variable, else the default."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or default
    return int(value)


def max_attempts() -> int:
    return max(1, _setting("WEBHOOK_MAX_ATTEMPTS", 6))


def disable_after() -> int:
    return max(1, _setting("WEBHOOK_DISABLE_AFTER", 15))


def timeout_seconds() -> int:
    return max(1, _setting("WEBHOOK_TIMEOUT_SECONDS", 5))


def retry_delay(attempt: int) -> int:
    """Seconds before attempt `attempt + 1`: 30 s, 2 min, 8 min, 32 min, 2 h 8 min (base * 4^(n-1))."""
    base = _setting("WEBHOOK_RETRY_BASE_SECONDS", 30)
    return int(base * 4 ** max(0, attempt - 1))


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, body: bytes) -> str:
    """The `X-Baton-Signature` value: `sha256=` + HMAC-SHA256 of the raw body, keyed with the webhook's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def secret_hint(secret: str) -> str:
    return f"{secret[:6]}…{secret[-4:]}" if secret else ""


def wants(webhook: Webhook, verb: str) -> bool:
    subscribed = set(webhook.events or [])
    if verb in subscribed or f"{verb.split('.', 1)[0]}.*" in subscribed:
        return True
    return "*" in subscribed and not verb.startswith(STAR_EXCLUDES)


# --- Validation and writes ------------------------------------------------------------------------------------


def url_error(url: Any) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return "Give the URL Baton should POST events to."
    if not url.lower().startswith(("http://", "https://")):
        return "Only http:// and https:// URLs can receive webhooks."
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return "This is not a valid URL."
    return egress.url_refusal(url)  # SSRF: no internal addresses unless WEBHOOK_ALLOWED_HOSTS lists the host


def events_error(verbs: Any) -> str | None:
    if not isinstance(verbs, list) or not verbs:
        return 'List the event verbs to send, e.g. ["deal.won", "task.status_changed"], or ["*"] for all.'
    if len(verbs) > 100:
        return "At most 100 verbs; use “*” or “task.*” for many."
    bad = [str(v) for v in verbs if not isinstance(v, str) or not VERB_OR_STAR.match(v)]
    if bad:
        return f"Not event verbs: {', '.join(bad)} (use e.g. deal.won, task.*, or *)."
    return None


def _clean_events(verbs: Any) -> Any:
    if isinstance(verbs, str):
        verbs = [v for v in re.split(r"[\s,]+", verbs) if v]
    if isinstance(verbs, list):
        return list(dict.fromkeys(v.strip() if isinstance(v, str) else v for v in verbs))
    return verbs


@transaction.atomic
def webhook_create(*, actor: Actor, url: str, events: list[str], description: str = "", active: bool = True) -> Webhook:
    """A new subscription with a generated secret (readable once, from the returned object)."""
    access.require(actor, "webhook", "create")
    verbs = _clean_events(events)
    errors = {}
    if message := url_error(url):
        errors["url"] = message
    if message := events_error(verbs):
        errors["events"] = message
    webhook = Webhook(
        workspace=actor.workspace,
        url=(url or "").strip() if isinstance(url, str) else "",
        events=verbs if isinstance(verbs, list) else [],
        description=(description or "").strip(),
        active=bool(active),
        secret=new_secret(),
        created_by_id=actor.person_id,
    )
    validate(webhook, errors, exclude=[f for f in ("url", "events") if f in errors])
    webhook.save()
    _emit(actor, "webhook.created", webhook, {"url": webhook.url, "events": webhook.events, "active": webhook.active})
    return webhook


def _emit(actor: Actor, verb: str, webhook: Webhook, data: dict[str, Any]) -> Event:
    return events.emit(actor, verb, webhook, data=data, client_id=None)


@transaction.atomic
def webhook_update(
    *, actor: Actor, webhook: Webhook, version: int | None, rotate_secret: bool = False, **changes: Any
) -> Webhook:
    """Change the URL, verbs, description or `active`. Switching a disabled webhook back on clears its failure count.
    `rotate_secret` issues a new secret (readable once, from the returned object)."""
    access.require(actor, "webhook", "update", webhook)
    webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
    check_version(webhook, version)
    unknown = set(changes) - set(WEBHOOK_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    errors = {}
    if "url" in changes:
        changes["url"] = (changes["url"] or "").strip()
        if message := url_error(changes["url"]):
            errors["url"] = message
    if "events" in changes:
        changes["events"] = _clean_events(changes["events"])
        if message := events_error(changes["events"]):
            errors["events"] = message
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
    if "active" in changes:
        changes["active"] = bool(changes["active"])
    if errors:
        raise ValidationError(errors)
    changed = events.diff(webhook, changes)
    if changed.get("active") == [False, True]:
        webhook.consecutive_failures = 0
        webhook.disabled_at = None
        webhook.disabled_reason = ""
    if rotate_secret:
        webhook.secret = new_secret()
        changed["secret"] = ["(old)", "(new)"]
    if not changed:
        return webhook
    validate(webhook)
    bump_version(webhook)
    webhook.save()
    _emit(actor, "webhook.updated", webhook, {"changes": changed})
    return webhook


@transaction.atomic
def webhook_delete(*, actor: Actor, webhook: Webhook) -> None:
    access.require(actor, "webhook", "delete", webhook)
    _emit(actor, "webhook.deleted", webhook, {"url": webhook.url})
    webhook.delete()


def _disable(webhook: Webhook, reason: str) -> None:
    """Switch a failing webhook off (inside the caller's transaction), stop its pending deliveries and tell the
    workspace's owners and admins."""
    webhook.active = False
    webhook.disabled_at = timezone.now()
    webhook.disabled_reason = reason[:300]
    bump_version(webhook)
    webhook.save()
    WebhookDelivery.objects.filter(webhook=webhook, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED, next_attempt_at=None
    )
    event = _emit(
        Actor.system(webhook.workspace),
        "webhook.disabled",
        webhook,
        {"url": webhook.url, "reason": webhook.disabled_reason, "consecutive_failures": webhook.consecutive_failures},
    )
    leaders = Person.objects.filter(
        workspace_id=webhook.workspace_id, active=True, membership__role__in=[Role.OWNER, Role.ADMIN]
    )
    notify(
        workspace=webhook.workspace,
        recipients=list(leaders),
        verb="webhook.disabled",
        title=f"Webhook to {webhook.url} was switched off"[:300],
        body=f"{webhook.disabled_reason} Fix the receiver, then switch the webhook back on.",
        url=f"/automation/webhooks/{webhook.pk}/",
        event=event,
        source="webhook_disabled",
    )


# --- Deliveries -----------------------------------------------------------------------------------------------


def payload_for(event: Event) -> str:
    """The JSON body for an event: {id, verb, occurred_at, workspace, actor_id, target_type, target_id, data}."""
    body = {
        "id": event.pk,
        "verb": event.verb,
        "occurred_at": event.occurred_at.isoformat(),
        "workspace": event.workspace.slug,
        "actor_id": event.actor_id,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "data": event.data or {},
    }
    return json.dumps(body, separators=(",", ":"), sort_keys=True)


def enqueue_attempt(delivery_id: int, delay: int = 0) -> None:
    """Queue an attempt. An unreachable queue (Redis down) is logged once a minute: the delivery stays pending and
    due, and `retry_due` (the recovery) queues it when the queue is back."""
    try:
        if delay > 0:
            tasks.deliver_webhook.schedule((delivery_id,), delay=delay)
        else:
            tasks.deliver_webhook(delivery_id)
    except outage.QUEUE_ERRORS as exc:
        outage.failed(outage.QUEUE, exc, "Webhook deliveries stay pending; the recovery queues them when it is back.")


def delivery_for_event(webhook: Webhook, event: Event) -> tuple[WebhookDelivery, bool]:
    """The delivery of `event` to `webhook`, created (and queued once the transaction commits) if new."""
    try:
        with transaction.atomic():
            delivery, created = WebhookDelivery.objects.get_or_create(
                webhook=webhook,
                event=event,
                defaults={
                    "workspace_id": webhook.workspace_id,
                    "verb": event.verb,
                    "payload": payload_for(event),
                    "next_attempt_at": timezone.now(),
                },
            )
    except IntegrityError:
        return WebhookDelivery.objects.get(webhook=webhook, event=event), False
    if created:
        # robust: if the queue is unreachable the delivery stays pending and due; the recovery sweep queues it.
        transaction.on_commit(lambda: enqueue_attempt(delivery.pk), robust=True)
    return delivery, created


def deliveries_for_event(event: Event) -> list[WebhookDelivery]:
    """Fan a committed event out to every active webhook of its workspace that subscribes to its verb and existed
    when it happened. Idempotent: a delivery per (webhook, event) at most."""
    created = []
    hooks = Webhook.objects.filter(workspace_id=event.workspace_id, active=True, created_at__lte=event.occurred_at)
    for webhook in hooks.select_related("workspace"):
        if wants(webhook, event.verb):
            delivery, is_new = delivery_for_event(webhook, event)
            if is_new:
                created.append(delivery)
    return created


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect answer is a failed delivery: a webhook URL must answer itself (and a POST must not turn into a GET
    elsewhere)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int | None, int, str]:
    """POST with the standard library: (status code or None, milliseconds, error text or ""). The connection goes only
    to an address resolved and checked as it is opened (`egress`): a refused one is never connected to, so the error
    is the same whatever listens there."""
    opener = egress.opener(_NoRedirect)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only
    started = time.monotonic()
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read(65536)
            status = int(response.status)
            return status, int((time.monotonic() - started) * 1000), ""
    except urllib.error.HTTPError as exc:
        elapsed = int((time.monotonic() - started) * 1000)
        return int(exc.code), elapsed, f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException, ValueError) as exc:
        elapsed = int((time.monotonic() - started) * 1000)
        reason = getattr(exc, "reason", None) or exc
        return None, elapsed, f"{type(exc).__name__}: {reason}"[:500]


def headers_for(delivery: WebhookDelivery, webhook: Webhook, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Baton-Event": delivery.verb,
        "X-Baton-Delivery": str(delivery.uuid),
        "X-Baton-Signature": sign(webhook.secret, body),
    }


def lease_seconds() -> int:
    """How long an attempt holds its delivery: the POST's timeout and a margin. An attempt cut by a worker kill is
    sent again once this runs out (`retry_due`), so it stays short."""
    return timeout_seconds() + 10


def _claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    """Take a short lease on a due delivery; None when it is done, not due, or another worker holds it."""
    lease = now + timedelta(seconds=lease_seconds())
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timedelta(seconds=5))
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(Q(is_test=True) | Q(webhook__active=True))
        .filter(due)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=lease)
    )
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("webhook", "webhook__workspace").get(pk=delivery_id)


def delivery_attempt(delivery_id: int, *, now: datetime | None = None) -> WebhookDelivery | None:
    """One attempt of a delivery (what the worker runs). Returns the delivery as recorded, or None if there was
    nothing to do."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    body = delivery.payload.encode()
    code, elapsed, error = post(
        delivery.webhook.url, body, headers_for(delivery, delivery.webhook, body), timeout_seconds()
    )
    ok = code is not None and 200 <= code < 300
    return _record_attempt(delivery.pk, code, elapsed, "" if ok else (error or f"HTTP {code}"), ok)


def _record_attempt(delivery_id: int, code: int | None, elapsed: int, error: str, ok: bool) -> WebhookDelivery:
    retry_in: int | None = None
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        webhook = Webhook.objects.select_for_update().select_related("workspace").get(pk=delivery.webhook_id)
        attempted_at = timezone.now()
        number = delivery.attempts + 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            status_code=code,
            response_ms=elapsed,
            error=error,
            attempted_at=attempted_at,
        )
        delivery.attempts = number
        delivery.last_status_code = code
        delivery.last_response_ms = elapsed
        delivery.last_error = error
        delivery.locked_until = None
        if ok:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.delivered_at = attempted_at
            delivery.next_attempt_at = None
            if not delivery.is_test and webhook.consecutive_failures:
                webhook.consecutive_failures = 0
                webhook.save(update_fields=["consecutive_failures", "updated_at"])
        else:
            if delivery.is_test or number >= max_attempts():
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            else:
                retry_in = retry_delay(number)
                delivery.next_attempt_at = attempted_at + timedelta(seconds=retry_in)
            if not delivery.is_test:
                webhook.consecutive_failures += 1
                webhook.save(update_fields=["consecutive_failures", "updated_at"])
                if webhook.active and webhook.consecutive_failures >= disable_after():
                    delivery.save()
                    _disable(
                        webhook,
                        f"{webhook.consecutive_failures} deliveries in a row failed (last: {error or code}).",
                    )
                    delivery.refresh_from_db()
                    retry_in = None
        delivery.save()
        if retry_in is not None:
            delay = retry_in
            transaction.on_commit(lambda: enqueue_attempt(delivery_id, delay), robust=True)
    return delivery


@transaction.atomic
def _test_delivery(actor: Actor, webhook: Webhook) -> WebhookDelivery:
    access.require(actor, "webhook", "test", webhook)
    now = timezone.now()
    delivery = WebhookDelivery(workspace=actor.workspace, webhook=webhook, verb="webhook.test", is_test=True)
    delivery.payload = json.dumps(
        {
            "id": f"test-{delivery.uuid}",
            "verb": "webhook.test",
            "occurred_at": now.isoformat(),
            "workspace": actor.workspace.slug,
            "actor_id": actor.person_id,
            "target_type": "webhook",
            "target_id": webhook.pk,
            "data": {"message": "A test delivery from Baton. Check the signature with your webhook's secret."},
        },
        separators=(",", ":"),
        sort_keys=True,
    )
    delivery.next_attempt_at = now
    delivery.save()
    _emit(actor, "webhook.tested", webhook, {"delivery": str(delivery.uuid)})
    return delivery


def webhook_test(*, actor: Actor, webhook: Webhook) -> WebhookDelivery:
    """Queue a signed test payload for the worker and return the delivery as it stands (one attempt, no retries; a
    failure here does not count towards switching the webhook off). The worker, not the web process, connects; its
    answer shows in the delivery log (at once when the queue runs jobs immediately)."""
    delivery = _test_delivery(actor, webhook)
    enqueue_attempt(delivery.pk)
    delivery.refresh_from_db()
    return delivery


CUT_LOOKAHEAD = timedelta(seconds=60)  # `recover_cut_deliveries` runs every minute


def retry_due(
    *,
    now: datetime | None = None,
    grace: timedelta = timedelta(minutes=2),
    limit: int = 500,
    skip: Collection[int] = frozenset(),
) -> int:
    """Queue deliveries whose job was lost with a worker: a retry overdue by `grace` (its scheduled job went), and an
    attempt cut mid-way (a worker killed while it held the lease): queued at once when its lease ran out, or for the
    moment it runs out when that is within `CUT_LOOKAHEAD`. An attempt that finishes meanwhile makes that job a no-op
    (the delivery is no longer due), so a healthy in-flight delivery is never sent twice. Deliveries in `skip` (their
    job waits in the queue or the schedule) are left alone."""
    now = now or timezone.now()
    due = (
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, is_test=False, webhook__active=True, next_attempt_at__lte=now - grace
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )
    ids = [d for d in due if d not in skip]
    for delivery_id in ids:
        enqueue_attempt(delivery_id)
    held = (
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, locked_until__lt=now + CUT_LOOKAHEAD)
        .filter(Q(is_test=True) | Q(webhook__active=True))
        .exclude(pk__in=ids)
        .order_by("locked_until")
        .values_list("id", "locked_until")[:limit]
    )
    cut = [(d, until) for d, until in held if d not in skip]
    for delivery_id, until in cut:
        wait = (until - now).total_seconds() if until is not None else 0.0
        enqueue_attempt(delivery_id, math.ceil(wait) + 1 if wait > 0 else 0)
    return len(ids) + len(cut)


def release(delivery_ids: list[int]) -> int:
    """Give up the lease of attempts a stopping worker could not finish, so the next worker sends them at once."""
    return WebhookDelivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.PENDING).update(locked_until=None)
