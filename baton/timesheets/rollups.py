"""The time rollup: minutes and money per project x person x month x billable, kept equal to the raw entries.

Writers: `entry_added` / `entry_removed`, called by the time entry services in their transaction (an update removes
the old figures and adds the new ones); `rebuild` for a whole workspace (the command `rebuild_rollups`, bulk loaders).
The change is one `INSERT ... ON CONFLICT DO UPDATE` (SQLite and PostgreSQL both have it), so two transactions
logging time into the same new cell at once cannot both insert it. A cell whose last entry goes is deleted, so the
rollup holds exactly the cells the entries have.

`ProjectMonthRollup` is the same summed over person and billable (per project x month), kept by database triggers
on TimeRollup's table (migration 0005): nothing here writes it, and every write above (or `rebuild`'s) moves it too.

Readers: `month_split` cuts a date range into whole months (read from the rollup) and the partial edge days (read
from raw entries), so every figure is identical to the cent to aggregating the entries themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, DateField, Q, Sum, Value, When
from django.db.models.functions import TruncMonth

from baton.core.months import month_end, month_start, next_month
from baton.timesheets.models import ProjectMonthRollup, TimeEntry, TimeRollup

CENTS = Decimal(100)


def cents(amount: Decimal | None) -> int:
    return int(((amount or Decimal(0)) * CENTS).to_integral_value(rounding=ROUND_HALF_UP))


def money(value: int | None) -> Decimal:
    return (Decimal(value or 0) / CENTS).quantize(Decimal("0.01"))


month_of = month_start  # a rollup row's month is its first day


# --- Writes ------------------------------------------------------------------------------------------------------


# The table is timesheets_timerollup (TimeRollup._meta.db_table); literal SQL so nothing is interpolated.
_UPSERT = (
    "INSERT INTO timesheets_timerollup (workspace_id, project_id, person_id, month, billable, minutes, bill_cents, "
    "bill_base_cents, cost_cents, entries) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (project_id, person_id, month, billable) DO UPDATE SET "
    "minutes = timesheets_timerollup.minutes + excluded.minutes, "
    "bill_cents = timesheets_timerollup.bill_cents + excluded.bill_cents, "
    "bill_base_cents = timesheets_timerollup.bill_base_cents + excluded.bill_base_cents, "
    "cost_cents = timesheets_timerollup.cost_cents + excluded.cost_cents, "
    "entries = timesheets_timerollup.entries + excluded.entries"
)
_DROP_EMPTY = (
    "DELETE FROM timesheets_timerollup WHERE project_id = %s AND person_id = %s AND month = %s AND billable = %s "
    "AND entries <= 0"
)


def _apply(entry: TimeEntry, sign: int) -> None:
    month = month_of(entry.date)
    params: list[Any] = [
        entry.workspace_id,
        entry.project_id,
        entry.person_id,
        month,
        bool(entry.billable),
        sign * int(entry.minutes),
        sign * cents(entry.bill_amount),
        sign * cents(entry.bill_amount_base),
        sign * cents(entry.cost_amount),
        sign,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, params)
        if sign < 0:
            cursor.execute(_DROP_EMPTY, [entry.project_id, entry.person_id, month, bool(entry.billable)])


def entry_added(entry: TimeEntry) -> None:
    """Count a new (or changed, after `entry_removed` of its old figures) entry. Call inside the write's
    transaction."""
    _apply(entry, 1)


def entry_removed(entry: TimeEntry) -> None:
    """Take an entry's figures out (it is deleted, or about to change)."""
    _apply(entry, -1)


def entries_added(entries: list[TimeEntry]) -> int:
    """Count many new entries at once (a bulk import): their figures summed per cell in memory, then one upsert per
    touched cell. Call inside the write's transaction; returns the number of cells touched."""
    cells: dict[tuple[int, int, int, date, bool], list[int]] = {}
    for entry in entries:
        key = (entry.workspace_id, entry.project_id, entry.person_id, month_of(entry.date), bool(entry.billable))
        acc = cells.setdefault(key, [0, 0, 0, 0, 0])
        acc[0] += int(entry.minutes)
        acc[1] += cents(entry.bill_amount)
        acc[2] += cents(entry.bill_amount_base)
        acc[3] += cents(entry.cost_amount)
        acc[4] += 1
    if cells:
        with connection.cursor() as cursor:
            cursor.executemany(_UPSERT, [[*key, *figures] for key, figures in cells.items()])
    return len(cells)


def snapshot(entry: TimeEntry) -> TimeEntry:
    """A detached copy of the figures the rollup counts, taken before an update changes them."""
    return TimeEntry(
        workspace_id=entry.workspace_id,
        project_id=entry.project_id,
        person_id=entry.person_id,
        date=entry.date,
        billable=entry.billable,
        minutes=entry.minutes,
        bill_amount=entry.bill_amount,
        bill_amount_base=entry.bill_amount_base,
        cost_amount=entry.cost_amount,
    )


Cells = dict[tuple[int, int, date, bool], tuple[int, int, int, int, int]]


def bare_cells(workspace_id: int) -> Cells:
    """The rollup computed from the raw entries: (project, person, month, billable) -> (minutes, bill cents,
    cost cents, entries, bill cents in the base currency)."""
    rows = (
        TimeEntry.objects.filter(workspace_id=workspace_id)
        .annotate(m=TruncMonth("date"))
        .values("project_id", "person_id", "m", "billable")
        .annotate(
            minutes_sum=Sum("minutes"),
            bill=Sum("bill_amount"),
            bill_base=Sum("bill_amount_base"),
            cost=Sum("cost_amount"),
            n=Count("id"),
        )
        .order_by()
    )
    out = {}
    for row in rows:
        month = row["m"]
        month = month.date() if hasattr(month, "date") and callable(month.date) else month
        out[(row["project_id"], row["person_id"], month_of(month), row["billable"])] = (
            int(row["minutes_sum"] or 0),
            cents(row["bill"]),
            cents(row["cost"]),
            int(row["n"] or 0),
            cents(row["bill_base"]),
        )
    return out


def stored_cells(workspace_id: int) -> Cells:
    return {
        (r.project_id, r.person_id, r.month, r.billable): (
            r.minutes,
            r.bill_cents,
            r.cost_cents,
            r.entries,
            r.bill_base_cents,
        )
        for r in TimeRollup.objects.filter(workspace_id=workspace_id)
    }


ProjectMonths = dict[tuple[int, date], tuple[int, int, int, int, int, int]]


def bare_project_months(workspace_id: int) -> ProjectMonths:
    """The project-month rollup computed from the raw entries: (project, month) -> (minutes, billable minutes,
    billable bill cents, billable bill cents in the base currency, cost cents, entries)."""
    billable = Q(billable=True)
    rows = (
        TimeEntry.objects.filter(workspace_id=workspace_id)
        .annotate(m=TruncMonth("date"))
        .values_list("project_id", "m")
        .annotate(
            total=Sum("minutes"),
            billable_total=Sum("minutes", filter=billable),
            bill=Sum("bill_amount", filter=billable),
            bill_base=Sum("bill_amount_base", filter=billable),
            cost=Sum("cost_amount"),
            n=Count("id"),
        )
        .order_by()
    )
    out = {}
    for project_id, month, m, bm, bill, bill_base, cost, n in rows:
        month = month.date() if hasattr(month, "date") and callable(month.date) else month
        out[(project_id, month_of(month))] = (
            int(m or 0),
            int(bm or 0),
            cents(bill),
            cents(bill_base),
            cents(cost),
            int(n or 0),
        )
    return out


def stored_project_months(workspace_id: int) -> ProjectMonths:
    return {
        (r.project_id, r.month): (
            r.minutes,
            r.billable_minutes,
            r.billable_bill_cents,
            r.billable_bill_base_cents,
            r.cost_cents,
            r.entries,
        )
        for r in ProjectMonthRollup.objects.filter(workspace_id=workspace_id)
    }


def equal_to_entries(workspace_id: int) -> bool:
    """Both rollups equal the raw entries' aggregates (`rebuild_rollups --check`, the tests)."""
    return bare_cells(workspace_id) == stored_cells(workspace_id) and bare_project_months(
        workspace_id
    ) == stored_project_months(workspace_id)


@transaction.atomic
def rebuild(workspace_id: int) -> int:
    """Recompute a workspace's rollup from its entries (one grouped query); returns the number of cells. The
    project-month rollup follows through its triggers (the deletes take it to nothing, the inserts rebuild it)."""
    TimeRollup.objects.filter(workspace_id=workspace_id).delete()
    rows = [
        TimeRollup(
            workspace_id=workspace_id,
            project_id=project_id,
            person_id=person_id,
            month=month,
            billable=billable,
            minutes=figures[0],
            bill_cents=figures[1],
            cost_cents=figures[2],
            entries=figures[3],
            bill_base_cents=figures[4],
        )
        for (project_id, person_id, month, billable), figures in bare_cells(workspace_id).items()
    ]
    TimeRollup.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


# --- Reads -------------------------------------------------------------------------------------------------------


@dataclass
class Split:
    """A date range cut into whole months [first_month, end_month) and the raw-entry days around them."""

    first_month: date | None  # None: from the beginning
    end_month: date | None  # exclusive; None: to the end
    empty_months: bool
    raw: Q | None  # the days outside the whole months (None: no raw days)
    date_from: date | None = None  # the range itself
    date_to: date | None = None


def month_split(date_from: date | None, date_to: date | None) -> Split:
    lo = None if date_from is None else (date_from if date_from.day == 1 else next_month(date_from))
    if date_to is None:
        hi = None
    else:
        after = date_to + timedelta(days=1)
        hi = after if after.day == 1 else month_of(date_to)
    if lo is not None and hi is not None and hi <= lo:
        # No whole month inside: every day is raw.
        raw = Q()
        if date_from:
            raw &= Q(date__gte=date_from)
        if date_to:
            raw &= Q(date__lte=date_to)
        return Split(first_month=None, end_month=None, empty_months=True, raw=raw, date_from=date_from, date_to=date_to)
    parts = Q()
    has_raw = False
    if date_from is not None and lo is not None and lo > date_from:
        parts |= Q(date__gte=date_from, date__lt=lo)
        has_raw = True
    if date_to is not None and hi is not None and hi <= date_to:
        parts |= Q(date__gte=hi, date__lte=date_to)
        has_raw = True
    return Split(
        first_month=lo,
        end_month=hi,
        empty_months=False,
        raw=parts if has_raw else None,
        date_from=date_from,
        date_to=date_to,
    )


def raw_month(split: Split) -> Any:
    """The month (its first day) of a raw entry of the split, or of the days before it in the range's first month, as
    an expression: those days lie in the range's first or last month, so a CASE on the date says which, without a
    per-row date function (SQLite's TruncMonth is a Python function called for every row)."""
    first = month_of(split.date_from) if split.date_from else None
    last = month_of(split.date_to) if split.date_to else None
    if first is None or last is None or first == last:
        return Value(first or last, output_field=DateField())
    return Case(When(date__lt=last, then=Value(first)), default=Value(last), output_field=DateField())


@dataclass
class Cut:
    """A date range as whole rollup months [first_month, end_month) plus raw days added (`plus`) or subtracted
    (`minus`): a partial month at an edge is read from the raw entries of its smaller side, so a range from the 2nd
    of a month reads that month from the rollup less its 1st day instead of 30 days of entries."""

    first_month: date | None  # None: from the beginning
    end_month: date | None  # exclusive; None: to the end
    plus: Q | None
    minus: Q | None
    date_from: date | None
    date_to: date | None

    @property
    def no_months(self) -> bool:
        return self.first_month is not None and self.end_month is not None and self.end_month <= self.first_month

    def months_q(self) -> Q:
        """The rollup rows of the whole months (Q(pk__in=[]) when there are none)."""
        if self.no_months:
            return Q(pk__in=[])
        where = Q()
        if self.first_month is not None:
            where &= Q(month__gte=self.first_month)
        if self.end_month is not None:
            where &= Q(month__lt=self.end_month)
        return where

    def raw_month(self) -> Any:
        """The month of a raw day of the cut (they lie in the range's first or last month), as an expression."""
        return raw_month(Split(None, None, False, None, self.date_from, self.date_to))


def month_cut(date_from: date | None, date_to: date | None) -> Cut:
    plus: list[Q] = []
    minus: list[Q] = []
    if date_from is not None and date_to is not None and month_of(date_from) == month_of(date_to):
        month = month_of(date_from)
        days = (next_month(month) - month).days
        inside = (date_to - date_from).days + 1
        if inside * 2 <= days:
            return Cut(month, month, Q(date__gte=date_from, date__lte=date_to), None, date_from, date_to)
        if date_from > month:
            minus.append(Q(date__gte=month, date__lt=date_from))
        if date_to < month_end(month):
            minus.append(Q(date__gt=date_to, date__lte=month_end(month)))
        return Cut(month, next_month(month), None, any_of(minus), date_from, date_to)
    first = end = None
    if date_from is not None:
        first = month_of(date_from)
        if date_from.day > 1:
            outside = date_from.day - 1
            inside = (next_month(first) - first).days - outside
            if inside > outside:
                minus.append(Q(date__gte=first, date__lt=date_from))
            else:
                plus.append(Q(date__gte=date_from, date__lt=next_month(first)))
                first = next_month(first)
    if date_to is not None:
        last = month_of(date_to)
        end = next_month(last)
        if date_to < month_end(last):
            inside = date_to.day
            outside = (end - last).days - inside
            if inside > outside:
                minus.append(Q(date__gt=date_to, date__lt=end))
            else:
                plus.append(Q(date__gte=last, date__lte=date_to))
                end = last
    return Cut(first, end, any_of(plus), any_of(minus), date_from, date_to)


def any_of(parts: list[Q]) -> Q | None:
    """The union of `parts` (None when there are none)."""
    if not parts:
        return None
    out = parts[0]
    for part in parts[1:]:
        out |= part
    return out


def rollup_in(split: Split, where: Q | None = None, **filters: Any) -> Any:
    """Rollup rows of the split's whole months (a queryset, empty when there are none)."""
    qs = TimeRollup.objects.filter(where or Q(), **filters)
    if split.empty_months:
        return qs.none()
    if split.first_month is not None:
        qs = qs.filter(month__gte=split.first_month)
    if split.end_month is not None:
        qs = qs.filter(month__lt=split.end_month)
    return qs


def raw_in(split: Split, where: Q | None = None, **filters: Any) -> Any:
    """Raw entries of the split's partial days (a queryset, empty when there are none)."""
    if split.raw is None:
        return TimeEntry.objects.none()
    return TimeEntry.objects.filter(split.raw, where or Q(), **filters)


# Complexity: tuned one pass per table (BENCHMARKS.md): integer cents, keys built inline per row.
def totals_by(
    keys: tuple[str, ...], split: Split, where: Q | None = None, **filters: Any
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """minutes, billable_minutes, bill_amount (billable only), cost per key (fields both tables share: project_id,
    person_id, workspace_id, project__...; `month` is the month start), whole months from the rollup plus partial
    days from the entries. `where` and `filters` narrow both."""
    # Rollup money stays in integer cents while adding up; converted once per key at the end.
    cents_by: dict[tuple[Any, ...], list[int]] = {}
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    if not split.empty_months:
        for row in (
            rollup_in(split, where, **filters)
            .values_list(*keys)
            .annotate(
                m=Sum("minutes"),
                bm=Sum("minutes", filter=Q(billable=True)),
                bill=Sum("bill_cents", filter=Q(billable=True)),
                cost=Sum("cost_cents"),
            )
            .order_by()
        ):
            n = len(keys)
            key = tuple(row[:n])
            m, bm, bill, cost = row[n:]
            acc = cents_by.get(key)
            if acc is None:
                cents_by[key] = [int(m or 0), int(bm or 0), int(bill or 0), int(cost or 0)]
            else:
                acc[0] += int(m or 0)
                acc[1] += int(bm or 0)
                acc[2] += int(bill or 0)
                acc[3] += int(cost or 0)
    for key, (m, bm, bill, cost) in cents_by.items():
        out[key] = {"minutes": m, "billable_minutes": bm, "bill_amount": money(bill), "cost": money(cost)}
    if split.raw is not None:
        raw = raw_in(split, where, **filters)
        raw_keys = tuple("_month" if k == "month" else k for k in keys)
        if "month" in keys:
            raw = raw.annotate(_month=TruncMonth("date"))
        for row in (
            raw.values(*raw_keys)
            .annotate(
                m=Sum("minutes"),
                bm=Sum("minutes", filter=Q(billable=True)),
                bill=Sum("bill_amount", filter=Q(billable=True)),
                cost=Sum("cost_amount"),
            )
            .order_by()
        ):
            parts = []
            for k in raw_keys:
                value = row[k]
                if k == "_month":
                    value = value.date() if hasattr(value, "date") and callable(value.date) else value
                    value = month_of(value)
                parts.append(value)
            key = tuple(parts)
            cell = out.get(key)
            if cell is None:
                cell = out[key] = {
                    "minutes": 0,
                    "billable_minutes": 0,
                    "bill_amount": Decimal("0.00"),
                    "cost": Decimal("0.00"),
                }
            cell["minutes"] += int(row["m"] or 0)
            cell["billable_minutes"] += int(row["bm"] or 0)
            cell["bill_amount"] += row["bill"] or Decimal("0.00")
            cell["cost"] += row["cost"] or Decimal("0.00")
    return out
