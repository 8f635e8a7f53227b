"""The portal as a workplace: a client files requests that its AM triages, converts into a task (delivery's task
service) or a change order (finance's change-order service), or declines with a reason the client reads; the client
approves a deliverable or requests changes with a comment; files are shared per project (sized and typed by
knowledge's upload checks). Every write emits its event."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from baton.core import access, client_view, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import bump_version, validate
from baton.crm.models import Client
from baton.delivery.models import Project, Task, TaskStatus
from baton.delivery.selectors import visible_projects
from baton.delivery.services import task_change_status, task_create
from baton.delivery.services._common import staff_person_error
from baton.finance.services.change_orders import change_order_create
from baton.knowledge import files
from baton.knowledge.services.comments import attachment_max_bytes
from baton.relationships.models import (
    ClientRequest,
    DeliverableApproval,
    DeliverableDecision,
    RequestStatus,
    SharedFile,
)
from baton.relationships.selectors.clients import client_for

OPEN = (RequestStatus.NEW, RequestStatus.TRIAGED)


def _data(req: ClientRequest) -> dict[str, Any]:
    return {
        "client_id": req.client_id,
        "project_id": req.project_id,
        "title": req.title,
        "kind": req.kind,
        "priority": req.priority,
        "status": req.status,
    }


def _project(actor: Actor, client: Client | None, project_id: int | None, errors: dict[str, str]) -> Project | None:
    """The request's project: one the actor sees, of the request's client, not archived or cancelled."""
    if project_id is None:
        return None
    project = visible_projects(actor).filter(pk=project_id).first()
    if project is None or (client is not None and project.client_id != client.pk):
        errors["project_id"] = "No such project of this client."
        return None
    if project.archived_at is not None or project.status == "cancelled":
        errors["project_id"] = f"“{project.name}” is closed."
        return None
    return project


def _request_client(actor: Actor, client_id: int | None, errors: dict[str, str]) -> Client | None:
    if actor.is_client:
        if client_id is not None and client_id != actor.client_id:
            raise Http404("No such client.")  # a portal user files for its own client only
        return client_for(actor, actor.client_id or 0)
    if client_id is None:
        errors["client_id"] = "Name the client who asks."
        return None
    try:
        return client_for(actor, client_id)
    except Http404:
        errors["client_id"] = "No such client in this workspace."
        return None


# --- Requests ----------------------------------------------------------------------------------------------------


@transaction.atomic
def client_request_create(
    *,
    actor: Actor,
    title: str,
    client_id: int | None = None,
    project_id: int | None = None,
    description: str = "",
    kind: str = "change",
    priority: str = "normal",
) -> ClientRequest:
    """A new request (status `new`). A client-role user files for its own client (the default); staff log one for a
    client. The client's AM is notified (automation's notifier on `client_request.created`)."""
    access.require(actor, "client_request", "create")
    errors: dict[str, str] = {}
    client = _request_client(actor, client_id, errors)
    project = _project(actor, client, project_id, errors)
    req = ClientRequest(
        workspace=actor.workspace,
        client=client,
        project=project,
        title=(title or "").strip(),
        description=description or "",
        kind=kind,
        priority=priority,
        requested_by_id=actor.person_id,
    )
    if client is not None:
        access.require(actor, "client_request", "create", req)
    if not req.title:
        errors["title"] = "Say in a few words what you need."
    validate(req, errors, exclude=["client", "project"] if client is None else ["project"])
    req.save()
    events.emit(actor, "client_request.created", req, data=_data(req) | {"requested_by_id": actor.person_id})
    return req


def _locked(actor: Actor, req: ClientRequest) -> ClientRequest:
    access.require(actor, "client_request", "triage", req)
    locked = ClientRequest.objects.select_for_update(of=("self",)).select_related("client", "project").get(pk=req.pk)
    if locked.status not in OPEN:
        raise Conflict(f"This request is already {locked.get_status_display().lower()}.", field="status")
    return locked


@transaction.atomic
def client_request_triage(
    *,
    actor: Actor,
    request: ClientRequest,
    priority: str | None = None,
    assignee_id: int | None = None,
    notes: str | None = None,
    project_id: int | None = None,
) -> ClientRequest:
    """Triage an open request: set its priority, who takes it, internal notes and its project. Status `triaged`."""
    req = _locked(actor, request)
    errors = staff_person_error(actor, assignee_id, "assignee_id")
    if project_id is not None:
        project = _project(actor, req.client, project_id, errors)
        if project is not None:
            req.project = project
    if priority is not None:
        req.priority = priority
    if assignee_id is not None and "assignee_id" not in errors:
        req.assignee_id = assignee_id
    if notes is not None:
        req.triage_notes = notes
    req.status = RequestStatus.TRIAGED
    req.triaged_at = timezone.now()
    validate(req, errors)
    bump_version(req)
    req.save()
    events.emit(
        actor,
        "client_request.triaged",
        req,
        data=_data(req) | {"assignee_id": req.assignee_id, "requested_by_id": req.requested_by_id},
    )
    return req


@transaction.atomic
def client_request_convert(
    *,
    actor: Actor,
    request: ClientRequest,
    into: str,
    title: str | None = None,
    assignee_id: int | None = None,
    estimate_minutes: int | None = None,
    due_date: date | None = None,
    amount_delta: Any = "0",
    minutes_delta: Any = 0,
    submit: bool = False,
) -> ClientRequest:
    """Turn an open request into exactly one task (delivery's `task_create`) or change order (finance's
    `change_order_create`, a draft unless `submit`) on its project. Converting again answers 409."""
    req = _locked(actor, request)
    errors: dict[str, str] = {}
    if into not in ("task", "change_order"):
        errors["into"] = "Convert into a task or a change order."
    if req.project_id is None:
        errors["project_id"] = "Triage the request onto a project first."
    if errors:
        raise ValidationError(errors)
    project = req.project
    assert project is not None
    name = (title or "").strip() or req.title
    description = req.description or ""
    if into == "task":
        task = task_create(
            actor=actor,
            project=project,
            title=name,
            description=description,
            assignee_id=assignee_id if assignee_id is not None else req.assignee_id,
            estimate_minutes=estimate_minutes or 0,
            due_date=due_date,
        )
        req.task = task
    else:
        req.change_order = change_order_create(
            actor=actor,
            project_id=project.pk,
            title=name,
            description=description,
            amount_delta=amount_delta,
            minutes_delta=minutes_delta,
            status="submitted" if submit else "draft",
        )
    req.status = RequestStatus.CONVERTED
    req.closed_at, req.closed_by_id = timezone.now(), actor.person_id
    bump_version(req)
    req.save()
    events.emit(
        actor,
        "client_request.converted",
        req,
        data=_data(req)
        | {
            "into": into,
            "task_id": req.task_id,
            "change_order_id": req.change_order_id,
            "requested_by_id": req.requested_by_id,
        },
    )
    return req


@transaction.atomic
def client_request_decline(*, actor: Actor, request: ClientRequest, reason: str) -> ClientRequest:
    """Decline an open request with a reason the client reads (so it may not name internal information)."""
    req = _locked(actor, request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Tell the client why (they read this)."})
    client_view.require_shareable(req.client, reason=reason)
    req.status = RequestStatus.DECLINED
    req.decline_reason = reason
    req.closed_at, req.closed_by_id = timezone.now(), actor.person_id
    bump_version(req)
    req.save()
    events.emit(
        actor,
        "client_request.declined",
        req,
        data=_data(req) | {"reason": reason, "requested_by_id": req.requested_by_id},
    )
    return req


# --- Deliverables ------------------------------------------------------------------------------------------------


@transaction.atomic
def deliverable_decide(*, actor: Actor, task: Task, decision: str, comment: str = "") -> DeliverableApproval:
    """The client's decision on a deliverable waiting for it (a task of its project in review): approved moves the
    task to done, changes requested moves it back to in progress (a comment is then required). Recorded with who
    and when, and evented (`deliverable.approved` / `deliverable.changes_requested`). Staff may record a decision
    the client gave them. A task not in review answers 409."""
    task = Task.objects.select_for_update(of=("self",)).select_related("project", "project__client").get(pk=task.pk)
    approval = DeliverableApproval(
        workspace=actor.workspace,
        client=task.project.client,
        task=task,
        decision=decision,
        comment=(comment or "").strip(),
        decided_by_id=actor.person_id,
        decided_at=timezone.now(),
    )
    access.require(actor, "deliverable", "decide", approval)
    errors: dict[str, str] = {}
    if decision not in DeliverableDecision.values:
        errors["decision"] = "Approve or request changes."
    elif decision == DeliverableDecision.CHANGES_REQUESTED and not approval.comment:
        errors["comment"] = "Say what should change."
    if errors:
        raise ValidationError(errors)
    if task.status != TaskStatus.IN_REVIEW:
        raise Conflict("This deliverable is not waiting for approval.", field="status")
    validate(approval)
    approval.save()
    # The client has no right to move tasks: it acts through delivery's service for this one task it owns.
    mover = replace(actor, role=access.OWNER) if actor.is_client else actor
    new_status = TaskStatus.DONE if decision == DeliverableDecision.APPROVED else TaskStatus.IN_PROGRESS
    task_change_status(actor=mover, task=task, status=new_status)
    events.emit(
        actor,
        f"deliverable.{decision}",
        approval,
        data={
            "task_id": task.pk,
            "project_id": task.project_id,
            "title": task.title,
            "comment": approval.comment,
            "decided_by_id": actor.person_id,
            "decided_by": actor.person_name,
            "assignee_id": task.assignee_id,
            "project_manager_id": task.project.project_manager_id,
        },
    )
    return approval


# --- Files -------------------------------------------------------------------------------------------------------


def _checked_upload(upload: UploadedFile | None) -> tuple[str, str, int, str]:
    """(name, detected type, size, sha256) of an upload within knowledge's limits, or 422 naming `file`."""
    if upload is None or upload.file is None:
        raise ValidationError({"file": "Send a file."})
    limit, size = attachment_max_bytes(), upload.size or 0
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    if size > limit:
        raise ValidationError({"file": f"The file is larger than the limit of {limit // (1024 * 1024)} MB."})
    name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:255] or "file"
    sniffed = files.check(upload.file, name, upload.content_type)
    if sniffed.content_type is None:
        raise ValidationError({"file": sniffed.problem})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return name, sniffed.content_type, size, digest.hexdigest()


@transaction.atomic
def shared_file_create(
    *,
    actor: Actor,
    upload: UploadedFile | None,
    project_id: int | None = None,
    request: ClientRequest | None = None,
    shared_with_client: bool = False,
) -> SharedFile:
    """A file in a project's files area, or on a request (then on the request's project, if any). Staff choose
    whether the client sees it; a client's own upload is always shared. Type and size as knowledge's attachments."""
    access.require(actor, "shared_file", "create")
    errors: dict[str, str] = {}
    if actor.person_id is None:
        raise ValidationError({"file": "Only a person of the workspace can upload files."})
    client = request.client if request is not None else None
    if request is not None and project_id is None:
        project_id = request.project_id
    project = _project(actor, client, project_id, errors) if project_id is not None else None
    if project is None and request is None and "project_id" not in errors:
        errors["project_id"] = "Name the project the file belongs to."
    if errors:
        raise ValidationError(errors)
    owner = client or (project.client if project is not None else None)
    assert owner is not None
    item = SharedFile(
        workspace=actor.workspace,
        client=owner,
        project=project,
        request=request,
        shared_with_client=True if actor.is_client else bool(shared_with_client),
        uploaded_by_id=actor.person_id,
    )
    access.require(actor, "shared_file", "create", item)
    if request is not None:
        access.require(actor, "client_request", "view", request)
    item.name, item.content_type, item.size, item.sha256 = _checked_upload(upload)
    assert upload is not None
    item.file.save(item.name, upload, save=False)
    stored = item.file.name
    try:
        validate(item)
        item.save()
        events.emit(
            actor,
            "shared_file.created",
            item,
            data={
                "name": item.name,
                "project_id": item.project_id,
                "request_id": item.request_id,
                "shared_with_client": item.shared_with_client,
                "size": item.size,
            },
        )
    except Exception:
        default_storage.delete(stored)
        raise
    return item
