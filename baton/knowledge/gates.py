"""The brief start gate on delivery's tasks (registered from wiring.py): a task that requires an approved brief
(`Task.requires_approved_brief`, copied from its project template's task) does not start until its own brief, or
its project's, has an approved version. 409 naming `brief`; the owner, an admin or the project's manager may
override (recorded)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from baton.delivery.gates import StartBlock
from baton.delivery.models import Task
from baton.knowledge.models import Brief


def brief_gate(task: Task) -> list[StartBlock]:
    if not task.requires_approved_brief:
        return []
    about = Q(project_id=task.project_id, task__isnull=True)
    if task.pk is not None:
        about |= Q(task_id=task.pk)
    briefs = list(Brief.objects.filter(about, workspace_id=task.workspace_id).order_by("task_id", "id"))
    if any(b.approved_version_id for b in briefs):
        return []
    draft = next(iter(briefs), None)
    if draft is not None:
        return [
            StartBlock(
                field="brief",
                message=f"Its brief “{draft.title}” is not approved yet.",
                label=draft.title,
                url=reverse("knowledge:brief_detail", args=[draft.pk]),
                ref_id=draft.pk,
            )
        ]
    new = reverse("knowledge:brief_new") + f"?client={task.project.client_id}&project={task.project_id}"
    if task.pk is not None:
        new += f"&task={task.pk}"
    return [StartBlock(field="brief", message="It requires an approved brief, and there is none.", url=new)]
