"""Handoffs on the extension points in core that the rule engine reads: notifications for every step of the loop,
the `create_handoff` rule action, and the `handoffs_unconfirmed` sweep (a reminder when a sent handoff passes its due
time unconfirmed, then an escalation to the owner's lead — or the workspace's owners/admins — a day later)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse
from huey import crontab

from baton.core.models import Event, Role, Workspace
from baton.core.registry import (
    ActionContext,
    ActionError,
    NotificationSpec,
    Param,
    register_action,
    register_event_url,
    register_notifier,
)
from baton.core.sweeps import register_sweep, sweep_emit_once
from baton.crm.models import Client
from baton.delivery.models import Project, Task
from baton.handoffs.models import OPEN_STATUSES, Handoff
from baton.handoffs.services import handoff_open, template_for
from baton.people.models import Person

ESCALATE_AFTER = timedelta(hours=24)  # past due_by, after the reminder
register_event_url("handoff", "handoffs:detail", "handoff_id")


def _url(handoff_id: Any) -> str:
    try:
        return reverse("handoffs:detail", kwargs={"handoff_id": int(handoff_id)})
    except Exception:
        return ""


def _spec(recipient: Any, title: str, event: Event, body: str = "", handoff_id: Any = None) -> list[NotificationSpec]:
    if not recipient or recipient == event.actor_id:
        return []
    return [
        NotificationSpec(
            recipient_id=int(recipient),
            title=title[:300],
            body=body,
            url=_url(handoff_id or event.target_id),
            source="handoff",
        )
    ]


def _who(event: Event) -> str:
    return event.actor_name or "Baton"


def notify_created(event: Event) -> list[NotificationSpec]:
    data = event.data or {}
    if event.actor_id == data.get("from_person_id"):
        return []  # you opened it yourself
    return _spec(
        data.get("from_person_id"),
        f"A handoff to prepare: {event.target_label}",
        event,
        "Fill it in (much is prefilled) and send it to the receiver.",
    )


def notify_sent(event: Event) -> list[NotificationSpec]:
    data = event.data or {}
    return _spec(
        data.get("to_person_id"),
        f"{_who(event)} handed over: {event.target_label}",
        event,
        "Read it and confirm, or raise the gaps you need filled.",
    )


def notify_gaps_raised(event: Event) -> list[NotificationSpec]:
    data = event.data or {}
    n = data.get("gap_count") or 0
    return _spec(
        data.get("from_person_id"), f"{_who(event)} raised {n} gap{'s' if n != 1 else ''}: {event.target_label}", event
    )


def notify_gaps_answered(event: Event) -> list[NotificationSpec]:
    data = event.data or {}
    return _spec(
        data.get("to_person_id"), f"Gaps answered: {event.target_label}", event, "Confirm it or raise more gaps."
    )


def notify_confirmed(event: Event) -> list[NotificationSpec]:
    data = event.data or {}
    first = " first time" if data.get("first_time") else ""
    return _spec(data.get("from_person_id"), f"{_who(event)} confirmed{first}: {event.target_label}", event)


def notify_cancelled(event: Event) -> list[NotificationSpec]:
    data = event.data or {}
    if data.get("was") == "draft":
        return []
    return _spec(data.get("to_person_id"), f"Handoff cancelled: {event.target_label}", event)


def notify_overdue(event: Event) -> list[NotificationSpec]:
    data = event.data or {}
    waiting = data.get("from_person_id") if data.get("status") == "gaps_raised" else data.get("to_person_id")
    specs = _spec(waiting, f"Overdue handoff: {event.target_label}", event, "It is past its due time.")
    if waiting != data.get("from_person_id"):
        specs += _spec(data.get("from_person_id"), f"Not confirmed yet: {event.target_label}", event)
    return specs


def notify_escalated(event: Event) -> list[NotificationSpec]:
    data = event.data or {}
    return _spec(
        data.get("escalated_to_person_id"),
        f"Escalated: {event.target_label} is still unconfirmed",
        event,
        "A day past due. Help the owner and receiver close it.",
    )


def notify_failure(event: Event) -> list[NotificationSpec]:
    data = event.data or {}
    return _spec(
        data.get("from_person_id"),
        f"A failure was traced to your handoff: {event.target_label}",
        event,
        handoff_id=data.get("handoff_id"),
    )


for verb, func in (
    ("handoff.created", notify_created),
    ("handoff.sent", notify_sent),
    ("handoff.gaps_raised", notify_gaps_raised),
    ("handoff.gaps_answered", notify_gaps_answered),
    ("handoff.confirmed", notify_confirmed),
    ("handoff.cancelled", notify_cancelled),
    ("handoff.overdue", notify_overdue),
    ("handoff.escalated", notify_escalated),
    ("handoff_failure.recorded", notify_failure),
):
    register_notifier(verb, func)


# --- The sweep ------------------------------------------------------------------------------------------------


def escalation_target(person: Person) -> Person | None:
    """The owner's lead; without one, the workspace's owners, then admins (not the owner themself)."""
    if person.lead_id:
        lead = Person.objects.filter(pk=person.lead_id, active=True).first()
        if lead is not None:
            return lead
    for role in (Role.OWNER, Role.ADMIN):
        found = (
            Person.objects.filter(
                workspace_id=person.workspace_id, active=True, membership__role=role, membership__is_active=True
            )
            .exclude(pk=person.pk)
            .order_by("name", "id")
            .first()
        )
        if found is not None:
            return found
    return None


def handoffs_unconfirmed(workspace: Workspace, now: datetime) -> int:
    """Sent (or gaps-raised) handoffs past due_by: `handoff.overdue` once per due time, then `handoff.escalated`
    once a day later."""
    emitted = 0
    late = Handoff.objects.filter(workspace=workspace, status__in=OPEN_STATUSES, due_by__lt=now).select_related(
        "from_person"
    )
    for handoff in late:
        stamp = f"{handoff.due_by:%Y%m%d%H%M}"
        base = {
            "kind": handoff.kind,
            "from_person_id": handoff.from_person_id,
            "to_person_id": handoff.to_person_id,
            "status": handoff.status,
            "due_by": handoff.due_by,
            "hours_overdue": int((now - handoff.due_by).total_seconds() // 3600),
        }
        if sweep_emit_once(
            workspace=workspace,
            sweep="handoffs_unconfirmed",
            verb="handoff.overdue",
            target=handoff,
            period=f"due{stamp}",
            data=base,
            client_id=handoff.client_id,
        ):
            emitted += 1
        if now - handoff.due_by >= ESCALATE_AFTER:
            target = escalation_target(handoff.from_person)
            if target is None:
                continue
            if sweep_emit_once(
                workspace=workspace,
                sweep="handoffs_unconfirmed",
                verb="handoff.escalated",
                target=handoff,
                period=f"esc{stamp}",
                data=base | {"escalated_to_person_id": target.pk},
                client_id=handoff.client_id,
            ):
                emitted += 1
    return emitted


register_sweep(
    "handoffs_unconfirmed",
    handoffs_unconfirmed,
    crontab(minute="*/15"),
    description="every 15 min: sent handoffs past due_by, unconfirmed -> handoff.overdue, a day later "
    "handoff.escalated to the owner's lead",
    app="handoffs",
)


# --- The rule action ------------------------------------------------------------------------------------------


def _one(ctx: ActionContext, spec: Any, what: str) -> Person:
    people, _ = ctx.recipients(spec)
    if not people:
        raise ActionError(f"no {what}: {spec!r} names no active person")
    return people[0]


def create_handoff_action(ctx: ActionContext, params: dict[str, Any]) -> str:
    doc = ctx.document
    data = doc.get("data") or {}
    ws = ctx.workspace
    target_id = int(doc.get("target_id") or 0)
    task = Task.objects.filter(workspace=ws, pk=target_id).first() if doc.get("target_type") == "task" else None
    project_id = target_id if doc.get("target_type") == "project" else int(data.get("project_id") or 0)
    project = Project.objects.filter(workspace=ws, pk=project_id).first() if project_id else None
    client_id = int(doc.get("client_id") or 0)
    client = Client.objects.filter(workspace=ws, pk=client_id).first() if client_id else None
    if project is not None and client is not None and project.client_id != client.pk:
        client = None
    owner = _one(ctx, params.get("from") or "actor", "owner")
    receiver = _one(ctx, params.get("to"), "receiver")
    handoff = handoff_open(
        actor=ctx.actor,
        kind=str(params.get("kind") or ""),
        client=client,
        project=project,
        task=task,
        from_person=owner,
        to_person=receiver,
        title=ctx.render(params.get("title") or ""),
        source="automation",
        source_ref=f"{ctx.source}:event:{ctx.event.pk}",
    )
    return f"opened handoff #{handoff.pk} ({handoff.kind}) from {owner.name} to {receiver.name}"


def _validate(workspace: Workspace, params: dict[str, Any]) -> dict[str, str]:
    kind = str(params.get("kind") or "")
    if not kind or template_for(workspace, kind) is None:
        return {"kind": "No handoff template of this kind in the workspace."}
    return {}


register_action(
    "create_handoff",
    create_handoff_action,
    label="Open a handoff",
    params=[
        Param("kind", "Kind", "text", required=True, help="A handoff template's kind, e.g. brief_to_creative."),
        Param("from", "Owner", "recipients", help="Who hands over (default: whoever caused the event)."),
        Param("to", "Receiver", "recipients", required=True, help="Who receives it: a person id, client_am, assignee…"),
        Param("title", "Title", "template"),
    ],
    validate=_validate,
    description="A draft handoff of the kind, prefilled, for its owner to complete and send.",
)
