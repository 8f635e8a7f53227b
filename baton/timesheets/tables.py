"""The downloads of timesheets' pages (core/tables.py): time entries, the approvals queue."""

from __future__ import annotations

from collections.abc import Iterable

from baton.core.tables import Column, Table
from baton.timesheets.models import TimeEntry, Timesheet


def _state(entry: TimeEntry) -> str:
    states = [f"needs a {entry.missing_rate_currency} rate"] if entry.missing_rate_currency else []
    if entry.invoiced:
        states.append("invoiced")
    elif entry.invoice_line_id:
        states.append("on a draft")
    elif entry.approved:
        states.append("approved")
    return ", ".join(states)


def entry_table(entries: Iterable[TimeEntry], *, base_currency: str, with_amounts: bool) -> Table:
    """Entries as the entries page lists them; the bill figures are in the project's currency, cost in the base."""
    columns = [
        Column("Date", "date", "date"),
        Column("Person", "person.name"),
        Column("Project · task: client", "project.client.name"),
        Column("Project · task: project", "project.name"),
        Column("Project · task: task", "task.title"),
        Column("Note", "note"),
        Column("Hours", "minutes", "minutes"),
        Column("Billable", "billable", "bool"),
    ]
    if with_amounts:
        columns += [
            Column("Bill rate", "bill_rate", "money", currency="currency"),
            Column("Amount", "bill_amount", "money", currency="currency"),
            Column("Cost", "cost_amount", "money", currency=base_currency),
        ]
    columns.append(Column("State", _state))
    return Table("Time entries", columns, entries)


def approval_table(queue: Iterable[Timesheet]) -> Table:
    return Table(
        "Timesheet approvals",
        [
            Column("Person", "person.name"),
            Column("Week", "week_start", "date"),
            Column("Hours", "minutes", "minutes"),
            Column("Billable", "billable_minutes", "minutes"),
            Column("Submitted", "submitted_at", "datetime"),
        ],
        queue,
    )
