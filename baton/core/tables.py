"""Downloads of what a page shows: a `Table` of typed columns, written as CSV or XLSX.

A list page or report builds its rows with the selector it renders from, describes them as a `Table`, and answers
`?format=csv` / `?format=xlsx` on its own URL with `table_response` (see `download_format`). One figure, one selector:
the file holds exactly the rows and figures the page shows, with its filters (every page of a paginated list).

How each kind of column is written (the same in both formats, so the two files agree cell for cell):

- text: the text (CSV) / a string cell, never a formula (XLSX).
- date: ISO 8601 `2027-03-01` / a date cell `yyyy-mm-dd`.
- datetime: workspace-local `2027-03-01 14:30` / a date-time cell in the workspace's time zone.
- minutes: two columns, `<name> (h)` (hours with 2 decimals, half up) and `<name> (min)` (whole minutes).
- money: the amount rounded to cents half up, a plain Decimal `1234.50` in the CSV and a number `#,##0.00` in the
  XLSX; the currency in the header (`<name> (EUR)`) when the column has one, else in a column `<name> currency`.
- number: the number as is (int or Decimal).
- percent: percent points, header `<name> (%)` (73.5, as `formats.percent` takes them).
- bool: `yes` / `no` / TRUE, FALSE.

CSV is UTF-8 with a byte-order mark (Excel opens it as UTF-8), RFC 4180 quoting and CRLF line ends. Money is never a
float: the Decimal goes into the CSV text and into openpyxl as is. A text cell that begins with `=`, `+`, `-`, `@`, a
tab or a carriage return gets a leading `'` in the CSV (OWASP's defence against formula injection); in the XLSX it
is a string cell, which Excel never evaluates. Empty values (None) are empty cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from baton.core import formats
from baton.core.money import CENT

FORMATS = ("csv", "xlsx")
KINDS = ("text", "date", "datetime", "minutes", "money", "number", "percent", "bool")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BOM = "\ufeff"
RISKY = ("=", "+", "-", "@", "\t", "\r")
HUNDRED = Decimal(100)
SIXTY = Decimal(60)

Getter = Callable[[Any], Any]


def reader(spec: str | Getter) -> Getter:
    """A callable as is; "a.b" reads attributes (or keys of a dict) one after another, None stopping the walk."""
    if callable(spec):
        return spec
    parts = spec.split(".")

    def get(row: Any) -> Any:
        value = row
        for part in parts:
            if value is None:
                return None
            value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        return value() if callable(value) else value

    return get


@dataclass(frozen=True)
class Column:
    """One column: its header `name`, its `kind` (KINDS), how to read it from a row (`value`: an attribute path or
    a callable), and for money its currency: a code for the whole column, or a callable/attribute path per row."""

    name: str
    value: str | Getter
    kind: str = "text"
    currency: str | Getter | None = None
    fixed_currency: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}; one of {', '.join(KINDS)}.")
        if self.kind == "money" and self.currency is None:
            raise ValueError(f"The money column {self.name!r} needs its currency.")
        # A column's one currency is a code ("EUR"); a lower-case string is the path to each row's currency.
        fixed = isinstance(self.currency, str) and len(self.currency) == 3 and self.currency.isupper()
        object.__setattr__(self, "fixed_currency", fixed)

    def headers(self) -> list[str]:
        if self.kind == "minutes":
            return [f"{self.name} (h)", f"{self.name} (min)"]
        if self.kind == "money":
            return [f"{self.name} ({self.currency})"] if self.fixed_currency else [self.name, f"{self.name} currency"]
        if self.kind == "percent":
            return [f"{self.name} (%)"]
        return [self.name]

    def cells(self, row: Any) -> list[Any]:
        """The typed values of this column for `row`: Decimal, int, date, datetime, bool, str or None."""
        raw = reader(self.value)(row)
        if self.kind == "minutes":
            if raw is None:
                return [None, None]
            minutes = int(raw)
            return [(Decimal(minutes) / SIXTY).quantize(CENT, rounding=ROUND_HALF_UP), minutes]
        if self.kind == "money":
            amount = _decimal(raw)
            amount = None if amount is None else amount.quantize(CENT, rounding=ROUND_HALF_UP)
            if self.fixed_currency:
                return [amount]
            currency = reader(self.currency)(row) if self.currency is not None else None
            return [amount, currency or None]
        return [_typed(self.kind, raw)]


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise TypeError("Money is never a float; pass a Decimal.")
    return value if isinstance(value, Decimal) else Decimal(value)


def _typed(kind: str, raw: Any) -> Any:
    if raw is None or raw == "":
        return None
    if kind == "date":
        return formats.local(raw).date() if isinstance(raw, datetime) else raw
    if kind == "datetime":
        moment = formats.local(raw) if timezone.is_aware(raw) else raw
        return moment.replace(tzinfo=None, microsecond=0)
    if kind == "bool":
        return bool(raw)
    if kind in ("number", "percent"):
        # a report's ratio may be a float (utilization's percentages): written as its shortest decimal, 73.5
        return raw if isinstance(raw, (int, Decimal)) else Decimal(str(raw))
    return str(raw)


@dataclass
class Table:
    """A title (the sheet's name), columns and rows (any iterable: a queryset, a list of objects or dicts)."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Any]

    def header(self) -> list[str]:
        return [name for column in self.columns for name in column.headers()]

    def kinds(self) -> list[str]:
        """The kind of each written column (a minutes column writes two, a money column one or two)."""
        out: list[str] = []
        for column in self.columns:
            if column.kind == "minutes":
                out += ["hours", "minutes"]
            elif column.kind == "money":
                out += ["money"] if column.fixed_currency else ["money", "text"]
            else:
                out.append(column.kind)
        return out

    def records(self) -> Iterator[list[Any]]:
        for row in self.rows:
            yield [cell for column in self.columns for cell in column.cells(row)]


# --- CSV ------------------------------------------------------------------------------------------------------------
def _csv_cell(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return "yes" if value else "no"
    if kind == "date":
        return str(value.isoformat())
    if kind == "datetime":
        return str(value.strftime("%Y-%m-%d %H:%M"))
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value)
    if kind == "text" and text.startswith(RISKY):
        return "'" + text
    return text


def write_csv(table: Table) -> bytes:
    """The table as CSV: UTF-8 with a BOM, RFC 4180 quoting (minimal, doubled quotes), CRLF."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(table.header())
    kinds = table.kinds()
    for record in table.records():
        writer.writerow([_csv_cell(kind, value) for kind, value in zip(kinds, record, strict=True)])
    return buffer.getvalue().encode("utf-8")


# --- XLSX -----------------------------------------------------------------------------------------------------------
NUMBER_FORMATS = {
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "hours": "0.00",
    "minutes": "0",
    "money": "#,##0.00",
    "percent": "0.0",
}
SHEET_TITLE_BAD = str.maketrans({c: " " for c in "[]:*?/\\"})


def write_xlsx(table: Table) -> bytes:
    """The table as an XLSX workbook (openpyxl's write-only mode, one sheet): typed cells, a bold header row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(table.title.translate(SHEET_TITLE_BAD).strip() or "Sheet")[:31])
    bold = Font(bold=True)
    header = []
    for name in table.header():
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cell.data_type = "s"
        header.append(cell)
    sheet.append(header)
    kinds = table.kinds()
    for record in table.records():
        row = []
        for kind, value in zip(kinds, record, strict=True):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text begins with
            elif kind in NUMBER_FORMATS and value is not None:
                cell.number_format = NUMBER_FORMATS[kind]
            row.append(cell)
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- views ----------------------------------------------------------------------------------------------------------
def download_format(request: HttpRequest) -> str | None:
    """ "csv" or "xlsx" when the page's URL asks for a download (`?format=`), else None (render the page)."""
    value = request.GET.get("format", "")
    return value if value in FORMATS else None


def download_part(request: HttpRequest, parts: Sequence[str]) -> str:
    """Which table of a page of several the download is (`?part=`): one of `parts`, the first by default."""
    value = request.GET.get("part", "")
    return value if value in parts else parts[0]


def table_response(request: HttpRequest, table: Table, filename: str) -> HttpResponse:
    """The table as the download `?format=` asks for (CSV when it asks for none), named `<filename>-<today>.<ext>`.

    Downloads are for the agency's staff: a client user reads its pages (the portal's figures pass
    `core.client_view`), and gets no file of them (403), nor the links."""
    actor = getattr(request, "actor", None)
    if actor is not None and getattr(actor, "is_client", False):
        raise PermissionDenied("Downloads are for the agency's staff.")
    kind = download_format(request) or "csv"
    body = write_xlsx(table) if kind == "xlsx" else write_csv(table)
    response = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    stamp = formats.local(timezone.now()).date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{kind}"'
    response["Cache-Control"] = "private, no-store"
    return response
