"""Process changes that need an owner's approval (`Workspace.process_changes_need_approval`).

Core knows no domain app: each app registers the kinds of change it owns from its `wiring.py`,

    register_change_kind("handoff_template", label="Handoff template", apply=apply_fn, target=target_fn)

where `apply(actor, action, target, payload) -> record` calls the app's own service (create or update) and
`target(workspace, target_id) -> record | None` finds the record an update concerns. The app's API and views then
call `apply_or_request(actor=..., kind=..., action=..., target=..., payload=...)` instead of the service:

- the setting is off, or the actor is an owner (or Baton itself): the service runs now and its record is returned;
- otherwise the service runs as a dry run in a savepoint that is rolled back (so access, versions and every field
  are checked now, and nothing changes), and a pending `ChangeRequest` with the payload and the diff the dry run
  produced is recorded (`change_request.created`) and returned. A change that would change nothing is applied (a
  no-op) instead.

An owner approves (`change_request_approve`: the same `apply` runs as the owner, so the owning app's event is
appended as usual, then `change_request.approved`) or rejects it with a reason (`change_request.rejected`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import ChangeRequest, ChangeRequestStatus, Event, Workspace
from baton.core.selectors import one_or_404

ACTIONS = ("create", "update")

ApplyFunc = Callable[[Actor, str, models.Model | None, dict[str, Any]], models.Model]
TargetFunc = Callable[[Workspace, int], models.Model | None]


@dataclass(frozen=True)
class ChangeKind:
    kind: str
    label: str
    apply: ApplyFunc
    target: TargetFunc
    url: Callable[[models.Model], str] | None = None  # the page of the changed record, for the web


_kinds: dict[str, ChangeKind] = {}


def register_change_kind(
    kind: str,
    *,
    label: str,
    apply: ApplyFunc,
    target: TargetFunc,
    url: Callable[[models.Model], str] | None = None,
) -> ChangeKind:
    """Declare a kind of process change and how to apply it (its app's service). Called from the app's wiring."""
    entry = _kinds[kind] = ChangeKind(kind, label, apply, target, url)
    return entry


def change_kind(kind: str) -> ChangeKind | None:
    return _kinds.get(kind)


def change_kinds() -> dict[str, ChangeKind]:
    return dict(_kinds)


def needs_approval(actor: Actor) -> bool:
    """Does a process change by this actor wait for an owner? Owners (and Baton itself) never wait."""
    return bool(actor.workspace.process_changes_need_approval) and actor.role != access.OWNER


class _DryRun(Exception):
    """Raised inside the savepoint to roll the dry run back."""


def _dry_run(actor: Actor, entry: ChangeKind, action: str, target: models.Model | None, payload: dict[str, Any]) -> Any:
    """Run the change and roll it back: (the record as it would be, the events it would append' data)."""
    last = Event.objects.filter(workspace=actor.workspace).order_by("-pk").values_list("pk", flat=True).first() or 0
    outcome: dict[str, Any] = {}
    try:
        with transaction.atomic():
            record = entry.apply(actor, action, target, dict(payload))
            outcome["record"] = record
            outcome["events"] = list(
                Event.objects.filter(workspace=actor.workspace, pk__gt=last).order_by("pk").values("verb", "data")
            )
            outcome["label"] = str(record)
            raise _DryRun
    except _DryRun:
        pass
    return outcome


def _diff_of(action: str, payload: dict[str, Any], emitted: list[dict[str, Any]]) -> dict[str, Any]:
    for event in emitted:
        changes = (event.get("data") or {}).get("changes")
        if isinstance(changes, dict):
            return changes
    if action == "create":
        return {k: [None, events.jsonable(v)] for k, v in payload.items()}
    return {}


def apply_or_request(
    *,
    actor: Actor,
    kind: str,
    action: str,
    payload: dict[str, Any],
    target: models.Model | None = None,
) -> Any:
    """Apply a process change now, or record it as a pending `ChangeRequest` when it needs an owner's approval (see
    the module's doc). Returns the applied record or the `ChangeRequest`."""
    entry = _kinds[kind]
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {ACTIONS}")
    if not needs_approval(actor):
        return entry.apply(actor, action, target, payload)
    outcome = _dry_run(actor, entry, action, target, payload)
    if not outcome["events"]:  # nothing would change: nothing to approve
        return entry.apply(actor, action, target, payload)
    return _record(actor, entry, action, target, payload, outcome)


@transaction.atomic
def _record(
    actor: Actor,
    entry: ChangeKind,
    action: str,
    target: models.Model | None,
    payload: dict[str, Any],
    outcome: dict[str, Any],
) -> ChangeRequest:
    access.require(actor, "change_request", "create")
    clean = {k: events.jsonable(v) for k, v in payload.items() if k != "version"}
    request = ChangeRequest.objects.create(
        workspace=actor.workspace,
        kind=entry.kind,
        action=action,
        target_id=target.pk if target is not None else None,
        target_label=(str(target) if target is not None else outcome.get("label", ""))[:300],
        payload=clean,
        diff=_diff_of(action, clean, outcome["events"]),
        requested_by_id=actor.person_id,
        requested_by_name=actor.person_name,
    )
    events.emit(
        actor,
        "change_request.created",
        request,
        data={"kind": entry.kind, "action": action, "target_id": request.target_id, "diff": request.diff},
    )
    return request


# --- Reads ---------------------------------------------------------------------------------------------------------


def change_request_list(*, actor: Actor, status: str | None = None, kind: str | None = None) -> QuerySet[ChangeRequest]:
    """Owners see every request of the workspace; anyone else who may propose changes sees their own."""
    access.require(actor, "change_request", "view")
    qs = ChangeRequest.objects.filter(workspace=actor.workspace)
    if actor.role != access.OWNER:
        qs = qs.filter(requested_by_id=actor.person_id) if actor.person_id else qs.none()
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-requested_at", "-pk")


def change_request_get(*, actor: Actor, change_request_id: int) -> ChangeRequest:
    """One request the actor may see; another workspace's id is 404 whatever the role (then the role check: 403)."""
    if not ChangeRequest.objects.filter(workspace=actor.workspace, pk=change_request_id).exists():
        raise Http404("No such change request.")
    return one_or_404(change_request_list(actor=actor).filter(pk=change_request_id), "change request")


def pending_count(actor: Actor) -> int:
    if actor.role != access.OWNER:
        return 0
    return ChangeRequest.objects.filter(workspace=actor.workspace, status=ChangeRequestStatus.PENDING).count()


def kind_label(kind: str) -> str:
    entry = _kinds.get(kind)
    return entry.label if entry else kind.replace("_", " ").capitalize()


# --- Decisions -----------------------------------------------------------------------------------------------------


def _lock_pending(actor: Actor, request: ChangeRequest) -> ChangeRequest:
    locked = ChangeRequest.objects.select_for_update().get(pk=request.pk, workspace=actor.workspace)
    if locked.status != ChangeRequestStatus.PENDING:
        raise Conflict(f"This change request is already {locked.status}.", field="status")
    return locked


@transaction.atomic
def change_request_approve(*, actor: Actor, change_request: ChangeRequest) -> ChangeRequest:
    """Apply the proposed change through its app's service as the approving owner, then record the approval."""
    access.require(actor, "change_request", "approve", change_request)
    request = _lock_pending(actor, change_request)
    entry = _kinds.get(request.kind)
    if entry is None:
        raise Conflict(f"Baton no longer knows changes of kind {request.kind}.", field="kind")
    target = None
    if request.target_id is not None:
        target = entry.target(actor.workspace, request.target_id)
        if target is None:
            raise Conflict("The record this change concerns no longer exists; reject it.", field="target_id")
    record = entry.apply(actor, request.action, target, dict(request.payload))
    request.status = ChangeRequestStatus.APPROVED
    request.decided_by_id, request.decided_by_name = actor.person_id, actor.person_name
    request.decided_at = timezone.now()
    request.result_id = getattr(record, "pk", None)
    request.save(update_fields=["status", "decided_by_id", "decided_by_name", "decided_at", "result_id"])
    events.emit(
        actor,
        "change_request.approved",
        request,
        data={
            "kind": request.kind,
            "action": request.action,
            "target_id": request.target_id,
            "result_id": request.result_id,
            "requested_by_id": request.requested_by_id,
        },
    )
    return request


@transaction.atomic
def change_request_reject(*, actor: Actor, change_request: ChangeRequest, reason: str) -> ChangeRequest:
    """Refuse the proposed change with a reason; nothing of it is applied."""
    access.require(actor, "change_request", "reject", change_request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the change is rejected."})
    request = _lock_pending(actor, change_request)
    request.status = ChangeRequestStatus.REJECTED
    request.decided_by_id, request.decided_by_name = actor.person_id, actor.person_name
    request.decided_at = timezone.now()
    request.reason = reason
    request.save(update_fields=["status", "decided_by_id", "decided_by_name", "decided_at", "reason"])
    events.emit(
        actor,
        "change_request.rejected",
        request,
        data={"kind": request.kind, "target_id": request.target_id, "reason": reason},
    )
    return request
