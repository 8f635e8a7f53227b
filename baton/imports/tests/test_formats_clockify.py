from datetime import date, time
from decimal import Decimal

from baton.imports.formats import RowError, detect
from baton.imports.tests.helpers import errors_of, read_all, rows_of, upload_file


def test_clockify_month_first_and_twelve_hour_clock():
    upload = upload_file("clockify/detailed_report_us.csv")
    assert detect(upload).name == "clockify"
    items = read_all(upload)
    assert upload.options["date_order"] == "mdy" and upload.options["date_order_decided"] is True
    rows = rows_of(items)
    assert [r.row for r in rows] == [2, 3, 4]
    first, second, third = rows
    assert (first.date, first.start, first.end, first.minutes) == (date(2024, 3, 4), time(9), time(11, 30), 150)
    assert first.tags == ("Design", "Client work")
    assert first.extra == {"Group": "Studio"}
    assert (first.bill_rate, first.bill_amount, first.currency) == (Decimal("150.00"), Decimal("375.00"), "USD")
    assert (second.date, second.start, second.end) == (date(2024, 3, 18), time(13, 15), time(14, 0))
    assert second.note == "Review call\nwith notes"
    assert second.bill_rate == Decimal("1200.00")
    assert third.billable is False and third.client_name == ""
    assert errors_of(items) == [
        RowError(5, "Start Date", '"13/45/2024" is not a date (expected MM/DD/YYYY)'),
        RowError(6, "Duration (decimal)", '"25.00" is more than 24 hours'),
    ]


def test_clockify_day_first_semicolons_activity_and_no_client():
    upload = upload_file("clockify/detailed_report_eu.csv")
    items = read_all(upload, "clockify")
    assert upload.options["date_order"] == "dmy"
    assert upload.options["delimiter"] == ";" and upload.options["decimal"] == ","
    rows = rows_of(items)
    assert [(r.date, r.minutes, r.task_name) for r in rows] == [
        (date(2024, 3, 4), 90, "Konzeption"),
        (date(2024, 3, 25), 225, "Umsetzung"),
    ]
    assert rows[0].person_name == "Zoë Müller" and rows[0].client_name == ""
    assert rows[0].currency == "EUR" and rows[0].bill_amount == Decimal("180.00")
    assert errors_of(items) == [
        RowError(4, "End Time", 'end "26.03.2024 13:00" is before start "26.03.2024 14:00"'),
    ]


def test_clockify_ambiguous_sample_says_so_and_can_be_overridden():
    upload = upload_file("clockify/ambiguous_dates.csv")
    (row,) = read_all(upload)
    assert upload.options["date_order"] == "mdy" and upload.options["date_order_decided"] is False
    assert row.date == date(2024, 3, 4)
    upload = upload_file("clockify/ambiguous_dates.csv")
    (row,) = read_all(upload, date_order="dmy")
    assert row.date == date(2024, 4, 3)
