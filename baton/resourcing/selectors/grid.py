"""The schedule grid: columns (days or weeks), a row per person with booking bars packed into lanes, load cells and the
overbooked days."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.delivery.models import Project
from baton.delivery.selectors import visible_projects
from baton.people.models import Person
from baton.resourcing.calendar import (
    MANY_PEOPLE,
    Calendar,
    Day,
    load_calendar,
    monday_of,
    settings_for,
    workspace_holidays,
)
from baton.resourcing.models import (
    Booking,
)
from baton.resourcing.selectors.staff import StaffRow, schedule_people_rows, today

# --- The schedule grid -----------------------------------------------------------------------------------------------

LOAD_BUCKETS = 5
# The schedule page draws this many people at a time (issue 21: a page's time must not grow with the team). At or
# under calendar.MANY_PEOPLE every read binds the page's ids, so a page of a thousand-person team reads only its rows.
PEOPLE_PER_PAGE = MANY_PEOPLE


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
    # The page of people drawn (`page`, 1-based, of `pages`) and how many people match the filters in all; a grid
    # built without a page holds everyone (one page).
    total_people: int = 0
    page: int = 1
    pages: int = 1
    # The positions of the page's first and last person among everyone (1-based; 0 when nobody matches).
    first_person: int = 0
    last_person: int = 0


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


# Complexity: one pass builds columns, rows, cells and bars from the bulk-fetched sets, kept for speed.
def schedule_grid(
    *,
    actor: Actor,
    start: date,
    scale: str = "days",
    count: int | None = None,
    skill: str | None = None,
    role: str | None = None,
    project_id: int | None = None,
    page: int | None = None,
) -> Grid:
    """People rows x day (or week) columns with load heatmap cells and booking bars.

    One query per data set whatever the number of people: people, capacity periods, holidays, time off, bookings
    (with their projects and clients), plus the settings row. With `page` (the schedule page), only that page of
    `PEOPLE_PER_PAGE` people (after the filters) is drawn and read; without it, everyone (downloads, reports).
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
    if project_id is not None:  # the people booked on the project in the range
        on_project = set(
            Booking.objects.filter(
                workspace=actor.workspace, project_id=project_id, start_date__lte=end, end_date__gte=start
            ).values_list("person_id", flat=True)
        )
        people = [p for p in people if p.id in on_project]
    total, pages = len(people), 1
    first, last = min(1, total), total
    if page is not None:  # a page past either end shows the nearest one
        paged = Paginator(people, PEOPLE_PER_PAGE).get_page(max(1, page))
        people, page, pages = list(paged), paged.number, paged.paginator.num_pages
        first, last = paged.start_index(), paged.end_index()
    ids = {p.id for p in people}
    # a large team: the workspace's bookings in the range, others' dropped below (cheaper than binding every id)
    who = Q(person_id__in=ids) | Q(person__isnull=True) if len(ids) <= MANY_PEOPLE else Q()
    placeholders_here = page is None or page == 1  # the unstaffed placeholders are drawn once, on the first page
    # The project's and client's names as scalar subqueries of each booking, not a join: with the join, SQLite
    # drives the query from every project and reads all their bookings (600 ms at agency-L) instead of the range's.
    project = Project.objects.filter(pk=OuterRef("project_id"))
    bookings = [
        booking
        for booking in map(
            GridBooking._make,
            Booking.objects.filter(who, workspace=actor.workspace, start_date__lte=end, end_date__gte=start)
            .order_by("start_date", "id")
            .annotate(
                project_name=Subquery(project.values("name")[:1]),
                client_name=Subquery(project.values("client__name")[:1]),
            )
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
                "project_name",
                "client_name",
            ),
        )
        if (booking.person_id is None and placeholders_here) or booking.person_id in ids
    ]
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
        total_people=total,
        page=page or 1,
        pages=pages,
        first_person=first,
        last_person=last,
    )


def booked_project_choices(*, actor: Actor, start: date, end: date, keep: int | None = None) -> list[tuple[int, str]]:
    """(id, "Client · Project") of the current projects booked in [start, end]: the schedule's project filter, where
    any other choice would draw nobody (a few hundred at agency-L, against its 3,000 projects). `keep` (the chosen
    project) stays listed even with nothing booked in the range."""
    booked = Booking.objects.filter(workspace=actor.workspace, start_date__lte=end, end_date__gte=start)
    rows = (
        visible_projects(actor)
        .filter(Q(pk__in=booked.values("project_id"), archived_at__isnull=True) | Q(pk=keep or 0))
        .order_by("client__name", "name")
        .values_list("id", "client__name", "name")
    )
    return [(pk, f"{client} · {name}") for pk, client, name in rows]


def overbooked_days(
    workspace: Workspace, person: Person, start: date, end: date, *, settings: Any | None = None
) -> list[Day]:
    """The person's overbooked days in the range (used by the booking services for warnings and refusals)."""
    calendar = load_calendar(workspace, [person], start, end, settings=settings)
    return [d for d in calendar.days(person.id) if d.overbooked]
