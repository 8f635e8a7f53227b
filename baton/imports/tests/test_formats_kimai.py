import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from baton.imports.formats import FormatError, RowError, detect, open_upload
from baton.imports.tests.helpers import errors_of, read_all, rows_of, upload_file


def test_kimai_english_csv():
    upload = upload_file("kimai/export_en.csv")
    assert detect(upload).name == "kimai"
    items = read_all(upload)
    rows = rows_of(items)
    assert [r.row for r in rows] == [2, 3]
    ada, grace = rows
    assert (ada.date, ada.start, ada.end, ada.minutes) == (dt.date(2024, 3, 4), dt.time(9), dt.time(11, 30), 150)
    assert (ada.person_name, ada.person_email) == ("Ada Lovelace", "ada@example.com")
    assert (ada.client_name, ada.client_number, ada.project_name, ada.project_code, ada.task_name) == (
        "Northwind Traders",
        "C-1001",
        "Website Relaunch",
        "P-42",
        "Design",
    )
    assert ada.tags == ("design", "client")
    assert (ada.bill_rate, ada.bill_amount, ada.cost_amount, ada.currency) == (
        Decimal("150.00"),
        Decimal("375.00"),
        Decimal("150.00"),
        "USD",
    )
    # an entry past midnight: the duration says two hours, the clock times wrap
    assert (grace.start, grace.end, grace.minutes, grace.billable) == (dt.time(22, 30), dt.time(0, 30), 120, False)
    assert grace.note == "Night deploy\nwith rollback plan"
    assert errors_of(items) == [
        RowError(4, "Duration", '"-1.00" is not a positive duration'),
        RowError(5, "Date", '"05/03/2024" is not a date (expected YYYY-MM-DD)'),
    ]


def test_kimai_german_headers_semicolons_latin1():
    upload = upload_file("kimai/export_de.csv")
    items = read_all(upload, "kimai")
    assert upload.options["encoding"] == "cp1252"
    assert (upload.options["date_order"], upload.options["decimal"]) == ("dmy", ",")
    rows = rows_of(items)
    assert [(r.date, r.minutes) for r in rows] == [(dt.date(2024, 3, 4), 90), (dt.date(2024, 3, 25), 570)]
    zoe = rows[0]
    assert zoe.person_name == "Zoë Müller" and zoe.client_name == "Müller & Söhne GmbH"
    assert zoe.client_number == "10042" and zoe.task_name == "Konzeption" and zoe.billable is True
    assert rows[1].bill_amount == Decimal("1140.00") and rows[1].cost_amount == Decimal("522.50")
    assert errors_of(items) == [RowError(4, "Dauer", '"abc" is not a number of hours')]


def _xlsx(header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return open_upload("export.xlsx", buffer)


FRENCH = [
    "ID",
    "Date",
    "De",
    "À",
    "Durée",
    "Devise",
    "Prix",
    "Prix interne",
    "Prix horaire",
    "Nom",
    "Utilisateur",
    "E-mail",
    "Client",
    "Projet",
    "Activité",
    "Description",
    "Facturable",
    "Exporté",
    "Étiquettes",
    "Compte",
]


def test_kimai_xlsx_with_french_headers_typed_cells_and_a_totals_row():
    upload = _xlsx(
        FRENCH,
        [
            [
                501,
                dt.datetime(2024, 3, 4),
                dt.time(9, 0),
                dt.time(10, 30),
                1.5,
                "EUR",
                180,
                82.5,
                120,
                "Zoë Müller",
                "zoe",
                "zoe@example.fr",
                "Atelier Lumière",
                "Refonte",
                "Conception",
                "Atelier",
                "Oui",
                "Non",
                "atelier, distanciel",
                "C-77",
            ],
            [
                502,
                dt.datetime(2024, 3, 5),
                dt.datetime(2024, 3, 5, 8, 0),
                dt.datetime(2024, 3, 5, 17, 0),
                dt.timedelta(hours=9),
                "EUR",
                1080,
                495,
                120,
                "Zoë Müller",
                "zoe",
                "zoe@example.fr",
                "Atelier Lumière",
                "Refonte",
                "Réalisation",
                None,
                True,
                True,
                None,
                "C-77",
            ],
            [
                503,
                dt.datetime(2024, 3, 6),
                dt.time(8, 0),
                dt.time(9, 0),
                30,
                "EUR",
                0,
                0,
                120,
                "Zoë Müller",
                "zoe",
                "zoe@example.fr",
                "Atelier Lumière",
                "Refonte",
                "Réalisation",
                "Trop long",
                "Oui",
                "Non",
                None,
                "C-77",
            ],
            [
                None,
                None,
                None,
                None,
                10.5,
                None,
                1260,
                577.5,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
        ],
    )
    assert upload.options.get("kind") is None
    assert detect(upload).name == "kimai"
    assert upload.options["kind"] == "xlsx"
    items = read_all(upload)
    rows = rows_of(items)
    assert len(rows) == 2
    first, second = rows
    assert (first.source_id, first.date, first.start, first.end, first.minutes) == (
        "501",
        dt.date(2024, 3, 4),
        dt.time(9),
        dt.time(10, 30),
        90,
    )
    assert (first.client_name, first.client_number, first.task_name) == ("Atelier Lumière", "C-77", "Conception")
    assert first.tags == ("atelier", "distanciel")
    assert (first.billable, first.invoiced) == (True, False)
    assert (first.bill_amount, first.cost_amount, first.bill_rate) == (Decimal("180"), Decimal("82.5"), Decimal("120"))
    assert (second.start, second.end, second.minutes, second.invoiced) == (dt.time(8), dt.time(17), 540, True)
    assert errors_of(items) == [RowError(4, "Durée", '"30" is more than 24 hours')]


def test_kimai_spanish_dutch_italian_headers_are_recognised():
    for header in (
        ["Fecha", "Desde", "Hasta", "Duración", "Cliente", "Proyecto", "Actividad"],
        ["Datum", "Van", "Tot", "Duur", "Klant", "Project", "Activiteit"],
        ["Data", "Da", "A", "Durata", "Cliente", "Progetto", "Attività"],
    ):
        upload = _xlsx(header, [[dt.datetime(2024, 3, 4), dt.time(9), dt.time(10), 1, "C", "P", "A"]])
        (row,) = read_all(upload)
        assert (row.date, row.minutes, row.client_name, row.task_name) == (dt.date(2024, 3, 4), 60, "C", "A")


def test_kimai_missing_activity_is_named():
    upload = _xlsx(
        ["Datum", "Von", "Bis", "Dauer", "Kunde", "Projekt"], [[dt.datetime(2024, 3, 4), None, None, 1, "K", "P"]]
    )
    with pytest.raises(FormatError) as caught:
        detect(upload)
    assert caught.value.column == "Activity"


def test_kimai_one_csv_with_durations_in_seconds():
    text = (
        "Date,From,To,Duration,Customer,Project,Activity,Description\n"
        "2024-03-04,09:00,10:30,5400,Northwind,Relaunch,Design,Old Kimai export\n"
        "2024-03-04,11:00,11:20,1200,Northwind,Relaunch,Design,\n"
    )
    upload = open_upload("kimai1.csv", io.BytesIO(text.encode()))
    rows = read_all(upload)
    assert upload.options["duration_unit"] == "seconds"
    assert [r.minutes for r in rows] == [90, 20]


def test_kimai_xlsx_with_only_a_header_is_refused():
    upload = _xlsx(FRENCH, [])
    with pytest.raises(FormatError, match="no entries"):
        detect(upload)
