"""The profitability report's reads, in few queries and integer cents.

- Minutes, billable minutes, cost and time-and-materials revenue (base currency) of every project (`by_key`): one
  grouped query by the report's own key over the rollup's whole months, one over the raw entries of the edge days.
- Recognised revenue (fixed fee, retainer) and other currencies (`recognition_inputs`): one query over the rollup
  (and one over the edge days) for those projects only, at the grain the grouping needs: per project when grouping by
  client, project or account manager (a fixed fee's monthly recognition telescopes to R(minutes to the end) -
  R(minutes before), a retainer's months add up), per project x month by month, per project x person x month by
  person; other currencies always per project x person x month (each cell converts and rounds on its own). The same
  query brings the minutes before the range and the first month with time (retainers start there when they have no
  start date). By person it groups by the plain columns and tells each month's phase in Python; cells of months
  without raw days are filed once, straight into the month's people. The history before the range's first month is
  one more query, only for the projects that need it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast

from baton.delivery.models import Billing
from baton.finance.selectors.profit._common import AFTER, BEFORE, EDGE, INSIDE, Facts, Inputs
from baton.finance.selectors.recognition import month_index, to_cents
from baton.timesheets import rollups
from baton.timesheets.models import ProjectMonthRollup, TimeEntry, TimeRollup

# The field each grouping reads on a time entry or rollup row.
GROUP_FIELDS = {
    "client": "project__client_id",
    "project": "project_id",
    "person": "person_id",
    "month": "month",
    "account_manager": "project__client__account_manager_id",
}


def _month_index(value: date | str | None) -> int | None:
    """The month index of a date read without Django's converters (SQLite gives 'YYYY-MM-DD')."""
    if value is None:
        return None
    if isinstance(value, str):
        return int(value[:4]) * 12 + int(value[5:7]) - 1
    return value.year * 12 + value.month - 1


def _fetch(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """A values_list query's rows as the driver returns them: tens of thousands of integer rows cost more in
    Django's per-value converters than in the database."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


# --- Minutes, cost and time-and-materials revenue per key of the report ---------------------------------------------


def by_key(group_by: str, cut: rollups.Cut, scope: Q, base: str) -> dict[Any, list[int]]:
    """[minutes, billable minutes, revenue cents of time and materials (the entries' stored base amounts, MONEY.md §2),
    labour cost cents, 0 (the
    expense cost, added later)] per key of
    the report, every project of the scope: the cut's whole months from the rollup, its raw days added or
    subtracted; a key whose entries all went is dropped."""
    key_field = GROUP_FIELDS[group_by]
    tm_revenue = Q(billable=True, project__billing=Billing.TIME_AND_MATERIALS)  # any currency: base amounts
    out: dict[Any, list[int]] = {}
    if not cut.no_months:
        out = _by_key_months(group_by, key_field, cut, scope, tm_revenue)
    raw_days = rollups.any_of([q for q in (cut.plus, cut.minus) if q is not None])
    if raw_days is None:
        return {k: [*v[:4], 0] for k, v in out.items()}
    _by_key_raw_days(out, group_by, key_field, cut, TimeEntry.objects.filter(scope, raw_days), tm_revenue)
    return {k: [*v[:4], 0] for k, v in out.items() if v[4] > 0}


def _by_key_months(group_by: str, key_field: str, cut: rollups.Cut, scope: Q, tm_revenue: Q) -> dict[Any, list[int]]:
    """The cut's whole months from the rollup: [minutes, billable minutes, T&M revenue, cost, entries] per key. Every
    key but the person reads the project-month rollup (the same sums in a fraction of the rows)."""
    out: dict[Any, list[int]] = {}
    qs: QuerySet[Any]
    if group_by == "person":
        qs = (
            TimeRollup.objects.filter(scope, cut.months_q())
            .values_list(key_field)
            .annotate(
                m=Sum("minutes"),
                bm=Sum("minutes", filter=Q(billable=True)),
                revenue=Sum("bill_base_cents", filter=tm_revenue),
                cost=Sum("cost_cents"),
                n=Sum("entries"),
            )
        )
    else:
        qs = (
            ProjectMonthRollup.objects.filter(scope, cut.months_q())
            .values_list(key_field)
            .annotate(
                m=Sum("minutes"),
                bm=Sum("billable_minutes"),
                revenue=Sum("billable_bill_base_cents", filter=Q(project__billing=Billing.TIME_AND_MATERIALS)),
                cost=Sum("cost_cents"),
                n=Sum("entries"),
            )
        )
    for key, m, bm, revenue, cost, n in qs.order_by():
        if group_by == "month":
            key = f"{key:%Y-%m}"
        out[key] = [int(m or 0), int(bm or 0), int(revenue or 0), int(cost or 0), int(n or 0)]
    return out


def _by_key_raw_days(
    out: dict[Any, list[int]],
    group_by: str,
    key_field: str,
    cut: rollups.Cut,
    raw: QuerySet[TimeEntry],
    tm_revenue: Q,
) -> None:
    """The cut's raw days added to (inside the range) or subtracted from (outside it, in a month read whole) `out`."""
    sign: Any = Value(1) if cut.minus is None else Case(When(cut.minus, then=Value(-1)), default=Value(1))
    raw = raw.annotate(_sign=sign)
    if group_by == "month":
        raw, key_field = raw.annotate(_month=cut.raw_month()), "_month"
    for key, sign_value, m, bm, revenue, cost, n in (
        raw.values_list(key_field, "_sign")
        .annotate(
            m=Sum("minutes"),
            bm=Sum("minutes", filter=Q(billable=True)),
            revenue=Sum("bill_amount_base", filter=tm_revenue),
            cost=Sum("cost_amount"),
            n=Count("id"),
        )
        .order_by()
    ):
        if group_by == "month":
            key = f"{key:%Y-%m}"
        acc = out.get(key)
        if acc is None:
            acc = out[key] = [0, 0, 0, 0, 0]
        acc[0] += sign_value * int(m or 0)
        acc[1] += sign_value * int(bm or 0)
        acc[2] += sign_value * to_cents(revenue)
        acc[3] += sign_value * to_cents(cost)
        acc[4] += sign_value * int(n or 0)


# --- What revenue recognition and conversion read ------------------------------------------------------------------


def recognition_inputs(
    cut: rollups.Cut, scope: Q, base: str, projects: dict[int, Facts], *, by_person: bool, by_month: bool
) -> dict[int, Inputs]:
    """The recognised and foreign projects of `scope`: the range's cells at the grain asked (other currencies always
    per person x month) from the rollup's months and the raw days added or subtracted, the first month with time,
    and the time before the range, read only for the projects that need it: fixed fees with time in the range, and
    retainers that do not start on or before the range's first month (they may start at their first time)."""
    foreign = ~Q(project__currency=base)
    out: dict[int, Inputs] = defaultdict(Inputs)
    if by_person:
        qs, inside = _range_rollups(TimeRollup, cut, scope)
        rows = _person_rows(cut, qs, inside)
    else:
        others = [pk for pk, p in projects.items() if p.currency != base]
        rows = _grain_rows(cut, scope, foreign, others, by_month=by_month)
    _file_range_rows(out, rows, _edge_months(cut), _with_bills(projects, base))
    _add_raw_days(out, cut, scope, foreign, by_person=by_person, by_month=by_month)
    _add_history(out, cut, projects)
    for inputs in out.values():
        inputs.settle()
    return out


def _first_of_range(cut: rollups.Cut) -> date | None:
    return rollups.month_of(cut.date_from) if cut.date_from else None


def _edge_months(cut: rollups.Cut) -> set[int]:
    """The month indexes of the range's first and last days: the only months raw days lie in."""
    return {month_index(d) for d in (cut.date_from, cut.date_to) if d is not None}


def _with_bills(projects: dict[int, Facts], base: str) -> set[int]:
    """The projects whose billable bill cents the recognition reads: other currencies (their time and materials) and
    fixed fees without budget minutes (they recognise bill amounts up to the fee)."""
    return {pk for pk, p in projects.items() if p.currency != base or (p.billing == Billing.FIXED_FEE and not p.budget)}


def _grain(always: bool, where: Q | None, value: Any, output_field: Any, foreign: Q) -> Any:
    """`value` where the grain needs it (every project or only the foreign ones), else NULL."""
    if where is None:
        return Value(None, output_field=output_field)
    condition = where if always else where & foreign
    if not condition:
        return value
    return Case(When(condition, then=value), default=Value(None), output_field=output_field)


def _range_rollups(model: Any, cut: rollups.Cut, scope: Q) -> tuple[QuerySet[Any], Q | None]:
    """The rollup months of the range's first to last month, and which of them the cut reads whole (INSIDE, at the
    grain; None: none); the others (EDGE: partial months read from raw days) only tell their month."""
    first_of_range = _first_of_range(cut)
    last_of_range = rollups.month_of(cut.date_to) if cut.date_to else None
    qs = model.objects.filter(scope)
    if first_of_range is not None:
        qs = qs.filter(month__gte=first_of_range)
    if last_of_range is not None:
        qs = qs.filter(month__lte=last_of_range)
    inside: Q | None = None if cut.no_months else cut.months_q()
    return qs, inside


def _phase(inside: Q | None) -> Any:
    """INSIDE for the rollup rows of the cut's whole months, EDGE for the others."""
    if inside is None:
        return Value(EDGE)
    if not inside:
        return Value(INSIDE)
    return Case(When(inside, then=Value(INSIDE)), default=Value(EDGE), output_field=IntegerField())


def _person_rows(cut: rollups.Cut, qs: QuerySet[TimeRollup], inside: Q | None) -> list[tuple[Any, ...]]:
    """By person every row is a person x month cell: grouped by the plain columns (no CASE per row in the GROUP BY),
    the phase told here from the month, the first month being the cell's own. Rows as `_grain_rows` gives them."""
    cells = _fetch(
        qs.values_list("project_id", "person_id", "month")
        .annotate(
            m=Cast(Sum("minutes"), BigIntegerField()),
            bill=Cast(Sum("bill_cents", filter=Q(billable=True)), BigIntegerField()),
            n=Cast(Sum("entries"), BigIntegerField()),
        )
        .order_by()
    )
    lo = None if cut.first_month is None else month_index(cut.first_month)
    hi = None if cut.end_month is None else month_index(cut.end_month)
    phases: dict[Any, int] = {}
    rows = []
    for project_id, person, month, m, bill, n in cells:
        row_phase = phases.get(month)
        if row_phase is None:
            index = _month_index(month)
            inside_month = (
                inside is not None and index is not None and (lo is None or index >= lo) and (hi is None or index < hi)
            )
            row_phase = phases[month] = INSIDE if inside_month else EDGE
        rows.append((project_id, row_phase, person, month, m, bill, n, month))
    return rows


def _grain_rows(cut: rollups.Cut, scope: Q, foreign: Q, others: list[int], *, by_month: bool) -> list[tuple[Any, ...]]:
    """(project, phase, person, month, minutes, billable bill cents, entries, first month) at the grain of a grouping
    other than by person: per project, per project x month by month, from the project-month rollup; other
    currencies (the projects `others`, few) per person x month, from the time rollup through its project index."""
    qs, inside = _range_rollups(ProjectMonthRollup, cut, scope & ~foreign)
    rows = _fetch(
        qs.annotate(
            _phase=_phase(inside),
            _person=Value(None, output_field=IntegerField()),
            _month=_grain(True, inside, F("month"), DateField(), foreign)
            if by_month
            else Value(None, output_field=DateField()),
        )
        .values_list("project_id", "_phase", "_person", "_month")
        .annotate(
            # bigint, not numeric: integers from the driver without a Decimal per value
            m=Cast(Sum("minutes"), BigIntegerField()),
            bill=Cast(Sum("billable_bill_cents"), BigIntegerField()),
            n=Cast(Sum("entries"), BigIntegerField()),
            first=Min("month"),
        )
        .order_by()
    )
    if not others:
        return rows
    qs, inside = _range_rollups(TimeRollup, cut, scope & Q(project_id__in=others))
    rows += _fetch(
        qs.annotate(
            _phase=_phase(inside),
            _person=_grain(True, inside, F("person_id"), IntegerField(), foreign),
            _month=_grain(True, inside, F("month"), DateField(), foreign),
        )
        .values_list("project_id", "_phase", "_person", "_month")
        .annotate(
            m=Cast(Sum("minutes"), BigIntegerField()),
            bill=Cast(Sum("bill_cents", filter=Q(billable=True)), BigIntegerField()),
            n=Cast(Sum("entries"), BigIntegerField()),
            first=Min("month"),
        )
        .order_by()
    )
    return rows


def _file_range_rows(
    out: dict[int, Inputs], rows: list[tuple[Any, ...]], edges: set[int], with_bills: set[int]
) -> None:
    """The rollup rows into each project's inputs, and its first month with time. Raw days lie only in the range's
    first and last months (`edges`): a cell of another month is final as the rollup gives it, so it goes straight into
    `months` (and `bills`, for the projects that read them) when it has entries. Other cells (an edge month, or no
    month at this grain) wait in `cells` for the raw days (see `Inputs.settle`)."""
    firsts: dict[int, Any] = {}
    indexes: dict[Any, int | None] = {None: None}
    for project_id, row_phase, person, month, m, bill, n, first in rows:
        seen = firsts.get(project_id)
        if seen is None or first < seen:
            firsts[project_id] = first
        if row_phase == INSIDE:
            index = indexes.get(month, -1)
            if index == -1:
                index = indexes[month] = _month_index(month)
            inputs = out[project_id]
            # One row per (person, month) of a project: GROUP BY gives each once.
            if index is None or index in edges:
                inputs.cells[(person, index)] = [m or 0, bill or 0, n or 0]
            elif (n or 0) > 0:  # `n` is a sum of entry counts: cells without entries are not cells
                people = inputs.months.get(index)
                if people is None:
                    people = inputs.months[index] = {}
                people[person] = m or 0
                if project_id in with_bills:
                    inputs.bills[(person, index)] = bill or 0
    for project_id, first in firsts.items():
        out[project_id].see(first)


def _add_raw_days(
    out: dict[int, Inputs], cut: rollups.Cut, scope: Q, foreign: Q, *, by_person: bool, by_month: bool
) -> None:
    """Raw days: added (inside the range), subtracted (outside it, in a month read whole), and before the range in
    its first month (time before the range; subtracted too when that month is read whole)."""
    date_from = cut.date_from
    first_of_range = _first_of_range(cut)
    days = [q for q in (cut.plus, cut.minus) if q is not None]
    if date_from is not None and first_of_range is not None and date_from > first_of_range:
        days.append(Q(date__gte=first_of_range, date__lt=date_from))
    if not days:
        return
    first_read_whole = first_of_range is not None and cut.first_month == first_of_range and not cut.no_months
    raw_rows = (
        TimeEntry.objects.filter(scope, rollups.any_of(days))
        .annotate(
            _class=_day_class(cut),
            _person=_grain(by_person, Q(), F("person_id"), IntegerField(), foreign),
            _month=_grain(by_person or by_month, Q(), cut.raw_month(), DateField(), foreign),
        )
        .values_list("project_id", "_class", "_person", "_month")
        .annotate(m=Sum("minutes"), bill=Sum("bill_amount", filter=Q(billable=True)), n=Count("id"))
        .order_by()
    )
    for project_id, day_class_value, person, month, m, bill, n in raw_rows:
        inputs = out[project_id]
        minutes, cents, entries = int(m or 0), to_cents(bill), int(n or 0)
        index = month_index(month) if month is not None else None
        if day_class_value == INSIDE:
            inputs.add(person, index, minutes, cents, entries)
        elif day_class_value == AFTER:
            inputs.add(person, index, -minutes, -cents, -entries)
        else:
            inputs.before_minutes += minutes
            inputs.before_bill += cents
            if first_read_whole:
                inputs.add(person, index, -minutes, -cents, -entries)


def _day_class(cut: rollups.Cut) -> Any:
    """BEFORE, INSIDE or AFTER the range, of a raw entry's date."""
    classes = []
    if cut.date_from is not None:
        classes.append(When(date__lt=cut.date_from, then=Value(BEFORE)))
    if cut.date_to is not None:
        classes.append(When(date__gt=cut.date_to, then=Value(AFTER)))
    return Case(*classes, default=Value(INSIDE), output_field=IntegerField()) if classes else Value(INSIDE)


def _add_history(out: dict[int, Inputs], cut: rollups.Cut, projects: dict[int, Facts]) -> None:
    """Before the range's first month: only for the projects whose figures depend on it (`_needs_history`)."""
    first_of_range = _first_of_range(cut)
    if first_of_range is None:
        return
    needed = _needs_history(out, projects, first_of_range)
    if not needed:
        return
    for project_id, m, bill, first in (
        ProjectMonthRollup.objects.filter(project_id__in=needed, month__lt=first_of_range)
        .values_list("project_id")
        .annotate(m=Sum("minutes"), bill=Sum("billable_bill_cents"), first=Min("month"))
        .order_by()
    ):
        inputs = out[project_id]
        inputs.before_minutes += int(m or 0)
        inputs.before_bill += int(bill or 0)
        inputs.see(first)


def _needs_history(out: dict[int, Inputs], projects: dict[int, Facts], first_of_range: date) -> list[int]:
    """Fixed fees with time in the range, and retainers that do not start on or before the range's first month."""
    return [
        pk
        for pk, p in projects.items()
        if (p.billing == Billing.FIXED_FEE and pk in out and (out[pk].cells or out[pk].months))
        or (p.billing == Billing.RETAINER and (p.start_date is None or p.start_date > first_of_range))
    ]


# --- The days of fixed fees whose terms changed ---------------------------------------------------------------------


def fixed_fee_days(project_ids: list[int], date_to: date | None) -> dict[int, list[tuple[date, int, int, int]]]:
    """(day, person, minutes, billable bill cents) per project, by day, up to the range's end: the fixed fees whose
    change orders moved their terms are recognised month by month from their days (few projects, read whole)."""
    out: dict[int, list[tuple[date, int, int, int]]] = defaultdict(list)
    if not project_ids:
        return out
    qs = TimeEntry.objects.filter(project_id__in=project_ids)
    if date_to is not None:
        qs = qs.filter(date__lte=date_to)
    for project_id, day, person, m, bill in (
        qs.values_list("project_id", "date", "person_id")
        .annotate(m=Sum("minutes"), bill=Sum("bill_amount", filter=Q(billable=True)))
        .order_by("project_id", "date", "person_id")
    ):
        out[project_id].append((day, person, int(m or 0), to_cents(bill)))
    return out
