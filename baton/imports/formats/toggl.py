"""Toggl Track's detailed report, exported as CSV.

Columns: User (newer exports: Member), Email, Client, Project, Task, Description, Billable, Start date, Start time,
End date, End time, Duration, Tags, Amount (USD). It starts with a byte-order mark; the currency is in the amount's
header (`Amount (EUR)`); durations are `hh:mm:ss`; tags are comma-separated in one cell; dates are ISO.

This is the reader the million-row benchmark drives, so its loop binds everything to locals and caches dates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from baton.imports.formats import cells
from baton.imports.formats.base import Format, RowError, SourceRow, Upload, register
from baton.imports.formats.sniff import HeaderRule, iter_table
from baton.imports.formats.table import Columns, start, stream

AMOUNT = re.compile(r"^\s*amount\s*\(\s*([a-z]{3})\s*\)\s*$", re.IGNORECASE)
CACHE_LIMIT = 50_000  # distinct durations / tag cells remembered (they repeat: a day has 1,440 minutes)
RATE = re.compile(r"^\s*(?:hourly\s+)?rate\s*\(\s*([a-z]{3})\s*\)\s*$", re.IGNORECASE)

SPEC = {
    "user": ("User", "Member"),
    "email": ("Email",),
    "client": ("Client",),
    "project": ("Project",),
    "task": ("Task",),
    "description": ("Description",),
    "billable": ("Billable",),
    "start_date": ("Start date",),
    "start_time": ("Start time",),
    "end_date": ("End date",),
    "end_time": ("End time",),
    "duration": ("Duration",),
    "tags": ("Tags",),
}
REQUIRED = ("user", "start_date", "duration", "project")

RULE = HeaderRule(("User", "Member"), "Email", "Project", "Description", "Start date", "Start time", "Duration")


def _money_columns(header: list[Any]) -> tuple[int | None, int | None, str]:
    amount = rate = None
    currency = ""
    for i, cell in enumerate(header):
        text = str(cell or "")
        match = AMOUNT.match(text)
        if match and amount is None:
            amount, currency = i, match.group(1).upper()
            continue
        match = RATE.match(text)
        if match and rate is None:
            rate, currency = i, currency or match.group(1).upper()
    return amount, rate, currency


def read(upload: Upload, **options: Any) -> Iterator[SourceRow | RowError]:
    header, number, sample, rest = start(iter_table(upload))
    cols = Columns(header, SPEC, REQUIRED)
    i_amount, i_rate, currency = _money_columns(header)
    amount_name = str(header[i_amount]).strip() if i_amount is not None else ""
    rate_name = str(header[i_rate]).strip() if i_rate is not None else ""
    money_sample = [str(row[i]) for row in sample for i in (i_amount, i_rate) if i is not None and i < len(row)]
    decimal = options.get("decimal") or cells.guess_decimal(money_sample)[0]
    order = options.get("date_order") or cells.guess_date_order(cols.values(sample, "start_date"), default="ymd")[0]
    upload.options.update(decimal=decimal, date_order=order, currency=currency)
    if i_amount is None:
        i_amount = cols.blank
    if i_rate is None:
        i_rate = cols.blank

    i_user, i_email, i_client, i_project = cols.i("user"), cols.i("email"), cols.i("client"), cols.i("project")
    i_task, i_desc, i_billable, i_tags = cols.i("task"), cols.i("description"), cols.i("billable"), cols.i("tags")
    i_sd, i_st, i_ed, i_et, i_dur = (
        cols.i("start_date"),
        cols.i("start_time"),
        cols.i("end_date"),
        cols.i("end_time"),
        cols.i("duration"),
    )
    n = cols.name
    c_sd, c_st, c_ed, c_et, c_dur, c_billable = (
        n["start_date"],
        n["start_time"],
        n["end_date"],
        n["end_time"],
        n["duration"],
        n["billable"],
    )
    dates: dict[str, dt.date] = {}
    times: dict[str, dt.time] = {}
    bools = {"Yes": True, "No": False, "yes": True, "no": False, "": None}
    parse_date, parse_time, clock_seconds, minutes_of = (
        cells.parse_date,
        cells.parse_time,
        cells.clock_seconds,
        cells.minutes_of,
    )
    parse_amount, parse_bool, split_tags = cells.parse_amount, cells.parse_bool, cells.split_tags

    def day(column: str, text: str) -> dt.date:
        value = dates.get(text)
        if value is None:
            value = parse_date(column, text, order)
            if len(dates) < CACHE_LIMIT:
                dates[text] = value
        return value

    def clock(column: str, text: str) -> dt.time | None:
        if not text:
            return None
        value = times.get(text)
        if value is None:
            value = parse_time(column, text)
            if len(times) < CACHE_LIMIT:
                times[text] = value
        return value

    durations: dict[str, int] = {}
    tag_sets: dict[str, tuple[str, ...]] = {}

    def parse(row_number: int, row: list[str]) -> SourceRow:
        start_day = day(c_sd, row[i_sd])
        duration = row[i_dur]
        minutes = durations.get(duration)
        if minutes is None:
            minutes = minutes_of(c_dur, duration, clock_seconds(c_dur, duration))
            if len(durations) < CACHE_LIMIT:
                durations[duration] = minutes
        tags_text = row[i_tags]
        tags = tag_sets.get(tags_text)
        if tags is None:
            tags = split_tags(tags_text)
            if len(tag_sets) < CACHE_LIMIT:
                tag_sets[tags_text] = tags
        start_at = clock(c_st, row[i_st])
        end_at = clock(c_et, row[i_et])
        end_text = row[i_ed]
        if end_at is not None and start_at is not None:
            end_day = day(c_ed, end_text) if end_text else start_day
            if (end_day, end_at) < (start_day, start_at):
                ended = f"{end_text or start_day} {row[i_et]}"
                raise cells.Bad(c_et, f'end "{ended}" is before start "{row[i_sd]} {row[i_st]}"')
        billable_text = row[i_billable]
        billable = bools[billable_text] if billable_text in bools else parse_bool(c_billable, billable_text)
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
            tags=tags,
            billable=billable,
            start=start_at,
            end=end_at,
            bill_amount=parse_amount(amount_name, row[i_amount], decimal),
            bill_rate=parse_amount(rate_name, row[i_rate], decimal),
            currency=currency,
        )

    return stream(number + 1, sample, rest, cols.width, parse)


FORMAT = register(
    Format(
        name="toggl",
        label="Toggl Track detailed report (CSV)",
        expects="columns " + RULE.describe() + ", Amount (USD)",
        detect=RULE,
        read=read,
    )
)
