"""The downloads of resourcing's pages (core/tables.py): time off, and the utilization page's three reports
(utilization with the team's total, capacity vs demand, the revenue forecast)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from baton.core.tables import Column, Table
from baton.resourcing.models import TimeOff


def time_off_table(records: Iterable[TimeOff], *, title: str) -> Table:
    return Table(
        title,
        [
            Column("Person", "person.name"),
            Column("Dates from", "start_date", "date"),
            Column("Dates to", "end_date", "date"),
            Column("Dates: a day", "minutes_per_day", "minutes"),
            Column("Kind", "get_kind_display"),
            Column("Status", "get_status_display"),
            Column("Approved by", "approver.name"),
            Column("Note", "note"),
        ],
        records,
    )


def utilization_table(
    rows: Sequence[Mapping[str, Any]],
    total: Mapping[str, Any] | None,
    *,
    group_by: str,
    to_date_label: str,
    planned: bool,
) -> Table:
    """The utilization rows as the page shows them, then the team's total row when the page has one."""
    columns = [
        Column(group_by.capitalize(), "label"),
        Column(f"Capacity{to_date_label}", "capacity_minutes", "minutes"),
        Column("Booked", "booked_minutes", "minutes"),
        Column("Logged", "logged_minutes", "minutes"),
        Column("Billable", "billable_minutes", "minutes"),
        Column("Booked", "booked_pct", "percent"),
        Column("Utilization", "utilization_pct", "percent"),
        Column("Billable", "billable_pct", "percent"),
        Column("Target", "target_pct", "percent"),
    ]
    if planned:
        columns += [
            Column("Planned capacity", "planned_capacity_minutes", "minutes"),
            Column("Planned booked", "planned_booked_minutes", "minutes"),
            Column("Planned booked", "planned_booked_pct", "percent"),
        ]
    out: list[Mapping[str, Any]] = list(rows)
    if total:
        out.append({**total, "label": "Team, to date"})
    return Table("Utilization", columns, out)


def demand_table(demand: Mapping[str, Any], *, by: str) -> Table:
    """Capacity vs demand as the page pivots it: one row per skill or role, the spare hours of each week."""

    def week(i: int) -> Any:
        return lambda line: line["cells"][i]["gap"] if line["cells"][i] else None

    columns = [Column(by.capitalize(), "key")]
    columns += [Column(f"{w:%Y-%m-%d} spare h", week(i), "number") for i, w in enumerate(demand["weeks"])]
    return Table("Capacity vs demand", columns, demand["lines"])


def forecast_table(forecast: Iterable[Mapping[str, Any]], *, currency: str) -> Table:
    def by_currency(m: Mapping[str, Any]) -> str:
        parts = [
            f"{c['total_amount']} {c['currency']}" + ("" if c.get("converted", True) else " (no exchange rate)")
            for c in m.get("by_currency") or []
        ]
        return "; ".join(parts)

    return Table(
        "Revenue forecast",
        [
            Column("Month", "month"),
            Column("Confirmed (forecast)", "confirmed_amount", "money", currency=currency),
            Column("Tentative (forecast)", "tentative_amount", "money", currency=currency),
            Column("Total (forecast)", "total_amount", "money", currency=currency),
            Column("Unstaffed", "unstaffed_minutes", "minutes"),
            Column("By project currency", by_currency),
        ],
        forecast,
    )


def schedule_table(grid: Any) -> Table:
    """The bookings drawn on the schedule's grid (its range and filters), person by person, then the unstaffed
    placeholders; a booking that runs past the range keeps its own dates."""
    rows = []
    for row in [*grid.rows, *([grid.unstaffed] if grid.unstaffed else [])]:
        for lane in row.lanes:
            rows += [(row.person, item.booking) for item in lane.items if not isinstance(item, int)]
    return Table(
        "Schedule",
        [
            Column("Person", lambda r: r[0].name if r[0] else "Unstaffed"),
            Column("Project", lambda r: r[1].project_name),
            Column("Client", lambda r: r[1].client_name),
            Column("From", lambda r: r[1].start_date, "date"),
            Column("To", lambda r: r[1].end_date, "date"),
            Column("A day", lambda r: r[1].minutes_per_day, "minutes"),
            Column("Tentative", lambda r: r[1].tentative, "bool"),
            Column("Role", lambda r: r[1].role),
            Column("Skill", lambda r: r[1].skill),
        ],
        rows,
    )


def missing_time_table(rows: Sequence[Mapping[str, Any]], *, title: str) -> Table:
    """The "Missing time" page's rows: per person capacity, logged and missing time."""
    return Table(
        title,
        [
            Column("Person", "name"),
            Column("Title", "title"),
            Column("Capacity", "capacity_minutes", "minutes"),
            Column("Logged", "logged_minutes", "minutes"),
            Column("Missing", "missing_minutes", "minutes"),
            Column("Days below threshold", "days_below_threshold", "number"),
            Column("Below threshold", "below_threshold", "bool"),
        ],
        rows,
    )
