"""Kimai's timesheet export, as CSV or XLSX, with its headers in the export's language.

Kimai's default export template writes: date, begin, end, duration (decimal hours), currency, rate (the entry's
price), internal rate, hourly rate, fixed rate, user alias, user name, e-mail, account number, customer, project,
activity, description, billable, tags, type, category, customer number (`Account` in English: matched to
`Client.number`), project number, VAT id, order number — each header translated (the words are Kimai's own, from
`translations/messages.<lang>.xlf`; older releases had other words, e.g. German `Beginn`/`Lohn`, newer `Von`/`Preis`,
Spanish `De`/`Para`, Dutch `Van`/`Tot`/`Bedrag`/`Rekening`, Italian `Da`/`A`/`Prezzo`/`Costo interno`; all are
known). English, German, French, Spanish, Dutch and Italian are read. An XLSX export holds real dates, times and
numbers; a CSV holds text in the export's locale (the decimal mark and date order are decided from a leading sample).
A totals row (no date, no customer, no project) is skipped. `ID`, when the template has it, becomes `source_id`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from baton.imports.formats import cells
from baton.imports.formats.base import Format, RowError, SourceRow, Upload, register
from baton.imports.formats.sniff import HeaderRule, iter_table
from baton.imports.formats.table import Columns, start, stream

CACHE_SIZE = 65_536

# Each field: its header in en, de, fr, es, nl, it (current, then older wordings). The first is used in messages.
SPEC: dict[str, tuple[str, ...]] = {
    "date": ("Date", "Datum", "Fecha", "Data"),
    "begin": ("From", "Begin", "Start", "Von", "Beginn", "De", "Début", "Desde", "Inicio", "Van", "Da", "Inizio"),
    "end": ("To", "End", "Bis", "Ende", "À", "A", "Fin", "Hasta", "Para", "Final", "Tot", "Einde", "Eind", "Fine"),
    "duration": ("Duration", "Dauer", "Durée", "Duración", "Duur", "Durata"),
    "currency": ("Currency", "Währung", "Devise", "Moneda", "Divisa", "Valuta"),
    "rate": (
        "Price",
        "Rate",
        "Preis",
        "Lohn",
        "Prix",
        "Tarif",
        "Precio",
        "Tarifa",
        "Bedrag",
        "Prijs",
        "Tarief",
        "Prezzo",
    ),
    "internal_rate": (
        "Internal price",
        "Internal rate",
        "Interner Preis",
        "Interner Lohn",
        "Prix interne",
        "Tarif interne",
        "Taux interne",
        "Precio interno",
        "Tarifa interna",
        "Interne prijs",
        "Intern tarief",
        "Prezzo interno",
        "Tariffa interna",
        "Costo interno",
    ),
    "hourly_rate": (
        "Hourly price",
        "Hourly rate",
        "Stundenpreis",
        "Stundenlohn",
        "Stundensatz",
        "Prix horaire",
        "Taux horaire",
        "Tarif horaire",
        "Precio por hora",
        "Tarifa por hora",
        "Uurprijs",
        "Uurtarief",
        "Prezzo orario",
        "Tariffa oraria",
    ),
    "fixed_rate": (
        "Fixed price",
        "Fixed rate",
        "Festpreis",
        "Festbetrag",
        "Prix fixe",
        "Taux fixe",
        "Tarif fixe",
        "Precio fijo",
        "Tarifa fija",
        "Vast bedrag",
        "Vaste prijs",
        "Vast tarief",
        "Prezzo fisso",
        "Tariffa fissa",
    ),
    "alias": ("Name", "Nom", "Nombre", "Naam", "Nome"),
    "username": (
        "User",
        "Username",
        "Benutzer",
        "Benutzername",
        "Utilisateur",
        "Nom d'utilisateur",
        "Usuario",
        "Nombre de usuario",
        "Gebruiker",
        "Gebruikersnaam",
        "Utente",
        "Nome utente",
    ),
    "email": ("E-mail", "Email", "E-Mail", "Courriel", "Adresse e-mail", "Correo electrónico", "Correo"),
    "customer": ("Customer", "Kunde", "Client", "Cliente", "Klant"),
    "project": ("Project", "Projekt", "Projet", "Proyecto", "Progetto"),
    "activity": ("Activity", "Tätigkeit", "Aktivität", "Activité", "Actividad", "Activiteit", "Attività"),
    "description": ("Description", "Beschreibung", "Descripción", "Omschrijving", "Beschrijving", "Descrizione"),
    "billable": ("Billable", "Abrechenbar", "Verrechenbar", "Facturable", "Factureerbaar", "Declarabel", "Fatturabile"),
    "exported": ("Exported", "Exportiert", "Exporté", "Exportado", "Geëxporteerd", "Esportato"),
    "tags": ("Tags", "Schlagworte", "Étiquettes", "Mots-clés", "Etiquetas", "Labels", "Label", "Tag", "Etichette"),
    "number": (
        "Account",
        "Customer number",
        "Kundennummer",
        "Konto",
        "Compte",
        "Numéro de client",
        "Cuenta",
        "Número de cliente",
        "Rekening",
        "Klantnummer",
        "Conto",
        "Numero cliente",
        "Codice cliente",
    ),
    "project_number": (
        "Project number",
        "Projektnummer",
        "Numéro de projet",
        "Número de proyecto",
        "Projectnummer",
        "Numero progetto",
    ),
    "id": ("ID",),
}
REQUIRED = ("date", "duration", "customer", "project", "activity")
RULE = HeaderRule(*(SPEC[key] for key in ("date", "begin", "end", "duration", "customer", "project", "activity")))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class Cells:
    """Kimai cells that may be text (CSV) or typed values (XLSX)."""

    def __init__(self, order: str, decimal: str, duration_unit: str) -> None:
        self.order, self.decimal, self.duration_unit = order, decimal, duration_unit

    def date(self, column: str, value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return cells.check_date(column, value.date())
        if isinstance(value, dt.date):
            return cells.check_date(column, value)
        return cells.parse_date(column, _text(value), self.order)

    def time(self, column: str, value: Any) -> dt.time | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.time().replace(microsecond=0)
        if isinstance(value, dt.time):
            return value.replace(microsecond=0)
        return cells.parse_time(column, _text(value))

    def minutes(self, column: str, value: Any) -> int:
        if isinstance(value, dt.timedelta):
            seconds = int(value.total_seconds())
            return cells.minutes_of(column, cells.clock_text(seconds), seconds)
        if isinstance(value, dt.time):
            seconds = value.hour * 3600 + value.minute * 60 + value.second
            return cells.minutes_of(column, value.isoformat(), seconds)
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            seconds = int((Decimal(str(value)) * 3600).to_integral_value(ROUND_HALF_UP))
            return cells.minutes_of(column, _text(value), seconds)
        text = _text(value)
        if ":" in text:
            return cells.minutes_of(column, text, cells.clock_seconds(column, text))
        if self.duration_unit == "seconds" and text.lstrip("-").isdigit():
            return cells.minutes_of(column, text, int(text))
        return cells.minutes_of(column, text, cells.hours_seconds(column, text, self.decimal))

    def amount(self, column: str, value: Any) -> Decimal | None:
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Decimal(str(value))
        return cells.parse_amount(column, _text(value), self.decimal)

    @staticmethod
    def flag(column: str, value: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return bool(value)
        return cells.parse_bool(column, _text(value))


def _duration_unit(values: list[str]) -> str:
    """`seconds` when every sampled duration is a whole number and some are above 24 (Kimai 1's CSV), else `hours`
    (decimal, or `h:mm` where a colon says so)."""
    plain = [v.strip() for v in values if v.strip()]
    if plain and all(v.isdigit() for v in plain) and any(int(v) > 24 for v in plain):
        return "seconds"
    return "hours"


def read(upload: Upload, **options: Any) -> Iterator[SourceRow | RowError]:
    header, number, sample, rest = start(iter_table(upload, raw=True))
    cols = Columns(header, SPEC, REQUIRED)
    text_sample = [[_text(v) if isinstance(v, str) else "" for v in row] for row in sample]
    order = options.get("date_order") or cells.guess_date_order(cols.values(text_sample, "date"), default="dmy")[0]
    money = [v for key in ("rate", "internal_rate", "hourly_rate", "duration") for v in cols.values(text_sample, key)]
    decimal = options.get("decimal") or cells.guess_decimal(v for v in money if ":" not in v)[0]
    unit = options.get("duration_unit") or _duration_unit(list(cols.values(text_sample, "duration")))
    upload.options.update(date_order=order, decimal=decimal, duration_unit=unit)
    read_cell = Cells(order, decimal, unit)
    # Cells repeat (a day, a clock time, a duration): each distinct value is parsed once.
    day = lru_cache(maxsize=CACHE_SIZE)(read_cell.date)
    clock = lru_cache(maxsize=CACHE_SIZE)(read_cell.time)
    minutes = lru_cache(maxsize=CACHE_SIZE)(read_cell.minutes)
    i, n = cols.i, cols.name
    i_date, i_begin, i_end, i_duration = i("date"), i("begin"), i("end"), i("duration")
    i_customer, i_project, i_activity, i_desc = i("customer"), i("project"), i("activity"), i("description")
    i_alias, i_user, i_email = i("alias"), i("username"), i("email")
    i_rate, i_internal, i_hourly, i_currency = i("rate"), i("internal_rate"), i("hourly_rate"), i("currency")
    i_billable, i_exported, i_tags = i("billable"), i("exported"), i("tags")
    i_number, i_pnumber, i_id = i("number"), i("project_number"), i("id")

    def parse(row_number: int, row: list[Any]) -> SourceRow | None:
        if row[i_date] in (None, "") and not _text(row[i_customer]) and not _text(row[i_project]):
            return None  # the totals row at the foot of an export
        begin = clock(n["begin"], row[i_begin])
        end = clock(n["end"], row[i_end])
        return SourceRow(
            row=row_number,
            date=day(n["date"], row[i_date]),
            minutes=minutes(n["duration"], row[i_duration]),
            person_name=_text(row[i_alias]) or _text(row[i_user]),
            person_email=_text(row[i_email]),
            client_name=_text(row[i_customer]),
            client_number=_text(row[i_number]),
            project_name=_text(row[i_project]),
            project_code=_text(row[i_pnumber]),
            task_name=_text(row[i_activity]),
            note=_text(row[i_desc]),
            tags=cells.split_tags(_text(row[i_tags])),
            billable=read_cell.flag(n["billable"], row[i_billable]),
            invoiced=bool(read_cell.flag(n["exported"], row[i_exported])),
            start=begin,
            end=end,
            bill_rate=read_cell.amount(n["hourly_rate"], row[i_hourly]),
            bill_amount=read_cell.amount(n["rate"], row[i_rate]),
            cost_amount=read_cell.amount(n["internal_rate"], row[i_internal]),
            currency=cells.currency_code(_text(row[i_currency])),
            source_id=_text(row[i_id]),
        )

    return stream(number + 1, sample, rest, cols.width, parse)


FORMAT = register(
    Format(
        name="kimai",
        label="Kimai timesheet export (CSV or XLSX)",
        expects="columns Date, From, To, Duration, Customer, Project, Activity (or their German, French, Spanish, "
        "Dutch or Italian headers)",
        detect=RULE,
        read=read,
    )
)
