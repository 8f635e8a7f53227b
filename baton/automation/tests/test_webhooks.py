"""Webhooks: signed deliveries to a receiver on 127.0.0.1, retries with backoff, switching off after repeated
failures, the delivery log, send test, and validation."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from huey import signals

from baton.automation import services, tasks
from baton.automation.models import Notification, Webhook, WebhookDelivery
from baton.automation.services import egress
from baton.automation.services import webhooks as hooks
from baton.core.models import Event
from baton.crm import services as crm


def create(personas, url, events=("*",), who="admin"):
    response = (
        personas[who]
        .api()
        .post("/api/v1/webhooks", {"url": url, "events": list(events)}, content_type="application/json")
    )
    assert response.status_code == 201, response.content
    return response.json()


def verify(secret: str, body: bytes, header: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def test_a_signed_delivery_reaches_the_receiver(personas, receiver, django_capture_on_commit_callbacks):
    hook = create(personas, receiver.url, ["client.updated"])
    secret = hook["secret"]
    assert secret.startswith("whsec_") and hook["secret_hint"].endswith(secret[-4:])
    with django_capture_on_commit_callbacks(execute=True):
        client = crm.client_update(
            actor=personas["admin"].actor, client=personas.client_a, version=1, notes="Renewal in May"
        )
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.path == "/hooks/baton"
    assert request.headers["Content-Type"] == "application/json"
    assert verify(secret, request.body, request.headers["X-Baton-Signature"])
    assert not verify("whsec_wrong", request.body, request.headers["X-Baton-Signature"])
    event = Event.objects.get(verb="client.updated", target_id=client.id)
    assert request.headers["X-Baton-Event"] == "client.updated"
    delivery = WebhookDelivery.objects.get()
    assert request.headers["X-Baton-Delivery"] == str(delivery.uuid)
    assert request.json() == {
        "id": event.id,
        "verb": "client.updated",
        "occurred_at": event.occurred_at.isoformat(),
        "workspace": "studio",
        "actor_id": personas["admin"].person.id,
        "target_type": "client",
        "target_id": client.id,
        "data": {"changes": {"notes": ["", "Renewal in May"]}},
    }
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 200)

    # Only subscribed verbs: client.status_changed is not.
    with django_capture_on_commit_callbacks(execute=True):
        crm.client_update(actor=personas["admin"].actor, client=client, version=2, status="paused")
    assert [r.headers["X-Baton-Event"] for r in receiver.requests] == ["client.updated", "client.updated"]

    # The log, through the API.
    log = personas["admin"].api().get(f"/api/v1/webhooks/{hook['id']}/deliveries").json()
    assert log["count"] == 2
    attempt = log["results"][1]["attempt_log"][0]
    assert attempt["status_code"] == 200 and attempt["response_ms"] >= 0 and attempt["error"] == ""
    # The secret is shown once, on create.
    assert personas["admin"].api().get(f"/api/v1/webhooks/{hook['id']}").json()["secret"] is None


def test_each_event_is_delivered_once_per_webhook(personas, receiver, django_capture_on_commit_callbacks):
    create(personas, receiver.url, ["client.updated"])
    with django_capture_on_commit_callbacks(execute=True):
        crm.client_update(actor=personas["admin"].actor, client=personas.client_a, version=1, notes="x")
    event = Event.objects.get(verb="client.updated")
    assert services.deliveries_for_event(event) == []  # the job again: nothing new
    assert services.process_event(event.id) is False
    assert len(receiver.requests) == 1 and WebhookDelivery.objects.count() == 1


@override_settings(WEBHOOK_RETRY_BASE_SECONDS=0)
def test_retries_until_the_receiver_recovers(personas, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [500, 503]  # fails twice, then succeeds
    create(personas, receiver.url, ["client.updated"])
    with django_capture_on_commit_callbacks(execute=True):
        crm.client_update(actor=personas["admin"].actor, client=personas.client_a, version=1, notes="x")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("succeeded", 3)
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 503, 200]
    assert [a.error for a in delivery.attempt_log.all()][:2] == [
        "HTTP 500 Internal Server Error",
        "HTTP 503 Service Unavailable",
    ]
    ids = {r.headers["X-Baton-Delivery"] for r in receiver.requests}
    assert ids == {str(delivery.uuid)}  # the same delivery id every time: receivers deduplicate on it
    assert len({r.body for r in receiver.requests}) == 1
    assert Webhook.objects.get().consecutive_failures == 0


def test_backoff_schedule_and_a_lost_retry_is_picked_up(personas, receiver, django_capture_on_commit_callbacks):
    assert [hooks.retry_delay(n) for n in range(1, 6)] == [30, 120, 480, 1920, 7680]
    receiver.statuses = [502]
    create(personas, receiver.url, ["client.updated"])
    with django_capture_on_commit_callbacks(execute=True):
        crm.client_update(actor=personas["admin"].actor, client=personas.client_a, version=1, notes="x")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at is not None
    wait = delivery.next_attempt_at - delivery.attempt_log.get().attempted_at
    assert timedelta(seconds=29) < wait < timedelta(seconds=31)
    # Not due yet: a stray job does nothing.
    assert hooks.delivery_attempt(delivery.id) is None
    assert hooks.retry_due() == 0
    # The scheduled retry was lost (say its worker died): once overdue, the recovery sweep queues it.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    assert hooks.retry_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 2, 200)


@override_settings(WEBHOOK_RETRY_BASE_SECONDS=0, WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_DISABLE_AFTER=5)
def test_switched_off_after_repeated_failures(personas, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [500] * 20
    hook = create(personas, receiver.url, ["client.updated"])
    with django_capture_on_commit_callbacks(execute=True):
        crm.client_update(actor=personas["admin"].actor, client=personas.client_a, version=1, notes="one")
    first = WebhookDelivery.objects.get()
    assert (first.status, first.attempts) == ("failed", 3)  # gave up after WEBHOOK_MAX_ATTEMPTS
    assert Webhook.objects.get().active is True
    with django_capture_on_commit_callbacks(execute=True):
        crm.client_update(actor=personas["admin"].actor, client=personas.client_a, version=2, notes="two")
    webhook = Webhook.objects.get()
    assert webhook.active is False and webhook.consecutive_failures == 5
    assert "5 deliveries in a row failed" in webhook.disabled_reason
    assert len(receiver.requests) == 5
    second = WebhookDelivery.objects.exclude(pk=first.pk).get()
    assert (second.status, second.attempts) == ("cancelled", 2)
    disabled = Event.objects.get(verb="webhook.disabled")
    assert disabled.target_id == hook["id"] and disabled.actor_id is None
    told = Notification.objects.filter(source="webhook_disabled")
    assert set(told.values_list("recipient_id", flat=True)) == {
        personas["owner"].person.id,
        personas["admin"].person.id,
    }
    assert told.first().event_id == disabled.id

    # A switched-off webhook receives nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        crm.client_update(actor=personas["admin"].actor, client=personas.client_a, version=3, notes="three")
    assert len(receiver.requests) == 5

    # Switching it back on clears the count.
    api = personas["admin"].api()
    back = api.patch(
        f"/api/v1/webhooks/{hook['id']}",
        {"active": True},
        content_type="application/json",
        headers={"If-Match": str(webhook.version)},
    ).json()
    assert back["active"] is True and back["consecutive_failures"] == 0 and back["disabled_at"] is None


def test_send_test(personas, receiver):
    hook = create(personas, receiver.url, ["deal.won"])
    response = personas["admin"].api().post(f"/api/v1/webhooks/{hook['id']}/test")
    assert response.status_code == 200
    body = response.json()
    assert body["is_test"] is True and body["status"] == "succeeded" and body["last_status_code"] == 200
    request = receiver.requests[0]
    assert request.headers["X-Baton-Event"] == "webhook.test"
    assert verify(hook["secret"], request.body, request.headers["X-Baton-Signature"])
    assert request.json()["data"]["message"].startswith("A test delivery")
    assert Event.objects.filter(verb="webhook.tested", target_id=hook["id"]).count() == 1


@override_settings(WEBHOOK_ALLOWED_HOSTS="127.0.0.1:9")
def test_send_test_to_a_dead_receiver_reports_the_error(personas):
    hook = create(personas, "http://127.0.0.1:9/nothing-listens")
    body = personas["admin"].api().post(f"/api/v1/webhooks/{hook['id']}/test").json()
    assert body["status"] == "failed" and body["last_status_code"] is None
    assert "Connection refused" in body["last_error"] or "URLError" in body["last_error"]
    assert Webhook.objects.get().consecutive_failures == 0  # a test does not count towards switching off


def test_a_redirect_is_a_failure(personas, receiver):
    receiver.statuses = [302]
    hook = create(personas, receiver.url)
    body = personas["admin"].api().post(f"/api/v1/webhooks/{hook['id']}/test").json()
    assert body["status"] == "failed" and body["last_status_code"] == 302


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"url": "ftp://example.com/hook", "events": ["*"]}, ["url"]),
        ({"url": "javascript:alert(1)", "events": ["*"]}, ["url"]),
        ({"url": "not a url", "events": ["*"]}, ["url"]),
        ({"url": "https://example.com/hook", "events": []}, ["events"]),
        ({"url": "https://example.com/hook", "events": ["Deal Won", "task.*"]}, ["events"]),
    ],
)
def test_only_http_urls_and_real_verbs(personas, body, fields):
    response = personas["admin"].api().post("/api/v1/webhooks", body, content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == fields
    assert not Webhook.objects.exists()


def test_star_and_families(personas):
    webhook = Webhook(events=["*"])
    assert hooks.wants(webhook, "deal.won") and hooks.wants(webhook, "automation_rule.created")
    assert not hooks.wants(webhook, "notification.read") and not hooks.wants(webhook, "webhook.tested")
    family = Webhook(events=["task.*"])
    assert hooks.wants(family, "task.status_changed") and not hooks.wants(family, "project.created")


def test_rotating_the_secret_shows_the_new_one_once(personas):
    hook = create(personas, "https://example.com/hook")
    api = personas["admin"].api()
    rotated = api.patch(
        f"/api/v1/webhooks/{hook['id']}",
        {"rotate_secret": True},
        content_type="application/json",
        headers={"If-Match": "1"},
    ).json()
    assert rotated["secret"] and rotated["secret"] != hook["secret"]
    assert Webhook.objects.get().secret == rotated["secret"]
    updated = Event.objects.get(verb="webhook.updated")
    assert rotated["secret"] not in json.dumps(updated.data)


def test_webhook_events_are_logged(personas):
    hook = create(personas, "https://example.com/hook", ["deal.won"])
    api = personas["admin"].api()
    api.patch(
        f"/api/v1/webhooks/{hook['id']}",
        {"events": ["deal.won", "deal.lost"]},
        content_type="application/json",
        headers={"If-Match": "1"},
    )
    assert api.delete(f"/api/v1/webhooks/{hook['id']}").status_code == 204
    verbs = list(Event.objects.filter(target_type="webhook").order_by("id").values_list("verb", flat=True))
    assert verbs == ["webhook.created", "webhook.updated", "webhook.deleted"]


# --- SSRF: no internal addresses unless WEBHOOK_ALLOWED_HOSTS lists them ------------------------------------------

INTERNAL_URLS = [
    "http://127.0.0.1:8650/hook",
    "http://localhost/hook",
    "http://127.1.2.3/hook",
    "http://[::1]:8080/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://0.0.0.0/hook",
    "http://10.0.0.5/hook",
    "http://172.16.3.4/hook",
    "https://192.168.1.10/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://100.100.100.200/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[fe80::1]/hook",
]


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_internal_addresses_are_refused(personas, url):
    api = personas["admin"].api()
    response = api.post("/api/v1/webhooks", {"url": url, "events": ["*"]}, content_type="application/json")
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["url"]
    assert not Webhook.objects.exists()


def test_a_change_to_an_internal_address_is_refused_too(personas):
    hook = create(personas, "https://hooks.example.com/in")
    response = (
        personas["admin"]
        .api()
        .patch(
            f"/api/v1/webhooks/{hook['id']}",
            {"url": "http://10.1.1.1/", "version": hook["version"]},
            content_type="application/json",
        )
    )
    assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == ["url"]
    assert Webhook.objects.get().url == "https://hooks.example.com/in"


def test_a_name_resolving_to_an_internal_address_is_refused(personas, monkeypatch):
    """The host name is resolved when the URL is saved."""
    real = egress.resolve
    monkeypatch.setattr(
        egress,
        "resolve",
        lambda host, port: real("10.9.8.7", port) if host == "intranet.example.com" else real(host, port),
    )
    response = (
        personas["admin"]
        .api()
        .post(
            "/api/v1/webhooks",
            {"url": "https://intranet.example.com/x", "events": ["*"]},
            content_type="application/json",
        )
    )
    assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == ["url"]


def test_allowed_hosts_let_an_internal_receiver_in(personas, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = "hooks.corp.test, 10.0.0.5:8443 ,[::1]"
    for url in ("http://hooks.corp.test/a", "https://10.0.0.5:8443/b", "http://[::1]:9000/c"):
        create(personas, url)
    api = personas["admin"].api()
    other_port = api.post(
        "/api/v1/webhooks", {"url": "https://10.0.0.5/b", "events": ["*"]}, content_type="application/json"
    )
    assert other_port.status_code == 422  # 10.0.0.5 is allowed on port 8443 only


def _rebinding(monkeypatch, receiver_port: int) -> dict[str, str]:
    """A name that resolved to a public address when saved and now resolves to the loopback receiver."""
    real = egress.resolve
    answers = {"rebind.example.com": "93.184.216.34"}

    def resolve(host, port):
        if host in answers:
            return real(answers[host], port)
        return real(host, port)

    monkeypatch.setattr(egress, "resolve", resolve)
    return answers


def test_dns_rebinding_is_refused_at_delivery(
    personas, receiver, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Saved while public, the name now resolves to 127.0.0.1 (where the receiver listens): the delivery never
    connects, and the answer is the same as for a closed port."""
    settings.WEBHOOK_ALLOWED_HOSTS = ""  # the receiver's loopback address is not allowed here
    port = receiver.server.server_address[1]
    answers = _rebinding(monkeypatch, port)
    hook = create(personas, f"http://rebind.example.com:{port}/hooks/baton", ["client.updated"])
    answers["rebind.example.com"] = "127.0.0.1"
    with django_capture_on_commit_callbacks(execute=True):
        crm.client_update(actor=personas["admin"].actor, client=personas.client_a, version=1, notes="x")
    delivery = WebhookDelivery.objects.get(webhook_id=hook["id"])
    assert receiver.requests == []
    assert delivery.last_status_code is None and "may not be sent" in delivery.last_error
    # The test endpoint (run by the worker) answers alike for the open port and a closed one.
    open_port = personas["admin"].api().post(f"/api/v1/webhooks/{hook['id']}/test").json()
    Webhook.objects.filter(pk=hook["id"]).update(url="http://rebind.example.com:9/hooks/baton")
    closed_port = personas["admin"].api().post(f"/api/v1/webhooks/{hook['id']}/test").json()
    assert receiver.requests == []
    assert open_port["status"] == closed_port["status"] == "failed"
    assert open_port["last_error"] == closed_port["last_error"]
    assert open_port["last_status_code"] is None and closed_port["last_status_code"] is None


def test_the_test_endpoint_runs_in_the_worker(personas, receiver, monkeypatch):
    """The web process only queues the attempt: with the job held back, the answer is a pending delivery."""
    hook = create(personas, receiver.url)
    queued = []
    monkeypatch.setattr(hooks, "enqueue_attempt", lambda delivery_id, delay=0: queued.append(delivery_id))
    body = personas["admin"].api().post(f"/api/v1/webhooks/{hook['id']}/test").json()
    assert body["status"] == "pending" and body["attempts"] == 0
    assert queued == [body["id"]] and receiver.requests == []
    hooks.delivery_attempt(body["id"])  # what the worker's job does
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get(pk=body["id"]).status == "succeeded"


# --- A delivery cut by a worker kill, a graceful stop -----------------------------------------------------------


def _cut_delivery(personas, receiver, monkeypatch):
    """A delivery whose attempt took its lease and then died with its worker (never recorded)."""
    create(personas, receiver.url, ["client.updated"])
    queued: list[tuple[int, int]] = []
    monkeypatch.setattr(hooks, "enqueue_attempt", lambda delivery_id, delay=0: queued.append((delivery_id, delay)))
    crm.client_update(actor=personas["admin"].actor, client=personas.client_a, version=1, notes="x")
    hooks.deliveries_for_event(Event.objects.get(verb="client.updated"))  # what the event's job does
    delivery = WebhookDelivery.objects.get()
    claimed_at = timezone.now()
    assert hooks._claim(delivery.pk, claimed_at) is not None  # ... and the worker is killed mid-POST
    queued.clear()
    monkeypatch.undo()
    return delivery, claimed_at


def test_a_delivery_cut_by_a_worker_kill_is_sent_again_within_a_minute(personas, receiver, monkeypatch):
    delivery, claimed_at = _cut_delivery(personas, receiver, monkeypatch)
    lease = WebhookDelivery.objects.get(pk=delivery.pk).locked_until - claimed_at
    assert lease <= timedelta(seconds=20)
    queued: list[tuple[int, int]] = []
    monkeypatch.setattr(hooks, "enqueue_attempt", lambda delivery_id, delay=0: queued.append((delivery_id, delay)))
    # The minute's sweep, a second after the kill: the attempt is queued for when its lease runs out.
    assert hooks.retry_due(now=claimed_at + timedelta(seconds=1)) == 1
    assert len(queued) == 1 and queued[0][0] == delivery.pk
    assert 0 < queued[0][1] <= lease.total_seconds() + 1
    monkeypatch.undo()
    # Once the lease ran out (the next sweep, or the job queued for then): sent again, once.
    with time_machine.travel(claimed_at + lease + timedelta(seconds=1)):
        assert hooks.retry_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
    assert len(receiver.requests) == 1
    assert hooks.retry_due(now=claimed_at + timedelta(minutes=5)) == 0


def test_a_healthy_attempt_is_not_sent_twice_by_the_sweep(personas, receiver, django_capture_on_commit_callbacks):
    """The sweep's job for an in-flight delivery finds it done and does nothing."""
    create(personas, receiver.url, ["client.updated"])
    with django_capture_on_commit_callbacks(execute=True):
        crm.client_update(actor=personas["admin"].actor, client=personas.client_a, version=1, notes="x")
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "succeeded" and len(receiver.requests) == 1
    assert hooks.delivery_attempt(delivery.pk) is None
    assert hooks.retry_due(now=timezone.now() + timedelta(minutes=10)) == 0
    assert len(receiver.requests) == 1


def test_the_cut_delivery_sweep_runs_every_minute_and_sigterm_is_graceful(settings):
    sweep = tasks.recover_cut_deliveries.task_class()
    assert all(sweep.validate_datetime(datetime(2026, 3, 2, 9, minute)) for minute in range(5))
    consumer = settings.HUEY["consumer"]
    assert consumer["graceful_signal"] == "TERM" and consumer["shutdown_timeout"] >= 10


def test_an_interrupted_attempt_gives_its_lease_back(personas, receiver, monkeypatch):
    """A worker stopping past its shutdown timeout: huey signals the in-flight job as interrupted; its delivery is
    released, so the next worker's start-up recovery sends it at once."""
    delivery, claimed_at = _cut_delivery(personas, receiver, monkeypatch)
    task = tasks.deliver_webhook.s(delivery.pk)
    tasks.release_interrupted_deliveries(signals.SIGNAL_INTERRUPTED, task)
    assert WebhookDelivery.objects.get(pk=delivery.pk).locked_until is None
    assert hooks.retry_due(now=claimed_at, grace=timedelta(0)) == 1
    assert len(receiver.requests) == 1
