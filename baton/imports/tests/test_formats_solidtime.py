from datetime import date, time
from decimal import Decimal

import pytest

from baton.imports.formats import FormatError, RowError, detect
from baton.imports.tests.helpers import errors_of, read_all, rows_of, zip_of


def test_solidtime_export_zip():
    upload = zip_of("solidtime")
    assert detect(upload).name == "solidtime"
    items = read_all(upload)
    rows = rows_of(items)
    assert [r.row for r in rows] == [2, 3]
    zoe, ada = rows
    assert zoe.source_id == "e8888888-8888-4888-8888-888888888881"
    assert (zoe.date, zoe.start, zoe.end, zoe.minutes) == (date(2024, 3, 4), time(8), time(9, 30), 90)
    assert (zoe.person_name, zoe.person_email) == ("Zoë Müller", "zoe@example.de")
    assert (zoe.client_name, zoe.project_name, zoe.task_name) == ("Müller & Söhne GmbH", "Relaunch", "Konzeption")
    assert zoe.tags == ("Workshop", "Remote")
    assert (zoe.bill_rate, zoe.currency, zoe.billable) == (Decimal("160.00"), "EUR", True)
    assert zoe.bill_amount is None
    assert ada.note == "Late call\nabout the sitemap"
    assert (ada.client_name, ada.project_name, ada.bill_rate, ada.billable) == ("", "Internal", None, False)
    assert upload.options["timezone"] == "UTC" and upload.options["solidtime_version"] == "1.0"
    assert errors_of(items) == [
        RowError(4, "end", "the entry has no end (its timer was still running)"),
        RowError(5, "end", '"25:00:00" is more than 24 hours'),
        RowError(6, "member_id", 'member "m-unknown" is not in members.csv'),
        RowError(7, "billable_rate", '"160.00" is not an amount in cents'),
    ]


def test_solidtime_times_in_a_time_zone():
    upload = zip_of("solidtime")
    ada = rows_of(read_all(upload, timezone="Europe/Berlin"))[1]
    # 22:30Z on 4 March is 23:30 in Berlin, still the 4th; the day and clock follow the zone
    assert (ada.date, ada.start, ada.end) == (date(2024, 3, 4), time(23, 30), time(0, 15))


def test_solidtime_zip_without_time_entries_is_refused():
    upload = zip_of("solidtime", leave_out=("time_entries.csv",))
    with pytest.raises(FormatError) as caught:
        detect(upload)
    assert caught.value.column == "time_entries.csv"


def test_solidtime_bad_tags_cell():
    from baton.imports.tests.helpers import FILES

    text = (FILES / "solidtime" / "time_entries.csv").read_text().replace('"[]"', "not json", 1)
    text = text.replace(",[],", ",not json,", 1)
    upload = zip_of("solidtime", replace={"time_entries.csv": text})
    errors = errors_of(read_all(upload))
    assert RowError(3, "tags", '"not json" is not a list of tags') in errors
