"""The generic CSV: any comma-, semicolon- or tab-separated file with a header row, read through a column mapping
{Baton field: the file's column}. Without a mapping, the columns named like Baton's fields are used (so a file whose
header is `date,minutes,person_email,project_name,...` needs no mapping and is detected as this format).

Fields (`FIELDS`): date (YYYY-MM-DD, DD.MM.YYYY or MM/DD/YYYY), the duration as `minutes` (whole), `hours` (decimal,
a comma or a point) or `duration` (h:mm or h:mm:ss), person_name / person_email, client_name, client_number,
project_name, project_code, task_name, note, tags (comma-separated), billable (yes/no, true/false, 1/0), bill_rate,
bill_amount, cost_rate, cost_amount, currency, source_id. Required: date, a duration, a person (name or e-mail) and a
project name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from baton.core.validators import DATE_RANGE_MESSAGE, EARLIEST_DATE, LATEST_DATE
from baton.imports.formats.base import Format, FormatError, RowError, SourceRow, Upload, register
from baton.imports.formats.sniff import csv_rows

MAX_MINUTES = 24 * 60
DURATIONS = ("minutes", "hours", "duration")
TEXT_FIELDS = (
    "person_name",
    "person_email",
    "client_name",
    "client_number",
    "project_name",
    "project_code",
    "task_name",
    "note",
    "currency",
    "source_id",
)
MONEY_FIELDS = ("bill_rate", "bill_amount", "cost_rate", "cost_amount")
FIELDS = ("date", *DURATIONS, *TEXT_FIELDS, "tags", "billable", *MONEY_FIELDS)
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y")
YES = {"yes", "y", "true", "1", "billable", "ja", "oui", "si", "sí"}
NO = {"no", "n", "false", "0", "non-billable", "nein", "non", ""}
DURATION_RE = re.compile(r"^(\d+):([0-5]\d)(?::([0-5]\d))?$")


def _identity(cells: list[str]) -> dict[str, str]:
    """The columns named like Baton's fields (case-insensitive)."""
    by_lower = {c.strip().lower(): c for c in cells}
    return {f: by_lower[f] for f in FIELDS if f in by_lower}


def missing_fields(mapping: dict[str, str]) -> list[str]:
    """The required fields the mapping leaves out."""
    missing = [f for f in ("date", "project_name") if not mapping.get(f)]
    if not any(mapping.get(f) for f in DURATIONS):
        missing.append("minutes")
    if not (mapping.get("person_name") or mapping.get("person_email")):
        missing.append("person_email")
    return missing


def detect(cells: list[str]) -> bool:
    """A header of Baton's own field names with every required one."""
    return not missing_fields(_identity(cells))


def check_mapping(mapping: Any, cells: list[str]) -> dict[str, str]:
    """The mapping cleaned against the header: unknown fields, columns the file lacks and required fields left out
    raise FormatError naming the first problem's field."""
    if mapping is None:
        mapping = _identity(cells)
    if not isinstance(mapping, dict):
        raise FormatError("The mapping is an object {Baton field: column}.", column="mapping")
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise FormatError(f"Unknown field {unknown[0]!r}; use: {', '.join(FIELDS)}.", column="mapping")
    clean = {str(k): str(v).strip() for k, v in mapping.items() if v}
    absent = [c for c in clean.values() if c not in cells]
    if absent:
        raise FormatError(
            f"The file has no column {absent[0]!r}; its columns are: {', '.join(cells)}.", column="mapping"
        )
    missing = missing_fields(clean)
    if missing:
        raise FormatError(
            f"Map a column to {', '.join(missing)} (required: date, a duration, a person and a project).",
            column="mapping",
        )
    return clean


def parse_date(value: str) -> date | None:
    text = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_decimal(value: str) -> Decimal | None:
    """A number written with a point or a comma as its decimal mark (1,234.50 / 1.234,50 / 2,5)."""
    text = value.strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_minutes(field: str, value: str) -> tuple[int | None, str]:
    """(minutes, "") or (None, why)."""
    text = value.strip()
    if field == "duration":
        match = DURATION_RE.match(text.lstrip("-"))
        if match is None:
            return None, f"“{text}” is not a duration (h:mm or h:mm:ss)."
        minutes = int(match[1]) * 60 + int(match[2]) + (1 if match[3] and int(match[3]) >= 30 else 0)
        minutes = -minutes if text.startswith("-") else minutes
    else:
        number = parse_decimal(text)
        if number is None:
            return None, f"“{text}” is not a number of {field}."
        minutes = int((number * 60 if field == "hours" else number).to_integral_value())
    if minutes < 0:
        return None, "A duration cannot be negative."
    if minutes == 0:
        return None, "A duration of zero: nothing to import."
    if minutes > MAX_MINUTES:
        return None, "More than 24 hours in one entry."
    return minutes, ""


# Complexity: one pass over the mapped fields of a row, each with its own parse and message.
def row_from(number: int, cells: list[str], index: dict[str, int], columns: dict[str, str]) -> SourceRow | RowError:
    """One data row through the mapping: a SourceRow, or the first RowError (its column as the file names it)."""

    def cell(field: str) -> str:
        i = index.get(field)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    values: dict[str, Any] = {f: cell(f) for f in TEXT_FIELDS if f in index}
    day = parse_date(cell("date"))
    if day is None:
        return RowError(number, columns["date"], f"“{cell('date')}” is not a date (use YYYY-MM-DD).")
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        return RowError(number, columns["date"], DATE_RANGE_MESSAGE)
    field = next(f for f in DURATIONS if f in index)
    minutes, why = parse_minutes(field, cell(field))
    if minutes is None:
        return RowError(number, columns[field], why)
    if "billable" in index:
        flag = cell("billable").lower()
        if flag not in YES | NO:
            return RowError(number, columns["billable"], f"“{cell('billable')}” is not yes or no.")
        values["billable"] = flag in YES if flag else None
    for money in MONEY_FIELDS:
        if money in index and cell(money):
            amount = parse_decimal(cell(money))
            if amount is None or amount < 0:
                return RowError(number, columns[money], f"“{cell(money)}” is not an amount of money (0 or more).")
            values[money] = amount.quantize(Decimal("0.01"))
    if "tags" in index:
        values["tags"] = tuple(t.strip() for t in cell("tags").split(",") if t.strip())
    if "currency" in values:
        values["currency"] = values["currency"].upper()
    if not values.get("project_name"):
        return RowError(number, columns["project_name"], "The project is empty.")
    if not (values.get("person_name") or values.get("person_email")):
        return RowError(number, columns.get("person_email") or columns["person_name"], "The person is empty.")
    values["person_email"] = values.get("person_email", "").lower()
    return SourceRow(row=number, date=day, minutes=minutes, **values)


def read(upload: Upload, mapping: dict[str, str] | None = None, **_: Any) -> Iterator[SourceRow | RowError]:
    """Every data row of the file (row 2 is the first), through `mapping` (checked against the header)."""
    rows = csv_rows(upload)
    try:
        header = [c.strip() for c in next(rows)]
    except StopIteration as exc:
        raise FormatError("The file is empty.") from exc
    columns = check_mapping(mapping, header)
    index = {f: header.index(col) for f, col in columns.items()}
    number = 1
    for cells in rows:
        number += 1
        if not any(c.strip() for c in cells):
            continue  # a blank line
        yield row_from(number, cells, index, columns)


CSV = register(
    Format(
        name="csv",
        label="Generic CSV",
        expects="a header row and a column mapping naming the date, the duration (minutes, hours or h:mm), the "
        "person (name or e-mail) and the project; or columns named date, minutes, person_email, project_name",
        detect=detect,
        read=read,
    )
)
