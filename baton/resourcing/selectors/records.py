"""Reads of resourcing's records through the acting membership: bookings, time off, capacity history, holidays and a
person's availability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from baton.core import access
from baton.core.access import Actor
from baton.core.selectors import one_or_404
from baton.resourcing.calendar import (
    Day,
    country_holidays,
    load_calendar,
    settings_for,
)
from baton.resourcing.models import (
    Booking,
    CapacityPeriod,
    Holiday,
    TimeOff,
)
from baton.resourcing.selectors.staff import _deny_client, bookable_person, check_range
from baton.timesheets.selectors import minutes_by_day

# --- Bookings ------------------------------------------------------------------------------------------------------


def booking_list(
    *,
    actor: Actor,
    person_id: int | None = None,
    project_id: int | None = None,
    client_id: int | None = None,
    tentative: bool | None = None,
    placeholder: bool | None = None,
    skill: str | None = None,
    role: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[Booking]:
    """Bookings of the workspace; `start`/`end` keep those overlapping the range."""
    access.require(actor, "booking", "view")
    qs = Booking.objects.filter(workspace=actor.workspace).select_related("person", "project", "project__client")
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if client_id is not None:
        qs = qs.filter(project__client_id=client_id)
    if tentative is not None:
        qs = qs.filter(tentative=tentative)
    if placeholder is not None:
        qs = qs.filter(person__isnull=placeholder)
    if skill:
        qs = qs.filter(skill__iexact=skill.strip())
    if role:
        qs = qs.filter(role__iexact=role.strip())
    if start is not None:
        qs = qs.filter(end_date__gte=start)
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    return qs.order_by("start_date", "id")


def booking_get(*, actor: Actor, booking_id: int) -> Booking:
    if actor.is_client:
        raise Http404("No such booking.")
    return one_or_404(booking_list(actor=actor).filter(pk=booking_id), "booking")


# --- Time off ------------------------------------------------------------------------------------------------------


def sees_all_time_off(actor: Actor) -> bool:
    return actor.role in access.TIME_OFF_APPROVERS or access.manages_resources(actor)


def time_off_list(
    *,
    actor: Actor,
    person_id: int | None = None,
    status: str | None = None,
    kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[TimeOff]:
    """Time off the actor may see: owner/admin/PM everyone's, anyone else its own."""
    access.require(actor, "time_off", "view")
    qs = TimeOff.objects.filter(workspace=actor.workspace).select_related("person", "approver")
    if not sees_all_time_off(actor):
        qs = qs.filter(person_id=actor.person_id or 0)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if start is not None:
        qs = qs.filter(end_date__gte=start)
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    return qs.order_by("start_date", "id")


def time_off_get(*, actor: Actor, time_off_id: int) -> TimeOff:
    if actor.is_client:
        raise Http404("No such time off.")
    return one_or_404(time_off_list(actor=actor).filter(pk=time_off_id), "time off")


# --- Capacity history, holidays --------------------------------------------------------------------------------------


def capacity_period_list(*, actor: Actor, person_id: int | None = None) -> QuerySet[CapacityPeriod]:
    access.require(actor, "capacity", "view")
    qs = CapacityPeriod.objects.filter(workspace=actor.workspace).select_related("person")
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    return qs.order_by("person__name", "person_id", "effective_from")


def capacity_period_get(*, actor: Actor, period_id: int) -> CapacityPeriod:
    if actor.is_client:
        raise Http404("No such capacity change.")
    return one_or_404(capacity_period_list(actor=actor).filter(pk=period_id), "capacity change")


@dataclass(frozen=True)
class HolidayRow:
    date: date
    name: str
    source: str  # country | custom
    id: int | None = None


def holiday_list(*, actor: Actor, start: date, end: date) -> list[HolidayRow]:
    """The workspace's closed days in the range: its country's public holidays and its own."""
    access.require(actor, "holiday", "view")
    settings = settings_for(actor.workspace)

    rows = {
        d: HolidayRow(d, name, "country")
        for d, name in country_holidays(settings.holiday_country, settings.holiday_subdivision, start, end).items()
    }
    for h in Holiday.objects.filter(workspace=actor.workspace, date__gte=start, date__lte=end):
        rows[h.date] = HolidayRow(h.date, h.name, "custom", h.id)
    return [rows[d] for d in sorted(rows)]


def custom_holiday_get(*, actor: Actor, holiday_id: int) -> Holiday:
    if actor.is_client:
        raise Http404("No such holiday.")
    access.require(actor, "holiday", "view")
    return one_or_404(Holiday.objects.filter(workspace=actor.workspace, pk=holiday_id), "holiday")


# --- Availability ----------------------------------------------------------------------------------------------------


def availability(*, actor: Actor, person_id: int, start: date | None, end: date | None) -> list[Day]:
    """Per day: capacity, booked, free minutes and whether the person is overbooked."""
    _deny_client(actor, "booking")
    person = bookable_person(actor=actor, person_id=person_id)
    start, end = check_range(start, end)
    calendar = load_calendar(actor.workspace, [person], start, end)
    return calendar.days(person.id)


def time_gaps(*, actor: Actor, person_id: int, start: date, end: date, today: date) -> list[dict[str, Any]]:
    """A person's days over [start, end]: capacity (its working hours less time off and holidays, as `availability`
    counts them), minutes logged, and the minutes missing on the days up to `today` (0 for the days still to come)."""
    days = availability(actor=actor, person_id=person_id, start=start, end=end)
    logged = minutes_by_day(actor=actor, person_id=person_id, start=start, end=end)
    out = []
    for d in days:
        minutes = logged.get(d.date, 0)
        out.append(
            {
                "date": d.date,
                "capacity_minutes": d.capacity_minutes,
                "logged_minutes": minutes,
                "missing_minutes": max(d.capacity_minutes - minutes, 0) if d.date <= today else 0,
            }
        )
    return out
