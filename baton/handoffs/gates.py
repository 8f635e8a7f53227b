"""The handoff start gate on delivery's tasks (registered from wiring.py): a task does not start while the receiver
has not confirmed they have what they need:

- a handoff of the task, or of its project with no task, is sent or has gaps raised (API.md);
- a handoff of the task's client with no project and no task (an account transition) whose receiver is the task's
  assignee is not confirmed yet — draft included: the successor of a leaving account manager does not start the
  client's work before the transition document has reached them and they have confirmed it.

409 naming `handoff_id`; the owner, an admin or the project's manager may override (recorded)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from baton.delivery.gates import StartBlock
from baton.delivery.models import Task
from baton.handoffs.models import OPEN_STATUSES, Handoff, HandoffStatus

CLIENT_OPEN = (HandoffStatus.DRAFT, *OPEN_STATUSES)


def open_handoffs_of(task: Task) -> list[Handoff]:
    """The handoffs that hold the task back (see the module's docstring), oldest first."""
    about = Q(project_id=task.project_id, task__isnull=True, status__in=OPEN_STATUSES)
    if task.pk is not None:
        about |= Q(task_id=task.pk, status__in=OPEN_STATUSES)
    if task.assignee_id is not None:
        about |= Q(
            client_id=task.project.client_id,
            project__isnull=True,
            task__isnull=True,
            to_person_id=task.assignee_id,
            status__in=CLIENT_OPEN,
        )
    return list(
        Handoff.objects.filter(about, workspace_id=task.workspace_id).select_related("to_person").order_by("id")
    )


def _state(handoff: Handoff) -> str:
    if handoff.status == HandoffStatus.DRAFT:
        return f"has not been sent to {handoff.to_person.name} yet"
    if handoff.status == HandoffStatus.GAPS_RAISED:
        return "has open gaps the owner has not answered"
    return f"is not confirmed by {handoff.to_person.name} yet"


def handoff_gate(task: Task) -> list[StartBlock]:
    return [
        StartBlock(
            field="handoff_id",
            message=f"The handoff “{handoff.title}” (#{handoff.pk}) {_state(handoff)}.",
            label=handoff.title,
            url=reverse("handoffs:detail", args=[handoff.pk]),
            ref_id=handoff.pk,
        )
        for handoff in open_handoffs_of(task)
    ]
