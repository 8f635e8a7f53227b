"""Reads for resourcing, always through the acting membership: bookings, time off, capacity history, holidays,
availability and the schedule grid. Reports (utilization, demand, forecast, find someone) live in `reports.py`.

A client-role user sees nothing of resourcing: lists answer 403, ids 404.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.selectors import one_or_404
from baton.delivery.models import Task, TaskStatus
from baton.people.models import Person
from baton.resourcing.calendar import (
    MANY_PEOPLE,
    Calendar,
    Day,
    country_holidays,
    load_calendar,
    monday_of,
    settings_for,
    workspace_holidays,
)
from baton.resourcing.ical import FEED_FUTURE_DAYS, FEED_PAST_DAYS, build_feed, feed_matches, feed_token
from baton.resourcing.models import (
    Booking,
    CalendarFeed,
    CapacityPeriod,
    Holiday,
    ResourcingSettings,
    TimeOff,
    TimeOffStatus,
)

MAX_RANGE_DAYS = 731


def today() -> date:
    return timezone.localdate()


def check_range(start: date | None, end: date | None, *, default_days: int = 27) -> tuple[date, date]:
    """A reporting range: defaults to the next four weeks; `to` before `from` or over two years is a 422."""
    start = start or today()
    end = end or start + timedelta(days=default_days)
    if end < start:
        raise ValidationError({"to": "`to` cannot be before `from`."})
    if (end - start).days > MAX_RANGE_DAYS:
        raise ValidationError({"to": f"Ask for at most {MAX_RANGE_DAYS + 1} days at a time."})
    return start, end


def _deny_client(actor: Actor, resource: str) -> None:
    if actor.is_client:
        raise Http404("Not found.")
    access.require(actor, resource, "view")


# --- People on the schedule --------------------------------------------------------------------------------------


def _staff(actor: Actor, *, role: str | None, person_ids: list[int] | None, active: bool | None) -> QuerySet[Person]:
    access.require(actor, "booking", "view")
    qs = Person.objects.filter(workspace=actor.workspace).exclude(membership__role=access.CLIENT).order_by("name", "id")
    if active is not None:
        qs = qs.filter(active=active)
    if person_ids is not None:
        qs = qs.filter(id__in=person_ids)
    if role:
        qs = qs.filter(title__icontains=role)
    return qs


def _has_skill(skills: list[str] | None, skill: str) -> bool:
    wanted = skill.strip().lower()
    return any(s.lower() == wanted for s in skills or [])


def schedule_people(
    *,
    actor: Actor,
    skill: str | None = None,
    role: str | None = None,
    person_ids: list[int] | None = None,
    active: bool | None = True,
) -> list[Person]:
    """Staff who can be booked (client-role users never are), filtered by skill (exact, any case) or job title."""
    people = list(_staff(actor, role=role, person_ids=person_ids, active=active).select_related("membership"))
    if skill:
        people = [p for p in people if _has_skill(p.skills, skill)]
    return people


class StaffRow(NamedTuple):
    """A person on the schedule as the reports read them: plain values, no model instance (a team of hundreds)."""

    id: int
    name: str
    title: str
    weekly_capacity_minutes: int
    working_days: list[int]
    skills: list[str]
    bill_rate: Decimal


def schedule_people_rows(
    *, actor: Actor, skill: str | None = None, role: str | None = None, active: bool | None = True
) -> list[StaffRow]:
    """`schedule_people` (the same people, order and filters) as StaffRow values."""
    rows = [
        StaffRow._make(row)
        for row in _staff(actor, role=role, person_ids=None, active=active).values_list(*StaffRow._fields)
    ]
    if skill:
        rows = [r for r in rows if _has_skill(r.skills, skill)]
    return rows


def schedule_skills(*, actor: Actor) -> list[str]:
    """The skills listed by the people on the schedule (the first spelling met, by name, for each), sorted."""
    access.require(actor, "booking", "view")
    found: dict[str, str] = {}
    for skills in (
        Person.objects.filter(workspace=actor.workspace, active=True)
        .exclude(membership__role=access.CLIENT)
        .order_by("name", "id")
        .values_list("skills", flat=True)
    ):
        for s in skills or []:
            found.setdefault(s.lower(), s)
    return sorted(found.values(), key=str.lower)


def bookable_person(*, actor: Actor, person_id: int) -> Person:
    """A person of the workspace who can be booked, or 404 (client-role users and other workspaces included)."""
    if actor.is_client:
        raise Http404("No such person.")
    person = one_or_404(
        (
            Person.objects.filter(workspace=actor.workspace, pk=person_id)
            .exclude(membership__role=access.CLIENT)
            .select_related("membership")
        ),
        "person",
    )
    return person


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
    return actor.role in access.TIME_OFF_APPROVERS


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


# --- The schedule grid -----------------------------------------------------------------------------------------------

LOAD_BUCKETS = 5


def load_class(capacity: int, booked: int) -> str:
    """A discrete heatmap class: `over`, `off` (no capacity, nothing booked) or load-0..load-5 by share of capacity."""
    if booked > capacity:
        return "over"
    if capacity <= 0:
        return "off"
    if booked == 0:
        return "load-0"
    share = booked / capacity
    return f"load-{min(LOAD_BUCKETS, max(1, -(-int(share * 100) // 20)))}"


@dataclass
class Column:
    start: date
    end: date
    label: str
    sublabel: str
    weekend: bool = False
    holiday: str = ""
    today: bool = False


@dataclass
class Cell:
    css: str
    capacity: int
    booked: int
    label: str


class GridBooking(NamedTuple):
    """A booking as the schedule draws it: read as plain values (thousands of bars on a large team's schedule)."""

    id: int
    person_id: int | None
    project_id: int
    start_date: date
    end_date: date
    minutes_per_day: int
    tentative: bool
    role: str
    skill: str
    project_name: str
    client_name: str


@dataclass
class Bar:
    booking: GridBooking
    colspan: int
    focus: bool = False
    clipped_left: bool = False
    clipped_right: bool = False


@dataclass
class Lane:
    items: list[Bar | int] = field(default_factory=list)  # a Bar, or an int: that many empty columns


@dataclass
class Row:
    person: StaffRow | None
    cells: list[Cell]
    lanes: list[Lane]
    overbooked_columns: int = 0
    capacity: int = 0
    booked: int = 0


@dataclass
class Grid:
    start: date
    end: date
    scale: str
    columns: list[Column]
    rows: list[Row]
    unstaffed: Row | None
    overbooked_people: int


def _columns(start: date, count: int, scale: str, holidays: dict[date, str]) -> list[Column]:
    now = today()
    cols: list[Column] = []
    for i in range(count):
        if scale == "weeks":
            c_start = start + timedelta(weeks=i)
            c_end = c_start + timedelta(days=6)
            cols.append(
                Column(
                    c_start,
                    c_end,
                    c_start.strftime("%-d %b"),
                    f"wk {c_start.isocalendar()[1]}",
                    today=c_start <= now <= c_end,
                )
            )
        else:
            d = start + timedelta(days=i)
            cols.append(
                Column(
                    d,
                    d,
                    d.strftime("%a"),
                    d.strftime("%-d %b"),
                    weekend=d.isoweekday() > 5,
                    holiday=holidays.get(d, ""),
                    today=d == now,
                )
            )
    return cols


def _lanes(bookings: list[GridBooking], columns: list[Column], focus_project: int | None) -> list[Lane]:
    """Pack bookings into as few rows of bars as possible (a bar is a table cell spanning its columns)."""
    placed: list[tuple[int, list[tuple[int, int, GridBooking]]]] = []  # (next free column, [(first, last, booking)])
    starts, ends = [c.start for c in columns], [c.end for c in columns]
    for booking in sorted(bookings, key=lambda b: (b.start_date, b.id)):
        first = bisect.bisect_left(ends, booking.start_date)  # the first column ending on or after its start
        last = bisect.bisect_right(starts, booking.end_date) - 1  # the last column starting on or before its end
        if first >= len(columns) or last < 0 or first > last:
            continue
        for k, (free_from, items) in enumerate(placed):
            if first >= free_from:
                items.append((first, last, booking))
                placed[k] = (last + 1, items)
                break
        else:
            placed.append((last + 1, [(first, last, booking)]))
    lanes = []
    for _, items in placed:
        lane = Lane()
        cursor = 0
        for first, last, booking in items:
            if first > cursor:
                lane.items.append(first - cursor)
            lane.items.append(
                Bar(
                    booking=booking,
                    colspan=last - first + 1,
                    focus=focus_project is not None and booking.project_id == focus_project,
                    clipped_left=booking.start_date < columns[first].start,
                    clipped_right=booking.end_date > columns[last].end,
                )
            )
            cursor = last + 1
        if cursor < len(columns):
            lane.items.append(len(columns) - cursor)
        lanes.append(lane)
    return lanes


def _cells(calendar: Calendar, person_id: int, columns: list[Column]) -> tuple[list[Cell], int, int, int]:
    """One heat cell per column (a day, or a whole week summed from the same days), and the row's totals."""
    cells, over, cap_total, booked_total = [], 0, 0, 0
    spans = calendar.totals_by(person_id, [(col.start, col.end) for col in columns])
    for col, totals in zip(columns, spans, strict=True):
        capacity, booked, over_days = totals.capacity_minutes, totals.booked_minutes, totals.overbooked_days
        cap_total += capacity
        booked_total += booked
        css = "over" if over_days else load_class(capacity, booked)
        if over_days:
            over += 1
        single = col.start == col.end
        reason = ""
        if single and capacity == 0:
            d = calendar.day(person_id, col.start)
            reason = d.holiday or ("time off" if d.time_off_minutes else "not a working day")
        label = f"{booked // 60}h{booked % 60:02d} of {capacity // 60}h{capacity % 60:02d}"
        if over_days:
            label += f", overbooked{'' if single else f' on {over_days} days'}"
        if reason:
            label += f" ({reason})"
        cells.append(Cell(css=css, capacity=capacity, booked=booked, label=label))
    return cells, over, cap_total, booked_total


def schedule_grid(
    *,
    actor: Actor,
    start: date,
    scale: str = "days",
    count: int | None = None,
    skill: str | None = None,
    role: str | None = None,
    project_id: int | None = None,
) -> Grid:
    """People rows x day (or week) columns with load heatmap cells and booking bars.

    One query per data set whatever the number of people: people, capacity periods, holidays, time off, bookings
    (with their projects and clients), plus the settings row.
    """
    if scale == "weeks":
        start = monday_of(start)
        count = count or 12
        end = start + timedelta(weeks=count) - timedelta(days=1)
    else:
        scale = "days"
        count = count or 28
        end = start + timedelta(days=count - 1)
    settings = settings_for(actor.workspace)
    people = schedule_people_rows(actor=actor, skill=skill, role=role)
    ids = {p.id for p in people}
    # a large team: the workspace's bookings in the range, others' dropped below (cheaper than binding every id)
    who = Q(person_id__in=ids) | Q(person__isnull=True) if len(ids) <= MANY_PEOPLE else Q()
    bookings = [
        booking
        for booking in map(
            GridBooking._make,
            Booking.objects.filter(who, workspace=actor.workspace, start_date__lte=end, end_date__gte=start)
            .order_by("start_date", "id")
            .values_list(
                "id",
                "person_id",
                "project_id",
                "start_date",
                "end_date",
                "minutes_per_day",
                "tentative",
                "role",
                "skill",
                "project__name",
                "project__client__name",
            ),
        )
        if booking.person_id is None or booking.person_id in ids
    ]
    if project_id is not None:
        on_project = {b.person_id for b in bookings if b.project_id == project_id}
        people = [p for p in people if p.id in on_project]
    holidays = workspace_holidays(actor.workspace, start, end, settings)
    calendar = load_calendar(
        actor.workspace,
        people,
        start,
        end,
        settings=settings,
        bookings=[b for b in bookings if b.person_id],
        holidays=holidays,
    )
    columns = _columns(start, count, scale, holidays)
    by_person: dict[int, list[GridBooking]] = {}
    for b in bookings:
        if b.person_id is not None:
            by_person.setdefault(b.person_id, []).append(b)
    rows = []
    overbooked_people = 0
    for person in people:
        cells, over, capacity, booked = _cells(calendar, person.id, columns)
        overbooked_people += 1 if over else 0
        rows.append(
            Row(
                person=person,
                cells=cells,
                lanes=_lanes(by_person.get(person.id, []), columns, project_id),
                overbooked_columns=over,
                capacity=capacity,
                booked=booked,
            )
        )
    placeholders = [
        b
        for b in bookings
        if b.person_id is None
        and (project_id is None or b.project_id == project_id)
        and (not skill or b.skill.lower() == skill.lower())
        and (not role or role.lower() in b.role.lower())
    ]
    unstaffed = Row(person=None, cells=[], lanes=_lanes(placeholders, columns, project_id)) if placeholders else None
    return Grid(
        start=start,
        end=end,
        scale=scale,
        columns=columns,
        rows=rows,
        unstaffed=unstaffed,
        overbooked_people=overbooked_people,
    )


def overbooked_days(
    workspace: Workspace, person: Person, start: date, end: date, *, settings: Any | None = None
) -> list[Day]:
    """The person's overbooked days in the range (used by the booking services for warnings and refusals)."""
    calendar = load_calendar(workspace, [person], start, end, settings=settings)
    return [d for d in calendar.days(person.id) if d.overbooked]


def require_staff_view(actor: Actor, resource: str) -> None:
    """Lists: a client-role user is refused (403), naming the resource."""
    if actor.is_client:
        raise PermissionDenied(f"Your role ({actor.role}) may not view {resource.replace('_', ' ')}.")
    access.require(actor, resource, "view")


def calendar_feed_path(person: Person) -> str:
    """The path of the person's private iCalendar feed (the secret is in it)."""
    nonce = CalendarFeed.objects.filter(person=person).values_list("nonce", flat=True).first() or ""
    return reverse("resourcing:calendar_feed", args=[person.id, feed_token(person.id, nonce)])


def calendar_feed_content(*, person_id: int, token: str) -> bytes | None:
    """The feed for a (person, secret) pair, or None when the secret is wrong (the view answers 404)."""
    person = (
        Person.objects.filter(pk=person_id, active=True)
        .exclude(membership__role=access.CLIENT)
        .select_related("workspace")
        .first()
    )
    if person is None:
        return None
    nonce = CalendarFeed.objects.filter(person=person).values_list("nonce", flat=True).first() or ""
    if not feed_matches(person.id, nonce, token):
        return None
    start = today() - timedelta(days=FEED_PAST_DAYS)
    end = today() + timedelta(days=FEED_FUTURE_DAYS)
    bookings = list(
        Booking.objects.filter(person=person, end_date__gte=start, start_date__lte=end).select_related(
            "project", "project__client"
        )
    )
    time_off = list(
        TimeOff.objects.filter(person=person, end_date__gte=start, start_date__lte=end).exclude(
            status=TimeOffStatus.REJECTED
        )
    )
    tasks = list(
        Task.objects.filter(assignee=person, due_date__gte=start, due_date__lte=end)
        .exclude(status=TaskStatus.DONE)
        .select_related("project")
    )
    CalendarFeed.objects.filter(person=person).update(last_fetched_at=timezone.now())
    domain = (person.workspace.slug or "baton") + ".baton"
    return build_feed(person=person, bookings=bookings, time_off=time_off, tasks=tasks, domain=domain)


def home_summary(actor: Actor, people: list[Person] | None = None) -> dict[str, Any]:
    """The home page's resourcing block: who is overbooked this week and next, unstaffed placeholders, time off
    waiting for approval; for everyone, their own bookings these two weeks. Six queries at most, whatever the
    team's size (five when the caller passes `people`, the rows of `schedule_people`, already read; one less when the
    workspace has no holidays of its own in the fortnight)."""
    if actor.is_client or not access.allowed(actor, "booking", "view"):
        return {}

    start = monday_of(today())
    end = start + timedelta(days=13)
    summary: dict[str, Any] = {"start": start, "end": end}
    window = Booking.objects.filter(workspace=actor.workspace, start_date__lte=end, end_date__gte=start)
    # What the calendar and the block read of a booking (hundreds of them in a fortnight of a large agency).
    fields = (
        *("id", "person_id", "project_id", "start_date", "end_date", "minutes_per_day", "tentative"),
        *("project__name", "project__client__name"),
    )
    if actor.role in access.TIME_OFF_APPROVERS:

        def count(qs: QuerySet[Any]) -> Any:
            return Coalesce(Subquery(qs.values("workspace").annotate(n=Count("id")).values("n")[:1]), 0)

        def setting(name: str) -> Subquery:
            return Subquery(ResourcingSettings.objects.filter(workspace=OuterRef("pk")).values(name)[:1])

        # The two counts and the holiday settings the calendar needs (`settings_for`'s), in one statement.
        counts = (
            Workspace.objects.filter(pk=actor.workspace.pk)
            .annotate(
                placeholders=count(
                    Booking.objects.filter(workspace=OuterRef("pk"), person__isnull=True, end_date__gte=today())
                ),
                pending=count(
                    TimeOff.objects.filter(workspace=OuterRef("pk"), status="requested", end_date__gte=today())
                ),
                has_settings=count(ResourcingSettings.objects.filter(workspace=OuterRef("pk"))),
                own_holidays=count(Holiday.objects.filter(workspace=OuterRef("pk"), date__gte=start, date__lte=end)),
                holiday_country=setting("holiday_country"),
                holiday_subdivision=setting("holiday_subdivision"),
            )
            .values("placeholders", "pending", "has_settings", "own_holidays", "holiday_country", "holiday_subdivision")
            .get()
        )
        settings = ResourcingSettings(workspace=actor.workspace)  # the defaults, as `settings_for` without a row
        if counts["has_settings"]:
            settings.holiday_country = counts["holiday_country"]
            settings.holiday_subdivision = counts["holiday_subdivision"]
        # Without holidays of its own in these two weeks, the closed days are the country's (no query).
        closed = (
            None
            if counts["own_holidays"]
            else dict(
                sorted(country_holidays(settings.holiday_country, settings.holiday_subdivision, start, end).items())
            )
        )
        people = schedule_people(actor=actor) if people is None else people
        bookings = list(window.filter(person__isnull=False).select_related("project", "project__client").only(*fields))
        calendar = load_calendar(
            actor.workspace, people, start, end, bookings=bookings, settings=settings, holidays=closed
        )
        over: list[dict[str, Any]] = []
        for person in people:
            days = [d for d in calendar.days(person.id) if d.overbooked]
            if days:
                over.append({"person": person, "days": len(days), "minutes": sum(d.over_minutes for d in days)})
        summary["overbooked"] = sorted(over, key=lambda r: -int(r["minutes"]))[:8]
        summary["placeholders"] = counts["placeholders"]
        summary["pending_time_off"] = counts["pending"]
        mine = [b for b in bookings if b.person_id == actor.person_id]
    elif actor.person_id:
        mine = list(window.filter(person_id=actor.person_id).select_related("project", "project__client").only(*fields))
    else:
        mine = []
    if actor.person_id:
        summary["my_bookings"] = sorted(mine, key=lambda b: (b.start_date, b.id))[:10]
    return summary
