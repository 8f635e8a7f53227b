"""Task pages: detail (with the blocks higher apps add), new, edit and delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.access import Actor
from baton.core.feed import activity_feed
from baton.core.web import actor_required, form_page, get_actor
from baton.delivery import selectors, services
from baton.delivery.forms import (
    AssigneeTaskForm,
    TaskForm,
    minutes_to_hours,
)
from baton.delivery.gates import start_blocks
from baton.delivery.models import (
    Project,
    Task,
    TaskStatus,
)
from baton.delivery.views._common import _people

# Blocks that apps above delivery add to the task page (knowledge: comments and attachments), registered from their
# wiring.py: each returns template context for (actor, target type, target id, the page's path).
TASK_PAGE_BLOCKS: list[Callable[[Actor, str, int, str], dict[str, Any]]] = []


# --- Tasks ------------------------------------------------------------------------------------------------------


def _task_choices(actor: Actor, project: Project, exclude: int | None = None) -> list[tuple[int, str]]:
    rows = selectors.task_list(actor=actor, project_id=project.pk).order_by("position", "id").values_list("id", "title")
    return [(pk, f"#{pk} {title}") for pk, title in rows if pk != exclude]


def _milestone_choices(actor: Actor, project: Project) -> list[tuple[int, str]]:
    return [(m.pk, m.name) for m in selectors.milestone_list(actor=actor, project_id=project.pk)]


@actor_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    actor = get_actor(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    editor = services.is_project_editor(actor, task.project)
    feed = [] if actor.is_client else activity_feed(actor=actor, target_type="task", target_id=task.pk, limit=20)
    return render(
        request,
        "delivery/task_detail.html",
        {
            "task": task,
            "project": task.project,
            "blocking": selectors.blocking_tasks(task),
            "start_blocks": start_blocks(task) if task.status in services.NOT_STARTED else [],
            "can_edit": editor or access.allowed(actor, "task", "update", task),
            "can_move": access.allowed(actor, "task", "update", task),
            "can_delete": access.allowed(actor, "task", "delete", task),
            "can_override": services.can_override(actor, task),
            "statuses": TaskStatus.choices,
            "events": feed,
            "today": selectors.today(),
            "estimate_hours": minutes_to_hours(task.estimate_minutes),
            **{k: v for block in TASK_PAGE_BLOCKS for k, v in block(actor, "task", task.pk, request.path).items()},
        },
    )


@actor_required
def task_new(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    access.require(actor, "task", "create", Task(workspace=actor.workspace, project=project))
    initial = {"milestone_id": request.GET.get("milestone"), "status": request.GET.get("status") or "todo"}
    form = TaskForm(
        request.POST or None,
        initial=initial,
        milestones=_milestone_choices(actor, project),
        people=_people(actor),
        tasks=_task_choices(actor, project),
    )

    def save(data: dict[str, Any]) -> Task:
        return services.task_create(actor=actor, project=project, **form.service_data())

    return form_page(
        request,
        form,
        save=save,
        template="delivery/form.html",
        partial="delivery/partials/_form.html",
        context={
            "title": f"New task in {project.name}",
            "action": reverse("delivery:task_new", args=[project.pk]),
            "project": project,
            "submit": "Add task",
        },
        success_url=lambda t: reverse("delivery:task_detail", args=[t.pk]),
        success_message=lambda t: f"“{t.title}” was added.",
    )


@actor_required
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    actor = get_actor(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    access.require(actor, "task", "update", task)
    project = task.project
    form: TaskForm | AssigneeTaskForm
    if services.is_project_editor(actor, project):
        initial = {
            "title": task.title,
            "description": task.description,
            "milestone_id": task.milestone_id,
            "assignee_id": task.assignee_id,
            "estimate_hours": minutes_to_hours(task.estimate_minutes),
            "start_date": task.start_date,
            "due_date": task.due_date,
            "tags": ", ".join(task.tags or []),
            "depends_on": [d.pk for d in task.depends_on.all()],
            "requires_approved_brief": task.requires_approved_brief,
            "version": task.version,
        }
        form = TaskForm(
            request.POST or None,
            initial=initial,
            milestones=_milestone_choices(actor, project),
            people=_people(actor),
            tasks=_task_choices(actor, project, exclude=task.pk),
            editing=True,
        )
    else:
        form = AssigneeTaskForm(
            request.POST or None, initial={"description": task.description, "version": task.version}
        )

    def save(data: dict[str, Any]) -> Task:
        return services.task_update(actor=actor, task=task, version=data.get("version"), **form.service_data())

    return form_page(
        request,
        form,
        save=save,
        template="delivery/form.html",
        partial="delivery/partials/_form.html",
        context={
            "title": f"Edit “{task.title}”",
            "action": reverse("delivery:task_edit", args=[task.pk]),
            "project": project,
            "task": task,
            "submit": "Save task",
        },
        success_url=lambda t: reverse("delivery:task_detail", args=[t.pk]),
        success_message=lambda t: f"“{t.title}” was saved.",
    )


@require_POST
@actor_required
def task_delete(request: HttpRequest, task_id: int) -> HttpResponse:
    actor = get_actor(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    services.task_delete(actor=actor, task=task)
    messages.success(request, f"“{task.title}” was deleted.")
    return redirect("delivery:project_detail", project_id=task.project_id)
