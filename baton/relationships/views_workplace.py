"""Pages of the portal as a workplace. The client's side: its requests (file one, with a file), deliverables waiting
for its approval (approve / request changes), its projects' shared files. The staff's side: the requests inbox (the
AM's clients first; downloads), a request's page with the triage, convert and decline forms, and the files page (upload
marking "shared with client"). Every download goes through `file_download`, access-checked, never a media URL."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access, client_view
from baton.core.access import Actor
from baton.core.errors import BatonError
from baton.core.tables import download_format, table_response
from baton.core.web import actor_required, get_actor
from baton.delivery.selectors import visible_projects
from baton.knowledge.api.comments import attachment_response
from baton.people.models import Person
from baton.relationships import selectors, services
from baton.relationships.models import RequestKind, RequestPriority, RequestStatus
from baton.relationships.selectors.clients import client_for
from baton.relationships.tables import request_table, shared_file_table


def _errors(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "message_dict"):
        for field, errs in exc.message_dict.items():
            messages.error(request, f"{field.replace('_', ' ')}: {' '.join(errs)}")
    else:
        messages.error(request, str(getattr(exc, "detail", exc)))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _portal_actor(request: HttpRequest) -> tuple[Actor, Any]:
    actor = get_actor(request)
    if not actor.is_client or not actor.client_id:
        raise Http404("No portal here.")
    return actor, client_for(actor, actor.client_id)


def _choices() -> dict[str, Any]:
    return {"kinds": RequestKind.choices, "priorities": RequestPriority.choices}


# --- The client's side ---------------------------------------------------------------------------------------------


@actor_required
def portal_requests(request: HttpRequest) -> HttpResponse:
    """The client's requests with their status (and a declined one's reason); POST files a new one."""
    actor, client = _portal_actor(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            with transaction.atomic():  # the request and its file together, or neither
                req = services.client_request_create(
                    actor=actor,
                    project_id=_int(request.POST.get("project_id")),
                    title=request.POST.get("title", ""),
                    description=request.POST.get("description", ""),
                    kind=request.POST.get("kind", "change"),
                    priority=request.POST.get("priority", "normal"),
                )
                if isinstance(upload, UploadedFile):
                    services.shared_file_create(actor=actor, upload=upload, request=req)
            messages.success(request, f"Thank you: “{req.title}” is with your account manager.")
            return redirect("relationships:portal_requests")
        except (ValidationError, BatonError) as exc:
            _errors(request, exc)
    audience = client_view.audience_for(client)
    requests = audience.only(client_view.CLIENT_REQUEST, selectors.client_request_list(actor=actor)[:100])
    return render(
        request,
        "relationships/portal_requests.html",
        {
            "client": client,
            "requests": requests,
            "projects": list(visible_projects(actor).filter(archived_at__isnull=True).exclude(status="cancelled")),
            "posted": request.POST if request.method == "POST" else {},
            **_choices(),
        },
    )


@actor_required
def portal_approvals(request: HttpRequest) -> HttpResponse:
    """Deliverables waiting for the client's approval, and its recent decisions."""
    actor, client = _portal_actor(request)
    audience = client_view.audience_for(client)
    parts = selectors.portal_workplace(actor, client)
    return render(
        request,
        "relationships/portal_approvals.html",
        {
            "client": client,
            "awaiting": audience.only(client_view.DELIVERABLE, parts["awaiting"]),
            "approvals": audience.only(client_view.DELIVERABLE, parts["approvals"]),
        },
    )


@actor_required
@require_POST
def portal_approval_decide(request: HttpRequest, task_id: int, decision: str) -> HttpResponse:
    actor, _client = _portal_actor(request)
    if decision not in ("approve", "request-changes"):
        raise Http404
    task = selectors.deliverable_task_get(actor=actor, task_id=task_id)
    try:
        services.deliverable_decide(
            actor=actor,
            task=task,
            decision="approved" if decision == "approve" else "changes_requested",
            comment=request.POST.get("comment", ""),
        )
        messages.success(
            request, f"“{task.title}” {'approved' if decision == 'approve' else 'sent back with your comments'}."
        )
    except (ValidationError, BatonError) as exc:
        _errors(request, exc)
    return redirect("relationships:portal_approvals")


@actor_required
def portal_files(request: HttpRequest) -> HttpResponse:
    """The client's files per project (shared with it, or its own uploads); POST uploads one."""
    actor, client = _portal_actor(request)
    if request.method == "POST":
        try:
            item = services.shared_file_create(
                actor=actor, upload=request.FILES.get("file"), project_id=_int(request.POST.get("project_id"))
            )
            messages.success(request, f"{item.name} is shared with the team.")
            return redirect("relationships:portal_files")
        except (ValidationError, BatonError) as exc:
            _errors(request, exc)
    audience = client_view.audience_for(client)
    files = audience.keep(
        (client_view.SHARED_FILE if f.shared_with_client else client_view.INTERNAL_FILE, f)
        for f in selectors.shared_file_list(actor=actor)[:300]
    )
    projects = list(visible_projects(actor).filter(archived_at__isnull=True).exclude(status="cancelled"))
    by_project = [(p, [f for f in files if f.project_id == p.pk]) for p in projects]
    return render(
        request,
        "relationships/portal_files.html",
        {"client": client, "by_project": by_project, "projects": projects},
    )


# --- Both sides ------------------------------------------------------------------------------------------------


@actor_required
def file_download(request: HttpRequest, file_id: int) -> HttpResponse:
    """A shared file, checked against the reader (a client: its own client's shared files only): 404 otherwise."""
    item = selectors.shared_file_get(actor=get_actor(request), file_id=file_id)
    return attachment_response(item)  # type: ignore[arg-type, return-value]  # streams the stored file


# --- The staff's side ------------------------------------------------------------------------------------------


@actor_required
def request_inbox(request: HttpRequest) -> HttpResponse:
    """Open requests (or another status), the AM's own clients first."""
    actor = get_actor(request)
    if actor.is_client:
        return redirect("relationships:portal_requests")
    status = request.GET.get("status") or "open"
    qs = selectors.client_request_list(actor=actor, mine_first=True)
    if status == "open":
        qs = qs.filter(status__in=[RequestStatus.NEW, RequestStatus.TRIAGED])
    elif status in RequestStatus.values:
        qs = qs.filter(status=status)
    rows = list(qs[:200])
    if download_format(request):
        return table_response(request, request_table(rows), "client-requests")
    return render(
        request,
        "relationships/requests.html",
        {"rows": rows, "status": status, "statuses": RequestStatus.choices},
    )


def _request_context(actor: Actor, req: Any) -> dict[str, Any]:
    staff = Person.objects.filter(workspace=actor.workspace, active=True).exclude(membership__role=access.CLIENT)
    return {
        "req": req,
        "files": selectors.request_files(actor, req),
        "open": req.status in (RequestStatus.NEW, RequestStatus.TRIAGED),
        "can_triage": access.allowed(actor, "client_request", "triage", req),
        "people": list(staff.order_by("name")),
        "projects": list(
            visible_projects(actor).filter(client_id=req.client_id, archived_at__isnull=True).order_by("name")
        ),
        **_choices(),
    }


@actor_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = get_actor(request)
    req = selectors.client_request_get(actor=actor, request_id=request_id)
    if actor.is_client:
        return redirect(reverse("relationships:portal_requests") + f"#request-{req.pk}")
    return render(request, "relationships/request.html", _request_context(actor, req))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@actor_required
@require_POST
def request_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    """The staff's triage, convert and decline forms."""
    actor = get_actor(request)
    req = selectors.client_request_get(actor=actor, request_id=request_id)
    post = request.POST
    try:
        if action == "triage":
            services.client_request_triage(
                actor=actor,
                request=req,
                priority=post.get("priority") or None,
                assignee_id=_int(post.get("assignee_id")),
                notes=post.get("notes"),
                project_id=_int(post.get("project_id")),
            )
            messages.success(request, "Request triaged.")
        elif action == "convert":
            done = services.client_request_convert(
                actor=actor,
                request=req,
                into=post.get("into", "task"),
                title=post.get("title") or None,
                assignee_id=_int(post.get("assignee_id")),
                due_date=_date(post.get("due_date")),
                amount_delta=post.get("amount_delta") or "0",
                minutes_delta=_int(post.get("minutes_delta")) or 0,
            )
            messages.success(request, "Converted into a task." if done.task_id else "Converted into a change order.")
        elif action == "decline":
            services.client_request_decline(actor=actor, request=req, reason=post.get("reason", ""))
            messages.success(request, "Request declined; the client sees your reason.")
        else:
            raise Http404
    except (ValidationError, BatonError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("relationships:request", request_id=req.pk)


@actor_required
def files_page(request: HttpRequest) -> HttpResponse:
    """Staff: the files of the projects one sees (a project's with ?project=), upload marking "shared with client"."""
    actor = get_actor(request)
    if actor.is_client:
        return redirect("relationships:portal_files")
    project_id = _int(request.GET.get("project") or request.POST.get("project_id"))
    if request.method == "POST":
        try:
            item = services.shared_file_create(
                actor=actor,
                upload=request.FILES.get("file"),
                project_id=project_id,
                shared_with_client=bool(request.POST.get("shared_with_client")),
            )
            messages.success(
                request, f"{item.name} uploaded{' and shared with the client' if item.shared_with_client else ''}."
            )
            return redirect(reverse("relationships:files") + f"?project={item.project_id}")
        except (ValidationError, BatonError, PermissionDenied) as exc:
            _errors(request, exc)
    rows = list(selectors.shared_file_list(actor=actor, project_id=project_id)[:300])
    if download_format(request):
        return table_response(request, shared_file_table(rows), "files")
    projects = list(visible_projects(actor).filter(archived_at__isnull=True).select_related("client").order_by("name"))
    return render(
        request,
        "relationships/files.html",
        {
            "rows": rows,
            "projects": projects,
            "project_id": project_id,
            "can_upload": access.allowed(actor, "shared_file", "create"),
        },
    )
