"""`/relationships/settings`, `/onboarding-template` and `/clients/{id}/onboarding/apply`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from baton.core import access
from baton.core.api import ChangeRequestOut, pending_response
from baton.core.api_support import ERRORS, actor_of, requested_version
from baton.core.changes import apply_or_request
from baton.core.schemas import InputSchema
from baton.relationships import process_changes, selectors, services
from baton.relationships.models import OnboardingItem

router = Router()


# --- Settings and onboarding ----------------------------------------------------------------------------------------


class RelationshipsSettingsOut(Schema):
    portfolio_mode: str
    max_portfolio_size: int
    health_weights: dict[str, int]
    healthy_from: int
    watch_from: int
    escalate_cadence_after_days: int
    escalate_on_health_at_risk: bool
    escalate_on_budget_over: bool
    escalate_on_unconfirmed_handoff: bool
    status_update_weekday: int
    version: int

    @staticmethod
    def resolve_max_portfolio_size(obj: Any) -> int:
        return int(obj.workspace.max_portfolio_size)


class RelationshipsSettingsPatch(InputSchema):
    portfolio_mode: Literal["warn", "refuse"] | None = None
    health_weights: dict[str, int] | None = None
    healthy_from: int | None = Field(None, ge=1, le=100)
    watch_from: int | None = Field(None, ge=1, le=100)
    escalate_cadence_after_days: int | None = Field(None, ge=0, le=365)
    escalate_on_health_at_risk: bool | None = None
    escalate_on_budget_over: bool | None = None
    escalate_on_unconfirmed_handoff: bool | None = None
    status_update_weekday: int | None = Field(None, ge=1, le=7)
    version: int | None = None


@router.get(
    "/relationships/settings",
    response={200: RelationshipsSettingsOut, **ERRORS},
    operation_id="baton_relationships_api_get_settings",
)
def get_settings(request: HttpRequest) -> Any:
    actor = actor_of(request)

    access.require(actor, "relationships_settings", "view")
    return services.settings_for(actor.workspace)


@router.patch(
    "/relationships/settings",
    response={200: RelationshipsSettingsOut, **ERRORS},
    operation_id="baton_relationships_api_update_settings",
)
def update_settings(request: HttpRequest, payload: RelationshipsSettingsPatch) -> Any:
    actor = actor_of(request)
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    if request.headers.get("If-Match"):
        version = requested_version(request, version)
    return services.settings_update(actor=actor, version=version, **changes)


class OnboardingStepIO(InputSchema):
    day_offset: int = Field(0, ge=0, le=30)
    kind: Literal["call", "email", "meeting", "status_update", "strategic_review", "task"]
    title: str = Field(..., min_length=1, max_length=200)


class OnboardingTemplateIO(InputSchema):
    steps: list[OnboardingStepIO]


class OnboardingItemOut(Schema):
    id: int
    kind: str
    title: str
    due_on: date
    done: bool
    done_at: datetime | None

    @staticmethod
    def resolve_done(obj: Any) -> bool:
        return obj.done_at is not None


class OnboardingOut(Schema):
    client_id: int
    started_on: date | None
    items: list[OnboardingItemOut]


@router.get(
    "/onboarding-template",
    response={200: OnboardingTemplateIO, **ERRORS},
    operation_id="baton_relationships_api_get_onboarding_template",
)
def get_onboarding_template(request: HttpRequest) -> Any:
    actor = actor_of(request)

    access.require(actor, "relationships_settings", "view")
    plan = services.onboarding_plan(actor.workspace)
    return {"steps": [{"day_offset": d, "kind": k, "title": t} for d, k, t in plan]}


@router.put(
    "/onboarding-template",
    response={200: OnboardingTemplateIO, 202: ChangeRequestOut, **ERRORS},
    operation_id="baton_relationships_api_put_onboarding_template",
)
def put_onboarding_template(request: HttpRequest, payload: OnboardingTemplateIO) -> Any:
    """202 with the change request when the workspace requires an owner's approval of process changes."""
    actor = actor_of(request)
    result = apply_or_request(
        actor=actor,
        kind=process_changes.ONBOARDING_TEMPLATE,
        action="update",
        target=actor.workspace,
        payload={"steps": [s.model_dump() for s in payload.steps]},
    )
    pending = pending_response(result)
    if pending is not None:
        return pending
    plan = services.onboarding_plan(actor.workspace)
    return {"steps": [{"day_offset": d, "kind": k, "title": t} for d, k, t in plan]}


class OnboardingApplyIn(InputSchema):
    start: date | None = None


@router.post(
    "/clients/{client_id}/onboarding/apply",
    response={200: OnboardingOut, **ERRORS},
    operation_id="baton_relationships_api_apply_onboarding",
)
def apply_onboarding(request: HttpRequest, client_id: int, payload: OnboardingApplyIn | None = None) -> Any:
    """Give the client the standard first-30-days plan (touchpoints and tasks) from `start` (default today)."""
    actor = actor_of(request)
    client = selectors.client_for(actor, client_id)
    services.onboarding_apply(actor=actor, client=client, start=payload.start if payload else None)

    return {
        "client_id": client.pk,
        "started_on": services.protocol_for(client).onboarding_started_on,
        "items": list(OnboardingItem.objects.filter(client=client).order_by("due_on", "id")),
    }
