"""Capacity arithmetic (API.md, Capacity): the one place that says how many minutes a person has and is booked.

- Daily capacity = weekly_capacity_minutes split over the working days by largest remainder (`split_week`: a full
  week sums to the weekly minutes exactly), on working days (the capacity period in force that day, else the Person's
  own fields); 0 on other days, on workspace holidays and on full-day approved time off. Partial time off subtracts
  its minutes_per_day (never below 0).
- A booking counts its minutes_per_day on the person's working days in its range, but not on workspace holidays
  (the agency is closed). Time off does not cancel a booking: a person booked while away shows as overbooked.
- A day is overbooked when booked minutes exceed capacity.

`load_calendar` reads everything it needs in one query per data set (capacity periods, custom holidays, approved
time off, bookings); the people are passed in. Nothing here queries per person or per day.
"""

from __future__ import annotations

import bisect
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import Any, NamedTuple

import holidays
from django.db.models import Q
from django.utils import timezone

from baton.core.models import Event, Workspace
from baton.people.capacity import split_week
from baton.people.models import Person
from baton.resourcing.models import Booking, CapacityPeriod, Holiday, ResourcingSettings, TimeOff, TimeOffStatus

DEFAULT_DAYS = (1, 2, 3, 4, 5)
FEW_RANGES = 3  # up to this, minutes_by sums a person's days directly
MANY_PEOPLE = 20  # above this, load_calendar reads the workspace's rows instead of binding every person's id


def settings_for(workspace: Workspace) -> ResourcingSettings:
    """The workspace's resourcing settings; the defaults (unsaved) until someone changes them."""
    found = ResourcingSettings.objects.filter(workspace=workspace).first()
    return found or ResourcingSettings(workspace=workspace)


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

    def segments(self, start: date, end: date) -> Iterator[tuple[date, date, tuple[int, tuple[int, ...]]]]:
        """[start, end] cut where a period starts: (first day, last day, (weekly minutes, working days))."""
        i = bisect.bisect_right(self.starts, start)
        current = self.periods[i - 1] if i else (self.weekly, self.working_days)
        lo = start
        while i < len(self.starts) and self.starts[i] <= end:
            if self.starts[i] > lo:
                yield lo, self.starts[i] - timedelta(days=1), current
                lo = self.starts[i]
            current = self.periods[i]
            i += 1
        yield lo, end, current

    def works_on(self, d: date) -> bool:
        return d.isoweekday() in self.on(d)[1]

    def base_minutes(self, d: date) -> int:
        """Daily capacity before holidays and time off."""
        weekly, days = self.on(d)
        return split_week(weekly, days).get(d.isoweekday(), 0)


PLACEHOLDER_SCHEDULE = Schedule(person_id=0, weekly=2400, working_days=DEFAULT_DAYS)


class Span(NamedTuple):
    """A booking reduced to what the arithmetic needs (a tuple: thousands are made per report)."""

    id: int
    person_id: int | None
    project_id: int
    start: date
    end: date
    minutes_per_day: int
    tentative: bool


@dataclass(frozen=True)
class Load:
    """One person's days over a calendar's range (index 0 = its start): read-only lists, one per figure."""

    works: list[bool]  # a working day by their schedule (holiday or not)
    counts: list[bool]  # a day bookings count on: working and not a workspace holiday
    capacity: list[int]
    booked: list[int]
    tentative: list[int]
    time_off: list[int]


class Totals(NamedTuple):
    """Sums of a person's days over a range; `overbooked_days` counts the days booked over capacity."""

    capacity_minutes: int = 0
    booked_minutes: int = 0
    tentative_minutes: int = 0
    time_off_minutes: int = 0
    overbooked_days: int = 0
    over_minutes: int = 0


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
    """Capacity and bookings of some people over a date range, computed in memory.

    Each person's days are computed in bulk the first time they are asked for (`load`): one list per figure, index 0
    being `start` — working days from their schedule's periods, holidays as one mask for everyone, time off only on
    the days it covers, bookings as a running sum of +minutes at their first day and -minutes after their last. Every
    per-day answer (`day`, `days`, `capacity`, `booked`, `booking_days`) and every sum (`totals`, `totals_by`) reads
    those lists, so a week's cell and the days inside it always agree.
    """

    def __init__(
        self,
        *,
        start: date,
        end: date,
        schedules: dict[int, Schedule],
        holidays: dict[date, str],
        time_off: dict[int, list[tuple[date, date, int | None]]],
        spans: list[Span],
        inactive: dict[int, list[tuple[date, date]]] | None = None,
    ) -> None:
        self.start, self.end = start, end
        self.inactive = inactive or {}
        self.schedules = schedules
        self.holidays = holidays
        self.time_off = time_off
        self.spans = spans
        self.size = max((end - start).days + 1, 0)
        self.dates = [start + timedelta(days=i) for i in range(self.size)]
        self._weekdays = [d.isoweekday() for d in self.dates]
        self._closed = [d in holidays for d in self.dates]
        self._zeros = [0] * self.size
        self._spans: dict[int, list[Span]] = defaultdict(list)
        for span in spans:
            if span.person_id is not None and span.person_id in schedules:
                self._spans[span.person_id].append(span)
        self._loads: dict[int, Load] = {}
        self._sums: dict[int, tuple[list[int], ...]] = {}
        self._patterns: dict[tuple[Any, ...], tuple[list[bool], list[bool], list[int]]] = {}
        self._counted: dict[tuple[Any, ...], list[int]] = {}  # per pattern: booking days before each index
        self._counted_by_person: dict[int | None, list[int]] = {}

    # --- Bulk: one person's days as lists ----------------------------------------------------------------------

    def index(self, d: date) -> int:
        return (d - self.start).days

    def _pattern(self, schedule: Schedule) -> tuple[list[bool], list[bool], list[int]]:
        """(works, counts, base) per day: a working day by the schedule, a day bookings count on (working and not a
        holiday), daily capacity before time off. Shared by everyone on the same schedule over the range."""
        segments = tuple(schedule.segments(self.start, self.end)) if self.size else ()
        found = self._patterns.get(segments)
        if found is not None:
            return found
        works: list[bool] = []
        base: list[int] = []
        for lo, hi, (weekly, days) in segments:
            a, b = self.index(lo), self.index(hi) + 1
            on = [w in days for w in range(8)]
            split = split_week(weekly, days)
            daily = [split.get(w, 0) for w in range(8)]
            weekdays = self._weekdays[a:b]
            seg = [on[w] for w in weekdays]
            works += seg
            base += [0 if c else daily[w] for w, c in zip(weekdays, self._closed[a:b], strict=True)]
        counts = [w and not c for w, c in zip(works, self._closed, strict=True)]
        self._patterns[segments] = found = (works, counts, base)
        self._counted[segments] = list(accumulate(counts, initial=0))
        return found

    def booking_day_counts(
        self, person_id: int | None, start: date, end: date, ranges: Iterable[tuple[date, date]]
    ) -> list[int]:
        """For each range: on how many of its days within [start, end] (a booking's dates) a booking of this person
        counts — `len(booking_days(...))` of the overlap, clipped to the calendar — from a running count of those
        days, without walking them."""
        counted = self._counted_by_person.get(person_id)
        if counted is None:
            schedule = self.schedule(person_id)
            self._pattern(schedule)
            counted = self._counted[tuple(schedule.segments(self.start, self.end)) if self.size else ()]
            self._counted_by_person[person_id] = counted
        first = self.start
        lo_bound = max((start - first).days, 0)
        hi_bound = min((end - first).days + 1, self.size)
        out = []
        for lo, hi in ranges:
            a = max((lo - first).days, lo_bound)
            b = min((hi - first).days + 1, hi_bound)
            out.append(counted[b] - counted[a] if a < b else 0)
        return out

    def load(self, person_id: int) -> Load:
        """The person's days over the calendar's range, computed once (read-only lists)."""
        found = self._loads.get(person_id)
        if found is not None:
            return found
        works, counts, base = self._pattern(self.schedules[person_id])
        off, capacity = self._zeros, base
        if self.time_off.get(person_id):
            taken: dict[int, int] = defaultdict(int)
            for t_start, t_end, minutes in self.time_off[person_id]:
                lo, hi = max(t_start, self.start), min(t_end, self.end)
                for i in range(self.index(lo), self.index(hi) + 1):
                    if base[i]:
                        taken[i] += base[i] if minutes is None else minutes
            if taken:
                off = list(self._zeros)
                for i, minutes in taken.items():
                    off[i] = min(minutes, base[i])
                capacity = [b - o for b, o in zip(base, off, strict=True)]
        booked = tentative = self._zeros
        if self._spans.get(person_id):
            # +minutes on a booking's first day, -minutes after its last: the running sum is booked per day.
            change = [0] * (self.size + 1)
            tentative_change = [0] * (self.size + 1)
            first, last = self.start, self.end
            for span in self._spans[person_id]:
                a = (span.start - first).days if span.start > first else 0
                b = (span.end - first).days + 1 if span.end < last else self.size
                if a >= b:
                    continue
                change[a] += span.minutes_per_day
                change[b] -= span.minutes_per_day
                if span.tentative:
                    tentative_change[a] += span.minutes_per_day
                    tentative_change[b] -= span.minutes_per_day
            # `counts` is a list of bools: minutes x True = minutes, x False = 0 (a day bookings do not count on)
            booked = list(map(operator.mul, accumulate(change), counts))
            if any(tentative_change):
                tentative = list(map(operator.mul, accumulate(tentative_change), counts))
        if self.inactive.get(person_id):
            capacity, booked, tentative, off = self._members_only(person_id, (capacity, booked, tentative, off))
        found = self._loads[person_id] = Load(works, counts, capacity, booked, tentative, off)
        return found

    def member_on(self, person_id: int, d: date) -> bool:
        """Whether the person was an active member on `d` (always, unless the calendar was loaded `members_only`)."""
        return not any(lo <= d <= hi for lo, hi in self.inactive.get(person_id, ()))

    def member_during(self, person_id: int, start: date, end: date) -> bool:
        """Whether the person was an active member on some day of [start, end]."""
        return not any(lo <= start and end <= hi for lo, hi in self.inactive.get(person_id, ()))

    def _members_only(self, person_id: int, figures: tuple[list[int], ...]) -> tuple[list[int], ...]:
        """The figures with 0 on the days the person was not an active member (`inactive`, loaded on request)."""
        out = tuple(list(values) for values in figures)
        for lo, hi in self.inactive[person_id]:
            a, b = max((lo - self.start).days, 0), min((hi - self.start).days + 1, self.size)
            if a < b:
                for values in out:
                    values[a:b] = self._zeros[a:b]
        return out

    def totals(self, person_id: int, start: date | None = None, end: date | None = None) -> Totals:
        """Sums over [start, end] (default: the calendar's range; clipped to it)."""
        load = self.load(person_id)
        a = self.index(max(start or self.start, self.start))
        b = self.index(min(end or self.end, self.end)) + 1
        if a >= b:
            return Totals()
        capacity, booked = load.capacity[a:b], load.booked[a:b]
        booked_minutes = sum(booked)
        over = [m - c for m, c in zip(booked, capacity, strict=True) if m > c] if booked_minutes else []
        return Totals(
            capacity_minutes=sum(capacity),
            booked_minutes=booked_minutes,
            tentative_minutes=sum(load.tentative[a:b]),
            time_off_minutes=sum(load.time_off[a:b]),
            overbooked_days=len(over),
            over_minutes=sum(over),
        )

    def totals_by(self, person_id: int, ranges: Iterable[tuple[date, date]]) -> list[Totals]:
        """`totals` for each range (a schedule's columns, a report's weeks or months), each the difference of two
        running sums of the person's days (computed once per person)."""
        capacity, booked, tentative, time_off, over_days, over_minutes = self._running_sums(person_id)
        first, size = self.start, self.size
        out = []
        for lo, hi in ranges:
            a, b = max((lo - first).days, 0), min((hi - first).days + 1, size)
            if a >= b:
                out.append(Totals())
                continue
            out.append(
                Totals(
                    capacity[b] - capacity[a],
                    booked[b] - booked[a],
                    tentative[b] - tentative[a],
                    time_off[b] - time_off[a],
                    over_days[b] - over_days[a],
                    over_minutes[b] - over_minutes[a],
                )
            )
        return out

    def minutes_by(self, person_id: int, ranges: Iterable[tuple[date, date]]) -> list[tuple[int, int, int]]:
        """(capacity, booked, time off) minutes over each range: `totals_by` without the overbooking figures. A few
        ranges (a report by person or role) are summed straight from the person's days, without the running sums."""
        ranges = list(ranges)
        if len(ranges) > FEW_RANGES or person_id in self._sums:
            return [
                (t.capacity_minutes, t.booked_minutes, t.time_off_minutes) for t in self.totals_by(person_id, ranges)
            ]
        load = self.load(person_id)
        first, size = self.start, self.size
        out = []
        for lo, hi in ranges:
            a, b = max((lo - first).days, 0), min((hi - first).days + 1, size)
            if a >= b:
                out.append((0, 0, 0))
                continue
            out.append((sum(load.capacity[a:b]), sum(load.booked[a:b]), sum(load.time_off[a:b])))
        return out

    def _running_sums(self, person_id: int) -> tuple[list[int], ...]:
        """Per figure of `Totals`, in its order: the sum of the person's days before each index."""
        found = self._sums.get(person_id)
        if found is None:
            load = self.load(person_id)
            excess = list(map(operator.sub, load.booked, load.capacity))
            found = self._sums[person_id] = tuple(
                list(accumulate(values, initial=0))
                for values in (
                    load.capacity,
                    load.booked,
                    load.tentative,
                    load.time_off,
                    [1 if x > 0 else 0 for x in excess],
                    [x if x > 0 else 0 for x in excess],
                )
            )
        return found

    # --- Per day --------------------------------------------------------------------------------------------------

    def _inside(self, person_id: int | None, d: date) -> bool:
        return person_id is not None and person_id in self.schedules and self.start <= d <= self.end

    def schedule(self, person_id: int | None) -> Schedule:
        if person_id is None:
            return PLACEHOLDER_SCHEDULE
        return self.schedules[person_id]

    def booking_days(self, person_id: int | None, start: date, end: date) -> list[date]:
        """The days in [start, end] on which a booking of this person counts (placeholders: Monday to Friday)."""
        schedule = self.schedule(person_id)
        if self.start <= start and end <= self.end:
            counts = self._pattern(schedule)[1]
            a, b = self.index(start), self.index(end) + 1
            return [d for d, c in zip(self.dates[a:b], counts[a:b], strict=True) if c]
        return [d for d in daterange(start, end) if d not in self.holidays and schedule.works_on(d)]

    def _time_off_outside(self, person_id: int, d: date, base: int) -> int:
        taken = 0
        for start, end, minutes in self.time_off.get(person_id, ()):
            if start <= d <= end:
                taken += base if minutes is None else minutes
        return min(taken, base)

    def capacity(self, person_id: int, d: date) -> int:
        if self._inside(person_id, d):
            return self.load(person_id).capacity[self.index(d)]
        return self._day_outside(person_id, d).capacity_minutes

    def booked(self, person_id: int, d: date) -> int:
        if self._inside(person_id, d):
            return self.load(person_id).booked[self.index(d)]
        return 0

    def day(self, person_id: int, d: date) -> Day:
        if not self._inside(person_id, d):
            return self._day_outside(person_id, d)
        load, i = self.load(person_id), self.index(d)
        return Day(
            date=d,
            capacity_minutes=load.capacity[i],
            booked_minutes=load.booked[i],
            tentative_minutes=load.tentative[i],
            time_off_minutes=load.time_off[i],
            working=load.works[i],
            holiday=self.holidays.get(d, ""),
        )

    def _day_outside(self, person_id: int | None, d: date) -> Day:
        """A day outside the range (or of someone not loaded): its capacity by the same rules, nothing booked."""
        schedule = self.schedule(person_id)
        base = 0 if d in self.holidays else schedule.base_minutes(d)
        off = self._time_off_outside(person_id, d, base) if base and person_id is not None else 0
        return Day(
            date=d,
            capacity_minutes=base - off,
            booked_minutes=0,
            tentative_minutes=0,
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

    found = holidays.country_holidays(country, subdiv=subdivision or None, years=range(start.year, end.year + 1))
    return {d: str(name) for d, name in sorted(found.items()) if start <= d <= end}


def workspace_holidays(workspace: Workspace, start: date, end: date, settings: Any | None = None) -> dict[date, str]:
    """The workspace's closed days in [start, end]: its country's public holidays plus its own (one query)."""
    settings = settings or settings_for(workspace)
    days = country_holidays(settings.holiday_country, settings.holiday_subdivision, start, end)
    for d, name in Holiday.objects.filter(workspace=workspace, date__gte=start, date__lte=end).values_list(
        "date", "name"
    ):
        days[d] = name
    return dict(sorted(days.items()))


def _booking_spans(
    workspace: Workspace,
    ids: set[int],
    mine: Q,
    start: date,
    end: date,
    excluded: set[int],
    with_placeholders: bool,
) -> list[Span]:
    """`load_calendar`'s bookings when the caller passed none: those of `ids` (and placeholders when asked) overlapping
    [start, end], less the excluded ones (one query)."""
    spans = []
    if ids or with_placeholders:
        who = mine | Q(person__isnull=True) if with_placeholders and mine else mine
        rows = Booking.objects.filter(who, workspace=workspace, start_date__lte=end, end_date__gte=start)
        if excluded:
            rows = rows.exclude(id__in=excluded)
        spans = [
            Span._make(row)
            for row in rows.values_list(
                "id", "person_id", "project_id", "start_date", "end_date", "minutes_per_day", "tentative"
            )
            if row[1] in ids or (row[1] is None and with_placeholders)
        ]
    return spans


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
    members_only: bool = False,
) -> Calendar:
    """A Calendar for `people` over [start, end]: one query each for periods, holidays, time off and bookings.

    Pass `bookings` (or `holidays`) to use what the caller already fetched instead of querying again. `members_only`
    (the reports): capacity and bookings count only on the days each person was an active member (`inactive_days`,
    two more queries).
    """
    people = list(people)
    ids = {p.id for p in people}
    # Many people: the whole workspace's rows, the others dropped here (a few hundred ids bound into three queries
    # cost more than the rows of people not asked for, who are rare: inactive staff).
    mine = Q(person_id__in=ids) if len(ids) <= MANY_PEOPLE else Q()
    periods: dict[int, list[Any]] = defaultdict(list)
    if ids:
        for period in CapacityPeriod.objects.filter(mine, workspace=workspace).only(
            "person_id", "effective_from", "weekly_capacity_minutes", "working_days"
        ):
            periods[period.person_id].append(period)
    schedules = {p.id: Schedule.of(p, periods.get(p.id, ())) for p in people}
    if holidays is None:
        holidays = workspace_holidays(workspace, start, end, settings)
    time_off: dict[int, list[tuple[date, date, int | None]]] = defaultdict(list)
    if ids:
        for person_id, t_start, t_end, minutes in TimeOff.objects.filter(
            mine,
            workspace=workspace,
            status=TimeOffStatus.APPROVED,
            start_date__lte=end,
            end_date__gte=start,
        ).values_list("person_id", "start_date", "end_date", "minutes_per_day"):
            if person_id in ids:
                time_off[person_id].append((t_start, t_end, minutes))
    excluded = set(exclude_booking_ids)
    if bookings is None:
        spans = _booking_spans(workspace, ids, mine, start, end, excluded, with_placeholders)
    else:
        spans = [
            Span(b.id, b.person_id, b.project_id, b.start_date, b.end_date, b.minutes_per_day, b.tentative)
            for b in bookings
            if b.id not in excluded
        ]
    inactive = inactive_days(workspace, ids) if members_only and ids else None
    return Calendar(
        start=start, end=end, schedules=schedules, holidays=holidays, time_off=time_off, spans=spans, inactive=inactive
    )


ARCHIVED, REACTIVATED = "person.archived", "person.reactivated"


def inactive_days(workspace: Workspace, person_ids: Iterable[int]) -> dict[int, list[tuple[date, date]]]:
    """Per person, the date ranges on which they were not an active member (both ends included).

    A Person has no start or end date; its `active` flag is today's state, and each change of it is in the event log
    (`person.archived`, `person.reactivated`, emitted by people's `person_update`). The day of a change counts with the
    new state. Someone inactive without an archive event (created inactive) was never an active member; someone
    whose first change is a reactivation was inactive before it. Two queries."""
    ids = set(person_ids)
    if not ids:
        return {}
    many = len(ids) > MANY_PEOPLE
    people = Person.objects.filter(workspace=workspace, active=False)
    inactive_now = (
        {pid for pid in people.values_list("id", flat=True) if pid in ids}
        if many
        else set(people.filter(id__in=ids).values_list("id", flat=True))
    )
    changes: dict[int, list[tuple[bool, date]]] = defaultdict(list)
    rows = Event.objects.filter(workspace=workspace, target_type="person", verb__in=(ARCHIVED, REACTIVATED))
    if not many:
        rows = rows.filter(target_id__in=ids)
    for target_id, verb, at in rows.order_by("occurred_at", "id").values_list("target_id", "verb", "occurred_at"):
        if target_id in ids:
            changes[target_id].append((verb == REACTIVATED, timezone.localdate(at)))
    out: dict[int, list[tuple[date, date]]] = {}
    for pid in ids:
        history = changes.get(pid, [])
        if not history:
            if pid in inactive_now:
                out[pid] = [(date.min, date.max)]
            continue
        spans: list[tuple[date, date]] = []
        off_since = None if history[0][0] is False else date.min  # a first reactivation: inactive before it
        for active, on in history:
            if not active and off_since is None:
                off_since = on
            elif active and off_since is not None:
                if on > off_since:
                    spans.append((off_since, on - timedelta(days=1)))
                off_since = None
        if off_since is not None:
            spans.append((off_since, date.max))
        if spans:
            out[pid] = spans
    return out
