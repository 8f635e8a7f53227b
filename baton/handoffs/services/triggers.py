"""Triggers (work without the rule engine; see subscribers.py): task status changes and AM changes."""

from __future__ import annotations

from typing import Any

from baton.core import access
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.delivery.models import Task
from baton.handoffs.models import (
    Handoff,
    HandoffSource,
    HandoffStatus,
    HandoffTemplate,
)
from baton.handoffs.services._common import logger
from baton.handoffs.services.opening import handoff_open
from baton.handoffs.services.templates import templates_ensure
from baton.people.models import Person

# --- Triggers (work without the rule engine; see subscribers.py) -----------------------------------------------


def _first_active(qs: Any) -> Person | None:
    return (
        qs.filter(active=True, membership__is_active=True).select_related("membership").order_by("name", "id").first()
    )  # type: ignore[no-any-return]


def trigger_receiver(task: Task, receiver: str) -> Person | None:
    """Who a task trigger hands to (see `_clean_triggers`)."""
    ws = task.workspace_id
    people = Person.objects.filter(workspace_id=ws).exclude(membership__role=access.CLIENT)
    if receiver == "next_assignee":
        nxt = (
            task.dependents.filter(assignee__isnull=False)
            .exclude(status="done")
            .select_related("assignee", "assignee__membership")
            .order_by("due_date", "position", "id")
            .first()
        )
        if nxt is not None and nxt.assignee is not None and nxt.assignee.active:
            return nxt.assignee
        receiver = "project_manager"
    if receiver == "project_manager":
        return _first_active(people.filter(pk=task.project.project_manager_id or 0))
    if receiver == "client_am":
        return _first_active(people.filter(pk=task.project.client.account_manager_id or 0))
    kind, _, rest = receiver.partition(":")
    if kind == "person" and rest.isdigit():
        return _first_active(people.filter(pk=int(rest)))
    if kind == "role":
        return _first_active(people.filter(membership__role=rest))
    if kind == "title":
        return _first_active(people.filter(title__iexact=rest.strip()))
    return None


def _trigger_matches(trigger: dict[str, Any], task: Task, to_status: str, tags: set[str]) -> bool:
    """Whether a template trigger fires for `task` entering `to_status` (its status, tag and project template)."""
    if trigger.get("on", "task_status") != "task_status" or trigger.get("status") != to_status:
        return False
    if trigger.get("tag") and trigger["tag"].lower() not in tags:
        return False
    return not (trigger.get("project_template_id") and task.project.template_id != trigger["project_template_id"])


def handoffs_for_task_status(*, workspace: Workspace, event_id: int, task_id: int, to_status: str) -> list[Handoff]:
    """A task entered `to_status`: open a draft for every active template trigger that matches (tag, project
    template), once per transition (the event) and not while the same trigger's handoff for this task is open."""
    task = (
        Task.objects.select_related("project", "project__client", "assignee")
        .filter(workspace=workspace, pk=task_id)
        .first()
    )
    if task is None:
        return []
    templates_ensure(workspace)
    tags = {t.lower() for t in task.tags or []}
    opened: list[Handoff] = []
    actor = Actor.system(workspace)
    for template in HandoffTemplate.objects.filter(workspace=workspace, active=True).order_by("id"):
        for trigger in template.triggers or []:
            if not _trigger_matches(trigger, task, to_status, tags):
                continue
            key = str(trigger.get("key") or "")
            already_open = Handoff.objects.filter(
                workspace=workspace,
                task=task,
                kind=template.kind,
                trigger_key=key,
                status__in=[HandoffStatus.DRAFT, HandoffStatus.SENT, HandoffStatus.GAPS_RAISED],
            ).exists()
            if already_open:
                continue
            owner = task.assignee if task.assignee and task.assignee.active else None
            if owner is None:
                owner = _first_active(
                    Person.objects.filter(workspace=workspace, pk=task.project.project_manager_id or 0)
                )
            receiver = trigger_receiver(task, str(trigger.get("receiver") or "next_assignee"))
            if owner is None or receiver is None or owner.pk == receiver.pk:
                logger.info("Trigger %s of %s on task %s: no owner or receiver.", key, template.kind, task.pk)
                continue
            opened.append(
                handoff_open(
                    actor=actor,
                    kind=template.kind,
                    task=task,
                    from_person=owner,
                    to_person=receiver,
                    source=HandoffSource.TASK_STATUS,
                    source_ref=f"event:{event_id}:{key}"[:120],
                    trigger_key=key,
                )
            )
    return opened


def handoff_for_am_change(
    *, workspace: Workspace, event_id: int, client_id: int, old_id: Any, new_id: Any
) -> Handoff | None:
    """A client changed account manager: an `account_transition` draft from the outgoing AM to the new one,
    prefilled from the client's knowledge record (once per change). An archived outgoing AM still owns it (their
    records are what it hands over); an owner/admin sends it and answers its gaps for them."""
    if not old_id or not new_id or old_id == new_id:
        return None
    client = Client.objects.filter(workspace=workspace, pk=client_id).first()
    old = Person.objects.select_related("membership").filter(workspace=workspace, pk=old_id).first()
    new = Person.objects.select_related("membership").filter(workspace=workspace, pk=new_id).first()
    if client is None or old is None or new is None or not new.active:
        return None
    return handoff_open(
        actor=Actor.system(workspace),
        kind="account_transition",
        client=client,
        from_person=old,
        to_person=new,
        source=HandoffSource.AM_CHANGED,
        source_ref=f"event:{event_id}",
        title=f"Account transition: {client.name} ({old.name} → {new.name})",
        archived_owner=True,
    )
