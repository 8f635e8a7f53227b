"""solidtime's organisation export: a ZIP of CSVs (and `meta.json`) linked by UUIDs.

`time_entries.csv` (id, description, start, end, billable_rate, billable, member_id, user_id, organization_id,
client_id, project_id, task_id, tags, is_imported, …) points at `members.csv` (id, user_id, name, email, …),
`projects.csv` (id, name, client_id, …), `clients.csv`, `tasks.csv` and `tags.csv` (id, name); `organizations.csv`
holds the currency. Times are UTC ISO-8601 (`2024-03-05T09:00:00Z`): the entry's day and clock times are given in
`timezone=` (an IANA name; UTC by default, noted in `upload.options`). Money is integer cents (`15000` = 150.00);
tags are a JSON array of tag ids in one cell. The entry's id becomes `source_id`. A running timer (no end) is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from baton.imports.formats import cells
from baton.imports.formats.base import Format, FormatError, RowError, SourceRow, Upload, register
from baton.imports.formats.sniff import HeaderRule
from baton.imports.formats.table import Columns, start, stream

ENTRIES = "time_entries.csv"
RULE = HeaderRule(ENTRIES, "members.csv", "projects.csv")
SPEC = {
    "id": ("id",),
    "description": ("description",),
    "start": ("start",),
    "end": ("end",),
    "billable_rate": ("billable_rate",),
    "billable": ("billable",),
    "member_id": ("member_id",),
    "client_id": ("client_id",),
    "project_id": ("project_id",),
    "task_id": ("task_id",),
    "tags": ("tags",),
}
REQUIRED = ("id", "start", "end", "member_id", "project_id")


def _members(archive: zipfile.ZipFile) -> dict[str, dict[str, str]]:
    return {row.get("id", ""): row for row in _dict_rows(archive, "members.csv")}


def _find(archive: zipfile.ZipFile, name: str) -> str | None:
    for member in archive.namelist():
        if member == name or member.endswith("/" + name):
            return member
    return None


def _open(archive: zipfile.ZipFile, name: str) -> IO[str] | None:
    member = _find(archive, name)
    if member is None:
        return None
    return io.TextIOWrapper(archive.open(member), encoding="utf-8-sig", newline="")


def _dict_rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = _open(archive, name)
    if text is None:
        return []
    with text:
        return list(csv.DictReader(text))


def _names(archive: zipfile.ZipFile, name: str) -> dict[str, str]:
    return {row.get("id", ""): (row.get("name") or "").strip() for row in _dict_rows(archive, name)}


def _zone(upload: Upload, options: dict[str, Any]) -> dt.tzinfo:
    name = options.get("timezone") or upload.options.get("timezone") or "UTC"
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise FormatError(f'"{name}" is not a time zone.', column="timezone") from None
    upload.options["timezone"] = name
    return zone


def _instant(column: str, text: str, zone: dt.tzinfo) -> dt.datetime:
    value = text.strip()
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise cells.Bad(column, f'"{text}" is not a date and time (expected 2024-03-05T09:00:00Z)') from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(zone)
    cells.check_date(column, local.date(), text)
    return local


def _cents(column: str, text: str) -> Decimal | None:
    value = text.strip()
    if not value:
        return None
    if not value.lstrip("-").isdigit():
        raise cells.Bad(column, f'"{text}" is not an amount in cents')
    return Decimal(value).scaleb(-2)


def _tags(text: str, names: dict[str, str]) -> tuple[str, ...]:
    value = text.strip()
    if not value:
        return ()
    try:
        ids = json.loads(value)
    except json.JSONDecodeError:
        raise cells.Bad("tags", f'"{text}" is not a list of tags') from None
    if not isinstance(ids, list):
        raise cells.Bad("tags", f'"{text}" is not a list of tags')
    return tuple(names[str(tag)] for tag in ids if str(tag) in names)


def read(upload: Upload, **options: Any) -> Iterator[SourceRow | RowError]:
    upload.stream.seek(0)
    try:
        archive = zipfile.ZipFile(upload.stream)
    except zipfile.BadZipFile:
        raise FormatError("The solidtime export is not a readable ZIP archive.") from None
    for name in RULE.required:
        if _find(archive, name[0]) is None:
            archive.close()
            raise FormatError(f'The solidtime export has no "{name[0]}".', column=name[0])
    return _entries(upload, archive, options)


def _entries(upload: Upload, archive: zipfile.ZipFile, options: dict[str, Any]) -> Iterator[SourceRow | RowError]:
    with archive:
        zone = _zone(upload, options)
        meta = _find(archive, "meta.json")
        if meta is not None:
            upload.options["solidtime_version"] = str(json.loads(archive.read(meta) or b"{}").get("version", ""))
        organizations = _dict_rows(archive, "organizations.csv")
        currency = cells.currency_code(organizations[0].get("currency", "")) if organizations else ""
        members = _members(archive)
        projects = {row.get("id", ""): row for row in _dict_rows(archive, "projects.csv")}
        clients, tasks, tag_names = (
            _names(archive, "clients.csv"),
            _names(archive, "tasks.csv"),
            _names(archive, "tags.csv"),
        )
        text = _open(archive, ENTRIES)
        assert text is not None  # checked in read()
        with text:
            header, number, sample, rest = start(csv.reader(text))
            cols = Columns(header, SPEC, REQUIRED)
            i, n = cols.i, cols.name

            def parse(row_number: int, row: list[str]) -> SourceRow:
                begin = _instant(n["start"], row[i("start")], zone)
                if not row[i("end")].strip():
                    raise cells.Bad(n["end"], "the entry has no end (its timer was still running)")
                end = _instant(n["end"], row[i("end")], zone)
                seconds = int((end - begin).total_seconds())
                if seconds < 0:
                    raise cells.Bad(n["end"], f'end "{row[i("end")]}" is before start "{row[i("start")]}"')
                minutes = cells.minutes_of(n["end"], cells.clock_text(seconds), seconds)
                member_id = row[i("member_id")].strip()
                member = members.get(member_id)
                if member is None:
                    raise cells.Bad(n["member_id"], f'member "{member_id}" is not in members.csv')
                project = projects.get(row[i("project_id")].strip(), {})
                client_id = row[i("client_id")].strip() or project.get("client_id", "")
                billable = row[i("billable")].strip()
                return SourceRow(
                    row=row_number,
                    date=begin.date(),
                    minutes=minutes,
                    person_name=(member.get("name") or "").strip(),
                    person_email=(member.get("email") or "").strip(),
                    client_name=clients.get(client_id, ""),
                    project_name=(project.get("name") or "").strip(),
                    task_name=tasks.get(row[i("task_id")].strip(), ""),
                    note=row[i("description")].strip(),
                    tags=_tags(row[i("tags")], tag_names),
                    billable=cells.parse_bool(n["billable"], billable),
                    start=begin.time().replace(tzinfo=None),
                    end=end.time().replace(tzinfo=None),
                    bill_rate=_cents(n["billable_rate"], row[i("billable_rate")]),
                    currency=currency,
                    source_id=row[i("id")].strip(),
                )

            yield from stream(number + 1, sample, rest, cols.width, parse)


FORMAT = register(
    Format(
        name="solidtime",
        label="solidtime export (ZIP)",
        expects="a ZIP holding " + RULE.describe(),
        detect=RULE,
        read=read,
    )
)
