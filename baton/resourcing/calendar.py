"""Capacity arithmetic (API.md, Capacity): the one place that says how many minutes a person has and is booked.

- Daily capacity = weekly_capacity_minutes // number of working days, on working days (the capacity period in force
  that day, else the Person's own fields); 0 on other days, on workspace holidays and on full-day approved time off.
  Partial time off subtracts its minutes_per_day (never below 0).
- A booking counts its minutes_per_day on the person's working days in its range, but not on workspace holidays
  (the agency is closed). Time off does not cancel a booking: a person booked while away shows as overbooked.
- A day is overbooked when booked minutes exceed capacity.

`load_calendar` reads everything it needs in one query per data set (capacity periods, custom holidays, approved
time off, bookings); the people are passed in. Nothing here queries per person or per day.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from baton.core.models import Workspace

DEFAULT_DAYS = (1, 2, 3, 4, 5)


def daterange(start: date, end: date) -> Iterator[date]:
    """Every date from start to end, both included."""
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def monday_of(d: date) -> date:
    return d - timedelta(days=d.weekday())


@dataclass
class Schedule:
    """A person's weekly minutes and working days over time: the Person's fields, overridden by dated periods."""

    person_id: int
    weekly: int
    working_days: tuple[int, ...]
    starts: list[date] = field(default_factory=list)
    periods: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)

    @classmethod
    def of(cls, person: Any, periods: Iterable[Any] = ()) -> Schedule:
        schedule = cls(
            person_id=person.id,
            weekly=int(person.weekly_capacity_minutes),
            working_days=tuple(person.working_days or ()),
        )
        for period in sorted(periods, key=lambda p: p.effective_from):
            schedule.starts.append(period.effective_from)
            schedule.periods.append((int(period.weekly_capacity_minutes), tuple(period.working_days or ())))
        return schedule

    def on(self, d: date) -> tuple[int, tuple[int, ...]]:
        """(weekly minutes, working days) in force on `d`."""
        i = bisect.bisect_right(self.starts, d)
        return self.periods[i - 1] if i else (self.weekly, self.working_days)

    def works_on(self, d: date) -> bool:
        return d.isoweekday() in self.on(d)[1]

    def base_minutes(self, d: date) -> int:
        """Daily capacity before holidays and time off."""
        weekly, days = self.on(d)
        if not days or d.isoweekday() not in days:
            return 0
        return weekly // len(days)


PLACEHOLDER_SCHEDULE = Schedule(person_id=0, weekly=2400, working_days=DEFAULT_DAYS)


@dataclass(frozen=True)
class Span:
    """A booking reduced to what the arithmetic needs."""

    id: int
    person_id: int | None
    project_id: int
    start: date
    end: date
    minutes_per_day: int
    tentative: bool


@dataclass(frozen=True)
class Day:
    date: date
    capacity_minutes: int
    booked_minutes: int
    tentative_minutes: int
    time_off_minutes: int
    working: bool
    holiday: str

    @property
    def free_minutes(self) -> int:
        return max(self.capacity_minutes - self.booked_minutes, 0)

    @property
    def overbooked(self) -> bool:
        return self.booked_minutes > self.capacity_minutes

    @property
    def over_minutes(self) -> int:
        return max(self.booked_minutes - self.capacity_minutes, 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "capacity_minutes": self.capacity_minutes,
            "booked_minutes": self.booked_minutes,
            "free_minutes": self.free_minutes,
            "overbooked": self.overbooked,
            "tentative_minutes": self.tentative_minutes,
            "time_off_minutes": self.time_off_minutes,
            "working_day": self.working,
            "holiday": self.holiday or None,
        }


class Calendar:
    """Capacity and bookings of some people over a date range, computed in memory."""

    def __init__(
        self,
        *,
        start: date,
        end: date,
        schedules: dict[int, Schedule],
        holidays: dict[date, str],
        time_off: dict[int, list[tuple[date, date, int | None]]],
        spans: list[Span],
    ) -> None:
        self.start, self.end = start, end
        self.schedules = schedules
        self.holidays = holidays
        self.time_off = time_off
        self.spans = spans
        self._booked: dict[tuple[int, date], int] = defaultdict(int)
        self._tentative: dict[tuple[int, date], int] = defaultdict(int)
        for span in spans:
            if span.person_id is None or span.person_id not in schedules:
                continue
            for d in self.booking_days(span.person_id, max(span.start, start), min(span.end, end)):
                self._booked[(span.person_id, d)] += span.minutes_per_day
                if span.tentative:
                    self._tentative[(span.person_id, d)] += span.minutes_per_day

    def schedule(self, person_id: int | None) -> Schedule:
        if person_id is None:
            return PLACEHOLDER_SCHEDULE
        return self.schedules[person_id]

    def booking_days(self, person_id: int | None, start: date, end: date) -> list[date]:
        """The days in [start, end] on which a booking of this person counts (placeholders: Monday to Friday)."""
        schedule = self.schedule(person_id)
        return [d for d in daterange(start, end) if d not in self.holidays and schedule.works_on(d)]

    def time_off_minutes(self, person_id: int, d: date, base: int) -> int:
        taken = 0
        for start, end, minutes in self.time_off.get(person_id, ()):
            if start <= d <= end:
                taken += base if minutes is None else minutes
        return min(taken, base)

    def capacity(self, person_id: int, d: date) -> int:
        if d in self.holidays:
            return 0
        base = self.schedule(person_id).base_minutes(d)
        if base == 0:
            return 0
        return base - self.time_off_minutes(person_id, d, base)

    def booked(self, person_id: int, d: date) -> int:
        return self._booked.get((person_id, d), 0)

    def day(self, person_id: int, d: date) -> Day:
        schedule = self.schedule(person_id)
        base = 0 if d in self.holidays else schedule.base_minutes(d)
        off = self.time_off_minutes(person_id, d, base) if base else 0
        return Day(
            date=d,
            capacity_minutes=base - off,
            booked_minutes=self._booked.get((person_id, d), 0),
            tentative_minutes=self._tentative.get((person_id, d), 0),
            time_off_minutes=off,
            working=schedule.works_on(d),
            holiday=self.holidays.get(d, ""),
        )

    def days(self, person_id: int, start: date | None = None, end: date | None = None) -> list[Day]:
        return [self.day(person_id, d) for d in daterange(start or self.start, end or self.end)]

    def span_minutes(self, span: Span, start: date | None = None, end: date | None = None) -> int:
        """Minutes a booking counts inside [start, end] (default: the calendar's range)."""
        lo, hi = max(span.start, start or self.start), min(span.end, end or self.end)
        if lo > hi:
            return 0
        return span.minutes_per_day * len(self.booking_days(span.person_id, lo, hi))


# --- Loading -----------------------------------------------------------------------------------------------------


def country_holidays(country: str, subdivision: str, start: date, end: date) -> dict[date, str]:
    """Public holidays of a country (the `holidays` package; no database)."""
    if not country:
        return {}
    import holidays

    found = holidays.country_holidays(country, subdiv=subdivision or None, years=range(start.year, end.year + 1))
    return {d: str(name) for d, name in sorted(found.items()) if start <= d <= end}


def workspace_holidays(workspace: Workspace, start: date, end: date, settings: Any | None = None) -> dict[date, str]:
    """The workspace's closed days in [start, end]: its country's public holidays plus its own (one query)."""
    from baton.resourcing.models import Holiday
    from baton.resourcing.selectors import settings_for

    settings = settings or settings_for(workspace)
    days = country_holidays(settings.holiday_country, settings.holiday_subdivision, start, end)
    for d, name in Holiday.objects.filter(workspace=workspace, date__gte=start, date__lte=end).values_list(
        "date", "name"
    ):
        days[d] = name
    return dict(sorted(days.items()))


def load_calendar(
    workspace: Workspace,
    people: Iterable[Any],
    start: date,
    end: date,
    *,
    settings: Any | None = None,
    bookings: Iterable[Any] | None = None,
    exclude_booking_ids: Iterable[int] = (),
    with_placeholders: bool = False,
    holidays: dict[date, str] | None = None,
) -> Calendar:
    """A Calendar for `people` over [start, end]: one query each for periods, holidays, time off and bookings.

    Pass `bookings` (or `holidays`) to use what the caller already fetched instead of querying again.
    """
    from baton.resourcing.models import Booking, CapacityPeriod, TimeOff, TimeOffStatus

    people = list(people)
    ids = [p.id for p in people]
    periods: dict[int, list[Any]] = defaultdict(list)
    if ids:
        for period in CapacityPeriod.objects.filter(workspace=workspace, person_id__in=ids).only(
            "person_id", "effective_from", "weekly_capacity_minutes", "working_days"
        ):
            periods[period.person_id].append(period)
    schedules = {p.id: Schedule.of(p, periods.get(p.id, ())) for p in people}
    if holidays is None:
        holidays = workspace_holidays(workspace, start, end, settings)
    time_off: dict[int, list[tuple[date, date, int | None]]] = defaultdict(list)
    if ids:
        for person_id, t_start, t_end, minutes in TimeOff.objects.filter(
            workspace=workspace,
            person_id__in=ids,
            status=TimeOffStatus.APPROVED,
            start_date__lte=end,
            end_date__gte=start,
        ).values_list("person_id", "start_date", "end_date", "minutes_per_day"):
            time_off[person_id].append((t_start, t_end, minutes))
    if bookings is None:
        who = Q(person_id__in=ids) | Q(person__isnull=True) if with_placeholders else Q(person_id__in=ids)
        rows = (
            Booking.objects.filter(workspace=workspace, start_date__lte=end, end_date__gte=start)
            .filter(who)
            .exclude(id__in=list(exclude_booking_ids))
            .values_list("id", "person_id", "project_id", "start_date", "end_date", "minutes_per_day", "tentative")
        )
        spans = [Span(*row) for row in rows] if ids or with_placeholders else []
    else:
        excluded = set(exclude_booking_ids)
        spans = [
            Span(b.id, b.person_id, b.project_id, b.start_date, b.end_date, b.minutes_per_day, b.tentative)
            for b in bookings
            if b.id not in excluded
        ]
    return Calendar(start=start, end=end, schedules=schedules, holidays=holidays, time_off=time_off, spans=spans)
