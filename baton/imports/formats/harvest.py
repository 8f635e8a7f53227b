"""Harvest's detailed time report, exported as CSV.

Columns: Date, Client, Project, Project Code, Task, Notes, Hours, Hours Rounded, Billable?, Invoiced?, Approved?,
First Name, Last Name, Roles, Employee?, Billable Rate, Billable Amount, Cost Rate, Cost Amount, Currency,
External Reference URL. Durations only (no clock times); numbers in the account's locale (`2.000,0`, `1,234.50`: the
decimal mark is decided from a leading sample and noted as `upload.options["decimal"]`); `Yes`/`No`; the currency as
`Euro - EUR`. No e-mail and no entry id: the person is First + Last Name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from baton.imports.formats import cells
from baton.imports.formats.base import Format, RowError, SourceRow, Upload, register
from baton.imports.formats.sniff import HeaderRule, iter_table
from baton.imports.formats.table import Columns, start, stream

SPEC = {
    "date": ("Date",),
    "client": ("Client",),
    "project": ("Project",),
    "project_code": ("Project Code",),
    "task": ("Task",),
    "notes": ("Notes",),
    "hours": ("Hours",),
    "billable": ("Billable?", "Billable"),
    "invoiced": ("Invoiced?", "Invoiced"),
    "approved": ("Approved?", "Approved"),
    "first_name": ("First Name", "First name"),
    "last_name": ("Last Name", "Last name"),
    "bill_rate": ("Billable Rate",),
    "bill_amount": ("Billable Amount",),
    "cost_rate": ("Cost Rate",),
    "cost_amount": ("Cost Amount",),
    "currency": ("Currency",),
    "external": ("External Reference URL",),
}
REQUIRED = ("date", "hours", "project", "first_name", "last_name")
NUMBER_COLUMNS = ("hours", "bill_rate", "bill_amount", "cost_rate", "cost_amount")

RULE = HeaderRule("Date", "Hours", "Project", ("First Name", "First name"), ("Last Name", "Last name"), "Task")


def read(upload: Upload, **options: Any) -> Iterator[SourceRow | RowError]:
    header, number, sample, rest = start(iter_table(upload))
    cols = Columns(header, SPEC, REQUIRED)
    decimal = options.get("decimal") or upload.options.get("decimal")
    if not decimal:
        numbers = (v for key in NUMBER_COLUMNS for v in cols.values(sample, key))
        decimal, _ = cells.guess_decimal(numbers)
    order = options.get("date_order") or cells.guess_date_order(cols.values(sample, "date"), default="mdy")[0]
    upload.options.update(decimal=decimal, date_order=order)

    i_date, i_hours = cols.i("date"), cols.i("hours")
    i_client, i_project, i_code, i_task = cols.i("client"), cols.i("project"), cols.i("project_code"), cols.i("task")
    i_notes, i_first, i_last = cols.i("notes"), cols.i("first_name"), cols.i("last_name")
    i_billable, i_invoiced, i_approved = cols.i("billable"), cols.i("invoiced"), cols.i("approved")
    i_br, i_ba, i_cr, i_ca = cols.i("bill_rate"), cols.i("bill_amount"), cols.i("cost_rate"), cols.i("cost_amount")
    i_currency, i_external = cols.i("currency"), cols.i("external")
    n = cols.name
    currencies: dict[str, str] = {}

    def parse(row_number: int, row: list[str]) -> SourceRow:
        day = cells.parse_date(n["date"], row[i_date], order)
        hours = row[i_hours]
        minutes = cells.minutes_of(n["hours"], hours, cells.hours_seconds(n["hours"], hours, decimal))
        currency_text = row[i_currency]
        currency = currencies.get(currency_text)
        if currency is None:
            currency = currencies[currency_text] = cells.currency_code(currency_text)
        external = row[i_external].strip()
        return SourceRow(
            row=row_number,
            date=day,
            minutes=minutes,
            person_name=f"{row[i_first].strip()} {row[i_last].strip()}".strip(),
            client_name=row[i_client].strip(),
            project_name=row[i_project].strip(),
            project_code=row[i_code].strip(),
            task_name=row[i_task].strip(),
            note=row[i_notes].strip(),
            billable=cells.parse_bool(n["billable"], row[i_billable]),
            invoiced=bool(cells.parse_bool(n["invoiced"], row[i_invoiced])),
            approved=bool(cells.parse_bool(n["approved"], row[i_approved])),
            bill_rate=cells.parse_amount(n["bill_rate"], row[i_br], decimal),
            bill_amount=cells.parse_amount(n["bill_amount"], row[i_ba], decimal),
            cost_rate=cells.parse_amount(n["cost_rate"], row[i_cr], decimal),
            cost_amount=cells.parse_amount(n["cost_amount"], row[i_ca], decimal),
            currency=currency,
            extra={"External Reference URL": external} if external else {},
        )

    return stream(number + 1, sample, rest, cols.width, parse)


FORMAT = register(
    Format(
        name="harvest",
        label="Harvest time report (CSV)",
        expects="columns " + RULE.describe(),
        detect=RULE,
        read=read,
    )
)
