"""The handoff start gate on delivery's tasks (registered from wiring.py): a task does not start while a handoff of
the task, or of its project with no task, is sent or has gaps raised — the receiver has not confirmed they have what
they need. 409 naming `handoff_id`; the owner, an admin or the project's manager may override (recorded)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from baton.delivery.gates import StartBlock
from baton.delivery.models import Task
from baton.handoffs.models import OPEN_STATUSES, Handoff, HandoffStatus


def open_handoffs_of(task: Task) -> list[Handoff]:
    """The handoffs that hold the task back: its own, and its project's that name no task, sent or with gaps."""
    about = Q(project_id=task.project_id, task__isnull=True)
    if task.pk is not None:
        about |= Q(task_id=task.pk)
    return list(
        Handoff.objects.filter(about, workspace_id=task.workspace_id, status__in=OPEN_STATUSES)
        .select_related("to_person")
        .order_by("sent_at", "id")
    )


def handoff_gate(task: Task) -> list[StartBlock]:
    blocks = []
    for handoff in open_handoffs_of(task):
        state = (
            "has open gaps the owner has not answered"
            if handoff.status == HandoffStatus.GAPS_RAISED
            else f"is not confirmed by {handoff.to_person.name} yet"
        )
        blocks.append(
            StartBlock(
                field="handoff_id",
                message=f"The handoff “{handoff.title}” (#{handoff.pk}) {state}.",
                label=handoff.title,
                url=reverse("handoffs:detail", args=[handoff.pk]),
                ref_id=handoff.pk,
            )
        )
    return blocks
