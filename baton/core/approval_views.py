"""Pending approval: the process changes waiting for an owner (core/changes.py), one page each with approve/reject."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from baton.core import access, changes
from baton.core.errors import BatonError
from baton.core.models import ChangeRequest, ChangeRequestStatus
from baton.core.tables import Column, Table, download_format, table_response
from baton.core.web import actor_required, get_actor

STATUSES = ("pending", "approved", "rejected", "all")


def _rows(requests: list[ChangeRequest]) -> list[dict[str, Any]]:
    return [{"request": r, "kind_label": changes.kind_label(r.kind)} for r in requests]


def _table(rows: list[dict[str, Any]]) -> Table:
    return Table(
        "Change requests",
        [
            Column("Requested", "request.requested_at", "datetime"),
            Column("By", "request.requested_by_name"),
            Column("What", "kind_label"),
            Column("Change", "request.action"),
            Column("Record", "request.target_label"),
            Column("Status", lambda r: r["request"].get_status_display()),
            Column("Decided by", "request.decided_by_name"),
            Column("Decided", "request.decided_at", "datetime"),
            Column("Reason", "request.reason"),
        ],
        rows,
    )


@actor_required
def change_request_list(request: HttpRequest) -> HttpResponse:
    """Owners: every process change waiting for approval (and decided ones); others: the changes they proposed."""
    actor = get_actor(request)
    status = request.GET.get("status") or "pending"
    if status not in STATUSES:
        status = "pending"
    qs = changes.change_request_list(actor=actor, status=None if status == "all" else status)
    rows = _rows(list(qs[:500]))
    if download_format(request):
        return table_response(request, _table(rows), "change-requests")
    return render(
        request,
        "core/change_requests.html",
        {"rows": rows, "status": status, "statuses": STATUSES, "is_owner": actor.role == access.OWNER},
    )


@actor_required
def change_request_detail(request: HttpRequest, change_request_id: int) -> HttpResponse:
    actor = get_actor(request)
    found = changes.change_request_get(actor=actor, change_request_id=change_request_id)
    may_decide = found.status == ChangeRequestStatus.PENDING and access.allowed(actor, "change_request", "approve")
    diff = [{"field": k, "old": v[0], "new": v[1]} for k, v in (found.diff or {}).items() if isinstance(v, list)]
    return render(
        request,
        "core/change_request.html",
        {"cr": found, "kind_label": changes.kind_label(found.kind), "diff": diff, "may_decide": may_decide},
    )


@require_POST
@actor_required
def change_request_decide(request: HttpRequest, change_request_id: int, decision: str) -> HttpResponse:
    actor = get_actor(request)
    found = changes.change_request_get(actor=actor, change_request_id=change_request_id)
    try:
        if decision == "approve":
            changes.change_request_approve(actor=actor, change_request=found)
            messages.success(request, "Approved: the change is applied.")
        else:
            changes.change_request_reject(actor=actor, change_request=found, reason=request.POST.get("reason", ""))
            messages.success(request, "Rejected: nothing of the change was applied.")
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    except BatonError as exc:
        messages.error(request, exc.detail)
    return redirect("change_request_detail", change_request_id=found.pk)
