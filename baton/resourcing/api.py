"""`/api/v1/bookings`, `/time-off`, `/capacity-periods`, `/holidays`, `/resourcing/settings`, availability, the
resourcing reports and staffing suggestions."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError

from baton.core import access
from baton.core.api_support import (
    ERRORS,
    PROBLEM,
    ListParams,
    Page,
    actor_of,
    paginate,
    rendered_json,
    requested_version,
)
from baton.resourcing import reports, selectors, services
from baton.resourcing.services import Overbooked

router = Router(tags=["resourcing"])

TimeOffKindName = Literal["vacation", "sick", "personal", "public_holiday", "other"]
TimeOffStatusName = Literal["requested", "approved", "rejected"]


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


class BookingIn(Schema):
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


class BookingPatch(Schema):
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


@router.get("/bookings", response={200: Page[BookingOut], **ERRORS}, tags=["bookings"])
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


@router.post("/bookings", response={201: BookingOut, **ERRORS}, tags=["bookings"])
def create_booking(request: HttpRequest, payload: BookingIn) -> Any:
    try:
        return Status(201, services.booking_create(actor=actor_of(request), **payload.model_dump()))
    except Overbooked as exc:
        return overbooked_problem(exc)


@router.get("/bookings/{booking_id}", response={200: BookingOut, **ERRORS}, tags=["bookings"])
def get_booking(request: HttpRequest, booking_id: int) -> Any:
    return selectors.booking_get(actor=actor_of(request), booking_id=booking_id)


@router.patch("/bookings/{booking_id}", response={200: BookingOut, **ERRORS}, tags=["bookings"])
def update_booking(request: HttpRequest, booking_id: int, payload: BookingPatch) -> Any:
    actor = actor_of(request)
    booking = selectors.booking_get(actor=actor, booking_id=booking_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    try:
        return services.booking_update(actor=actor, booking=booking, version=version, **changes)
    except Overbooked as exc:
        return overbooked_problem(exc)


@router.delete("/bookings/{booking_id}", response={204: None, **ERRORS}, tags=["bookings"])
def delete_booking(request: HttpRequest, booking_id: int) -> Any:
    actor = actor_of(request)
    services.booking_delete(actor=actor, booking=selectors.booking_get(actor=actor, booking_id=booking_id))
    return Status(204, None)


class MoveIn(Schema):
    start_date: dt.date
    person_id: int | None = Field(None, description="Move onto this person too (optional).")
    version: int | None = None


@router.post("/bookings/{booking_id}/move", response={200: BookingOut, **ERRORS}, tags=["bookings"])
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


class ResizeIn(Schema):
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    version: int | None = None


@router.post("/bookings/{booking_id}/resize", response={200: BookingOut, **ERRORS}, tags=["bookings"])
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


class SplitIn(Schema):
    date: dt.date = Field(..., description="The second part starts on this day; the first ends the day before.")
    version: int | None = None


class SplitOut(Schema):
    first: BookingOut
    second: BookingOut


@router.post("/bookings/{booking_id}/split", response={200: SplitOut, **ERRORS}, tags=["bookings"])
def split_booking(request: HttpRequest, booking_id: int, payload: SplitIn) -> Any:
    actor = actor_of(request)
    booking = selectors.booking_get(actor=actor, booking_id=booking_id)
    first, second = services.booking_split(
        actor=actor, booking=booking, on=payload.date, version=requested_version(request, payload.version)
    )
    return {"first": first, "second": second}


class StaffIn(Schema):
    person_id: int
    version: int | None = None


@router.post("/bookings/{booking_id}/staff", response={200: BookingOut, **ERRORS}, tags=["bookings"])
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


class RangeParams(Schema):
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


@router.get("/people/{person_id}/availability", response={200: list[DayOut], **ERRORS}, tags=["people"])
def person_availability(request: HttpRequest, person_id: int, params: Query[RangeParams]) -> Any:
    """Per day: capacity, booked, free minutes and whether the person is overbooked (API.md, Capacity)."""
    days = selectors.availability(actor=actor_of(request), person_id=person_id, start=params.from_, end=params.to)
    return [d.as_dict() for d in days]


# --- Time off --------------------------------------------------------------------------------------------------------


class TimeOffIn(Schema):
    person_id: int | None = Field(None, description="Default: yourself.")
    start_date: dt.date
    end_date: dt.date
    minutes_per_day: int | None = Field(None, ge=1, le=1440, description="Default: the whole working day.")
    kind: TimeOffKindName = "vacation"
    note: str = Field("", max_length=500)
    status: Literal["requested", "approved"] | None = Field(
        None, description="Default: approved when an approver enters it, else requested."
    )


class TimeOffPatch(Schema):
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


@router.get("/time-off", response={200: Page[TimeOffOut], **ERRORS}, tags=["time off"])
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


@router.post("/time-off", response={201: TimeOffOut, **ERRORS}, tags=["time off"])
def create_time_off(request: HttpRequest, payload: TimeOffIn) -> Any:
    return Status(201, services.time_off_request(actor=actor_of(request), **payload.model_dump()))


class TimeOffImportIn(Schema):
    person_id: int | None = Field(None, description="Default: yourself.")
    ics: str = Field(..., min_length=1, description="The text of an iCalendar (.ics) file.")
    kind: TimeOffKindName = Field("vacation", description="For events whose title does not say.")
    status: Literal["requested", "approved"] | None = None


class TimeOffImportOut(Schema):
    created: list[TimeOffOut]
    skipped: int


@router.post("/time-off/import", response={201: TimeOffImportOut, **ERRORS}, tags=["time off"])
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


@router.get("/time-off/{time_off_id}", response={200: TimeOffOut, **ERRORS}, tags=["time off"])
def get_time_off(request: HttpRequest, time_off_id: int) -> Any:
    return selectors.time_off_get(actor=actor_of(request), time_off_id=time_off_id)


@router.patch("/time-off/{time_off_id}", response={200: TimeOffOut, **ERRORS}, tags=["time off"])
def update_time_off(request: HttpRequest, time_off_id: int, payload: TimeOffPatch) -> Any:
    actor = actor_of(request)
    found = selectors.time_off_get(actor=actor, time_off_id=time_off_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.time_off_update(actor=actor, time_off=found, version=version, **changes)


@router.delete("/time-off/{time_off_id}", response={204: None, **ERRORS}, tags=["time off"])
def delete_time_off(request: HttpRequest, time_off_id: int) -> Any:
    actor = actor_of(request)
    services.time_off_delete(actor=actor, time_off=selectors.time_off_get(actor=actor, time_off_id=time_off_id))
    return Status(204, None)


class DecisionIn(Schema):
    reason: str = Field("", max_length=500)
    version: int | None = None


def _optional_body(request: HttpRequest) -> DecisionIn:
    """Approve/reject take an optional JSON body ({"reason", "version"}); no body at all is fine."""
    if request.content_type != "application/json" or not request.body.strip():
        return DecisionIn(reason="", version=None)
    try:
        return DecisionIn.model_validate(json.loads(request.body))
    except (ValueError, PydanticValidationError) as exc:
        errors = exc.errors() if isinstance(exc, PydanticValidationError) else [{"loc": ["body"], "msg": str(exc)}]
        raise NinjaValidationError([dict(e) for e in errors]) from exc


@router.post(
    "/time-off/{time_off_id}/approve",
    response={200: TimeOffOut, **ERRORS},
    tags=["time off"],
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": DecisionIn.model_json_schema()}}}},
)
def approve_time_off(request: HttpRequest, time_off_id: int) -> Any:
    """Approve (optional body: {"version"}); from now on it reduces the person's capacity."""
    actor = actor_of(request)
    found = selectors.time_off_get(actor=actor, time_off_id=time_off_id)
    payload = _optional_body(request)
    return services.time_off_approve(actor=actor, time_off=found, version=requested_version(request, payload.version))


@router.post(
    "/time-off/{time_off_id}/reject",
    response={200: TimeOffOut, **ERRORS},
    tags=["time off"],
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": DecisionIn.model_json_schema()}}}},
)
def reject_time_off(request: HttpRequest, time_off_id: int) -> Any:
    """Reject (optional body: {"reason", "version"})."""
    actor = actor_of(request)
    found = selectors.time_off_get(actor=actor, time_off_id=time_off_id)
    payload = _optional_body(request)
    return services.time_off_reject(
        actor=actor, time_off=found, reason=payload.reason, version=requested_version(request, payload.version)
    )


# --- Capacity history, holidays, settings -----------------------------------------------------------------------------


class CapacityPeriodIn(Schema):
    person_id: int
    effective_from: dt.date
    weekly_capacity_minutes: int = Field(..., ge=0, le=10080)
    working_days: list[int] | None = Field(None, description="ISO weekdays; default: the person's current ones.")
    note: str = Field("", max_length=300)


class CapacityPeriodOut(Schema):
    id: int
    person_id: int
    effective_from: dt.date
    weekly_capacity_minutes: int
    working_days: list[int]
    daily_capacity_minutes: int
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_daily_capacity_minutes(obj: Any) -> int:
        days = len(obj.working_days or [])
        return int(obj.weekly_capacity_minutes // days) if days else 0


class CapacityFilters(ListParams):
    person_id: int | None = None


@router.get("/capacity-periods", response={200: Page[CapacityPeriodOut], **ERRORS}, tags=["capacity"])
def list_capacity_periods(request: HttpRequest, filters: Query[CapacityFilters]) -> Any:
    actor = actor_of(request)
    selectors.require_staff_view(actor, "capacity")
    return paginate(selectors.capacity_period_list(actor=actor, person_id=filters.person_id), filters)


@router.post("/capacity-periods", response={201: CapacityPeriodOut, **ERRORS}, tags=["capacity"])
def create_capacity_period(request: HttpRequest, payload: CapacityPeriodIn) -> Any:
    """A person's weekly capacity and working days from a date on (history; the person's fields follow today's)."""
    return Status(201, services.capacity_change(actor=actor_of(request), **payload.model_dump()))


@router.delete("/capacity-periods/{period_id}", response={204: None, **ERRORS}, tags=["capacity"])
def delete_capacity_period(request: HttpRequest, period_id: int) -> Any:
    actor = actor_of(request)
    services.capacity_period_delete(actor=actor, period=selectors.capacity_period_get(actor=actor, period_id=period_id))
    return Status(204, None)


class HolidayIn(Schema):
    date: dt.date
    name: str = Field(..., min_length=1, max_length=200)


class HolidayOut(Schema):
    id: int | None = Field(None, description="Only workspace holidays have an id (public ones come from the country).")
    date: dt.date
    name: str
    source: Literal["country", "custom"]


class HolidayFilters(ListParams):
    from_: dt.date | None = Field(None, alias="from", description="Default: 1 January this year.")
    to: dt.date | None = Field(None, description="Default: 31 December next year.")


@router.get("/holidays", response={200: Page[HolidayOut], **ERRORS}, tags=["holidays"])
def list_holidays(request: HttpRequest, filters: Query[HolidayFilters]) -> Any:
    """The workspace's closed days: its country's public holidays and its own."""
    actor = actor_of(request)
    selectors.require_staff_view(actor, "holiday")
    now = selectors.today()
    start = filters.from_ or dt.date(now.year, 1, 1)
    end = filters.to or dt.date(now.year + 1, 12, 31)
    start, end = selectors.check_range(start, end)
    rows = selectors.holiday_list(actor=actor, start=start, end=end)
    return {"count": len(rows), "results": rows[filters.offset : filters.offset + filters.limit]}


@router.post("/holidays", response={201: HolidayOut, **ERRORS}, tags=["holidays"])
def create_holiday(request: HttpRequest, payload: HolidayIn) -> Any:
    holiday = services.holiday_create(actor=actor_of(request), date=payload.date, name=payload.name)
    return Status(201, {"id": holiday.id, "date": holiday.date, "name": holiday.name, "source": "custom"})


@router.delete("/holidays/{holiday_id}", response={204: None, **ERRORS}, tags=["holidays"])
def delete_holiday(request: HttpRequest, holiday_id: int) -> Any:
    actor = actor_of(request)
    services.holiday_delete(actor=actor, holiday=selectors.custom_holiday_get(actor=actor, holiday_id=holiday_id))
    return Status(204, None)


class SettingsOut(Schema):
    holiday_country: str
    holiday_subdivision: str
    overbooking_mode: Literal["warn", "refuse"]
    utilization_target_pct: int
    billable_target_pct: int
    role_targets: dict[str, int]
    version: int


class SettingsPatch(Schema):
    holiday_country: str | None = Field(None, max_length=2, description="ISO 3166, e.g. US; empty for none.")
    holiday_subdivision: str | None = Field(None, max_length=10)
    overbooking_mode: Literal["warn", "refuse"] | None = None
    utilization_target_pct: int | None = Field(None, ge=0, le=100)
    billable_target_pct: int | None = Field(None, ge=0, le=100)
    role_targets: dict[str, int] | None = None
    version: int | None = None


@router.get("/resourcing/settings", response={200: SettingsOut, **ERRORS}, tags=["resourcing"])
def get_settings(request: HttpRequest) -> Any:
    actor = actor_of(request)
    selectors.require_staff_view(actor, "resourcing_settings")
    return selectors.settings_for(actor.workspace)


@router.patch("/resourcing/settings", response={200: SettingsOut, **ERRORS}, tags=["resourcing"])
def update_settings(request: HttpRequest, payload: SettingsPatch) -> Any:
    """Holiday country, overbooking mode (warn | refuse) and utilization targets. Send If-Match: <version>."""
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.settings_update(actor=actor_of(request), version=version, **changes)


# --- Reports ----------------------------------------------------------------------------------------------------------


class UtilizationParams(RangeParams):
    group_by: Literal["person", "role", "week", "month"] = "person"
    person_id: int | None = None
    role: str | None = Field(None, description="Job title contains this.")


class UtilizationRow(Schema):
    key: str
    label: str
    person_id: int | None
    people: int
    capacity_minutes: int
    booked_minutes: int
    logged_minutes: int
    billable_minutes: int
    time_off_minutes: int
    utilization_pct: float = Field(..., description="logged / capacity, %, one decimal.")
    billable_pct: float = Field(..., description="billable / capacity, %, one decimal.")
    booked_pct: float
    target_pct: float
    billable_target_pct: float


UTILIZATION_FIELDS = tuple(UtilizationRow.model_fields)


@router.get("/reports/utilization", response={200: list[UtilizationRow], **ERRORS}, tags=["reports"])
def utilization_report(request: HttpRequest, params: Query[UtilizationParams]) -> Any:
    """Per person (or role = job title, week, month). Capacity excludes time off, holidays and non-working days."""
    rows = reports.utilization(
        actor=actor_of(request),
        start=params.from_,
        end=params.to,
        group_by=params.group_by,
        person_id=params.person_id,
        role=params.role,
    )
    # The rows are already in the schema's JSON types (str keys, int minutes, float percentages): rendered as they
    # are, in the schema's field order, instead of validated again one by one (a 200-person team's rows cost more
    # through the schema than the report's arithmetic). test_calendar_bulk.py checks it equals the schema's output.
    return rendered_json([{name: row[name] for name in UTILIZATION_FIELDS} for row in rows])


class DemandParams(RangeParams):
    by: Literal["skill", "role"] = "skill"


class DemandRow(Schema):
    week_start: dt.date
    key: str
    capacity_minutes: int
    confirmed_minutes: int
    tentative_minutes: int
    unstaffed_minutes: int
    pipeline_minutes: int
    demand_minutes: int
    gap_minutes: int = Field(..., description="capacity - demand; negative means short.")


@router.get("/reports/capacity-demand", response={200: list[DemandRow], **ERRORS}, tags=["reports"])
def capacity_demand_report(request: HttpRequest, params: Query[DemandParams]) -> Any:
    """Per week and skill (or job title), default the next 13 weeks: capacity against booked and pipeline demand."""
    return reports.capacity_demand(actor=actor_of(request), start=params.from_, end=params.to, by=params.by)


class ForecastRow(Schema):
    month: str
    confirmed_minutes: int
    tentative_minutes: int
    unstaffed_minutes: int
    confirmed_amount: Decimal
    tentative_amount: Decimal
    total_amount: Decimal
    currency: str


@router.get("/reports/revenue-forecast", response={200: list[ForecastRow], **ERRORS}, tags=["reports"])
def revenue_forecast_report(request: HttpRequest, params: Query[RangeParams]) -> Any:
    """Per month (default: this month and the next two): booked minutes x bill rates."""
    return reports.revenue_forecast(actor=actor_of(request), start=params.from_, end=params.to)


# --- Staffing --------------------------------------------------------------------------------------------------------


class CandidateParams(RangeParams):
    skill: str = ""
    minutes: int | None = Field(None, ge=1, le=10_000_000, description="Minutes needed in all.")
    minutes_per_day: int | None = Field(None, ge=1, le=1440, description="Minutes needed each working day.")
    include_unskilled: bool = False


class CandidateOut(Schema):
    rank: int
    person_id: int
    name: str
    title: str
    skills: list[str]
    skill_match: Literal["exact", "partial", "none"]
    capacity_minutes: int
    free_minutes: int
    needed_minutes: int
    covers: bool
    short_days: int
    working_days: int
    cost_rate: Decimal | None
    bill_rate: Decimal | None
    explanation: str


@router.get("/staffing/candidates", response={200: list[CandidateOut], **ERRORS}, tags=["staffing"])
def staffing_candidates(request: HttpRequest, params: Query[CandidateParams]) -> Any:
    """Find someone: people ranked by whether their free capacity covers the need, skill match, free time, cost."""
    return reports.find_candidates(
        actor=actor_of(request),
        skill=params.skill,
        start=params.from_,
        end=params.to,
        minutes=params.minutes,
        minutes_per_day=params.minutes_per_day,
        include_unskilled=params.include_unskilled,
    )


class SuggestionParams(RangeParams):
    project_id: int | None = None
    allow_overbooking: bool | None = Field(None, description="Default: unless the workspace refuses overbooking.")


class SuggestionOut(Schema):
    booking_id: int
    project_id: int
    person_id: int
    person_name: str
    new_over_minutes: int
    overbooked_days: list[dt.date]
    cost: Decimal
    explanation: str


class UnassignableOut(Schema):
    booking_id: int
    reason: str


class PlanOut(Schema):
    status: Literal["optimal", "feasible", "infeasible", "nothing_to_staff", "unknown"]
    message: str
    suggestions: list[SuggestionOut]
    unassignable: list[UnassignableOut]
    new_over_minutes: int
    cost: Decimal


@router.get("/staffing/suggestions", response={200: PlanOut, **ERRORS}, tags=["staffing"])
def staffing_suggestions(request: HttpRequest, params: Query[SuggestionParams]) -> Any:
    """Who should take each unstaffed placeholder (OR-Tools CP-SAT: least overbooking, then least cost), with the
    reason for each; accept one with `POST /bookings/{id}/staff`."""
    plan = reports.staffing_plan(
        actor=actor_of(request),
        project_id=params.project_id,
        start=params.from_,
        end=params.to,
        allow_overbooking=params.allow_overbooking,
    )
    return {
        "status": plan.status,
        "message": plan.message,
        "suggestions": [
            {
                "booking_id": s.booking.id,
                "project_id": s.booking.project_id,
                "person_id": s.person.id,
                "person_name": s.person.name,
                "new_over_minutes": s.new_over_minutes,
                "overbooked_days": s.over_days,
                "cost": s.cost,
                "explanation": s.explanation,
            }
            for s in plan.suggestions
        ],
        "unassignable": [{"booking_id": u.booking.id, "reason": u.reason} for u in plan.unassignable],
        "new_over_minutes": plan.new_over_minutes,
        "cost": plan.cost,
    }


# --- Calendar feeds ---------------------------------------------------------------------------------------------------


class FeedOut(Schema):
    person_id: int
    url: str = Field(..., description="Private: anyone with this URL can read the calendar. Reset to revoke.")


def feed_url(request: HttpRequest, person: Any) -> str:
    return request.build_absolute_uri(selectors.calendar_feed_path(person))


@router.get("/people/{person_id}/calendar-feed", response={200: FeedOut, **ERRORS}, tags=["people"])
def get_calendar_feed(request: HttpRequest, person_id: int) -> Any:
    """The person's private iCalendar URL (bookings, time off, task due dates): one's own, or anyone's for leaders."""
    actor = actor_of(request)
    person = selectors.bookable_person(actor=actor, person_id=person_id)
    access.require(actor, "calendar_feed", "view", person)
    return {"person_id": person.id, "url": feed_url(request, person)}


@router.post("/people/{person_id}/calendar-feed/reset", response={200: FeedOut, **ERRORS}, tags=["people"])
def reset_calendar_feed(request: HttpRequest, person_id: int) -> Any:
    """A new private URL; the old one stops working."""
    actor = actor_of(request)
    person = selectors.bookable_person(actor=actor, person_id=person_id)
    services.calendar_feed_reset(actor=actor, person=person)
    return {"person_id": person.id, "url": feed_url(request, person)}
