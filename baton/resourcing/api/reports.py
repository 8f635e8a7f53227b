"""The resourcing reports (`/api/v1/reports/utilization`, `/capacity-demand`, `/revenue-forecast`, `/missing-time`)
and staffing (`/staffing/candidates`, `/staffing/suggestions`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from baton.core.api_support import (
    ERRORS,
    actor_of,
    rendered_json,
)
from baton.resourcing import missing_time, reports
from baton.resourcing.api.bookings import RangeParams
from baton.resourcing.selectors import check_range

router = Router(tags=["resourcing"])


# --- Reports ----------------------------------------------------------------------------------------------------------


class UtilizationParams(RangeParams):
    group_by: Literal["person", "role", "week", "month"] = "person"
    person_id: int | None = None
    role: str | None = Field(None, description="Job title contains this.")
    to_date: bool = Field(
        True,
        description=(
            "Measure a period reaching past today to date (the default): capacity, booked, logged and time off up to "
            "and including today, the days after it in planned_capacity_minutes and planned_booked_minutes. "
            "false measures the whole period."
        ),
    )


class UtilizationRow(Schema):
    key: str
    label: str
    person_id: int | None
    people: int = Field(..., description="People counted: only on the days they were active members.")
    capacity_minutes: int = Field(..., description="Capacity up to measured_to (to date by default).")
    booked_minutes: int = Field(..., description="Booked minutes up to measured_to.")
    logged_minutes: int = Field(..., description="Logged minutes up to measured_to.")
    billable_minutes: int = Field(..., description="Billable logged minutes up to measured_to.")
    time_off_minutes: int = Field(..., description="Approved time off up to measured_to.")
    planned_capacity_minutes: int = Field(
        ..., description="Capacity on the period's days after measured_to (the planned rest; 0 with to_date=false)."
    )
    planned_booked_minutes: int = Field(..., description="Booked minutes on the period's days after measured_to.")
    utilization_pct: float = Field(..., description="logged / capacity, %, one decimal.")
    billable_pct: float = Field(..., description="billable / capacity, %, one decimal.")
    booked_pct: float = Field(..., description="booked / capacity, %, one decimal.")
    planned_booked_pct: float = Field(..., description="planned booked / planned capacity, %, one decimal.")
    target_pct: float
    billable_target_pct: float
    to_date: bool = Field(..., description="Whether the period was measured to date (the to_date parameter).")
    measured_to: dt.date | None = Field(
        ...,
        description="The last day measured: today when the period reaches past it (to date), else the period's end; "
        "null when the whole period lies after today.",
    )


UTILIZATION_FIELDS = tuple(UtilizationRow.model_fields)


@router.get(
    "/reports/utilization",
    response={200: list[UtilizationRow], **ERRORS},
    tags=["reports"],
    operation_id="baton_resourcing_api_utilization_report",
)
def utilization_report(request: HttpRequest, params: Query[UtilizationParams]) -> Any:
    """Per person (or role = job title, week, month). Capacity excludes time off, holidays, non-working days and the
    days a person was not an active member. A period reaching past today is measured to date, the rest planned."""
    rows = reports.utilization(
        actor=actor_of(request),
        start=params.from_,
        end=params.to,
        group_by=params.group_by,
        person_id=params.person_id,
        role=params.role,
        to_date=params.to_date,
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


@router.get(
    "/reports/capacity-demand",
    response={200: list[DemandRow], **ERRORS},
    tags=["reports"],
    operation_id="baton_resourcing_api_capacity_demand_report",
)
def capacity_demand_report(request: HttpRequest, params: Query[DemandParams]) -> Any:
    """Per week and skill (or job title), default the next 13 weeks: capacity against booked and pipeline demand."""
    return reports.capacity_demand(actor=actor_of(request), start=params.from_, end=params.to, by=params.by)


class ForecastCurrencyOut(Schema):
    currency: str = Field(..., description="A project currency (ISO 4217).")
    confirmed_amount: Decimal = Field(..., description="In this currency.")
    tentative_amount: Decimal = Field(..., description="In this currency.")
    total_amount: Decimal = Field(..., description="In this currency.")
    exchange_rate: Decimal | None = Field(
        ..., description="1 unit in the base currency, in force today; null for the base currency or when missing."
    )
    converted: bool = Field(..., description="false: no exchange rate, so left out of the month's base amounts.")


class ForecastRow(Schema):
    month: str
    forecast: Literal[True] = Field(
        ..., description="Always true: booked time priced at today's rate cards, not earned revenue (MONEY.md §6)."
    )
    confirmed_minutes: int
    tentative_minutes: int
    unstaffed_minutes: int
    confirmed_amount: Decimal = Field(..., description="Base currency, converted at today's exchange rates.")
    tentative_amount: Decimal = Field(..., description="Base currency, converted at today's exchange rates.")
    total_amount: Decimal = Field(..., description="Base currency, converted at today's exchange rates.")
    currency: str = Field(..., description="The workspace's base currency.")
    exchange_rates_on: dt.date = Field(..., description="The day whose exchange rates converted the amounts (today).")
    by_currency: list[ForecastCurrencyOut] = Field(..., description="The month's amounts in each project currency.")
    missing_exchange_rates: list[str] = Field(..., description="Currencies left out of the base amounts: no rate.")
    warnings: list[str]


@router.get(
    "/reports/revenue-forecast",
    response={200: list[ForecastRow], **ERRORS},
    tags=["reports"],
    operation_id="baton_resourcing_api_revenue_forecast_report",
)
def revenue_forecast_report(request: HttpRequest, params: Query[RangeParams]) -> Any:
    """A forecast per month (default: this month and the next two): booked minutes x the bill rate that would apply
    to that person on that project on that day (rate-card precedence), in the project's currency, converted to the
    base currency at today's exchange rate."""
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


@router.get(
    "/staffing/candidates",
    response={200: list[CandidateOut], **ERRORS},
    tags=["staffing"],
    operation_id="baton_resourcing_api_staffing_candidates",
)
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


@router.get(
    "/staffing/suggestions",
    response={200: PlanOut, **ERRORS},
    tags=["staffing"],
    operation_id="baton_resourcing_api_staffing_suggestions",
)
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


class MissingTimeRow(Schema):
    person_id: int
    name: str
    title: str
    capacity_minutes: int
    logged_minutes: int
    missing_minutes: int = Field(..., description="capacity - logged, never below 0.")
    days_below_threshold: int = Field(..., description="Working days logged below threshold_pct of their capacity.")
    below_threshold: bool


class MissingTimeOut(Schema):
    from_: dt.date = Field(..., alias="from")
    to: dt.date
    measured_to: dt.date | None = Field(..., description="The last day measured: yesterday at most.")
    threshold_pct: int
    rows: list[MissingTimeRow]


@router.get(
    "/reports/missing-time",
    response={200: MissingTimeOut, **ERRORS},
    by_alias=True,
    tags=["reports"],
    operation_id="baton_resourcing_api_missing_time_report",
)
def missing_time_report(request: HttpRequest, params: Query[RangeParams]) -> Any:
    """Who logged less than their capacity (default: last week), per person, measured up to yesterday. Owners,
    admins, project managers and resource managers see everyone; other staff their own row."""
    actor = actor_of(request)
    rows = missing_time.missing_time_report(actor=actor, start=params.from_, end=params.to)
    start, end = (params.from_, params.to) if params.from_ or params.to else missing_time.last_week()
    start, end = check_range(start, end, default_days=6)
    return {**missing_time.report_meta(actor, start, end), "rows": rows}
