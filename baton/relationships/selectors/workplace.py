"""Reads of the portal as a workplace: client requests, deliverables waiting for the client's approval and the
decisions on them, and the files shared per project. A client-role user reads its own client's only (files: only
those shared with it); another's id is simply not found (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, QuerySet, Value, When
from django.http import Http404

from baton.core import access
from baton.core.access import Actor
from baton.core.selectors import one_or_404
from baton.delivery import selectors as delivery
from baton.delivery.models import Task, TaskStatus
from baton.relationships.models import ClientRequest, DeliverableApproval, SharedFile


def client_request_list(
    *,
    actor: Actor,
    client_id: int | None = None,
    project_id: int | None = None,
    status: str | None = None,
    kind: str | None = None,
    priority: str | None = None,
    mine_first: bool = False,
) -> QuerySet[ClientRequest]:
    """Requests the actor may read, newest first (`mine_first`: the actor's own clients' before the rest)."""
    access.require(actor, "client_request", "view")
    qs = ClientRequest.objects.filter(workspace=actor.workspace).select_related(
        "client", "project", "requested_by", "assignee", "task", "change_order", "closed_by"
    )
    if actor.is_client:
        qs = qs.filter(client_id=actor.client_id or 0)
    for field, value in (
        ("client_id", client_id),
        ("project_id", project_id),
        ("status", status),
        ("kind", kind),
        ("priority", priority),
    ):
        if value is not None:
            qs = qs.filter(**{field: value})
    if mine_first and actor.person_id:
        mine = Case(When(client__account_manager_id=actor.person_id, then=Value(0)), default=Value(1))
        qs = qs.annotate(_mine=mine).order_by("_mine", "-created_at", "-id")
    return qs


def client_request_get(*, actor: Actor, request_id: int) -> ClientRequest:
    """Another workspace's (or, for a client-role user, another client's) request is 404 whatever the role."""
    found = ClientRequest.objects.filter(workspace=actor.workspace, pk=request_id)
    if actor.is_client:
        found = found.filter(client_id=actor.client_id or 0)
    if not found.exists():
        raise Http404("No such client request.")
    return one_or_404(client_request_list(actor=actor).filter(pk=request_id), "client request")


def deliverables_waiting(
    *, actor: Actor, client_id: int | None = None, project_id: int | None = None
) -> QuerySet[Task]:
    """Deliverables waiting for the client's approval: the tasks of clients' projects in review."""
    access.require(actor, "deliverable", "view")
    qs = delivery.task_list(actor=actor, project_id=project_id, client_id=client_id, status=TaskStatus.IN_REVIEW)
    return qs.filter(project__archived_at__isnull=True)


def deliverable_task_get(*, actor: Actor, task_id: int) -> Task:
    """A task the actor may see (in review or not: the service says 409 when it is not waiting)."""
    if not Task.objects.filter(workspace=actor.workspace, pk=task_id).exists():
        raise Http404("No such deliverable.")
    access.require(actor, "deliverable", "view")
    return one_or_404(delivery.task_list(actor=actor).filter(pk=task_id), "deliverable")


def approval_list(
    *, actor: Actor, client_id: int | None = None, task_id: int | None = None, project_id: int | None = None
) -> QuerySet[DeliverableApproval]:
    """The decisions recorded on deliverables, newest first."""
    access.require(actor, "deliverable", "view")
    tasks = delivery.task_list(actor=actor).values("pk")
    qs = DeliverableApproval.objects.filter(workspace=actor.workspace, task_id__in=tasks).select_related(
        "task", "task__project", "decided_by"
    )
    if actor.is_client:
        qs = qs.filter(client_id=actor.client_id or 0)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if task_id is not None:
        qs = qs.filter(task_id=task_id)
    if project_id is not None:
        qs = qs.filter(task__project_id=project_id)
    return qs


def shared_file_list(
    *,
    actor: Actor,
    client_id: int | None = None,
    project_id: int | None = None,
    request_id: int | None = None,
    shared: bool | None = None,
) -> QuerySet[SharedFile]:
    """Files of the projects (and requests) the actor may see; a client-role user: only its own client's files
    shared with it, never an internal one."""
    access.require(actor, "shared_file", "view")
    projects = delivery.visible_projects(actor).values("pk")
    qs = (
        SharedFile.objects.filter(workspace=actor.workspace)
        .filter(project_id__in=projects)
        .select_related("project", "client", "uploaded_by", "request")
    )
    if actor.is_client:
        qs = qs.filter(client_id=actor.client_id or 0, shared_with_client=True)
    for field, value in (
        ("client_id", client_id),
        ("project_id", project_id),
        ("request_id", request_id),
        ("shared_with_client", shared),
    ):
        if value is not None:
            qs = qs.filter(**{field: value})
    return qs


def request_files(actor: Actor, request: ClientRequest) -> list[SharedFile]:
    """A request's attachments the actor may see (a request without a project keeps its files on the client)."""
    qs = SharedFile.objects.filter(workspace=actor.workspace, request=request).select_related("uploaded_by")
    if actor.is_client:
        qs = qs.filter(shared_with_client=True)
    return list(qs)


def shared_file_get(*, actor: Actor, file_id: int) -> SharedFile:
    """One file the actor may download: a request's attachment (with the request readable) or a project's file.
    Another workspace's file, another client's or an internal one (for a client-role user) is 404."""
    mine = SharedFile.objects.filter(workspace=actor.workspace, pk=file_id)
    if actor.is_client:
        mine = mine.filter(client_id=actor.client_id or 0, shared_with_client=True)
    if not mine.exists():
        raise Http404("No such file.")
    access.require(actor, "shared_file", "view")
    found = SharedFile.objects.filter(workspace=actor.workspace, pk=file_id).select_related("request").first()
    if found is not None and found.project_id is None and found.request_id is not None:
        client_request_get(actor=actor, request_id=found.request_id)  # 404 unless the request is readable
        if access.allowed(actor, "shared_file", "view", found):
            return found
    return one_or_404(shared_file_list(actor=actor).filter(pk=file_id), "file")


def portal_workplace(actor: Actor, client: Any) -> dict[str, Any]:
    """The portal's workplace parts for a client-role user of `client`: its requests, deliverables waiting for it
    and its recent decisions, and its projects' shared files (the caller passes them through `client_view`)."""
    return {
        "requests": list(client_request_list(actor=actor, client_id=client.pk)[:50]),
        "awaiting": list(deliverables_waiting(actor=actor, client_id=client.pk)[:20]),
        "approvals": list(approval_list(actor=actor, client_id=client.pk)[:10]),
        "files": list(shared_file_list(actor=actor, client_id=client.pk)[:100]),
    }
