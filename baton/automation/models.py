"""Automation rules and their run log, in-app notifications and preferences, webhooks and their deliveries, and the
bookkeeping that makes the worker idempotent (which events were processed). The sweep marks and runs are core's
(`baton.core.models.SweepMark`/`SweepRun`)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from baton.core.models import Event, TimestampedModel, Workspace
from baton.people.models import Person


class Rule(TimestampedModel):
    """When an event with verb `trigger` commits and every condition holds, run the actions (once per event)."""

    event_target_type = "automation_rule"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="automation_rules")
    name = models.CharField(max_length=200)
    trigger = models.CharField(max_length=80, help_text="An event verb, e.g. task.status_changed.")
    conditions = models.JSONField(default=list, blank=True, help_text="[{field, op, value}], all must hold.")
    actions = models.JSONField(default=list, help_text="[{type, params}], run in order, all or nothing.")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                name="automation_rule_name_unique",
                violation_error_message="A rule with this name already exists.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "trigger", "active"], name="automation_rule_trigger")]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    MATCHED = "matched", "Matched"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"


class RuleRun(models.Model):
    """One execution of a rule for one event. Unique per (rule, event) and written in the actions' transaction, so
    a job retried after a crash finds it and does nothing twice."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="runs")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=RunStatus.choices)
    reason = models.TextField(blank=True)
    actions_done = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    depth = models.PositiveSmallIntegerField(default=0, help_text="How many rule runs led to this event.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "event"], name="automation_run_once_per_rule_and_event"),
        ]
        indexes = [models.Index(fields=["workspace", "rule", "-created_at"], name="automation_run_rule_time")]

    def __str__(self) -> str:
        return f"{self.rule_id} on event {self.event_id}: {self.status}"


class EventDispatch(models.Model):
    """The worker's bookkeeping per event: the rule chain that caused it (written with the actions that emitted it)
    and when it was processed (rules, webhooks, notifications). Unprocessed events are picked up again by the
    recovery sweep, so a job lost with a killed worker still runs."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, primary_key=True, related_name="+")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    caused_by_run = models.ForeignKey(RuleRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    root_event_id = models.BigIntegerField(null=True, blank=True)
    chain_rule_ids = models.JSONField(default=list, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"event {self.event_id} ({'processed' if self.processed_at else 'pending'})"


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", "Right away"
    DAILY = "daily", "Daily digest"
    OFF = "off", "Never (in Baton only)"


class NotificationPreference(TimestampedModel):
    """How a person wants notifications by email: each one right away, a daily digest, or none."""

    event_target_type = "notification_preference"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="notification_preference")
    email = models.CharField(max_length=10, choices=EmailMode.choices, default=EmailMode.DAILY)
    last_digest_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email__in=[m.value for m in EmailMode]),
                name="notification_preference_email_valid",
                violation_error_message="Choose immediate, daily or off.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.email}"


class Notification(models.Model):
    """An in-app notification for one person, usually caused by an event (unique per recipient, event and source,
    so a retried job adds none twice)."""

    event_target_type = "notification"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    verb = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=60, help_text="What raised it: mention, rule:<id>, webhook_disabled, ...")
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event", "source"],
                condition=models.Q(event__isnull=False),
                name="notification_once_per_event_and_source",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
            models.Index(fields=["workspace", "emailed_at", "created_at"], name="notification_email_queue"),
        ]

    def __str__(self) -> str:
        return self.title


class Webhook(TimestampedModel):
    """A subscription: events with these verbs (or `*`) are POSTed as signed JSON to the URL."""

    event_target_type = "webhook"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text='Event verbs, or ["*"] for every event.')
    secret = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["url", "id"]
        indexes = [models.Index(fields=["workspace", "active"], name="webhook_ws_active")]

    def __str__(self) -> str:
        return self.description or self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class WebhookDelivery(models.Model):
    """One event delivered to one webhook (unique per webhook and event), with the exact body every attempt sends."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    verb = models.CharField(max_length=80)
    is_test = models.BooleanField(default=False)
    payload = models.TextField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "event"],
                condition=models.Q(event__isnull=False),
                name="webhook_delivery_once_per_event",
            ),
        ]
        indexes = [
            models.Index(fields=["webhook", "-created_at"], name="webhook_delivery_log"),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} → {self.webhook_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP POST of a delivery: the status code (or the error) and how long the receiver took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    attempted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_number_unique"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.status_code or self.error}"
