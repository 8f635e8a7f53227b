"""The task board (with drag-and-drop status changes), the timeline and my tasks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.access import Actor
from baton.core.errors import BatonError
from baton.core.tables import download_format, table_response
from baton.core.web import actor_required, get_actor, is_htmx, safe_next
from baton.delivery import selectors, services
from baton.delivery.models import (
    Project,
    Task,
    TaskStatus,
)
from baton.delivery.tables import my_task_table
from baton.delivery.timeline import gantt
from baton.delivery.views.projects import _project_context

# --- The board --------------------------------------------------------------------------------------------------


def _board_context(actor: Actor, project: Project, **extra: Any) -> dict[str, Any]:
    return _project_context(actor, project) | {
        "columns": selectors.board(actor=actor, project=project),
        "today": selectors.today(),
        "can_override": access.allowed(actor, "task", "override_dependencies", Task(project=project)),
        "me": actor.person_id,
        **extra,
    }


@actor_required
def board(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    return render(request, "delivery/board.html", _board_context(actor, project))


@require_POST
@actor_required
def task_status(request: HttpRequest, task_id: int) -> HttpResponse:
    """Move a task (board buttons, the status control). htmx gets the board back, with the dependency block
    explained in place and the override offered to those who may; plain posts are redirected back."""
    actor = get_actor(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    status = request.POST.get("status", "")
    override = request.POST.get("override") == "1"
    problem: dict[str, Any] | None = None
    try:
        services.task_change_status(actor=actor, task=task, status=status, override=override)
    except (services.DependencyBlocked, services.StartBlocked) as exc:
        problem = {
            "task": task,
            "message": exc.summary,
            "detail": exc.detail,
            "blocking": exc.blocking,
            "blocks": getattr(exc, "blocks", []),
            "can_override": exc.can_override,
            "status": status,
            "status_label": TaskStatus(status).label,
        }
    except (BatonError, PermissionDenied, ValidationError) as exc:
        detail = exc.detail if isinstance(exc, BatonError) else "; ".join(getattr(exc, "messages", [str(exc)]))
        problem = {"task": task, "message": detail or "You may not move this task.", "status": status}
    if request.POST.get("from") == "board" and is_htmx(request):
        project = selectors.project_get(actor=actor, project_id=task.project_id)
        moved = None if problem else task.pk
        ctx = _board_context(actor, project, problem=problem, moved=moved)
        return render(request, "delivery/partials/_board.html", ctx)
    if problem:
        messages.error(request, problem.get("detail") or problem["message"])
    else:
        messages.success(request, f"“{task.title}” is now {TaskStatus(status).label.lower()}.")
    return redirect(safe_next(request, reverse("delivery:task_detail", args=[task.pk])))


# --- The timeline -----------------------------------------------------------------------------------------------


@actor_required
def timeline(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = get_actor(request)
    project = selectors.project_get(actor=actor, project_id=project_id)
    milestones, tasks = selectors.timeline_items(actor=actor, project=project)
    today = selectors.today()
    ctx = _project_context(actor, project) | {
        "chart": gantt(project, milestones, tasks, today),
        "milestones": milestones,
        "tasks": tasks,
        "today": today,
    }
    return render(request, "delivery/timeline.html", ctx)


# --- My tasks ---------------------------------------------------------------------------------------------------


@actor_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        raise Http404("No task list for client users.")
    include_done = request.GET.get("done") == "1"
    groups = selectors.my_tasks(actor=actor, include_done=include_done)
    if download_format(request):
        return table_response(request, my_task_table(groups), "my-tasks")
    return render(
        request,
        "delivery/my_tasks.html",
        {
            "groups": groups,
            "include_done": include_done,
            "statuses": TaskStatus.choices,
            "today": selectors.today(),
            "total": sum(len(g.tasks) for g in groups),
        },
    )
