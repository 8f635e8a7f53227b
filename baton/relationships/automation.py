"""Relationships' automation: the sweeps (cadence due, weekly status drafts, daily health snapshots, escalation
rules) and the `open_escalation` action type for rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from huey import crontab

from baton.core.access import Actor
from baton.core.models import Event, Workspace
from baton.core.registry import (
    ActionContext,
    ActionError,
    NotificationSpec,
    Param,
    register_action,
    register_event_url,
    register_notifier,
)
from baton.core.sweeps import local_today, register_sweep, sweep_emit_once
from baton.crm.models import Client
from baton.relationships import cadence as cad
from baton.relationships.models import StatusUpdate
from baton.relationships.selectors import client_cadence_items
from baton.relationships.services import (
    escalation_open,
    escalation_rules_check,
    health_snapshot_take,
    settings_for,
    status_update_draft,
    week_start_of,
)


def cadence_due(workspace: Workspace, now: datetime) -> int:
    """Cadence items overdue per client: `cadence.overdue` (target client), once per item and due date."""
    today = local_today(workspace, now)
    emitted = 0
    for client in Client.objects.filter(workspace=workspace, archived_at__isnull=True, status__in=["active", "paused"]):
        for item in cad.due_items(client_cadence_items(client, today)):
            if item.status != "overdue":
                continue
            if sweep_emit_once(
                workspace=workspace,
                sweep="cadence_due",
                verb="cadence.overdue",
                target=client,
                period=f"{item.item}@{item.due_on.isoformat()}"[:20],
                data={
                    "item": item.item,
                    "kind": item.kind,
                    "due_on": item.due_on,
                    "days_overdue": item.days_overdue,
                    "account_manager_id": client.account_manager_id,
                    "reason": item.reason,
                },
                client_id=client.pk,
            ):
                emitted += 1
    return emitted


def weekly_status_drafts(workspace: Workspace, now: datetime) -> int:
    """On the workspace's status-update weekday: a draft status update per active client with an AM (once a week)."""
    today = local_today(workspace, now)
    if today.isoweekday() != settings_for(workspace).status_update_weekday:
        return 0
    week = week_start_of(today)
    made = 0
    actor = Actor.system(workspace)
    for client in Client.objects.filter(
        workspace=workspace, archived_at__isnull=True, status="active", account_manager__isnull=False
    ):
        if StatusUpdate.objects.filter(client=client, week_start=week).exists():
            continue
        with transaction.atomic():
            status_update_draft(actor=actor, client=client, week_start=week)
        made += 1
    return made


def health_snapshots(workspace: Workspace, now: datetime) -> int:
    """Each live client's health, kept daily; `client.health_changed` when the score moved since the last day."""
    today = local_today(workspace, now)
    emitted = 0
    with transaction.atomic():
        snaps = health_snapshot_take(workspace, today)
    for snap, previous in snaps:
        if previous is not None and previous == snap.score:
            continue
        if sweep_emit_once(
            workspace=workspace,
            sweep="health_snapshots",
            verb="client.health_changed",
            target=snap.client,
            period=today.isoformat(),
            data={"score": snap.score, "band": snap.band, "previous_score": previous},
            client_id=snap.client_id,
        ):
            emitted += 1
    return emitted


def escalation_rules(workspace: Workspace, now: datetime) -> int:
    """The escalation rules (health at risk, cadence overdue by N days, budget over 100 %, unconfirmed critical
    handoff): one open escalation per cause."""
    return len(escalation_rules_check(workspace, local_today(workspace, now)))


register_sweep(
    "cadence_due",
    cadence_due,
    crontab(minute="17"),
    description="hourly: cadence items overdue per the client's protocol -> cadence.overdue (once per item and date)",
    app="relationships",
)
register_sweep(
    "weekly_status_drafts",
    weekly_status_drafts,
    crontab(minute="23", hour="6"),
    description="daily, on the workspace's weekday: a status update draft per client -> status_update.drafted",
    app="relationships",
)
register_sweep(
    "health_snapshots",
    health_snapshots,
    crontab(minute="41", hour="5"),
    description="daily: snapshot each client's health score -> client.health_changed",
    app="relationships",
)
register_sweep(
    "escalation_rules",
    escalation_rules,
    crontab(minute="29"),
    description="hourly: escalation rules -> escalation.opened (once per open cause)",
    app="relationships",
)


def _open_escalation(ctx: ActionContext, params: dict[str, Any]) -> str:
    client = Client.objects.filter(workspace=ctx.workspace, pk=ctx.event.client_id or 0).first()
    if client is None:
        raise ActionError("The event concerns no client to escalate about.")
    people, _ = ctx.recipients(params.get("assignee")) if params.get("assignee") else ([], [])
    escalation = escalation_open(
        actor=ctx.actor,
        client=client,
        title=ctx.render(params.get("title") or "Escalation: {verb} on {target_label}"),
        detail=ctx.render(params.get("detail") or ""),
        rule="automation",
        assignee_id=people[0].pk if people else None,
        source_key=f"event:{ctx.event.pk}",
    )
    return f"Opened escalation #{escalation.pk} for {client.name}."


register_action(
    "open_escalation",
    _open_escalation,
    label="Open an escalation",
    params=[
        Param("title", "Title", kind="template", required=True),
        Param("detail", "Detail", kind="template"),
        Param("assignee", "Assign to", kind="recipients", help="Default: the account manager's lead."),
    ],
    description="Open an escalation on the event's client, assigned to someone (default: the AM's lead).",
)


# --- The portal's workplace: who hears of a request or a decision ------------------------------------------------

register_event_url("client_request", "relationships:request", "request_id")


def _request_url(event: Event) -> str:
    try:
        return reverse("relationships:request", kwargs={"request_id": int(event.target_id)})
    except Exception:
        return ""


def notify_request_created(event: Event) -> list[NotificationSpec]:
    """The client's AM hears of a new request (not when the AM logged it themself)."""
    client = Client.objects.filter(pk=event.client_id or 0).only("account_manager_id").first()
    am_id = client.account_manager_id if client else None
    if not am_id or am_id == event.actor_id:
        return []
    data = event.data or {}
    return [
        NotificationSpec(
            recipient_id=am_id,
            title=f"New request from {event.actor_name or 'the client'}: {event.target_label}"[:300],
            body=f"Priority {data.get('priority', 'normal')}. Triage it in the requests inbox.",
            url=_request_url(event),
            source="client_request",
        )
    ]


def notify_request_status(event: Event) -> list[NotificationSpec]:
    """Whoever filed the request hears that it was triaged, converted or declined."""
    data = event.data or {}
    recipient = data.get("requested_by_id")
    if not recipient or recipient == event.actor_id:
        return []
    status = str(data.get("status", "")).replace("_", " ")
    body = str(data.get("reason", "")) if status == "declined" else ""
    return [
        NotificationSpec(
            recipient_id=int(recipient),
            title=f"Your request “{event.target_label}” is {status}"[:300],
            body=body,
            url=_request_url(event),
            source="client_request",
        )
    ]


def notify_deliverable(event: Event) -> list[NotificationSpec]:
    """The task's assignee and its project's manager hear the client's decision on a deliverable."""
    data = event.data or {}
    verdict = "approved" if event.verb.endswith("approved") else "asked for changes to"
    try:
        url = reverse("delivery:task_detail", kwargs={"task_id": int(data.get("task_id") or 0)})
    except Exception:
        url = ""
    recipients = {r for r in (data.get("assignee_id"), data.get("project_manager_id")) if r and r != event.actor_id}
    return [
        NotificationSpec(
            recipient_id=int(r),
            title=f"{event.actor_name or 'The client'} {verdict} “{data.get('title', '')}”"[:300],
            body=str(data.get("comment", "")),
            url=url,
            source="deliverable",
        )
        for r in sorted(recipients)
    ]


register_notifier("client_request.created", notify_request_created)
for _verb in ("client_request.triaged", "client_request.converted", "client_request.declined"):
    register_notifier(_verb, notify_request_status)
register_notifier("deliverable.approved", notify_deliverable)
register_notifier("deliverable.changes_requested", notify_deliverable)
