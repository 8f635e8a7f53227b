"""`/api/v1/time-off`: requests, the .ics import, approval and rejection."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import (
    ERRORS,
    ListParams,
    Page,
    actor_of,
    optional_body,
    paginate,
    requested_version,
)
from baton.core.schemas import InputSchema
from baton.resourcing import selectors, services

router = Router(tags=["resourcing"])

TimeOffKindName = Literal["vacation", "sick", "personal", "public_holiday", "other"]
TimeOffStatusName = Literal["requested", "approved", "rejected"]


# --- Time off --------------------------------------------------------------------------------------------------------


class TimeOffIn(InputSchema):
    person_id: int | None = Field(None, description="Default: yourself.")
    start_date: dt.date
    end_date: dt.date
    minutes_per_day: int | None = Field(None, ge=1, le=1440, description="Default: the whole working day.")
    kind: TimeOffKindName = "vacation"
    note: str = Field("", max_length=500)
    status: Literal["requested", "approved"] | None = Field(
        None, description="Default: approved when an approver enters it, else requested."
    )


class TimeOffPatch(InputSchema):
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    minutes_per_day: int | None = Field(None, ge=1, le=1440)
    kind: TimeOffKindName | None = None
    note: str | None = Field(None, max_length=500)
    version: int | None = None


class TimeOffOut(Schema):
    id: int
    person_id: int
    person_name: str
    start_date: dt.date
    end_date: dt.date
    minutes_per_day: int | None
    kind: str
    status: str
    note: str
    requested_by_id: int | None
    approver_id: int | None
    decided_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    warnings: list[str] = Field(default_factory=list)

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.name)

    @staticmethod
    def resolve_warnings(obj: Any) -> list[str]:
        return list(getattr(obj, "warnings", []))


class TimeOffFilters(ListParams):
    person_id: int | None = None
    status: TimeOffStatusName | None = None
    kind: TimeOffKindName | None = None
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None


@router.get(
    "/time-off",
    response={200: Page[TimeOffOut], **ERRORS},
    tags=["time off"],
    operation_id="baton_resourcing_api_list_time_off",
)
def list_time_off(request: HttpRequest, filters: Query[TimeOffFilters]) -> Any:
    actor = actor_of(request)
    selectors.require_staff_view(actor, "time_off")
    qs = selectors.time_off_list(
        actor=actor,
        person_id=filters.person_id,
        status=filters.status,
        kind=filters.kind,
        start=filters.from_,
        end=filters.to,
    )
    return paginate(qs, filters)


@router.post(
    "/time-off",
    response={201: TimeOffOut, **ERRORS},
    tags=["time off"],
    operation_id="baton_resourcing_api_create_time_off",
)
def create_time_off(request: HttpRequest, payload: TimeOffIn) -> Any:
    return Status(201, services.time_off_request(actor=actor_of(request), **payload.model_dump()))


class TimeOffImportIn(InputSchema):
    person_id: int | None = Field(None, description="Default: yourself.")
    ics: str = Field(..., min_length=1, description="The text of an iCalendar (.ics) file.")
    kind: TimeOffKindName = Field("vacation", description="For events whose title does not say.")
    status: Literal["requested", "approved"] | None = None


class TimeOffImportOut(Schema):
    created: list[TimeOffOut]
    skipped: int


@router.post(
    "/time-off/import",
    response={201: TimeOffImportOut, **ERRORS},
    tags=["time off"],
    operation_id="baton_resourcing_api_import_time_off",
)
def import_time_off(request: HttpRequest, payload: TimeOffImportIn) -> Any:
    """Time off from the events of an .ics file (all or nothing; events imported before are skipped)."""
    created, skipped = services.time_off_import_ics(
        actor=actor_of(request),
        person_id=payload.person_id,
        content=payload.ics.encode(),
        kind=payload.kind,
        status=payload.status,
    )
    return Status(201, {"created": created, "skipped": skipped})


@router.get(
    "/time-off/{time_off_id}",
    response={200: TimeOffOut, **ERRORS},
    tags=["time off"],
    operation_id="baton_resourcing_api_get_time_off",
)
def get_time_off(request: HttpRequest, time_off_id: int) -> Any:
    return selectors.time_off_get(actor=actor_of(request), time_off_id=time_off_id)


@router.patch(
    "/time-off/{time_off_id}",
    response={200: TimeOffOut, **ERRORS},
    tags=["time off"],
    operation_id="baton_resourcing_api_update_time_off",
)
def update_time_off(request: HttpRequest, time_off_id: int, payload: TimeOffPatch) -> Any:
    actor = actor_of(request)
    found = selectors.time_off_get(actor=actor, time_off_id=time_off_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.time_off_update(actor=actor, time_off=found, version=version, **changes)


@router.delete(
    "/time-off/{time_off_id}",
    response={204: None, **ERRORS},
    tags=["time off"],
    operation_id="baton_resourcing_api_delete_time_off",
)
def delete_time_off(request: HttpRequest, time_off_id: int) -> Any:
    actor = actor_of(request)
    services.time_off_delete(actor=actor, time_off=selectors.time_off_get(actor=actor, time_off_id=time_off_id))
    return Status(204, None)


class DecisionIn(InputSchema):
    reason: str = Field("", max_length=500)
    version: int | None = None


@router.post(
    "/time-off/{time_off_id}/approve",
    response={200: TimeOffOut, **ERRORS},
    tags=["time off"],
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": DecisionIn.model_json_schema()}}}},
    operation_id="baton_resourcing_api_approve_time_off",
)
def approve_time_off(request: HttpRequest, time_off_id: int) -> Any:
    """Approve (optional body: {"version"}); from now on it reduces the person's capacity."""
    actor = actor_of(request)
    found = selectors.time_off_get(actor=actor, time_off_id=time_off_id)
    payload = optional_body(request, DecisionIn)
    return services.time_off_approve(actor=actor, time_off=found, version=requested_version(request, payload.version))


@router.post(
    "/time-off/{time_off_id}/reject",
    response={200: TimeOffOut, **ERRORS},
    tags=["time off"],
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": DecisionIn.model_json_schema()}}}},
    operation_id="baton_resourcing_api_reject_time_off",
)
def reject_time_off(request: HttpRequest, time_off_id: int) -> Any:
    """Reject (optional body: {"reason", "version"})."""
    actor = actor_of(request)
    found = selectors.time_off_get(actor=actor, time_off_id=time_off_id)
    payload = optional_body(request, DecisionIn)
    return services.time_off_reject(
        actor=actor, time_off=found, reason=payload.reason, version=requested_version(request, payload.version)
    )
