"""The built-in action types (notify, send_email, post_webhook, create_task, set_field) and field setters.

Every action calls the owning app's service as the rule's automation actor, inside the rule's transaction; nothing
here writes another app's models. `create_handoff` and `open_escalation` are registered by the handoffs and
relationships apps (their `automation.py`).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404

from baton.automation.models import Webhook
from baton.automation.services.notifications import notify, url_for_event
from baton.automation.services.webhooks import delivery_for_event
from baton.core.access import Actor
from baton.core.conditions import MISSING, resolve
from baton.core.models import Workspace
from baton.core.registry import (
    ActionContext,
    ActionError,
    Param,
    register_action,
    register_setter,
    render_template,
    setters,
)
from baton.crm import selectors as crm_selectors
from baton.crm import services as crm_services
from baton.crm.models import ClientStatus
from baton.delivery import selectors as delivery_selectors
from baton.delivery import services as delivery_services
from baton.delivery.models import ProjectStatus, TaskStatus

RECIPIENTS_HELP = (
    "Comma-separated: person ids, roles (admin, finance, …), actor, client_am, assignee or project_manager."
)
TEMPLATE_HELP = "Placeholders: {target_label}, {actor_name}, {verb}, {data.to}, {rule.name}…"


def _names(people: list[Any]) -> str:
    return ", ".join(p.name for p in people[:5]) + (f" and {len(people) - 5} more" if len(people) > 5 else "")


# --- notify ---------------------------------------------------------------------------------------------------


def notify_action(ctx: ActionContext, params: dict[str, Any]) -> str:
    people, _ = ctx.recipients(params.get("to"))
    if not people:
        return f"nobody to notify ({params.get('to')} named no active person)"
    title = ctx.render(params.get("title") or "{actor_name}: {verb} on {target_label}")
    created = notify(
        workspace=ctx.workspace,
        recipients=people,
        verb=ctx.event.verb,
        title=title,
        body=ctx.render(params.get("body") or ""),
        url=ctx.render(params.get("url") or "") or url_for_event(ctx.event),
        event=ctx.event,
        source=ctx.source,
    )
    return f"notified {_names(people)}" if created else f"{_names(people)} had been notified already"


register_action(
    "notify",
    notify_action,
    label="Notify people in Baton",
    params=[
        Param("to", "Who", "recipients", required=True, help=RECIPIENTS_HELP),
        Param("title", "Title", "template", help=TEMPLATE_HELP),
        Param("body", "Message", "template"),
        Param("url", "Link", "text", help="A path in Baton; empty: the event's record."),
    ],
    description="An in-app notification (and e-mail, by each person's preference).",
)


# --- send_email -----------------------------------------------------------------------------------------------


def send_email_action(ctx: ActionContext, params: dict[str, Any]) -> str:
    people, emails = ctx.recipients(params.get("to"))
    addresses = list(dict.fromkeys([p.email for p in people if p.email] + emails))
    if not addresses:
        return "nobody to e-mail"
    subject = ctx.render(params.get("subject") or "")[:200]
    body = ctx.render(params.get("body") or "")
    # Sent when the rule's transaction commits: a rolled-back run e-mails nobody.
    # robust: an SMTP failure is logged; it must not fail the job (the rule's run is committed already).
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=addresses), robust=True
    )
    return f"e-mailed {', '.join(addresses[:5])}" + (f" and {len(addresses) - 5} more" if len(addresses) > 5 else "")


register_action(
    "send_email",
    send_email_action,
    label="Send an e-mail",
    params=[
        Param("to", "To", "emails", required=True, help=RECIPIENTS_HELP + " Or e-mail addresses."),
        Param("subject", "Subject", "template", required=True, help=TEMPLATE_HELP),
        Param("body", "Body", "template", required=True),
    ],
)


# --- post_webhook ---------------------------------------------------------------------------------------------


def post_webhook_action(ctx: ActionContext, params: dict[str, Any]) -> str:
    webhook = Webhook.objects.filter(workspace=ctx.workspace, pk=int(params["webhook_id"])).first()
    if webhook is None:
        raise ActionError(f"webhook #{params['webhook_id']} no longer exists")
    if not webhook.active:
        raise ActionError(f"webhook #{webhook.pk} ({webhook.url}) is switched off")
    delivery, created = delivery_for_event(webhook, ctx.event)
    return f"queued delivery {delivery.uuid} to {webhook.url}" if created else f"already delivering to {webhook.url}"


register_action(
    "post_webhook",
    post_webhook_action,
    label="POST to a webhook",
    params=[Param("webhook_id", "Webhook", "webhook", required=True, help="The subscription to send this event to.")],
    description="Sends the event to one webhook, whatever verbs it subscribes to.",
)


# --- create_task ----------------------------------------------------------------------------------------------


def _event_project_id(ctx: ActionContext) -> int | None:
    doc = ctx.document
    if doc.get("target_type") == "project":
        return int(doc["target_id"])
    value = resolve(doc, "data.project_id")
    return int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else None


def create_task_action(ctx: ActionContext, params: dict[str, Any]) -> str:
    raw = params.get("project")
    project_id = _event_project_id(ctx) if raw == "event" else int(raw)  # type: ignore[arg-type]
    if project_id is None:
        raise ActionError("the event names no project (use a project id instead of “event”)")
    try:
        project = delivery_selectors.project_get(actor=ctx.actor, project_id=project_id)
    except Http404 as exc:
        raise ActionError(f"project #{project_id} no longer exists") from exc
    assignee_id = None
    if params.get("assignee"):
        people, _ = ctx.recipients(params["assignee"])
        assignee_id = people[0].pk if people else None
    due_date = None
    if params.get("due_in_days") not in (None, ""):
        due_date = ctx.event.occurred_at.date() + timedelta(days=int(params["due_in_days"]))
    task = delivery_services.task_create(
        actor=ctx.actor,
        project=project,
        title=ctx.render(params.get("title") or "")[:300],
        description=ctx.render(params.get("description") or ""),
        assignee_id=assignee_id,
        due_date=due_date,
    )
    return f"created task #{task.pk} “{task.title}” on {project.name}"


register_action(
    "create_task",
    create_task_action,
    label="Create a task",
    params=[
        Param("project", "Project", "project", required=True, help="A project id, or “event” for the event's project."),
        Param("title", "Title", "template", required=True, help=TEMPLATE_HELP),
        Param("description", "Description", "template"),
        Param("assignee", "Assignee", "person", help="One person id, or actor, client_am, assignee, project_manager."),
        Param("due_in_days", "Due in (days)", "int", help="Days after the event; empty: no due date."),
    ],
)


# --- set_field ------------------------------------------------------------------------------------------------


def parse_value(value: Any) -> Any:
    """Editor text to a value: JSON when it parses (numbers, true, null, lists), else the text itself."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        return json.loads(text)
    except ValueError:
        return text


def _set_field_errors(workspace: Workspace, params: dict[str, Any]) -> dict[str, str]:
    setter = setters().get((params.get("target_type", ""), params.get("field", "")))
    if setter is None:
        known = ", ".join(f"{t}.{f}" for t, f in sorted(setters()))
        return {
            "field": f"{params.get('target_type')}.{params.get('field')} cannot be set by a rule; use one of: {known}."
        }
    value = parse_value(params.get("value"))
    if setter.choices and value not in setter.choices:
        return {"value": f"Choose one of: {', '.join(setter.choices)}."}
    return {}


def set_field_action(ctx: ActionContext, params: dict[str, Any]) -> str:
    setter = setters().get((params["target_type"], params["field"]))
    if setter is None:
        raise ActionError(f"{params['target_type']}.{params['field']} can no longer be set")
    path = params.get("target") or "target_id"
    if path == "target_id" and ctx.document.get("target_type") != setter.target_type:
        raise ActionError(f"the event's record is a {ctx.document.get('target_type')}, not a {setter.target_type}")
    target_id = resolve(ctx.document, path)
    if target_id is MISSING or target_id in (None, "") or not str(target_id).isdigit():
        raise ActionError(f"the event has no {setter.target_type} id at {path}")
    value = params["value"]
    if isinstance(value, str):
        value = render_template(value, ctx.document)  # as stored: a setter takes ids and ISO dates
    return setter.func(ctx.actor, int(target_id), parse_value(value))


register_action(
    "set_field",
    set_field_action,
    label="Change a field",
    params=[
        Param("target_type", "Record", "text", required=True, help="task, client or project"),
        Param("field", "Field", "text", required=True, help="e.g. status"),
        Param("value", "New value", "json", required=True, help="Text, a number, true/false or null."),
        Param("target", "Which record", "text", help="A path to its id; empty: the event's own record (target_id)."),
    ],
    validate=_set_field_errors,
    description="Changes one field through the owning app's service (same rules as a person's edit).",
)


# --- The registered setters -----------------------------------------------------------------------------------


def _set_task_status(actor: Actor, task_id: int, value: Any) -> str:
    task = delivery_selectors.task_get(actor=actor, task_id=task_id)
    old = task.status
    delivery_services.task_change_status(actor=actor, task=task, status=str(value))
    return f"task #{task_id} status {old} → {value}"


def _set_task_assignee(actor: Actor, task_id: int, value: Any) -> str:
    task = delivery_selectors.task_get(actor=actor, task_id=task_id)
    delivery_services.task_update(actor=actor, task=task, version=task.version, assignee_id=value)
    return f"task #{task_id} assigned to person #{value}"


def _set_client_status(actor: Actor, client_id: int, value: Any) -> str:
    client = crm_selectors.client_get(actor=actor, client_id=client_id)
    old = client.status
    crm_services.client_update(actor=actor, client=client, version=client.version, status=str(value))
    return f"client #{client_id} status {old} → {value}"


def _set_project_status(actor: Actor, project_id: int, value: Any) -> str:
    project = delivery_selectors.project_get(actor=actor, project_id=project_id)
    old = project.status
    delivery_services.project_change_status(actor=actor, project=project, status=str(value))
    return f"project #{project_id} status {old} → {value}"


def _register_setters() -> None:
    register_setter("task", "status", _set_task_status, label="Task status", choices=TaskStatus.values)
    register_setter("task", "assignee_id", _set_task_assignee, label="Task assignee (person id)")
    register_setter("client", "status", _set_client_status, label="Client status", choices=ClientStatus.values)
    register_setter("project", "status", _set_project_status, label="Project status", choices=ProjectStatus.values)


_register_setters()
