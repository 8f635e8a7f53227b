from datetime import date, time
from decimal import Decimal

import pytest

from baton.imports.formats import FORMATS, FormatError, RowError, detect
from baton.imports.tests.helpers import errors_of, read_all, rows_of, upload_bytes, upload_file


def test_toggl_detailed_report_with_bom():
    upload = upload_file("toggl/detailed_report.csv")
    assert detect(upload).name == "toggl"
    items = read_all(upload)
    assert upload.options["encoding"] == "utf-8-sig"
    rows = rows_of(items)
    assert [r.row for r in rows] == [2, 3]
    ada, grace = rows
    assert ada.person_name == "Ada Lovelace" and ada.person_email == "ada@example.com"
    assert ada.date == date(2024, 3, 4)
    assert (ada.start, ada.end, ada.minutes) == (time(9, 0), time(11, 30), 150)
    assert ada.tags == ("Design", "Client work")
    assert ada.billable is True
    assert ada.bill_amount == Decimal("375.00") and ada.currency == "USD"
    assert ada.bill_rate is None
    # past midnight: the end date is the next day, so it is not "before" the start
    assert (grace.date, grace.start, grace.end, grace.minutes) == (date(2024, 3, 4), time(23, 30), time(0, 15), 45)
    assert grace.note == "Standup\nand planning"
    assert grace.client_name == "" and grace.tags == () and grace.billable is False
    assert errors_of(items) == [
        RowError(4, "Duration", '"25:00:00" is more than 24 hours'),
        RowError(5, "Duration", '"-01:00:00" is not a positive duration'),
        RowError(6, "End time", 'end "2024-03-05 09:00:00" is before start "2024-03-05 10:00:00"'),
        RowError(7, "Start date", '"3001-01-01" lies outside 1900-01-01 to 2999-12-31'),
        RowError(8, "Start date", '"03/07/2024" is not a date (expected YYYY-MM-DD)'),
        RowError(9, "Amount (USD)", '"12x" is not an amount'),
    ]


def test_toggl_utf16_and_currency_from_the_header():
    upload = upload_file("toggl/detailed_report_utf16.csv")
    items = read_all(upload, "toggl")
    assert upload.options["encoding"] == "utf-16"
    (row,) = items
    assert row.person_name == "Zoë Müller"
    assert row.client_name == "Müller & Söhne GmbH"
    assert row.currency == "EUR" and row.bill_amount == Decimal("180.00")


def test_toggl_newer_member_header_and_tab_separator():
    text = (
        "Member\tEmail\tClient\tProject\tTask\tDescription\tBillable\tStart date\tStart time\tEnd date\tEnd time"
        "\tDuration\tTags\tAmount (GBP)\n"
        "Ada Lovelace\tada@example.com\tNorthwind\tSite\t\tCopy\tNo\t2024-03-04\t09:00:00\t2024-03-04\t09:20:00"
        "\t00:20:00\t\t\n"
    )
    upload = upload_bytes(text.encode())
    (row,) = read_all(upload)
    assert upload.options["delimiter"] == "\t"
    assert row.person_name == "Ada Lovelace"
    assert row.minutes == 20 and row.currency == "GBP" and row.bill_amount is None


def test_toggl_empty_and_header_only_files_are_refused():
    with pytest.raises(FormatError, match="empty"):
        detect(upload_file("toggl/empty.csv"))
    with pytest.raises(FormatError, match="no entries"):
        detect(upload_file("toggl/header_only.csv"))
    with pytest.raises(FormatError, match="no entries"):
        list(FORMATS["toggl"].read(upload_file("toggl/header_only.csv")))


def test_toggl_missing_duration_is_named():
    with pytest.raises(FormatError) as caught:
        detect(upload_file("misc/toggl_no_duration.csv"))
    assert caught.value.column == "Duration"


def test_toggl_excel_export_reads_like_its_csv():
    import datetime as dt
    import io

    import openpyxl

    from baton.imports.formats import open_upload

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "User",
            "Email",
            "Client",
            "Project",
            "Task",
            "Description",
            "Billable",
            "Start date",
            "Start time",
            "End date",
            "End time",
            "Duration",
            "Tags",
            "Amount (USD)",
        ]
    )
    sheet.append(
        [
            "Ada Lovelace",
            "ada@example.com",
            "Northwind Traders",
            "Website Relaunch",
            "Design",
            "Wireframes",
            "Yes",
            dt.date(2024, 3, 4),
            dt.time(9, 0),
            dt.date(2024, 3, 4),
            dt.time(11, 30),
            dt.time(2, 30),
            "Design",
            375.0,
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    upload = open_upload("toggl.xlsx", buffer)
    (row,) = read_all(upload)
    assert upload.options["kind"] == "xlsx"
    assert (row.date, row.start, row.end, row.minutes) == (dt.date(2024, 3, 4), dt.time(9), dt.time(11, 30), 150)
    assert row.bill_amount == Decimal("375")
