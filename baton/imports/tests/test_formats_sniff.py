"""Opening uploads: encodings, separators, detection and its refusals, streaming."""

import codecs
import io

import pytest

from baton.imports.formats import FORMATS, FormatError, cells, detect, header_cells, open_upload
from baton.imports.formats.sniff import encoding
from baton.imports.tests.helpers import read_all, upload_bytes, upload_file

TOGGL_HEADER = "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags,Amount (USD)"
TOGGL_ROW = "Zoë Müller,zoe@example.de,Müller & Söhne,Relaunch,,Workshop,Yes,2024-03-04,09:00:00,2024-03-04,10:00:00,01:00:00,,120.00"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ((TOGGL_HEADER + "\n" + TOGGL_ROW + "\n").encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + (TOGGL_HEADER + "\n" + TOGGL_ROW + "\n").encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + (TOGGL_HEADER + "\n" + TOGGL_ROW + "\n").encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + (TOGGL_HEADER + "\n" + TOGGL_ROW + "\n").encode("utf-16-be"), "utf-16"),
        ((TOGGL_HEADER + "\n" + TOGGL_ROW + "\n").encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_are_found_and_names_read_right(data, expected):
    upload = upload_bytes(data)
    assert encoding(upload) == expected
    (row,) = read_all(upload)
    assert row.person_name == "Zoë Müller" and row.client_name == "Müller & Söhne"


def test_latin1_when_a_byte_is_undefined_in_cp1252():
    data = (TOGGL_HEADER + "\n" + TOGGL_ROW.replace("Workshop", "Work\x81shop") + "\n").encode("latin-1")
    upload = upload_bytes(data)
    assert encoding(upload) == "latin-1"
    (row,) = read_all(upload)
    assert row.person_name == "Zoë Müller"


def test_semicolons_with_quoted_separators_and_newlines():
    header = TOGGL_HEADER.replace(",", ";")
    row = 'Ada;ada@example.com;"Smith; Jones & Co";Site;;"Line one\nline two; with a semicolon";Yes;2024-03-04;09:00:00;2024-03-04;10:00:00;01:00:00;;"1.234,50"'
    upload = upload_bytes(f"{header}\r\n{row}\r\n{row}\r\n".encode())
    items = read_all(upload)
    assert upload.options["delimiter"] == ";"
    assert [i.row for i in items] == [2, 3]  # rows as a spreadsheet numbers them, not lines
    assert items[0].client_name == "Smith; Jones & Co"
    assert items[0].note == "Line one\nline two; with a semicolon"
    assert str(items[0].bill_amount) == "1234.50"


def test_unknown_file_names_what_each_format_expects():
    with pytest.raises(FormatError) as caught:
        detect(upload_file("misc/unknown.csv"))
    message = caught.value.message
    assert message.startswith("Unknown file. Expected one of:")
    for fmt in FORMATS.values():
        assert fmt.label in message
    for header in ("Hours", "First Name", "Start date", "Duration (decimal)", "Customer", "time_entries.csv"):
        assert header in message
    assert caught.value.column == "file"


def test_a_named_source_must_fit():
    with pytest.raises(FormatError) as caught:
        detect(upload_file("toggl/detailed_report.csv"), "harvest")
    assert caught.value.column == "Date"
    assert "Harvest" in caught.value.message
    with pytest.raises(FormatError) as caught:
        detect(upload_file("toggl/detailed_report.csv"), "nope")
    assert caught.value.column == "source"
    assert detect(upload_file("toggl/detailed_report.csv"), "toggl").name == "toggl"


def test_header_cells_of_csv_zip_and_broken_zip():
    assert header_cells(upload_file("toggl/detailed_report.csv"))[:3] == ["User", "Email", "Client"]
    with pytest.raises(FormatError, match="ZIP"):
        header_cells(upload_bytes(b"PK\x03\x04 not really a zip"))


def test_reading_streams_without_loading_the_file():
    """A large file yields its first rows after reading only a small part of it."""
    row = TOGGL_ROW.replace("Zoë Müller", "Ada Lovelace") + "\n"
    data = (TOGGL_HEADER + "\n" + row * 200_000).encode()  # ~20 MB
    stream = io.BytesIO(data)
    upload = open_upload("big.csv", stream)
    rows = FORMATS[detect(upload).name].read(upload)
    first = [next(rows) for _ in range(10)]
    assert [r.row for r in first] == list(range(2, 12))
    assert stream.tell() < len(data) // 10


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("01:30:00", 5400), ("1:30", 5400), ("25:00:00", 90000), ("-01:00:00", -3600)],
)
def test_clock_durations(text, seconds):
    assert cells.clock_seconds("Duration", text) == seconds


@pytest.mark.parametrize(
    ("values", "mark"),
    [(["2.000,0"], ","), (["1,234.50"], "."), (["1,5"], ","), (["0.25"], "."), (["1,234"], "."), ([], ".")],
)
def test_decimal_mark_from_a_sample(values, mark):
    assert cells.guess_decimal(values)[0] == mark


@pytest.mark.parametrize(
    ("text", "expected"),
    [("9:05 AM", (9, 5)), ("12:00 AM", (0, 0)), ("12:30 PM", (12, 30)), ("01:15 pm", (13, 15)), ("21.05", (21, 5))],
)
def test_clock_times(text, expected):
    value = cells.parse_time("Start Time", text)
    assert (value.hour, value.minute) == expected


def test_bad_clock_time_and_date_bounds():
    with pytest.raises(cells.Bad, match='"13:00 PM" is not a time of day'):
        cells.parse_time("Start Time", "13:00 PM")
    with pytest.raises(cells.Bad, match="lies outside"):
        cells.parse_date("Date", "1899-12-31")
    assert cells.parse_date("Date", "2999-12-31").year == 2999


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_found_by_charset_normalizer(codec):
    upload = upload_bytes((TOGGL_HEADER + "\n" + TOGGL_ROW + "\n" + TOGGL_ROW + "\n").encode(codec))
    rows = read_all(upload)
    assert upload.options["encoding"].startswith("utf_16")
    assert [r.person_name for r in rows] == ["Zoë Müller", "Zoë Müller"]


def test_bytes_that_stop_decoding_further_down_refuse_the_file():
    row = TOGGL_ROW + "\n"
    data = (TOGGL_HEADER + "\n" + row * 3000).encode() + "Zoë".encode("latin-1") + row.encode()
    upload = upload_bytes(data)
    fmt = detect(upload)
    with pytest.raises(FormatError, match="cannot be read as utf-8 text near line"):
        list(FORMATS[fmt.name].read(upload))


def test_a_catch_all_format_is_tried_after_the_tools():
    from baton.imports.formats.base import Format

    catch_all = Format(name="anything", label="Any table", expects="", detect=lambda headers: True, read=list)
    saved = dict(FORMATS)
    FORMATS.clear()
    FORMATS["anything"] = catch_all  # registered first: still tried after the tools' header rules
    FORMATS.update(saved)
    try:
        assert detect(upload_file("toggl/detailed_report.csv")).name == "toggl"
        assert detect(upload_file("misc/unknown.csv")).name == "anything"
    finally:
        FORMATS.clear()
        FORMATS.update(saved)


def test_a_django_upload_is_read_and_left_open():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from baton.imports.tests.helpers import FILES

    uploaded = SimpleUploadedFile("toggl.csv", (FILES / "toggl" / "detailed_report.csv").read_bytes())
    upload = open_upload(uploaded.name, uploaded)
    items = list(FORMATS[detect(upload).name].read(upload))
    assert len(items) == 8
    assert not uploaded.closed
