"""Resourcing reports (reads): utilization, capacity vs demand, revenue forecast from bookings, find someone.

Two functions read other apps' data:
- `logged_minutes` aggregates time entries (timesheets.TimeEntry: person, date, minutes, billable);
- `pipeline_demand` turns the weighted sales pipeline (crm `Deal`: effort x probability) into demand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DateField, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from baton.core import access, formats
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.money import to_money
from baton.core.months import month_end, month_spans, month_start, next_month
from baton.crm.models import Deal
from baton.delivery.models import Billing
from baton.people.models import Person
from baton.rates.resolution import ZERO, RateBook, amount_for
from baton.rates.selectors import ExchangeRates
from baton.resourcing.calendar import MANY_PEOPLE, Calendar, load_calendar, monday_of
from baton.resourcing.models import Booking, OverbookingMode
from baton.resourcing.selectors import (
    StaffRow,
    check_range,
    schedule_people,
    schedule_people_rows,
    settings_for,
    today,
)
from baton.resourcing.solver import solve
from baton.timesheets.models import TimeEntry

GROUPS = ("person", "role", "week", "month")
NO_TITLE = "No title"
UNSPECIFIED = "(unspecified)"
MAX_CAPACITY_DAYS = 7 * 26 - 1  # a deal's capacity panel looks half a year ahead at most


def pct(part: int, whole: int) -> float:
    """A percentage rounded half up to one decimal; 0.0 when there is no capacity to measure against."""
    if whole <= 0:
        return 0.0
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


LOGGED_BUCKETS = ("day", "week", "month", "range")


def logged_minutes(
    workspace: Workspace, person_ids: list[int], start: date, end: date, *, per: str = "day"
) -> dict[tuple[int, date], tuple[int, int]]:
    """(logged, billable) minutes per (person, bucket) from time entries, the bucket named by its first day: `day`,
    `week` (its Monday), `month` (its 1st) or the whole `range` (`start`), summed by the database. The one switch for
    utilization's logged time."""
    if not person_ids:
        return {}
    if per not in LOGGED_BUCKETS:
        raise ValueError(f"per must be one of {LOGGED_BUCKETS}")
    qs = TimeEntry.objects.filter(workspace=workspace, date__gte=start, date__lte=end)
    wanted = set(person_ids)
    if len(wanted) <= MANY_PEOPLE:  # else the whole workspace's sums, others dropped below (see load_calendar)
        qs = qs.filter(person_id__in=wanted)
    if per == "week":
        qs = qs.annotate(bucket=TruncWeek("date", output_field=DateField()))
    elif per == "month":
        qs = qs.annotate(bucket=TruncMonth("date", output_field=DateField()))
    bucket = {"day": "date", "week": "bucket", "month": "bucket", "range": None}[per]
    rows = (
        qs.values(*(["person_id", bucket] if bucket else ["person_id"]))
        .annotate(logged=Sum("minutes"), billable=Sum("minutes", filter=Q(billable=True)))
        .order_by()
        .values_list("person_id", *([bucket] if bucket else []), "logged", "billable")
    )
    if bucket is None:
        return {(r[0], start): (int(r[1] or 0), int(r[2] or 0)) for r in rows if r[0] in wanted}
    return {(r[0], _as_date(r[1])): (int(r[2] or 0), int(r[3] or 0)) for r in rows if r[0] in wanted}


def _as_date(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def deal_effort_weeks(deal: Deal, minutes: int) -> list[tuple[date, int]]:
    """(week's Monday, minutes) of `minutes` spread evenly over the deal's `effort_weeks` weeks, from the Monday of the
    week after its expected close (today when it has none); the first weeks take the odd minutes. The one rule of
    where a deal's effort falls (the demand forecast and the deal's capacity panel)."""
    weeks = max(1, int(deal.effort_weeks or 1))
    first = monday_of((deal.expected_close or today()) + timedelta(days=7))
    per_week, extra = divmod(minutes, weeks)
    return [(first + timedelta(weeks=i), per_week + (1 if i < extra else 0)) for i in range(weeks)]


def need_key(effort_role: str, by: str) -> str:
    """The key a deal's need (`effort_role`) takes in the demand report: lower case by skill, as written by role."""
    key = (effort_role or "").strip()
    return (key.lower() if by == "skill" else key) or UNSPECIFIED


def pipeline_demand(workspace: Workspace, start: date, end: date, by: str) -> dict[tuple[date, str], int]:
    """Weighted pipeline demand in minutes per (week, skill or role): each open deal's expected effort x probability
    spread over the weeks after its expected close."""
    # A deal names its effort (`expected_effort_minutes`), the skill or job title it needs (`effort_role`) and the
    # weeks it spreads over after the expected close (`effort_weeks`); weighted by its probability.
    demand: dict[tuple[date, str], int] = defaultdict(int)
    deals = Deal.objects.filter(
        workspace=workspace,
        archived_at__isnull=True,
        stage__in=["lead", "qualified", "proposal", "negotiation"],
        expected_effort_minutes__gt=0,
        probability__gt=0,
    ).only("expected_close", "expected_effort_minutes", "effort_role", "effort_weeks", "probability")
    for deal in deals:
        key = need_key(deal.effort_role, by)
        for week, minutes in deal_effort_weeks(deal, deal.expected_effort_minutes * deal.probability // 100):
            if start <= week <= end:
                demand[(week, key)] += minutes
    return dict(demand)


class _DemandBooking(NamedTuple):
    id: int
    person_id: int | None
    project_id: int
    start_date: date
    end_date: date
    minutes_per_day: int
    tentative: bool
    role: str
    skill: str


class _ForecastBooking(NamedTuple):
    id: int
    person_id: int | None
    project_id: int
    start_date: date
    end_date: date
    minutes_per_day: int
    tentative: bool
    billing: str  # the project's
    client_id: int  # the project's
    currency: str  # the project's


# --- Utilization ------------------------------------------------------------------------------------------------------


def _target(settings: Any, title: str) -> int:
    targets = settings.role_targets or {}
    return int(targets.get(title, settings.utilization_target_pct))


# Complexity: role guards and checks, then one pass over person x bucket filling the grouped rows.
def utilization(
    *,
    actor: Actor,
    start: date | None,
    end: date | None,
    group_by: str = "person",
    person_id: int | None = None,
    role: str | None = None,
    to_date: bool = True,
) -> list[dict[str, Any]]:
    """Per person (or role, week, month): capacity, booked, logged and billable minutes and their percentages.

    utilization_pct = logged / capacity; billable_pct = billable / capacity; booked_pct = booked / capacity.
    Capacity excludes time off, holidays and non-working days, and the days a person was not an active member
    (MONEY.md §6). A period reaching past today is measured to date (`to_date`, the default): capacity, booked,
    logged and time off up to and including today, the days after it in `planned_capacity_minutes` and
    `planned_booked_minutes`; `to_date=False` measures the whole period. A member sees its own row only.
    """
    if actor.is_client:
        raise PermissionDenied("Your role (client) may not view utilization.")
    access.require(actor, "utilization", "view")
    if group_by not in GROUPS:
        raise ValidationError({"group_by": f"Group by one of: {', '.join(GROUPS)}."})
    start, end = check_range(start, end, default_days=29)
    # everyone who may have been a member in the period; the calendar counts each only on their active days
    people = schedule_people_rows(actor=actor, role=role, active=None)
    if actor.role == access.MEMBER:
        people = [p for p in people if p.id == actor.person_id]
    if person_id is not None:
        people = [p for p in people if p.id == person_id]
    settings = settings_for(actor.workspace)
    calendar = load_calendar(actor.workspace, people, start, end, settings=settings, members_only=True)
    measured_to = min(end, today()) if to_date else end
    buckets = _buckets(group_by, start, end)
    per = {"week": "week", "month": "month"}.get(group_by, "range")
    logged = (
        logged_minutes(actor.workspace, [p.id for p in people], start, measured_to, per=per)
        if measured_to >= start
        else {}
    )
    measured = [(lo, min(hi, measured_to)) for _, lo, hi in buckets]
    planned = [(max(lo, measured_to + timedelta(days=1)), hi) for _, lo, hi in buckets]
    groups: dict[Any, dict[str, Any]] = {}
    for person in people:
        target = _target(settings, person.title or NO_TITLE)
        rows_of_person = zip(
            buckets, calendar.minutes_by(person.id, measured), calendar.minutes_by(person.id, planned), strict=True
        )
        for (bucket, lo, _), (capacity, booked, time_off), rest in rows_of_person:
            log, billable = logged.get((person.id, bucket), (0, 0))
            # Every figure is a sum of non-negative days: a zero sum is a bucket with nothing on any day.
            if not (capacity or booked or time_off or any(rest) or log):
                continue
            key, label = _group(group_by, person, lo)
            row = groups.get(key)
            if row is None:
                row = groups[key] = _empty_row(key, label, person.id if group_by == "person" else None)
            row["capacity_minutes"] += capacity
            row["booked_minutes"] += booked
            row["logged_minutes"] += log
            row["billable_minutes"] += billable
            row["time_off_minutes"] += time_off
            row["planned_capacity_minutes"] += rest[0]
            row["planned_booked_minutes"] += rest[1]
            if person.id not in row["_people"]:
                row["_people"].add(person.id)
                row["_targets"].append(target)
        if group_by == "person" and person.id not in groups and calendar.member_during(person.id, start, end):
            key, label = _group(group_by, person, start)
            groups[key] = _empty_row(key, label, person.id)
            groups[key]["_people"].add(person.id)
            groups[key]["_targets"].append(target)
    measured_until = measured_to if measured_to >= start else None
    rows = []
    for row in groups.values():
        targets = row.pop("_targets")
        row["people"] = len(row.pop("_people"))
        row["utilization_pct"] = pct(row["logged_minutes"], row["capacity_minutes"])
        row["billable_pct"] = pct(row["billable_minutes"], row["capacity_minutes"])
        row["booked_pct"] = pct(row["booked_minutes"], row["capacity_minutes"])
        row["planned_booked_pct"] = pct(row["planned_booked_minutes"], row["planned_capacity_minutes"])
        row["target_pct"] = (
            float(round(sum(targets) / len(targets), 1)) if targets else float(settings.utilization_target_pct)
        )
        row["billable_target_pct"] = float(settings.billable_target_pct)
        row["key"] = str(row["key"])
        row["to_date"] = to_date
        row["measured_to"] = measured_until.isoformat() if measured_until else None
        rows.append(row)
    if group_by in ("week", "month"):
        rows.sort(key=lambda r: r["key"])
    else:
        rows.sort(key=lambda r: (r["label"].lower(), r["key"]))
    return rows


def utilization_summary(
    *, actor: Actor, start: date | None = None, end: date | None = None, rows: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The team's utilization over a period (this month by default), **to date**: the sums of `utilization`'s rows
    (to_date=True), so a period that includes today counts capacity only up to today (MONEY.md §6) and the figure a
    home shows is the total row of the utilization page and the sum of `GET /reports/utilization`. `rows`: that
    report's person rows for the same period when the caller has them (the page). A member's is its own row."""
    on = today()
    start = start or month_start(on)
    end = end or month_end(start)
    if rows is None:
        rows = utilization(actor=actor, start=start, end=end, group_by="person", to_date=True)
    total: dict[str, Any] = {
        name: sum(int(r[name]) for r in rows)
        for name in ("capacity_minutes", "booked_minutes", "logged_minutes", "billable_minutes", "time_off_minutes")
    }
    targets = [r["target_pct"] for r in rows]
    measured = [r["measured_to"] for r in rows if r["measured_to"]]
    return {
        "start": start,
        "end": end,
        "measured_to": max(measured) if measured else None,
        "to_date": True,
        "people": len(rows),
        **total,
        "utilization_pct": pct(total["logged_minutes"], total["capacity_minutes"]),
        "billable_pct": pct(total["billable_minutes"], total["capacity_minutes"]),
        "booked_pct": pct(total["booked_minutes"], total["capacity_minutes"]),
        "target_pct": float(round(sum(targets) / len(targets), 1)) if targets else None,
    }


def _buckets(group_by: str, start: date, end: date) -> list[tuple[date, date, date]]:
    """(bucket, first day, last day) over [start, end]: one for person and role, else each week (its Monday) or
    month (its 1st), clipped to the range. The bucket is how `logged_minutes` names it."""
    if group_by == "week":
        weeks = range(0, (end - monday_of(start)).days + 1, 7)
        mondays = [monday_of(start) + timedelta(days=offset) for offset in weeks]
        return [(m, max(m, start), min(m + timedelta(days=6), end)) for m in mondays]
    if group_by == "month":
        return month_spans(start, end)
    return [(start, start, end)]


def _empty_row(key: Any, label: str, person_id: int | None) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "person_id": person_id,
        "capacity_minutes": 0,
        "booked_minutes": 0,
        "logged_minutes": 0,
        "billable_minutes": 0,
        "time_off_minutes": 0,
        "planned_capacity_minutes": 0,
        "planned_booked_minutes": 0,
        "_people": set(),
        "_targets": [],
    }


def _group(group_by: str, person: Person | StaffRow, d: date) -> tuple[Any, str]:
    if group_by == "person":
        return person.id, person.name
    if group_by == "role":
        title = person.title or NO_TITLE
        return title, title
    if group_by == "week":
        monday = monday_of(d)
        return monday.isoformat(), f"Week of {formats.day(monday)}"
    return d.strftime("%Y-%m"), formats.month(d)


# --- Capacity vs demand -----------------------------------------------------------------------------------------------


def _keys_of(person: Person | StaffRow, by: str, needs: Iterable[str] = ()) -> list[str]:
    """The report's keys a person's capacity and bookings count towards: its title (by role) or each skill it lists
    (by skill), and each of the pipeline's `needs` it matches by skill or by title (`skill_match`), so a deal needing
    "design" meets the designers whether they list the skill or carry the title."""
    base = (
        [person.title or NO_TITLE]
        if by == "role"
        else [s.lower() for s in person.skills or []] or ["(no skill listed)"]
    )
    return base + [n for n in needs if n not in base and skill_match(person, n) != "none"]


def _booking_keys(named: str, person: StaffRow | None, by: str, needs: Iterable[str]) -> list[str]:
    """A booking counts where it names (a skill or role, and the needs that name matches), else where its person
    counts; a person's booking also counts towards the needs its person meets only by matching (their capacity counts
    there too); an unstaffed booking naming nothing is `(unspecified)`."""
    if not named:
        return _keys_of(person, by, needs) if person is not None else [UNSPECIFIED]
    wanted = named.lower()
    keys = [named] + [n for n in needs if n != named and (n.lower() in wanted or wanted in n.lower())]
    if person is not None:
        base = _keys_of(person, by)
        keys += [n for n in _keys_of(person, by, needs) if n not in base and n not in keys]
    return keys


# Complexity: guards, then one pass summing capacity and each demand kind per week and key; kept whole.
def capacity_demand(
    *, actor: Actor, start: date | None = None, end: date | None = None, by: str = "skill", needs: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Per week and skill (or job title): capacity against confirmed, tentative, unstaffed and pipeline demand.

    Defaults to the next quarter (13 weeks from this Monday). By skill, a person's capacity and bookings count
    towards each skill they list (a booking naming a skill counts only there), so compare within a skill, not across.
    A deal's need (its `effort_role`, and any of `needs`) is a row of its own that counts everyone matching it by
    skill or by job title (`_keys_of`), so pipeline demand meets the capacity that could do it.
    """
    if actor.is_client:
        raise PermissionDenied("Your role (client) may not view demand.")
    access.require(actor, "demand", "view")
    if by not in ("skill", "role"):
        raise ValidationError({"by": "Compare by skill or role."})
    start = monday_of(start or today())
    end = end or start + timedelta(weeks=13) - timedelta(days=1)
    start, end = check_range(start, end)
    settings = settings_for(actor.workspace)
    people = schedule_people_rows(actor=actor)
    bookings = [
        _DemandBooking._make(row)
        for row in Booking.objects.filter(workspace=actor.workspace, start_date__lte=end, end_date__gte=start)
        .order_by("start_date", "id")
        .values_list(*_DemandBooking._fields)
    ]
    by_id = {p.id: p for p in people}
    calendar = load_calendar(
        actor.workspace, people, start, end, settings=settings, bookings=[b for b in bookings if b.person_id in by_id]
    )
    weeks = _buckets("week", start, end)
    ranges = [(lo, hi) for _, lo, hi in weeks]
    pipeline = pipeline_demand(actor.workspace, start, end, by)
    wanted = sorted({need_key(n, by) for n in needs} | {key for _, key in pipeline} - {UNSPECIFIED})
    cells: dict[tuple[date, str], dict[str, int]] = defaultdict(
        lambda: {"capacity_minutes": 0, "confirmed_minutes": 0, "tentative_minutes": 0, "unstaffed_minutes": 0}
    )
    for person in people:
        keys = _keys_of(person, by, wanted)
        for (week, _, _), totals in zip(weeks, calendar.totals_by(person.id, ranges), strict=True):
            if totals.capacity_minutes:
                for key in keys:
                    cells[(week, key)]["capacity_minutes"] += totals.capacity_minutes
    for b in bookings:
        if b.person_id is not None and b.person_id not in by_id:
            continue  # an inactive person's booking
        named = (b.skill.lower() if by == "skill" else b.role) or ""
        keys = _booking_keys(named, by_id[b.person_id] if b.person_id else None, by, wanted)
        column = (
            "unstaffed_minutes"
            if b.person_id is None
            else ("tentative_minutes" if b.tentative else "confirmed_minutes")
        )
        counts = calendar.booking_day_counts(b.person_id, b.start_date, b.end_date, ranges)
        for (week, _, _), days in zip(weeks, counts, strict=True):
            if days:
                for key in keys:
                    cells[(week, key)][column] += b.minutes_per_day * days
    for cell_key in pipeline:
        cells[cell_key]
    rows = []
    for (week, key), v in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        demand = v["confirmed_minutes"] + v["tentative_minutes"] + v["unstaffed_minutes"] + pipeline.get((week, key), 0)
        rows.append(
            {
                "week_start": week,
                "key": key,
                **v,
                "pipeline_minutes": pipeline.get((week, key), 0),
                "demand_minutes": demand,
                "gap_minutes": v["capacity_minutes"] - demand,
            }
        )
    return rows


def deal_capacity(*, actor: Actor, deal: Deal) -> dict[str, Any] | None:
    """The capacity a deal would meet, shown before committing to it: per week of its effort (`deal_effort_weeks`)
    the deal's whole effort (unweighted: what winning it asks) and the free minutes of everyone who matches its need
    (`effort_role`) by skill or by job title, i.e. their capacity less confirmed, tentative and unstaffed bookings
    (other deals' pipeline is not taken off: it is not committed). None for a role that may not view demand, and for
    a closed deal."""
    if deal.stage in ("won", "lost") or not access.allowed(actor, "demand", "view"):
        return None
    spread = deal_effort_weeks(deal, deal.expected_effort_minutes)
    need = need_key(deal.effort_role, "skill")
    if need == UNSPECIFIED:  # no need named: nobody to match (the page asks for one)
        return {"role": "", "skill": "", "matched_by": "skill or job title", "weeks": [], "short_weeks": 0}
    start, end = spread[0][0], spread[-1][0] + timedelta(days=6)
    end = min(end, start + timedelta(days=MAX_CAPACITY_DAYS))
    rows = {
        r["week_start"]: r
        for r in capacity_demand(actor=actor, start=start, end=end, by="skill", needs=[deal.effort_role])
        if r["key"] == need
    }
    weeks = []
    for week, minutes in spread:
        row = rows.get(week)
        if week > end:
            break
        booked = row["confirmed_minutes"] + row["tentative_minutes"] + row["unstaffed_minutes"] if row else 0
        free = (row["capacity_minutes"] - booked) if row else 0
        weeks.append({"week": week, "demand_minutes": minutes, "free_minutes": free, "covered": free >= minutes})
    return {
        "role": (deal.effort_role or "").strip(),
        "skill": need,
        "matched_by": "skill or job title",
        "weeks": weeks,
        "short_weeks": sum(1 for w in weeks if not w["covered"]),
    }


# --- Revenue forecast ---------------------------------------------------------------------------------------------


class _Price(NamedTuple):
    """Booked minutes at one bill rate, in one month, column and currency (priced once, rounded once)."""

    month: str
    column: str  # "confirmed" or "tentative"
    currency: str
    rate: Decimal


def _rate_in_force(rates: ExchangeRates, currency: str, on: date) -> Decimal | None:
    """The exchange rate `ExchangeRates.convert` uses for `currency` on `on` (None: the base, or no rate at all)."""
    rows = rates.rows.get(currency)
    if currency == rates.base or not rows:
        return None
    rate = rows[0][1]
    for start, value in rows:
        if start > on:
            break
        rate = value
    return Decimal(rate)


# Complexity: guards and default range, one pass pricing each booking's days (rate card by day), then per month the
# project currencies converted to the base currency; kept whole so the pricing reads in one place.
def revenue_forecast(*, actor: Actor, start: date | None = None, end: date | None = None) -> list[dict[str, Any]]:
    """Per month: a forecast (MONEY.md §6), not earned revenue. Booked minutes x the bill rate that would apply to
    that person on that project on that day by rate-card precedence (`rates.resolution.RateBook`), in the project's
    currency, then converted to the base currency at today's exchange rate; confirmed and tentative apart.

    Non-billable projects earn nothing; placeholders have no rate yet and are counted in minutes only; a person
    counts only on the days they are an active member. Each (month, kind, currency, rate) is priced once,
    minutes / 60 x rate rounded half up to cents; a currency without an exchange rate is left out of the base
    amounts and named in `missing_exchange_rates` and `warnings` (never added unconverted).
    """
    if actor.is_client:
        raise PermissionDenied("Your role (client) may not view forecasts.")
    access.require(actor, "financials", "view")
    start = month_start(start or today())
    if end is None:
        end = month_end(next_month(next_month(start)))  # this month and the next two
    start, end = check_range(start, end)
    workspace = actor.workspace
    base = workspace.currency
    people = schedule_people_rows(actor=actor, active=None)
    by_id = {p.id: p for p in people}
    bookings = [
        _ForecastBooking._make(row)
        for row in Booking.objects.filter(workspace=workspace, start_date__lte=end, end_date__gte=start)
        .order_by("start_date", "id")
        .values_list(*_ForecastBooking._fields[:-3], "project__billing", "project__client_id", "project__currency")
    ]
    booked_people = {b.person_id for b in bookings if b.person_id in by_id}
    roles = dict(Person.objects.filter(workspace=workspace, id__in=booked_people).values_list("id", "membership__role"))
    calendar = load_calendar(
        workspace,
        [p for p in people if p.id in booked_people],
        start,
        end,
        bookings=[b for b in bookings if b.person_id in booked_people],
        members_only=True,
    )
    book = RateBook.load(workspace.pk, person_ids=booked_people)
    months = _buckets("month", start, end)
    rows_by_month: dict[str, dict[str, Any]] = {}
    for first, _, _ in months:
        key = first.strftime("%Y-%m")
        rows_by_month[key] = {
            "month": key,
            "forecast": True,
            "confirmed_minutes": 0,
            "tentative_minutes": 0,
            "unstaffed_minutes": 0,
        }
    priced: dict[_Price, int] = defaultdict(int)  # minutes per (month, kind, currency, rate)
    for b in bookings:
        person = by_id.get(b.person_id) if b.person_id else None
        if b.person_id is not None and person is None:
            continue  # not on the schedule (a client-role user)
        for first, lo, hi in months:
            row = rows_by_month[first.strftime("%Y-%m")]
            lo, hi = max(lo, b.start_date), min(hi, b.end_date)
            if lo > hi:
                continue
            if person is None:
                row["unstaffed_minutes"] += b.minutes_per_day * len(calendar.booking_days(None, lo, hi))
                continue
            column = "tentative" if b.tentative else "confirmed"
            for d in calendar.booking_days(person.id, lo, hi):
                if not calendar.member_on(person.id, d):
                    continue
                row[f"{column}_minutes"] += b.minutes_per_day
                if b.billing == Billing.NON_BILLABLE:
                    continue
                rate = book.resolve(
                    person_id=person.id,
                    person_bill_rate=person.bill_rate,
                    person_cost_rate=ZERO,
                    person_title=person.title,
                    person_role=roles.get(person.id, ""),
                    project_id=b.project_id,
                    client_id=b.client_id,
                    on=d,
                ).bill_rate
                if rate:
                    priced[_Price(row["month"], column, b.currency or base, rate)] += b.minutes_per_day
    on = today()
    exchange = ExchangeRates(workspace.pk, base, {price.currency for price in priced})
    amounts: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for price, minutes in priced.items():
        amounts[(price.month, price.currency)][price.column] += amount_for(minutes, price.rate)
    missing = sorted(c for c in {currency for _, currency in amounts} if c != base and not exchange.rows.get(c))
    out = []
    for key, row in rows_by_month.items():
        confirmed = tentative = ZERO
        by_currency = []
        for currency in sorted({c for month, c in amounts if month == key}):
            own = amounts[(key, currency)]
            item: dict[str, Any] = {
                "currency": currency,
                "confirmed_amount": to_money(own["confirmed"]),
                "tentative_amount": to_money(own["tentative"]),
                "total_amount": to_money(own["confirmed"] + own["tentative"]),
                "exchange_rate": _rate_in_force(exchange, currency, on),
                "converted": currency not in missing,
            }
            by_currency.append(item)
            if currency in missing:
                continue
            confirmed += exchange.convert(item["confirmed_amount"], currency, on)
            tentative += exchange.convert(item["tentative_amount"], currency, on)
        row["confirmed_amount"] = to_money(confirmed)
        row["tentative_amount"] = to_money(tentative)
        row["total_amount"] = row["confirmed_amount"] + row["tentative_amount"]
        row["currency"] = base
        row["exchange_rates_on"] = on
        row["by_currency"] = by_currency
        row_missing = [item["currency"] for item in by_currency if not item["converted"]]
        row["missing_exchange_rates"] = row_missing
        row["warnings"] = [
            f"No exchange rate from {code} to {base}: the {code} amounts are left out of the {base} totals until "
            "one is added."
            for code in row_missing
        ]
        out.append(row)
    return out


# --- Find someone -----------------------------------------------------------------------------------------------------


def skill_match(person: Person | StaffRow, skill: str) -> str:
    """`exact` when the person lists the skill, `partial` when a listed skill or the title contains it, else `none`."""
    wanted = skill.strip().lower()
    if not wanted:
        return "exact"
    skills = [s.lower() for s in person.skills or []]
    if wanted in skills:
        return "exact"
    if any(wanted in s or s in wanted for s in skills) or wanted in (person.title or "").lower():
        return "partial"
    return "none"


MATCH_RANK = {"exact": 0, "partial": 1, "none": 2}


# Complexity: a ranking pass per person: skill match, free capacity vs the need (total or daily), rate.
def find_candidates(
    *,
    actor: Actor,
    skill: str = "",
    start: date | None,
    end: date | None,
    minutes: int | None = None,
    minutes_per_day: int | None = None,
    include_unskilled: bool = False,
    calendar: Calendar | None = None,
) -> list[dict[str, Any]]:
    """People ranked for work needing `skill` over [start, end]: first those whose free capacity covers the need,
    then by skill match (exact before partial), free capacity (most first) and cost rate (cheapest first).

    The need is `minutes` in all or `minutes_per_day` on each working day (default: a whole working day)."""
    if actor.is_client:
        raise PermissionDenied("Your role (client) may not look for people.")
    access.require(actor, "staffing", "view")
    start, end = check_range(start, end, default_days=13)
    if minutes is not None and minutes_per_day is not None:
        raise ValidationError({"minutes": "Send minutes or minutes_per_day, not both."})
    people = schedule_people(actor=actor)
    calendar = calendar or load_calendar(actor.workspace, people, start, end)
    see_rates = access.can_see_rates(actor)
    rows = []
    for person in people:
        match = skill_match(person, skill)
        if match == "none" and not include_unskilled:
            continue
        days = calendar.days(person.id)
        working = [d for d in days if d.capacity_minutes > 0]
        free = sum(d.free_minutes for d in days)
        capacity = sum(d.capacity_minutes for d in days)
        if minutes is not None:
            needed = minutes
            short_days = 0
        else:
            per_day = minutes_per_day
            needed = 0
            short_days = 0
            for d in calendar.days(person.id):
                if not calendar.schedule(person.id).works_on(d.date) or d.holiday:
                    continue
                want = per_day if per_day is not None else calendar.schedule(person.id).base_minutes(d.date)
                needed += want
                if d.free_minutes < want:
                    short_days += 1
        covers = free >= needed and short_days == 0
        reasons = [
            {"exact": f"lists “{skill}”", "partial": f"close to “{skill}”", "none": f"does not list “{skill}”"}[match]
            if skill
            else "any skill",
            f"{free} of {needed} minutes needed are free" if needed else f"{free} minutes free",
        ]
        if short_days:
            reasons.append(f"short on {short_days} day{'s' if short_days != 1 else ''}")
        time_off_days = sum(1 for d in days if d.time_off_minutes)
        if time_off_days:
            reasons.append(f"away {time_off_days} day{'s' if time_off_days != 1 else ''}")
        if see_rates:
            reasons.append(f"cost {person.cost_rate}/h")
        rows.append(
            {
                "person_id": person.id,
                "name": person.name,
                "title": person.title,
                "skills": person.skills,
                "skill_match": match,
                "capacity_minutes": capacity,
                "free_minutes": free,
                "needed_minutes": needed,
                "covers": covers,
                "short_days": short_days,
                "working_days": len(working),
                "cost_rate": person.cost_rate if see_rates else None,
                "bill_rate": person.bill_rate if see_rates else None,
                "explanation": "; ".join(reasons) + ".",
                "_cost": person.cost_rate,
            }
        )
    rows.sort(key=lambda r: (not r["covers"], MATCH_RANK[r["skill_match"]], -r["free_minutes"], r["_cost"], r["name"]))
    for rank, row in enumerate(rows, start=1):
        row.pop("_cost")
        row["rank"] = rank
    return rows


# --- Staffing suggestions ---------------------------------------------------------------------------------------------


def staffing_plan(
    *,
    actor: Actor,
    project_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    booking_ids: list[int] | None = None,
    allow_overbooking: bool | None = None,
) -> Any:
    """Suggestions for the unstaffed placeholders (optionally of one project, overlapping [start, end]).

    Overbooking is allowed unless the workspace refuses it (or the caller says otherwise)."""
    if actor.is_client:
        raise PermissionDenied("Your role (client) may not view staffing suggestions.")
    access.require(actor, "staffing", "view")
    settings = settings_for(actor.workspace)
    if allow_overbooking is None:
        allow_overbooking = settings.overbooking_mode != OverbookingMode.REFUSE
    qs = Booking.objects.filter(workspace=actor.workspace, person__isnull=True).select_related(
        "project", "project__client"
    )
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if booking_ids is not None:
        qs = qs.filter(id__in=booking_ids)
    if start is not None:
        qs = qs.filter(end_date__gte=start)
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    placeholders = list(qs.order_by("start_date", "id")[:200])
    people = schedule_people(actor=actor)
    if placeholders:
        lo = min(b.start_date for b in placeholders)
        hi = max(b.end_date for b in placeholders)
    else:
        lo = hi = today()
    calendar = load_calendar(actor.workspace, people, lo, hi, settings=settings)
    return solve(placeholders, people, calendar, allow_overbooking=allow_overbooking)
