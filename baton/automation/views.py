"""Automation pages: rules (list, editor with dry run, run log), webhooks (list, form, deliveries, send test) and
notifications (page, bell, mark read, preferences)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from baton.automation import editor, process_changes, selectors, services
from baton.automation.forms import PreferenceForm, WebhookForm
from baton.automation.models import Rule, Webhook
from baton.automation.tables import notification_table, rule_table
from baton.core import access, health
from baton.core.changes import apply_or_request
from baton.core.errors import BatonError
from baton.core.models import ChangeRequest
from baton.core.sweeps import registered_sweeps
from baton.core.tables import download_format, table_response
from baton.core.web import (
    SENT_FOR_APPROVAL,
    actor_required,
    form_page,
    get_actor,
    htmx_redirect,
    is_htmx,
    safe_next,
)

DRY_RUN_LIMIT = 20


# --- Rules ----------------------------------------------------------------------------------------------------


@actor_required
def rule_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    rules = list(selectors.rule_list(actor=actor))
    if download_format(request):
        return table_response(request, rule_table(rules), "automation-rules")
    latest = selectors.sweep_runs(actor=actor)
    sweeps = [
        {"name": s.name, "app": s.app, "description": s.description, "last": latest.get(s.name)}
        for s in registered_sweeps().values()
    ]
    can_manage = access.allowed(actor, "automation_rule", "create")
    return render(
        request,
        "automation/rules.html",
        {
            "rules": rules,
            "sweeps": sweeps,
            "background": _background_work() if can_manage else None,
            "can_manage": can_manage,
            "webhook_count": selectors.webhook_list(actor=actor).count(),
        },
    )


def _background_work() -> dict[str, object]:
    """The task queue (depth, scheduled, the next job's age), the scheduler's last beat and Redis, for admins."""
    now = timezone.now()
    queue = health.queue_figures(now=now)
    beat = health.last_beat()
    return {
        "queue": queue,
        "oldest_minutes": (queue.oldest_age_seconds or 0) // 60,
        "delayed": queue.delayed(settings.QUEUE_DELAY_MINUTES),
        "delay_minutes": settings.QUEUE_DELAY_MINUTES,
        "beat": beat,
        "beat_late": beat is None or now - beat > health.BEAT_LATE,
        "redis": health.redis_status() if settings.REDIS_URL else "",
    }


def _editor(request: HttpRequest, rule: Rule | None) -> HttpResponse:
    actor = get_actor(request)
    if rule is None:
        access.require(actor, "automation_rule", "create")
    else:
        access.require(actor, "automation_rule", "update", rule)
    action = reverse("automation:rule_edit", args=[rule.pk]) if rule else reverse("automation:rule_new")
    dry_run: list[services.DryRunRow] | None = None
    status = 200
    if request.method == "POST":
        state = editor.from_post(request.POST)
        op = request.POST.get("_op") or "save"
        if op == "dry_run":
            data = editor.payload(state)
            try:
                dry_run = services.rule_dry_run(
                    actor=actor, trigger=data["trigger"], conditions=data["conditions"], limit=DRY_RUN_LIMIT
                )
            except ValidationError as exc:
                editor.apply_errors(state, exc.message_dict)
        elif op == "save":
            data = editor.payload(state)
            try:
                if rule is None:
                    saved = apply_or_request(actor=actor, kind=process_changes.KIND, action="create", payload=data)
                else:
                    raw = request.POST.get("version", "")
                    data["version"] = int(raw) if raw.isdigit() and len(raw) < 10 else None
                    saved = apply_or_request(
                        actor=actor, kind=process_changes.KIND, action="update", target=rule, payload=data
                    )
            except ValidationError as exc:
                editor.apply_errors(state, exc.message_dict)
            except BatonError as exc:
                state.general.append(exc.detail)
            else:
                if isinstance(saved, ChangeRequest):
                    messages.info(request, SENT_FOR_APPROVAL)
                    url = reverse("change_request_detail", args=[saved.pk])
                    return htmx_redirect(url) if is_htmx(request) else redirect(url)
                messages.success(request, f"Rule “{saved.name}” was saved.")
                url = reverse("automation:rule_detail", args=[saved.pk])
                return htmx_redirect(url) if is_htmx(request) else redirect(url)
            if not is_htmx(request):
                status = 400
        else:
            editor.apply_op(state, op)
    else:
        state = editor.from_rule(rule)
    ctx = {
        "state": state,
        "rule": rule,
        "action": action,
        "dry_run": dry_run,
        "dry_run_limit": DRY_RUN_LIMIT,
        "triggers": selectors.trigger_suggestions(actor=actor, known=editor.KNOWN_TRIGGERS),
        "title": f"Edit “{rule.name}”" if rule else "New automation rule",
        **editor.choices(),
    }
    template = "automation/partials/_rule_form.html" if is_htmx(request) else "automation/rule_form.html"
    return render(request, template, ctx, status=status)


@actor_required
def rule_new(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@actor_required
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    return _editor(request, selectors.rule_get(actor=get_actor(request), rule_id=rule_id))


@actor_required
def rule_detail(request: HttpRequest, rule_id: int) -> HttpResponse:
    actor = get_actor(request)
    rule = selectors.rule_get(actor=actor, rule_id=rule_id)
    page = Paginator(selectors.run_list(actor=actor, rule_id=rule.pk), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "automation/rule_detail.html",
        {
            "rule": rule,
            "page": page,
            "runs": page.object_list,
            "editor": editor.from_rule(rule),
            "can_manage": access.allowed(actor, "automation_rule", "update", rule),
        },
    )


@require_POST
@actor_required
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    actor = get_actor(request)
    rule = selectors.rule_get(actor=actor, rule_id=rule_id)
    services.rule_delete(actor=actor, rule=rule)
    messages.success(request, f"Rule “{rule.name}” was deleted.")
    return redirect("automation:rule_list")


# --- Webhooks -------------------------------------------------------------------------------------------------

SECRET_SESSION_KEY = "webhook_secret_{}"


@actor_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    return render(
        request,
        "automation/webhooks.html",
        {
            "webhooks": list(selectors.webhook_list(actor=actor)),
            "can_manage": access.allowed(actor, "webhook", "create"),
        },
    )


def _webhook_form(request: HttpRequest, webhook: Webhook | None) -> HttpResponse:
    actor = get_actor(request)
    if webhook is None:
        access.require(actor, "webhook", "create")
        initial: dict[str, Any] = {"active": True, "events": "*"}
    else:
        access.require(actor, "webhook", "update", webhook)
        initial = {
            "url": webhook.url,
            "description": webhook.description,
            "events": " ".join(webhook.events),
            "active": webhook.active,
            "version": webhook.version,
        }
    form = WebhookForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Webhook:
        version = data.pop("version", None)
        if webhook is None:
            created = services.webhook_create(actor=actor, **data)
            request.session[SECRET_SESSION_KEY.format(created.pk)] = created.secret
            return created
        return services.webhook_update(actor=actor, webhook=webhook, version=version, **data)

    action = reverse("automation:webhook_edit", args=[webhook.pk]) if webhook else reverse("automation:webhook_new")
    return form_page(
        request,
        form,
        save=save,
        template="automation/webhook_form.html",
        partial="automation/partials/_webhook_form.html",
        context={"title": "Edit webhook" if webhook else "New webhook", "action": action, "webhook": webhook},
        success_url=lambda w: reverse("automation:webhook_detail", args=[w.pk]),
        success_message=lambda w: f"Webhook to {w.url} was saved.",
    )


@actor_required
def webhook_new(request: HttpRequest) -> HttpResponse:
    return _webhook_form(request, None)


@actor_required
def webhook_edit(request: HttpRequest, webhook_id: int) -> HttpResponse:
    return _webhook_form(request, selectors.webhook_get(actor=get_actor(request), webhook_id=webhook_id))


@actor_required
def webhook_detail(request: HttpRequest, webhook_id: int) -> HttpResponse:
    actor = get_actor(request)
    webhook = selectors.webhook_get(actor=actor, webhook_id=webhook_id)
    deliveries = selectors.delivery_list(actor=actor, webhook=webhook)
    page = Paginator(deliveries, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "automation/webhook_detail.html",
        {
            "webhook": webhook,
            "secret": request.session.pop(SECRET_SESSION_KEY.format(webhook.pk), None),
            "secret_hint": services.webhooks.secret_hint(webhook.secret),
            "page": page,
            "deliveries": page.object_list,
            "can_manage": access.allowed(actor, "webhook", "update", webhook),
        },
    )


@require_POST
@actor_required
def webhook_test(request: HttpRequest, webhook_id: int) -> HttpResponse:
    actor = get_actor(request)
    webhook = selectors.webhook_get(actor=actor, webhook_id=webhook_id)
    delivery = services.webhook_test(actor=actor, webhook=webhook)
    if delivery.status == "succeeded":
        messages.success(
            request, f"Test delivered: HTTP {delivery.last_status_code} in {delivery.last_response_ms} ms."
        )
    elif delivery.status == "pending":
        messages.info(request, "Test queued: its result appears in the delivery log below in a moment.")
    else:
        messages.error(request, f"Test failed: {delivery.last_error or delivery.last_status_code}.")
    return redirect("automation:webhook_detail", webhook_id=webhook.pk)


@require_POST
@actor_required
def webhook_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    actor = get_actor(request)
    webhook = selectors.webhook_get(actor=actor, webhook_id=webhook_id)
    services.webhook_delete(actor=actor, webhook=webhook)
    messages.success(request, f"Webhook to {webhook.url} was deleted.")
    return redirect("automation:webhook_list")


# --- Notifications --------------------------------------------------------------------------------------------


@actor_required
def notification_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    only_unread = request.GET.get("unread") == "1"
    qs = selectors.notification_list(actor=actor, unread=True if only_unread else None)
    if download_format(request):
        return table_response(request, notification_table(qs), "notifications")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    form = None
    if actor.person_id is not None:
        form = PreferenceForm(initial={"email": services.preference_get(actor=actor).email})
    return render(
        request,
        "automation/notifications.html",
        {
            "page": page,
            "notifications": page.object_list,
            "only_unread": only_unread,
            "unread": selectors.unread_count(actor=actor),
            "preference_form": form,
        },
    )


@actor_required
def notification_bell(request: HttpRequest) -> HttpResponse:
    """The top bar's unread count (htmx polls it)."""
    return render(
        request, "automation/partials/_bell.html", {"unread": selectors.unread_count(actor=get_actor(request))}
    )


@require_POST
@actor_required
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    actor = get_actor(request)
    notification = selectors.notification_get(actor=actor, notification_id=notification_id)
    notification = services.notification_mark_read(actor=actor, notification=notification)
    if is_htmx(request):
        response = render(request, "automation/partials/_notification.html", {"n": notification})
        response["HX-Trigger"] = "notifications-changed"
        return response
    return redirect(safe_next(request, reverse("automation:notifications")))


@require_POST
@actor_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=get_actor(request))
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("automation:notifications")


@require_POST
@actor_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = PreferenceForm(request.POST)
    if form.is_valid():
        try:
            services.preference_update(actor=actor, email=form.cleaned_data["email"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Your e-mail preference was saved.")
    else:
        messages.error(request, "Choose how you want notifications by e-mail.")
    return redirect("automation:notifications")
