"""Reads for automation, through the acting membership: rules and their runs and webhooks and their deliveries for
owners and admins; notifications for their recipient only (anyone else's answer 404)."""

from __future__ import annotations

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404

from baton.automation.models import (
    Notification,
    Rule,
    RuleRun,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)
from baton.core import access
from baton.core.access import Actor
from baton.core.models import Event, SweepRun
from baton.core.selectors import one_or_404


def rule_list(
    *, actor: Actor, trigger: str | None = None, active: bool | None = None, search: str | None = None
) -> QuerySet[Rule]:
    """The workspace's rules with their run counts and last run."""
    access.require(actor, "automation_rule", "view")
    qs = Rule.objects.filter(workspace=actor.workspace).annotate(
        run_count=Count("runs"),
        matched_count=Count("runs", filter=Q(runs__status="matched")),
        failed_count=Count("runs", filter=Q(runs__status="failed")),
        last_run_at=Max("runs__created_at"),
    )
    if trigger:
        qs = qs.filter(trigger=trigger)
    if active is not None:
        qs = qs.filter(active=active)
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.order_by("name", "id")


def rule_get(*, actor: Actor, rule_id: int) -> Rule:
    """One rule of the workspace; another workspace's id is 404 whatever the role (then the role check: 403)."""
    if not Rule.objects.filter(workspace=actor.workspace, pk=rule_id).exists():
        raise Http404("No such rule.")
    return one_or_404(rule_list(actor=actor).filter(pk=rule_id), "rule")


def run_list(
    *, actor: Actor, rule_id: int | None = None, status: str | None = None, event_id: int | None = None
) -> QuerySet[RuleRun]:
    """Every execution of the workspace's rules, newest first."""
    access.require(actor, "automation_rule", "view")
    qs = RuleRun.objects.filter(workspace=actor.workspace).select_related("rule", "event")
    if rule_id is not None:
        qs = qs.filter(rule_id=rule_id)
    if status:
        qs = qs.filter(status=status)
    if event_id is not None:
        qs = qs.filter(event_id=event_id)
    return qs.order_by("-created_at", "-id")


def trigger_suggestions(*, actor: Actor, known: list[str]) -> list[str]:
    """Verbs for the editor's trigger picker: the well-known ones plus those seen lately in this workspace."""
    access.require(actor, "automation_rule", "view")
    recent = Event.objects.filter(workspace=actor.workspace).order_by("-id").values_list("verb", flat=True)[:2000]
    return sorted(set(known) | set(recent))


def webhook_list(*, actor: Actor, active: bool | None = None) -> QuerySet[Webhook]:
    access.require(actor, "webhook", "view")
    qs = Webhook.objects.filter(workspace=actor.workspace).annotate(
        delivery_count=Count("deliveries"), last_delivery_at=Max("deliveries__created_at")
    )
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("url", "id")


def webhook_get(*, actor: Actor, webhook_id: int) -> Webhook:
    if not Webhook.objects.filter(workspace=actor.workspace, pk=webhook_id).exists():
        raise Http404("No such webhook.")
    return one_or_404(webhook_list(actor=actor).filter(pk=webhook_id), "webhook")


def delivery_list(*, actor: Actor, webhook: Webhook, status: str | None = None) -> QuerySet[WebhookDelivery]:
    """A webhook's deliveries, newest first, each with its attempts."""
    access.require(actor, "webhook", "view")
    qs = WebhookDelivery.objects.filter(workspace=actor.workspace, webhook=webhook).prefetch_related(
        Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number"))
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def notification_list(*, actor: Actor, unread: bool | None = None) -> QuerySet[Notification]:
    """The actor's own notifications, newest first (a person without a profile has none)."""
    access.require(actor, "notification", "view")
    qs = Notification.objects.filter(workspace=actor.workspace, recipient_id=actor.person_id or 0)
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    return qs.order_by("-created_at", "-id")


def notification_get(*, actor: Actor, notification_id: int) -> Notification:
    return one_or_404(notification_list(actor=actor).filter(pk=notification_id), "notification")


def unread_count(*, actor: Actor) -> int:
    if actor.person_id is None:
        return 0
    return notification_list(actor=actor, unread=True).count()


def sweep_runs(*, actor: Actor) -> dict[str, SweepRun]:
    """The latest run of each sweep in the workspace."""
    access.require(actor, "automation_rule", "view")
    latest: dict[str, SweepRun] = {}
    for run in SweepRun.objects.filter(workspace=actor.workspace).order_by("-started_at", "-id")[:500]:
        latest.setdefault(run.name, run)
    return latest
