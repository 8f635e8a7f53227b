"""Missing time: who logged less than their capacity (kimai#1810, #3379; erpnext#7337).

Resourcing knows capacity (working days and hours, holidays, time off, active membership: the `Calendar`) and reads
logged minutes from timesheets (`reports.logged_minutes`), so the report and the reminder sweep live here.

- The report (`missing_time_report`, the "Missing time" page and `GET /api/v1/reports/missing-time`): per person over
  [from, to] measured up to yesterday (today is still being logged): capacity, logged, missing (= capacity - logged,
  never below 0) and the working days logged below the workspace's threshold. Owners, admins, project managers and
  resource managers see everyone; anyone else on the staff sees their own row; clients get 403.
- The reminder (`missing_time_reminders`, a sweep every hour): when the workspace switched reminders on
  (`ResourcingSettings.missing_time_reminders`), from 09:00 in the workspace's time zone on a day the person works,
  Baton looks at their previous working day (and, on the first working day of a week, at the week before): logged below
  `missing_time_threshold_pct` % of capacity emits `person.time_missing` about the person, once per person and day
  checked (a `SweepMark`). Automation turns it into the person's notification (in Baton, and by e-mail right away, in
  the daily digest or not at all, by their notification preference).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from huey import crontab

from baton.core import access
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.sweeps import local_today, register_sweep, sweep_emit_once
from baton.people.models import Person
from baton.resourcing.calendar import Calendar, load_calendar, monday_of
from baton.resourcing.reports import logged_minutes
from baton.resourcing.selectors import check_range, schedule_people_rows, settings_for, today

SWEEP = "missing_time"
VERB = "person.time_missing"
REMINDER_HOUR = 9  # the working morning, in the workspace's time zone
LOOK_BACK_DAYS = 14  # a previous working day further back than this is not chased


def sees_everyone(actor: Actor) -> bool:
    """Who chases timesheets in an agency: owners, admins, project managers and resource managers."""
    return actor.role in (access.OWNER, access.ADMIN, access.PM) or access.manages_resources(actor)


def last_week(day: date | None = None) -> tuple[date, date]:
    monday = monday_of(day or today()) - timedelta(days=7)
    return monday, monday + timedelta(days=6)


def this_week(day: date | None = None) -> tuple[date, date]:
    monday = monday_of(day or today())
    return monday, monday + timedelta(days=6)


def below(logged: int, capacity: int, threshold_pct: int) -> bool:
    """Logged under the threshold share of capacity (a day without capacity never is)."""
    return capacity > 0 and logged * 100 < capacity * threshold_pct


def missing_time_report(*, actor: Actor, start: date | None, end: date | None) -> list[dict[str, Any]]:
    """Per person: capacity, logged and missing minutes over [start, end] up to yesterday, and the working days
    logged below the threshold. Default range: last week (Monday to Sunday)."""
    if actor.is_client:
        raise PermissionDenied("Your role (client) may not view missing time.")
    access.require(actor, "missing_time", "view")
    if start is None and end is None:
        start, end = last_week()
    start, end = check_range(start, end, default_days=6)
    people = schedule_people_rows(actor=Actor.system(actor.workspace), active=None)
    if not sees_everyone(actor):
        people = [p for p in people if p.id == actor.person_id]
    settings = settings_for(actor.workspace)
    threshold = settings.missing_time_threshold_pct
    measured_to = min(end, today() - timedelta(days=1))
    if measured_to < start:
        calendar = None
        logged: dict[tuple[int, date], tuple[int, int]] = {}
    else:
        calendar = load_calendar(actor.workspace, people, start, measured_to, settings=settings, members_only=True)
        logged = logged_minutes(actor.workspace, [p.id for p in people], start, measured_to, per="day")
    rows: list[dict[str, Any]] = []
    for person in people:
        capacity = logged_total = days_short = 0
        if calendar is not None:
            if not calendar.member_during(person.id, start, measured_to):
                continue
            for d in calendar.dates:
                cap = calendar.capacity(person.id, d)
                log = logged.get((person.id, d), (0, 0))[0]
                capacity += cap
                logged_total += log
                days_short += below(log, cap, threshold)
        if not capacity and not logged_total and calendar is not None:
            continue
        rows.append(
            {
                "person_id": person.id,
                "name": person.name,
                "title": person.title,
                "capacity_minutes": capacity,
                "logged_minutes": logged_total,
                "missing_minutes": max(capacity - logged_total, 0),
                "days_below_threshold": days_short,
                "below_threshold": below(logged_total, capacity, threshold),
            }
        )
    rows.sort(key=lambda r: (-int(r["missing_minutes"]), str(r["name"]).lower(), int(r["person_id"])))
    return rows


def report_meta(actor: Actor, start: date, end: date) -> dict[str, Any]:
    measured_to = min(end, today() - timedelta(days=1))
    return {
        "from": start,
        "to": end,
        "measured_to": measured_to if measured_to >= start else None,
        "threshold_pct": settings_for(actor.workspace).missing_time_threshold_pct,
    }


# --- The reminder sweep --------------------------------------------------------------------------------------------


def _previous_working_day(calendar: Calendar, person_id: int, day: date) -> date | None:
    d = day - timedelta(days=1)
    while d >= calendar.start:
        if calendar.capacity(person_id, d) > 0:
            return d
        d -= timedelta(days=1)
    return None


def _week_figures(
    calendar: Calendar, logged: dict[tuple[int, date], tuple[int, int]], person_id: int, monday: date
) -> tuple[int, int]:
    days = [monday + timedelta(days=i) for i in range(7)]
    capacity = sum(calendar.capacity(person_id, d) for d in days if calendar.start <= d <= calendar.end)
    log = sum(logged.get((person_id, d), (0, 0))[0] for d in days)
    return capacity, log


def _reminder_data(
    calendar: Calendar,
    logged: dict[tuple[int, date], tuple[int, int]],
    person_id: int,
    day: date,
    checked: date,
    threshold: int,
) -> dict[str, Any] | None:
    """What the reminder says about `checked` (and its week, on the first working day of a new week); None when
    nothing is below the threshold."""
    capacity = calendar.capacity(person_id, checked)
    log = logged.get((person_id, checked), (0, 0))[0]
    data: dict[str, Any] = {
        "date": checked.isoformat(),
        "capacity_minutes": capacity,
        "logged_minutes": log,
        "missing_minutes": max(capacity - log, 0),
        "threshold_pct": threshold,
        "day_below": below(log, capacity, threshold),
        "week_below": False,
    }
    week = monday_of(checked)
    if week != monday_of(day):  # the first working morning after that week: the week's total too
        week_capacity, week_log = _week_figures(calendar, logged, person_id, week)
        data |= {
            "week_start": week.isoformat(),
            "week_capacity_minutes": week_capacity,
            "week_logged_minutes": week_log,
            "week_missing_minutes": max(week_capacity - week_log, 0),
            "week_below": below(week_log, week_capacity, threshold),
        }
    return data if data["day_below"] or data["week_below"] else None


def _local_hour(workspace: Workspace, now: datetime) -> int:
    try:
        return now.astimezone(ZoneInfo(workspace.timezone or "UTC")).hour
    except (ValueError, KeyError):
        return now.hour


def missing_time_reminders(workspace: Workspace, now: datetime) -> int:
    """Remind each person who logged below the threshold on their previous working day (or week), once per day."""
    settings = settings_for(workspace)
    if not settings.missing_time_reminders or _local_hour(workspace, now) < REMINDER_HOUR:
        return 0
    day = local_today(workspace, now)
    start = monday_of(day - timedelta(days=LOOK_BACK_DAYS))
    people = schedule_people_rows(actor=Actor.system(workspace), active=True)
    calendar = load_calendar(workspace, people, start, day, settings=settings, members_only=True)
    logged = logged_minutes(workspace, [p.id for p in people], start, day - timedelta(days=1), per="day")
    due: dict[int, tuple[date, dict[str, Any]]] = {}
    for person in people:
        if calendar.capacity(person.id, day) <= 0:  # not their working morning (weekend, holiday, time off)
            continue
        checked = _previous_working_day(calendar, person.id, day)
        if checked is None or checked < day - timedelta(days=LOOK_BACK_DAYS):
            continue
        data = _reminder_data(calendar, logged, person.id, day, checked, settings.missing_time_threshold_pct)
        if data is not None:
            due[person.id] = (checked, data)
    emitted = 0
    for target in _people(workspace, due):
        checked, data = due[target.pk]
        if sweep_emit_once(
            workspace=workspace, sweep=SWEEP, verb=VERB, target=target, period=checked.isoformat(), data=data
        ):
            emitted += 1
    return emitted


def _people(workspace: Workspace, due: dict[int, Any]) -> Iterable[Person]:
    if not due:
        return []
    return Person.objects.filter(workspace=workspace, pk__in=list(due)).order_by("pk")


register_sweep(
    SWEEP,
    missing_time_reminders,
    crontab(minute="5"),
    description="Remind people who logged less than their capacity on their previous working day or week.",
    app="resourcing",
)
