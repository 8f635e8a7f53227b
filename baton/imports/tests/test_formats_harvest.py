from datetime import date
from decimal import Decimal

import pytest

from baton.imports.formats import FormatError, RowError, detect
from baton.imports.tests.helpers import errors_of, read_all, rows_of, upload_file


def test_harvest_report_in_english_locale():
    upload = upload_file("harvest/time_report.csv")
    assert detect(upload).name == "harvest"
    items = read_all(upload)
    rows = rows_of(items)
    assert [r.row for r in rows] == [2, 3, 4]
    first, second, third = rows
    assert first.date == date(2024, 3, 4)
    assert first.minutes == 150
    assert first.person_name == "Ada Lovelace"
    assert first.person_email == ""
    assert (first.client_name, first.project_name, first.project_code, first.task_name) == (
        "Northwind Traders",
        "Website Relaunch",
        "NW-001",
        "Design",
    )
    assert (first.billable, first.invoiced, first.approved) == (True, False, True)
    assert (first.bill_rate, first.bill_amount, first.cost_rate, first.cost_amount) == (
        Decimal("150.00"),
        Decimal("375.00"),
        Decimal("60.00"),
        Decimal("150.00"),
    )
    assert first.currency == "USD"
    assert first.start is None and first.end is None
    assert first.source_id == ""
    # a quoted newline in Notes, thousands separators in the rate, an external reference kept aside
    assert second.note == "Kick-off call\nwith the client team"
    assert second.minutes == 75
    assert second.bill_rate == Decimal("1234.50")
    assert second.invoiced is True and second.approved is False
    assert second.extra == {"External Reference URL": "https://example.atlassian.net/browse/NW-12"}
    assert third.billable is False
    assert third.bill_rate is None and third.bill_amount is None
    assert upload.options["decimal"] == "."
    assert errors_of(items) == [
        RowError(5, "Hours", '"25.0" is more than 24 hours'),
        RowError(6, "Date", '"2024-13-05" is not a date (expected YYYY-MM-DD)'),
        RowError(7, "Hours", '"0" is not a positive duration'),
        RowError(8, "Billable Rate", '"abc" is not an amount'),
    ]


def test_harvest_german_locale_semicolons_and_latin1():
    upload = upload_file("harvest/time_report_de_latin1.csv")
    items = read_all(upload, "harvest")
    assert upload.options["encoding"] == "cp1252"
    assert upload.options["delimiter"] == ";"
    assert upload.options["decimal"] == ","
    rows = rows_of(items)
    assert [r.person_name for r in rows] == ["Zoë Müller", "Jürgen Weiß"]
    assert rows[0].client_name == "Müller & Söhne GmbH"
    assert rows[0].minutes == 90
    assert rows[0].currency == "EUR"
    assert rows[0].cost_amount == Decimal("82.50")
    assert rows[1].bill_rate == Decimal("1250.50")
    assert rows[1].bill_amount == Decimal("10004.00")
    assert errors_of(items) == [RowError(3, "Hours", '"2.000,0" is more than 24 hours')]


def test_harvest_missing_hours_column_is_named():
    upload = upload_file("harvest/missing_hours.csv")
    with pytest.raises(FormatError) as caught:
        detect(upload)
    assert caught.value.column == "Hours"
    assert '"Hours" is missing' in caught.value.message
    with pytest.raises(FormatError) as caught:
        detect(upload, "harvest")
    assert caught.value.column == "Hours"
