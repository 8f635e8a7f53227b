"""`/api/v1/events`, `/api/v1/me`, `/api/v1/workspace`, `/api/v1/change-requests`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core import changes, services
from baton.core.access import Actor
from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.core.models import ChangeRequest
from baton.core.schemas import InputSchema
from baton.core.selectors import event_list, memberships_for_user

router = Router(tags=["core"])


class EventOut(Schema):
    id: int
    verb: str
    actor_id: int | None
    actor_name: str
    target_type: str
    target_id: int
    target_label: str
    client_id: int | None
    data: dict[str, Any]
    occurred_at: datetime
    redacted: list[str] = Field(
        default_factory=list,
        description="What your role may not see was left out of this event: data keys (dotted paths inside "
        "`changes`), `data` when all of it, `target_label` when the label showed it. Empty when nothing was.",
    )

    @staticmethod
    def resolve_redacted(obj: Any) -> list[str]:
        return list(getattr(obj, "redacted", None) or [])


class EventFilters(ListParams):
    verb: str | None = Field(None, description="A full verb (`client.created`) or a target type prefix (`client`).")
    target_type: str | None = None
    target_id: int | None = None
    client_id: int | None = None
    since: datetime | None = Field(None, description="Only events at or after this ISO 8601 time.")
    order: str = Field("desc", pattern="^(asc|desc)$", description="desc (newest first, default) or asc.")


@router.get("/events", response={200: Page[EventOut], **ERRORS})
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> Any:
    qs = event_list(
        actor=actor_of(request),
        verb=filters.verb,
        target_type=filters.target_type,
        target_id=filters.target_id,
        client_id=filters.client_id,
        since=filters.since,
        newest_first=filters.order == "desc",
    )
    return paginate(qs, filters)


class WorkspaceOut(Schema):
    id: int
    slug: str
    name: str
    currency: str
    timezone: str
    locale: str
    max_portfolio_size: int
    two_factor_required: bool
    legal_name: str
    address: str
    country: str
    vat_id: str
    bank_name: str
    iban: str
    bic: str
    payment_terms_days: int
    process_changes_need_approval: bool
    created_at: datetime
    updated_at: datetime
    version: int


class WorkspacePatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    currency: str | None = Field(None, min_length=3, max_length=3)
    locale: str | None = Field(None, min_length=2, max_length=10, description="A CLDR locale such as en_US or de_DE.")
    max_portfolio_size: int | None = Field(None, ge=1, le=100)
    two_factor_required: bool | None = None
    legal_name: str | None = Field(None, max_length=200)
    address: str | None = None
    country: str | None = Field(None, max_length=2, description="ISO 3166 two-letter code.")
    vat_id: str | None = Field(None, max_length=40)
    bank_name: str | None = Field(None, max_length=200)
    iban: str | None = Field(None, max_length=34)
    bic: str | None = Field(None, max_length=11)
    payment_terms_days: int | None = Field(None, ge=0, le=365)
    process_changes_need_approval: bool | None = Field(
        None, description="Changes to templates, rules and protocols by anyone but an owner wait for an owner."
    )
    version: int | None = None


class MembershipOut(Schema):
    workspace_id: int
    workspace_slug: str
    workspace_name: str
    role: str


class MeOut(Schema):
    person_id: int | None
    name: str
    email: str
    role: str
    client_id: int | None
    duration_style: str = Field(..., description="How durations are written for this person: hm or decimal.")
    workspace: WorkspaceOut
    memberships: list[MembershipOut]


class MePatch(InputSchema):
    duration_style: Literal["hm", "decimal"] | None = Field(
        None, description="hm: 1 h 30 min (1:30 in tables); decimal: 1.5 h."
    )


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest) -> Any:
    return _me(actor_of(request))


@router.patch("/me", response={200: MeOut, **ERRORS})
def update_me(request: HttpRequest, payload: MePatch) -> Any:
    """The person's own preferences (the duration style); the answer is `GET /me`'s."""
    actor = actor_of(request)
    if payload.duration_style is not None:
        services.duration_style_set(actor=actor, duration_style=payload.duration_style)
    return _me(actor)


def _me(actor: Actor) -> dict[str, Any]:
    assert actor.user is not None
    return {
        "person_id": actor.person_id,
        "name": actor.person_name,
        "email": actor.user.email,
        "role": actor.role,
        "client_id": actor.client_id,
        "duration_style": actor.user.duration_style,
        "workspace": actor.workspace,
        "memberships": [
            {
                "workspace_id": m.workspace_id,
                "workspace_slug": m.workspace.slug,
                "workspace_name": m.workspace.name,
                "role": m.role,
            }
            for m in memberships_for_user(actor.user.pk)
        ],
    }


@router.get("/workspace", response={200: WorkspaceOut, **ERRORS})
def get_workspace(request: HttpRequest) -> Any:
    return actor_of(request).workspace


@router.patch("/workspace", response={200: WorkspaceOut, **ERRORS})
def update_workspace(request: HttpRequest, payload: WorkspacePatch) -> Any:
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.workspace_update(actor=actor_of(request), version=version, **changes)


# --- Change requests (process changes waiting for an owner's approval; core/changes.py) ----------------------------


class ChangeRequestOut(Schema):
    id: int
    kind: str
    action: str
    target_id: int | None
    target_label: str
    payload: dict[str, Any]
    diff: dict[str, Any]
    status: str
    requested_by_id: int | None
    requested_by_name: str
    requested_at: datetime
    decided_by_id: int | None
    decided_by_name: str
    decided_at: datetime | None
    reason: str
    result_id: int | None


class ChangeRequestFilters(ListParams):
    status: Literal["pending", "approved", "rejected"] | None = None
    kind: str | None = Field(None, max_length=60)


class ChangeRequestReject(InputSchema):
    reason: str = Field(..., max_length=2000)


@router.get("/change-requests", response={200: Page[ChangeRequestOut], **ERRORS}, tags=["change requests"])
def list_change_requests(request: HttpRequest, filters: Query[ChangeRequestFilters]) -> Any:
    """Owners see every request; an admin or AM sees those they proposed."""
    qs = changes.change_request_list(actor=actor_of(request), status=filters.status, kind=filters.kind)
    return paginate(qs, filters)


@router.get(
    "/change-requests/{change_request_id}", response={200: ChangeRequestOut, **ERRORS}, tags=["change requests"]
)
def get_change_request(request: HttpRequest, change_request_id: int) -> Any:
    return changes.change_request_get(actor=actor_of(request), change_request_id=change_request_id)


@router.post(
    "/change-requests/{change_request_id}/approve", response={200: ChangeRequestOut, **ERRORS}, tags=["change requests"]
)
def approve_change_request(request: HttpRequest, change_request_id: int) -> Any:
    """An owner applies the proposed change (409 when it was already decided)."""
    actor = actor_of(request)
    found = changes.change_request_get(actor=actor, change_request_id=change_request_id)
    return changes.change_request_approve(actor=actor, change_request=found)


@router.post(
    "/change-requests/{change_request_id}/reject", response={200: ChangeRequestOut, **ERRORS}, tags=["change requests"]
)
def reject_change_request(request: HttpRequest, change_request_id: int, payload: ChangeRequestReject) -> Any:
    """An owner refuses the proposed change with a reason; nothing of it is applied."""
    actor = actor_of(request)
    found = changes.change_request_get(actor=actor, change_request_id=change_request_id)
    return changes.change_request_reject(actor=actor, change_request=found, reason=payload.reason)


def pending_response(result: Any) -> Any:
    """What an endpoint whose change may wait for approval answers: 202 with the change request when it waits."""
    if isinstance(result, ChangeRequest):
        return Status(202, result)
    return None
