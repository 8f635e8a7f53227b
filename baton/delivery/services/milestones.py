"""Writes for milestones."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from baton.core import events
from baton.core.access import Actor
from baton.core.services import bump_version, check_version, validate
from baton.delivery.models import Milestone, MilestoneStatus, Project
from baton.delivery.services._common import money_or_error, reject_unknown
from baton.delivery.services.projects import ensure_live, require_editor

MILESTONE_FIELDS = ("name", "due_date", "status", "amount")


def _status_error(status: Any) -> dict[str, str]:
    if status not in MilestoneStatus.values:
        return {"status": f"Choose one of: {', '.join(MilestoneStatus.values)}."}
    return {}


@transaction.atomic
def milestone_create(
    *,
    actor: Actor,
    project: Project,
    name: str,
    due_date: date | None = None,
    status: str = MilestoneStatus.OPEN,
    amount: Any = None,
) -> Milestone:
    """A new milestone on a project; `amount` (optional) is what it bills when it is reached."""
    milestone = Milestone(workspace=actor.workspace, project=project, name=(name or "").strip(), due_date=due_date)
    require_editor(actor, project, "milestone", "create", milestone)
    ensure_live(project)
    errors = _status_error(status)
    milestone.status = status if not errors else MilestoneStatus.OPEN
    milestone.amount = money_or_error(amount, "amount", errors, allow_none=True)
    if milestone.status == MilestoneStatus.DONE:
        milestone.completed_at = timezone.now()
    validate(milestone, errors, exclude=["workspace", "project"], validate_constraints=False)
    milestone.save()
    events.emit(
        actor,
        "milestone.created",
        milestone,
        data={
            "name": milestone.name,
            "project_id": project.pk,
            "due_date": milestone.due_date,
            "amount": milestone.amount,
        },
        client_id=project.client_id,
    )
    return milestone


@transaction.atomic
def milestone_update(*, actor: Actor, milestone: Milestone, version: int | None, **changes: Any) -> Milestone:
    """Change a milestone. Reaching `done` is also recorded as `milestone.completed`."""
    require_editor(actor, milestone.project, "milestone", "update", milestone)
    milestone = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    check_version(milestone, version)
    ensure_live(milestone.project)
    reject_unknown(changes, MILESTONE_FIELDS)
    errors: dict[str, str] = {}
    if "status" in changes:
        errors |= _status_error(changes["status"])
    if "amount" in changes:
        changes["amount"] = money_or_error(changes["amount"], "amount", errors, allow_none=True)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    changes = {k: v for k, v in changes.items() if k not in errors}
    changed = events.diff(milestone, changes)
    if not changed and not errors:
        return milestone
    if "status" in changed:
        milestone.completed_at = timezone.now() if milestone.status == MilestoneStatus.DONE else None
    validate(milestone, errors, exclude=["workspace", "project"], validate_constraints=False)
    bump_version(milestone)
    milestone.save()
    client_id = milestone.project.client_id
    events.emit(actor, "milestone.updated", milestone, data={"changes": changed}, client_id=client_id)
    if changed.get("status", [None, None])[1] == MilestoneStatus.DONE:
        events.emit(
            actor,
            "milestone.completed",
            milestone,
            data={"project_id": milestone.project_id, "amount": milestone.amount},
            client_id=client_id,
        )
    return milestone


def milestone_complete(*, actor: Actor, milestone: Milestone) -> Milestone:
    """Mark a milestone reached (harmless when it already is)."""
    return milestone_update(actor=actor, milestone=milestone, version=milestone.version, status=MilestoneStatus.DONE)


@transaction.atomic
def milestone_delete(*, actor: Actor, milestone: Milestone) -> None:
    """Delete a milestone; its tasks stay on the project without a milestone."""
    require_editor(actor, milestone.project, "milestone", "delete", milestone)
    ensure_live(milestone.project)
    task_ids = list(milestone.tasks.values_list("id", flat=True))
    events.emit(
        actor,
        "milestone.deleted",
        milestone,
        data={"name": milestone.name, "project_id": milestone.project_id, "task_ids": task_ids},
        client_id=milestone.project.client_id,
    )
    milestone.delete()
