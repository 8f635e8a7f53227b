"""Clockify's detailed report, exported as CSV.

Columns: Project, Client, Description, Task, User, Group, Email, Tags, Billable, Start Date, Start Time, End Date,
End Time, Duration (h), Duration (decimal), Billable Rate (USD), Billable Amount (USD) — some exports name the task
column `Activity`, drop `Client`, or add `Cost Rate (USD)`/`Cost Amount (USD)`. Dates and times are written in the
exporting user's format: month- or day-first, 12- or 24-hour. The date order is decided from a leading sample of the
file (a day above 12 settles it) and noted in `upload.options["date_order"]` (`mdy`, `dmy` or `ymd`), with
`date_order_decided` False when the sample could not tell and month-first (Clockify's default) was taken; pass
`date_order=` to override. `Duration (decimal)` is preferred over `Duration (h)`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from baton.imports.formats import cells
from baton.imports.formats.base import Format, RowError, SourceRow, Upload, register
from baton.imports.formats.sniff import HeaderRule, iter_table
from baton.imports.formats.table import Columns, start, stream

CACHE_SIZE = 65_536
MONEY = re.compile(r"^\s*(billable|cost)\s+(rate|amount)\s*\(\s*([a-z]{3})\s*\)\s*$", re.IGNORECASE)

SPEC = {
    "project": ("Project",),
    "client": ("Client",),
    "description": ("Description",),
    "task": ("Task", "Activity"),
    "user": ("User",),
    "group": ("Group",),
    "email": ("Email",),
    "tags": ("Tags",),
    "billable": ("Billable",),
    "start_date": ("Start Date",),
    "start_time": ("Start Time",),
    "end_date": ("End Date",),
    "end_time": ("End Time",),
    "duration_h": ("Duration (h)",),
    "duration_decimal": ("Duration (decimal)",),
}
REQUIRED = ("project", "user", "start_date")

RULE = HeaderRule("Project", "Description", "User", "Start Date", "Start Time", ("Duration (decimal)", "Duration (h)"))


def _money_columns(header: list[Any]) -> tuple[dict[str, int], dict[str, str], str]:
    at: dict[str, int] = {}
    names: dict[str, str] = {}
    currency = ""
    for i, cell in enumerate(header):
        match = MONEY.match(str(cell or ""))
        if match:
            key = f"{match.group(1).lower()}_{match.group(2).lower()}"
            at.setdefault(key, i)
            names.setdefault(key, str(cell).strip())
            currency = currency or match.group(3).upper()
    return at, names, currency


def read(upload: Upload, **options: Any) -> Iterator[SourceRow | RowError]:
    header, number, sample, rest = start(iter_table(upload))
    cols = Columns(header, SPEC, REQUIRED)
    if not cols.has("duration_decimal") and not cols.has("duration_h") and not cols.has("end_time"):
        cols = Columns(header, SPEC, (*REQUIRED, "duration_decimal"))
    money, money_names, currency = _money_columns(header)
    dates = [*cols.values(sample, "start_date"), *cols.values(sample, "end_date")]
    order = options.get("date_order") or upload.options.get("date_order")
    decided = True
    if not order:
        order, decided = cells.guess_date_order(dates, default="mdy")
    money_sample = [str(row[i]) for row in sample for i in money.values() if i < len(row)]
    decimal_sample = money_sample + list(cols.values(sample, "duration_decimal"))
    decimal = options.get("decimal") or cells.guess_decimal(decimal_sample)[0]
    upload.options.update(date_order=order, date_order_decided=decided, decimal=decimal, currency=currency)

    i = cols.i
    i_project, i_client, i_desc, i_task, i_user = i("project"), i("client"), i("description"), i("task"), i("user")
    i_email, i_tags, i_billable, i_group = i("email"), i("tags"), i("billable"), i("group")
    i_sd, i_st, i_ed, i_et = i("start_date"), i("start_time"), i("end_date"), i("end_time")
    i_dh, i_dd = i("duration_h"), i("duration_decimal")
    has_dd, has_dh = cols.has("duration_decimal"), cols.has("duration_h")
    m_br, m_ba = money.get("billable_rate", cols.blank), money.get("billable_amount", cols.blank)
    m_cr, m_ca = money.get("cost_rate", cols.blank), money.get("cost_amount", cols.blank)
    n = cols.name

    # Cells repeat (a day, a clock time, a duration): each distinct text is parsed once.
    @lru_cache(maxsize=CACHE_SIZE)
    def day(column: str, text: str) -> dt.date:
        return cells.parse_date(column, text, order)

    @lru_cache(maxsize=CACHE_SIZE)
    def clock(column: str, text: str) -> dt.time | None:
        return cells.parse_time(column, text) if text.strip() else None

    @lru_cache(maxsize=CACHE_SIZE)
    def decimal_minutes(text: str) -> int:
        column = n["duration_decimal"]
        return cells.minutes_of(column, text, cells.hours_seconds(column, text, decimal))

    @lru_cache(maxsize=CACHE_SIZE)
    def clock_minutes(text: str) -> int:
        column = n["duration_h"]
        return cells.minutes_of(column, text, cells.clock_seconds(column, text))

    def parse(row_number: int, row: list[str]) -> SourceRow:
        start_day = day(n["start_date"], row[i_sd])
        start_at = clock(n["start_time"], row[i_st])
        end_day, end_at = start_day, None
        if row[i_ed].strip() or row[i_et].strip():
            end_day = day(n["end_date"], row[i_ed]) if row[i_ed].strip() else start_day
            end_at = clock(n["end_time"], row[i_et])
        if start_at is not None and end_at is not None and (end_day, end_at) < (start_day, start_at):
            ended = f"{row[i_ed] or row[i_sd]} {row[i_et]}"
            raise cells.Bad(n["end_time"], f'end "{ended}" is before start "{row[i_sd]} {row[i_st]}"')
        if has_dd and row[i_dd].strip():
            minutes = decimal_minutes(row[i_dd])
        elif has_dh and row[i_dh].strip():
            minutes = clock_minutes(row[i_dh])
        else:
            if start_at is None or end_at is None:
                raise cells.Bad(n["duration_decimal"], "the entry has no duration and no start and end times")
            seconds = int(
                (dt.datetime.combine(end_day, end_at) - dt.datetime.combine(start_day, start_at)).total_seconds()
            )
            minutes = cells.minutes_of(n["end_time"], cells.clock_text(seconds), seconds)
        group = row[i_group].strip()
        return SourceRow(
            row=row_number,
            date=start_day,
            minutes=minutes,
            person_name=row[i_user].strip(),
            person_email=row[i_email].strip(),
            client_name=row[i_client].strip(),
            project_name=row[i_project].strip(),
            task_name=row[i_task].strip(),
            note=row[i_desc].strip(),
            tags=cells.split_tags(row[i_tags]),
            billable=cells.parse_bool(n["billable"], row[i_billable]),
            start=start_at,
            end=end_at,
            bill_rate=cells.parse_amount(money_names.get("billable_rate", ""), row[m_br], decimal),
            bill_amount=cells.parse_amount(money_names.get("billable_amount", ""), row[m_ba], decimal),
            cost_rate=cells.parse_amount(money_names.get("cost_rate", ""), row[m_cr], decimal),
            cost_amount=cells.parse_amount(money_names.get("cost_amount", ""), row[m_ca], decimal),
            currency=currency,
            extra={"Group": group} if group else {},
        )

    return stream(number + 1, sample, rest, cols.width, parse)


FORMAT = register(
    Format(
        name="clockify",
        label="Clockify detailed report (CSV)",
        expects="columns " + RULE.describe() + ", Billable Amount (USD)",
        detect=RULE,
        read=read,
    )
)
