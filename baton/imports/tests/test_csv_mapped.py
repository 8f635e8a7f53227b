"""The generic CSV reader on bad input: encodings, a BOM, semicolons, quoted newlines, an empty file, a missing
column, 25 hours, a negative duration, a wrong date."""

from __future__ import annotations

import codecs
import io
import zipfile
from datetime import date

import openpyxl
import pytest

from baton.imports import formats
from baton.imports.formats import csv_mapped
from baton.imports.formats.base import FormatError, RowError, SourceRow, Upload
from baton.imports.formats.sniff import header_cells

HEADER = "date,minutes,person_name,project_name,note"


def _read(text: str, encoding: str = "utf-8", bom: bytes = b"", mapping=None) -> list[SourceRow | RowError]:
    upload = Upload(name="t.csv", stream=io.BytesIO(bom + text.encode(encoding)))
    return list(csv_mapped.read(upload, mapping=mapping))


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("cp1252", b"")],
)
def test_encodings_and_byte_order_marks(encoding, bom):
    rows = _read(f"{HEADER}\n2026-03-02,60,Zoë Müller,Café,Crème brûlée\n", encoding, bom)
    assert rows == [
        SourceRow(
            row=2, date=date(2026, 3, 2), minutes=60, person_name="Zoë Müller", project_name="Café", note="Crème brûlée"
        )
    ]


def test_semicolons_and_quoted_newlines():
    rows = _read(
        'date;minutes;person_name;project_name;note\n2026-03-02;60;Ann;Web;"two\nlines"\n2026-03-03;30;Ann;Web;x\n'
    )
    assert [r.note for r in rows] == ["two\nlines", "x"]
    assert [r.row for r in rows] == [2, 3]


def test_row_errors_name_row_and_column():
    rows = _read(
        f"{HEADER}\n2026-03-02,1500,Ann,Web,\n2026-03-02,-30,Ann,Web,\n02/30/2026,30,Ann,Web,\n3000-01-01,30,Ann,Web,\n"
        "2026-03-02,30,,Web,\n"
    )
    assert rows == [
        RowError(2, "minutes", "More than 24 hours in one entry."),
        RowError(3, "minutes", "A duration cannot be negative."),
        RowError(4, "date", "“02/30/2026” is not a date (use YYYY-MM-DD)."),
        RowError(5, "date", "Use a date between 1900-01-01 and 2999-12-31."),
        RowError(6, "person_name", "The person is empty."),
    ]


def test_an_empty_file_and_a_missing_column_refuse_the_file():
    with pytest.raises(FormatError, match="empty"):
        _read("")
    with pytest.raises(FormatError, match="Map a column to minutes"):
        _read("date,person_name,project_name\n2026-03-02,Ann,Web\n")


def test_detection_names_what_was_expected():
    upload = Upload(name="t.csv", stream=io.BytesIO(b"Foo,Bar\n1,2\n"))
    with pytest.raises(FormatError) as refused:
        formats.detect(upload)
    assert refused.value.message.startswith("Unknown file. Expected one of:")
    assert "Generic CSV" in refused.value.message
    ours = Upload(name="t.csv", stream=io.BytesIO(f"{HEADER}\n2026-03-02,60,Ann,Web,\n".encode()))
    assert formats.detect(ours).name == "csv"


def test_durations_in_hours_and_clock_time():
    rows = _read(
        'Day,Time,Who,Job\n2026-03-02,"1,5",Ann,Web\n',
        mapping={"date": "Day", "hours": "Time", "person_name": "Who", "project_name": "Job"},
    )
    assert rows[0].minutes == 90
    rows = _read(
        "Day,Time,Who,Job\n2026-03-02,1:45:00,Ann,Web\n",
        mapping={"date": "Day", "duration": "Time", "person_name": "Who", "project_name": "Job"},
    )
    assert rows[0].minutes == 105


def test_binary_files_give_their_header_to_detection():
    book = openpyxl.Workbook()
    book.active.append(["Datum", "Dauer", "Account"])
    xlsx = io.BytesIO()
    book.save(xlsx)
    upload = Upload(name="kimai.xlsx", stream=io.BytesIO(xlsx.getvalue()))
    assert header_cells(upload) == ["Datum", "Dauer", "Account"] and upload.options["kind"] == "xlsx"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("time_entries.csv", "a,b\n")
    upload = Upload(name="solidtime.zip", stream=io.BytesIO(archive.getvalue()))
    assert header_cells(upload) == ["time_entries.csv"] and upload.options["kind"] == "zip"
