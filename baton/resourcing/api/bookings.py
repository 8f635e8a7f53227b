"""`/api/v1/bookings` (create, edit, move, resize, split, staff) and a person's availability."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import (
    ERRORS,
    PROBLEM,
    ListParams,
    Page,
    actor_of,
    paginate,
    requested_version,
)
from baton.core.schemas import InputSchema, StrictSchema
from baton.resourcing import selectors, services
from baton.resourcing.services import Overbooked

router = Router(tags=["resourcing"])


def overbooked_problem(exc: Overbooked) -> HttpResponse:
    """409 naming every overbooked day (an `errors` entry each, and `overbooked_days` in full)."""
    days = [
        {
            "date": d.date.isoformat(),
            "capacity_minutes": d.capacity_minutes,
            "booked_minutes": d.booked_minutes,
            "over_minutes": d.over_minutes,
        }
        for d in exc.days
    ]
    body = {
        "type": "about:blank",
        "title": "Overbooked",
        "status": 409,
        "detail": exc.detail,
        "errors": [
            {
                "field": "minutes_per_day",
                "message": f"{d['date']}: {d['booked_minutes']} of {d['capacity_minutes']} minutes booked.",
            }
            for d in days
        ],
        "person_id": exc.person.id,
        "overbooked_days": days,
    }
    return HttpResponse(json.dumps(body), status=409, content_type=PROBLEM)


# --- Bookings --------------------------------------------------------------------------------------------------------


class OverbookedDayOut(Schema):
    date: dt.date
    capacity_minutes: int
    booked_minutes: int
    over_minutes: int


class BookingIn(InputSchema):
    person_id: int | None = Field(None, description="Empty for a placeholder (then name a role or a skill).")
    project_id: int
    start_date: dt.date
    end_date: dt.date
    minutes_per_day: int | None = Field(None, ge=1, le=1440)
    total_minutes: int | None = Field(
        None, ge=1, le=10_000_000, description="Instead of minutes_per_day: spread over the working days in range."
    )
    tentative: bool = False
    role: str = Field("", max_length=100)
    skill: str = Field("", max_length=100)
    note: str = Field("", max_length=500)


class BookingPatch(InputSchema):
    person_id: int | None = None
    project_id: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    minutes_per_day: int | None = Field(None, ge=1, le=1440)
    total_minutes: int | None = Field(None, ge=1, le=10_000_000)
    tentative: bool | None = None
    role: str | None = Field(None, max_length=100)
    skill: str | None = Field(None, max_length=100)
    note: str | None = Field(None, max_length=500)
    version: int | None = None


class BookingOut(Schema):
    id: int
    person_id: int | None
    person_name: str | None = None
    project_id: int
    project_name: str
    client_id: int
    start_date: dt.date
    end_date: dt.date
    minutes_per_day: int
    tentative: bool
    placeholder: bool
    role: str
    skill: str
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    warnings: list[str] = Field(default_factory=list, description="Overbooking and other notes, on writes.")
    overbooked_days: list[OverbookedDayOut] = Field(default_factory=list)

    @staticmethod
    def resolve_person_name(obj: Any) -> str | None:
        return obj.person.name if obj.person_id else None

    @staticmethod
    def resolve_project_name(obj: Any) -> str:
        return str(obj.project.name)

    @staticmethod
    def resolve_client_id(obj: Any) -> int:
        return int(obj.project.client_id)

    @staticmethod
    def resolve_placeholder(obj: Any) -> bool:
        return obj.person_id is None

    @staticmethod
    def resolve_warnings(obj: Any) -> list[str]:
        return list(getattr(obj, "warnings", []))

    @staticmethod
    def resolve_overbooked_days(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "date": d.date,
                "capacity_minutes": d.capacity_minutes,
                "booked_minutes": d.booked_minutes,
                "over_minutes": d.over_minutes,
            }
            for d in getattr(obj, "overbooked_days", [])
        ]


class BookingFilters(ListParams):
    person_id: int | None = None
    project_id: int | None = None
    client_id: int | None = None
    tentative: bool | None = None
    placeholder: bool | None = Field(None, description="true: unstaffed placeholders only; false: staffed only.")
    skill: str | None = None
    role: str | None = None
    from_: dt.date | None = Field(None, alias="from", description="Bookings ending on or after this date.")
    to: dt.date | None = Field(None, description="Bookings starting on or before this date.")


@router.get(
    "/bookings",
    response={200: Page[BookingOut], **ERRORS},
    tags=["bookings"],
    operation_id="baton_resourcing_api_list_bookings",
)
def list_bookings(request: HttpRequest, filters: Query[BookingFilters]) -> Any:
    actor = actor_of(request)
    selectors.require_staff_view(actor, "booking")
    qs = selectors.booking_list(
        actor=actor,
        person_id=filters.person_id,
        project_id=filters.project_id,
        client_id=filters.client_id,
        tentative=filters.tentative,
        placeholder=filters.placeholder,
        skill=filters.skill,
        role=filters.role,
        start=filters.from_,
        end=filters.to,
    )
    return paginate(qs, filters)


@router.post(
    "/bookings",
    response={201: BookingOut, **ERRORS},
    tags=["bookings"],
    operation_id="baton_resourcing_api_create_booking",
)
def create_booking(request: HttpRequest, payload: BookingIn) -> Any:
    try:
        return Status(201, services.booking_create(actor=actor_of(request), **payload.model_dump()))
    except Overbooked as exc:
        return overbooked_problem(exc)


@router.get(
    "/bookings/{booking_id}",
    response={200: BookingOut, **ERRORS},
    tags=["bookings"],
    operation_id="baton_resourcing_api_get_booking",
)
def get_booking(request: HttpRequest, booking_id: int) -> Any:
    return selectors.booking_get(actor=actor_of(request), booking_id=booking_id)


@router.patch(
    "/bookings/{booking_id}",
    response={200: BookingOut, **ERRORS},
    tags=["bookings"],
    operation_id="baton_resourcing_api_update_booking",
)
def update_booking(request: HttpRequest, booking_id: int, payload: BookingPatch) -> Any:
    actor = actor_of(request)
    booking = selectors.booking_get(actor=actor, booking_id=booking_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    try:
        return services.booking_update(actor=actor, booking=booking, version=version, **changes)
    except Overbooked as exc:
        return overbooked_problem(exc)


@router.delete(
    "/bookings/{booking_id}",
    response={204: None, **ERRORS},
    tags=["bookings"],
    operation_id="baton_resourcing_api_delete_booking",
)
def delete_booking(request: HttpRequest, booking_id: int) -> Any:
    actor = actor_of(request)
    services.booking_delete(actor=actor, booking=selectors.booking_get(actor=actor, booking_id=booking_id))
    return Status(204, None)


class MoveIn(InputSchema):
    start_date: dt.date
    person_id: int | None = Field(None, description="Move onto this person too (optional).")
    version: int | None = None


@router.post(
    "/bookings/{booking_id}/move",
    response={200: BookingOut, **ERRORS},
    tags=["bookings"],
    operation_id="baton_resourcing_api_move_booking",
)
def move_booking(request: HttpRequest, booking_id: int, payload: MoveIn) -> Any:
    """Start on another date, keeping the length; optionally onto another person."""
    actor = actor_of(request)
    booking = selectors.booking_get(actor=actor, booking_id=booking_id)
    data = payload.model_dump(exclude_unset=True)
    try:
        return services.booking_move(
            actor=actor,
            booking=booking,
            start_date=payload.start_date,
            person_id=payload.person_id,
            keep_person="person_id" not in data,
            version=requested_version(request, payload.version),
        )
    except Overbooked as exc:
        return overbooked_problem(exc)


class ResizeIn(InputSchema):
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    version: int | None = None


@router.post(
    "/bookings/{booking_id}/resize",
    response={200: BookingOut, **ERRORS},
    tags=["bookings"],
    operation_id="baton_resourcing_api_resize_booking",
)
def resize_booking(request: HttpRequest, booking_id: int, payload: ResizeIn) -> Any:
    actor = actor_of(request)
    booking = selectors.booking_get(actor=actor, booking_id=booking_id)
    try:
        return services.booking_resize(
            actor=actor,
            booking=booking,
            start_date=payload.start_date,
            end_date=payload.end_date,
            version=requested_version(request, payload.version),
        )
    except Overbooked as exc:
        return overbooked_problem(exc)


class SplitIn(InputSchema):
    date: dt.date = Field(..., description="The second part starts on this day; the first ends the day before.")
    version: int | None = None


class SplitOut(Schema):
    first: BookingOut
    second: BookingOut


@router.post(
    "/bookings/{booking_id}/split",
    response={200: SplitOut, **ERRORS},
    tags=["bookings"],
    operation_id="baton_resourcing_api_split_booking",
)
def split_booking(request: HttpRequest, booking_id: int, payload: SplitIn) -> Any:
    actor = actor_of(request)
    booking = selectors.booking_get(actor=actor, booking_id=booking_id)
    first, second = services.booking_split(
        actor=actor, booking=booking, on=payload.date, version=requested_version(request, payload.version)
    )
    return {"first": first, "second": second}


class StaffIn(InputSchema):
    person_id: int
    version: int | None = None


@router.post(
    "/bookings/{booking_id}/staff",
    response={200: BookingOut, **ERRORS},
    tags=["bookings"],
    operation_id="baton_resourcing_api_staff_booking",
)
def staff_booking(request: HttpRequest, booking_id: int, payload: StaffIn) -> Any:
    """Staff a placeholder with a person (accepting a staffing suggestion). 409 when it is staffed already."""
    actor = actor_of(request)
    booking = selectors.booking_get(actor=actor, booking_id=booking_id)
    try:
        return services.booking_staff(
            actor=actor,
            booking=booking,
            person_id=payload.person_id,
            version=requested_version(request, payload.version),
        )
    except Overbooked as exc:
        return overbooked_problem(exc)


# --- Availability -----------------------------------------------------------------------------------------------------


class RangeParams(StrictSchema):
    from_: dt.date | None = Field(None, alias="from", description="First day (default: today).")
    to: dt.date | None = Field(None, description="Last day, included (default: four weeks on).")


class DayOut(Schema):
    date: dt.date
    capacity_minutes: int
    booked_minutes: int
    free_minutes: int
    overbooked: bool
    tentative_minutes: int
    time_off_minutes: int
    working_day: bool
    holiday: str | None


@router.get(
    "/people/{person_id}/availability",
    response={200: list[DayOut], **ERRORS},
    tags=["people"],
    operation_id="baton_resourcing_api_person_availability",
)
def person_availability(request: HttpRequest, person_id: int, params: Query[RangeParams]) -> Any:
    """Per day: capacity, booked, free minutes and whether the person is overbooked (API.md, Capacity)."""
    days = selectors.availability(actor=actor_of(request), person_id=person_id, start=params.from_, end=params.to)
    return [d.as_dict() for d in days]
