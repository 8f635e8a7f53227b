"""The next two weeks of the team, for the resource manager's and operations' homes: who is overbooked, who is free,
what time off and new work is coming, which bookings still wait for a person."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from baton.core import access
from baton.core.access import Actor
from baton.people.models import Person
from baton.resourcing.calendar import load_calendar, settings_for
from baton.resourcing.models import Booking, TimeOff, TimeOffStatus
from baton.resourcing.selectors.staff import schedule_people, today

DAYS = 14  # the window: today and the 13 days after it
AHEAD = 28  # time off and new bookings starting within four weeks
FREE_FROM_PCT = 50  # free: booked for less than half of one's capacity in the window


def fortnight(actor: Actor, *, day: date | None = None, people: list[Person] | None = None) -> dict[str, Any]:
    """Each bookable person's capacity and booked minutes from today over the next two weeks (time off, holidays and
    working days counted by the calendar), the overbooked (over minutes, most first) and the free (free minutes,
    most first). Five queries: the people, and the calendar's periods, holidays, time off and bookings."""
    if actor.is_client or not access.allowed(actor, "booking", "view"):
        return {}
    start = day or today()
    end = start + timedelta(days=DAYS - 1)
    people = schedule_people(actor=actor) if people is None else people
    calendar = load_calendar(actor.workspace, people, start, end, settings=settings_for(actor.workspace))
    rows: list[dict[str, Any]] = []
    for person in people:
        totals = calendar.totals_by(person.id, [(start, end)])[0]
        booked_pct = round(100 * totals.booked_minutes / totals.capacity_minutes) if totals.capacity_minutes else None
        rows.append(
            {
                "person": person,
                "capacity_minutes": totals.capacity_minutes,
                "booked_minutes": totals.booked_minutes,
                "free_minutes": max(totals.capacity_minutes - totals.booked_minutes, 0),
                "booked_pct": booked_pct,
                "overbooked_days": totals.overbooked_days,
                "over_minutes": totals.over_minutes,
            }
        )
    over = sorted((r for r in rows if r["overbooked_days"]), key=lambda r: (-r["over_minutes"], r["person"].name))
    free = sorted(
        (r for r in rows if r["capacity_minutes"] and (r["booked_pct"] or 0) < FREE_FROM_PCT),
        key=lambda r: (-r["free_minutes"], r["person"].name),
    )
    return {
        "start": start,
        "end": end,
        "capacity_minutes": sum(r["capacity_minutes"] for r in rows),
        "booked_minutes": sum(r["booked_minutes"] for r in rows),
        "overbooked": over,
        "free": free,
    }


def coming(actor: Actor, *, day: date | None = None) -> dict[str, Any]:
    """What is coming in the next four weeks: time off (approved or requested) and bookings that start (new
    demand, tentative ones marked), and every placeholder booking not yet staffed that has not ended. Three
    queries."""
    if actor.is_client or not access.allowed(actor, "booking", "view"):
        return {}
    start = day or today()
    end = start + timedelta(days=AHEAD - 1)
    time_off = list(
        TimeOff.objects.filter(
            workspace=actor.workspace,
            status__in=[TimeOffStatus.APPROVED, TimeOffStatus.REQUESTED],
            start_date__lte=end,
            end_date__gte=start,
        )
        .select_related("person")
        .order_by("start_date", "id")
    )
    bookings = Booking.objects.filter(workspace=actor.workspace).select_related("project", "project__client", "person")
    starting = list(
        bookings.filter(person__isnull=False, start_date__gte=start, start_date__lte=end).order_by("start_date", "id")
    )
    placeholders = list(bookings.filter(person__isnull=True, end_date__gte=start).order_by("start_date", "id"))
    return {
        "start": start,
        "end": end,
        "time_off": time_off,
        "starting": starting,
        "placeholders": placeholders,
    }
