"""Tasks across every project the actor sees, by status: `/projects/tasks/?status=blocked` is where the operations
home's blocked count links."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from baton.core.tables import download_format, table_response
from baton.core.web import actor_required, get_actor
from baton.delivery import selectors
from baton.delivery.models import TaskStatus
from baton.delivery.tables import task_table

LIMIT = 200


@actor_required
def task_index(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        raise Http404("No task list for client users.")
    status = request.GET.get("status") or TaskStatus.BLOCKED
    if status not in TaskStatus.values:
        raise Http404("No such status.")
    if status == TaskStatus.BLOCKED:
        qs = selectors.blocked_tasks(actor=actor)
    else:
        qs = selectors.task_list(actor=actor, status=status).filter(project__archived_at__isnull=True)
    tasks = list(qs[: LIMIT + 1])
    if download_format(request):
        table = task_table(tasks[:LIMIT], title=f"{TaskStatus(status).label} tasks")
        return table_response(request, table, f"tasks-{status}")
    return render(
        request,
        "delivery/task_index.html",
        {
            "tasks": tasks[:LIMIT],
            "more": len(tasks) > LIMIT,
            "status": status,
            "status_label": TaskStatus(status).label,
            "statuses": TaskStatus.choices,
        },
    )
