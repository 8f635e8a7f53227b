"""`/api/v1/capacity-periods`, `/holidays` and `/resourcing/settings`."""

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
    paginate,
    requested_version,
)
from baton.core.schemas import InputSchema
from baton.people.capacity import split_week
from baton.resourcing import selectors, services

router = Router(tags=["resourcing"])


# --- Capacity history, holidays, settings -----------------------------------------------------------------------------


class CapacityPeriodIn(InputSchema):
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
    daily_capacity_minutes: int = Field(
        ..., description="A working day's whole share; the first weekly % days working days get one minute more."
    )
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_daily_capacity_minutes(obj: Any) -> int:
        # a working day's whole share; the week's split gives the first `weekly % days` days one minute more
        split = split_week(obj.weekly_capacity_minutes, obj.working_days or [])
        return min(split.values()) if split else 0


class CapacityFilters(ListParams):
    person_id: int | None = None


@router.get(
    "/capacity-periods",
    response={200: Page[CapacityPeriodOut], **ERRORS},
    tags=["capacity"],
    operation_id="baton_resourcing_api_list_capacity_periods",
)
def list_capacity_periods(request: HttpRequest, filters: Query[CapacityFilters]) -> Any:
    actor = actor_of(request)
    selectors.require_staff_view(actor, "capacity")
    return paginate(selectors.capacity_period_list(actor=actor, person_id=filters.person_id), filters)


@router.post(
    "/capacity-periods",
    response={201: CapacityPeriodOut, **ERRORS},
    tags=["capacity"],
    operation_id="baton_resourcing_api_create_capacity_period",
)
def create_capacity_period(request: HttpRequest, payload: CapacityPeriodIn) -> Any:
    """A person's weekly capacity and working days from a date on (history; the person's fields follow today's)."""
    return Status(201, services.capacity_change(actor=actor_of(request), **payload.model_dump()))


@router.delete(
    "/capacity-periods/{period_id}",
    response={204: None, **ERRORS},
    tags=["capacity"],
    operation_id="baton_resourcing_api_delete_capacity_period",
)
def delete_capacity_period(request: HttpRequest, period_id: int) -> Any:
    actor = actor_of(request)
    services.capacity_period_delete(actor=actor, period=selectors.capacity_period_get(actor=actor, period_id=period_id))
    return Status(204, None)


class HolidayIn(InputSchema):
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


@router.get(
    "/holidays",
    response={200: Page[HolidayOut], **ERRORS},
    tags=["holidays"],
    operation_id="baton_resourcing_api_list_holidays",
)
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


@router.post(
    "/holidays",
    response={201: HolidayOut, **ERRORS},
    tags=["holidays"],
    operation_id="baton_resourcing_api_create_holiday",
)
def create_holiday(request: HttpRequest, payload: HolidayIn) -> Any:
    holiday = services.holiday_create(actor=actor_of(request), date=payload.date, name=payload.name)
    return Status(201, {"id": holiday.id, "date": holiday.date, "name": holiday.name, "source": "custom"})


@router.delete(
    "/holidays/{holiday_id}",
    response={204: None, **ERRORS},
    tags=["holidays"],
    operation_id="baton_resourcing_api_delete_holiday",
)
def delete_holiday(request: HttpRequest, holiday_id: int) -> Any:
    actor = actor_of(request)
    services.holiday_delete(actor=actor, holiday=selectors.custom_holiday_get(actor=actor, holiday_id=holiday_id))
    return Status(204, None)


class ResourcingSettingsOut(Schema):
    holiday_country: str
    holiday_subdivision: str
    overbooking_mode: Literal["warn", "refuse"]
    utilization_target_pct: int
    billable_target_pct: int
    role_targets: dict[str, int]
    missing_time_reminders: bool
    missing_time_threshold_pct: int
    version: int


class ResourcingSettingsPatch(InputSchema):
    holiday_country: str | None = Field(None, max_length=2, description="ISO 3166, e.g. US; empty for none.")
    holiday_subdivision: str | None = Field(None, max_length=10)
    overbooking_mode: Literal["warn", "refuse"] | None = None
    utilization_target_pct: int | None = Field(None, ge=0, le=100)
    billable_target_pct: int | None = Field(None, ge=0, le=100)
    role_targets: dict[str, int] | None = None
    missing_time_reminders: bool | None = Field(
        None, description="Remind people who logged below the threshold of their capacity, the next working morning."
    )
    missing_time_threshold_pct: int | None = Field(None, ge=1, le=100)
    version: int | None = None


@router.get(
    "/resourcing/settings",
    response={200: ResourcingSettingsOut, **ERRORS},
    tags=["resourcing"],
    operation_id="baton_resourcing_api_get_settings",
)
def get_settings(request: HttpRequest) -> Any:
    actor = actor_of(request)
    selectors.require_staff_view(actor, "resourcing_settings")
    return selectors.settings_for(actor.workspace)


@router.patch(
    "/resourcing/settings",
    response={200: ResourcingSettingsOut, **ERRORS},
    tags=["resourcing"],
    operation_id="baton_resourcing_api_update_settings",
)
def update_settings(request: HttpRequest, payload: ResourcingSettingsPatch) -> Any:
    """Holiday country, overbooking mode (warn | refuse) and utilization targets. Send If-Match: <version>."""
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.settings_update(actor=actor_of(request), version=version, **changes)
