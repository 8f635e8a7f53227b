"""The download writer (core/tables.py): CSV quoting and BOM, XLSX cell types, money as Decimal end to end."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from baton.core import formats
from baton.core.tables import Column, Table, download_format, table_response, write_csv, write_xlsx

ROWS = [
    {
        "name": 'Acme, "the" Co.\nLtd',
        "day": date(2027, 3, 1),
        "at": datetime(2027, 3, 1, 13, 30, tzinfo=UTC),
        "minutes": 95,
        "amount": Decimal("1234.505"),
        "currency": "EUR",
        "count": 3,
        "share": Decimal("73.5"),
        "billable": True,
    },
    {
        "name": '=HYPERLINK("http://x")',
        "day": None,
        "at": None,
        "minutes": None,
        "amount": None,
        "currency": "USD",
        "count": 0,
        "share": None,
        "billable": False,
    },
]


def table() -> Table:
    return Table(
        "Clients: all",
        [
            Column("Name", "name"),
            Column("Day", "day", "date"),
            Column("At", "at", "datetime"),
            Column("Logged", "minutes", "minutes"),
            Column("Amount", "amount", "money", currency="currency"),
            Column("Fee", "amount", "money", currency="EUR"),
            Column("Count", "count", "number"),
            Column("Share", "share", "percent"),
            Column("Billable", "billable", "bool"),
        ],
        ROWS,
    )


HEADER = [
    "Name",
    "Day",
    "At",
    "Logged (h)",
    "Logged (min)",
    "Amount",
    "Amount currency",
    "Fee (EUR)",
    "Count",
    "Share (%)",
    "Billable",
]


def test_csv_has_bom_crlf_rfc4180_quoting_and_decimal_money():
    with formats.using():
        body = write_csv(table())
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == HEADER
    assert rows[1] == [
        'Acme, "the" Co.\nLtd',
        "2027-03-01",
        rows[1][2],
        "1.58",
        "95",
        "1234.51",  # cents, half up, from the Decimal (never a float)
        "EUR",
        "1234.51",
        "3",
        "73.5",
        "yes",
    ]
    assert rows[1][2].startswith("2027-03-01 ")
    assert rows[2] == ['\'=HYPERLINK("http://x")', "", "", "", "", "", "USD", "", "0", "", "no"]
    # the quoting is RFC 4180's: a field with a comma, a quote or a newline in quotes, quotes doubled
    assert '"Acme, ""the"" Co.\nLtd"' in text


def test_xlsx_cells_are_typed():
    with formats.using():
        body = write_xlsx(table())
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.title == "Clients  all"
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER
    first = values[1]
    assert first[0] == 'Acme, "the" Co.\nLtd'
    assert first[1] == datetime(2027, 3, 1)  # a date cell (openpyxl reads dates back as datetimes)
    assert isinstance(first[2], datetime)
    assert first[3] == pytest.approx(1.58) and first[4] == 95
    assert first[5] == pytest.approx(1234.51) and first[6] == "EUR"
    assert first[8] == 3 and first[9] == pytest.approx(73.5) and first[10] is True
    second = values[2]
    assert second[0] == '=HYPERLINK("http://x")'  # a string, not a formula
    assert sheet.cell(row=3, column=1).data_type == "s"
    assert sheet.cell(row=2, column=2).is_date
    assert sheet.cell(row=2, column=6).number_format == "#,##0.00"
    assert second[10] is False and second[5] is None


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        write_csv(Table("x", [Column("Amount", "a", "money", currency="EUR")], [{"a": 1.5}]))


def test_unknown_kind_and_money_without_currency_are_refused():
    with pytest.raises(ValueError):
        Column("x", "x", "colour")
    with pytest.raises(ValueError):
        Column("x", "x", "money")


@pytest.mark.parametrize(
    ("query", "fmt", "content_type"),
    [
        ("format=csv", "csv", "text/csv; charset=utf-8"),
        ("format=xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_table_response_names_the_file_and_sets_the_type(query, fmt, content_type):
    request = RequestFactory().get(f"/clients/?{query}")
    assert download_format(request) == fmt
    with formats.using():
        response = table_response(request, table(), "clients")
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith('attachment; filename="clients-')
    assert response["Content-Disposition"].endswith(f'.{fmt}"')


def test_other_formats_render_the_page():
    assert download_format(RequestFactory().get("/clients/?format=pdf")) is None
    assert download_format(RequestFactory().get("/clients/")) is None
