"""Imported time: entries priced in bulk and written many at once (the imports app's runs call these).

Pricing (MONEY.md): an entry keeps the rates and amounts its file states; the bill rate stated in another currency
than the project's is converted at the exchange rate in force on the entry's day (as for a rate card row in another
currency: `rates.resolution.price`), the cost rate into the base currency likewise. Without a rate in the file, the
entry takes Baton's rates exactly as `time_entry_create` resolves them (`RateBook.resolve`, `entry_figures`).

`time_entries_import` bulk-inserts a batch, updates the rollup for the touched cells in aggregate and emits one
`time_entries.imported` event for the batch (counts only: no amounts). The per-row rules (24 hours a day, locked
weeks, the person and project) are the caller's to check and report row by row; the database still enforces minutes,
amounts and the one-import-per-source-row key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.delivery.models import Project
from baton.people.models import Person
from baton.rates.resolution import ZERO, RateBook, amount_for, converted, entry_figures, price
from baton.timesheets import rollups
from baton.timesheets.models import MINUTES_PER_DAY, TimeEntry

IMPORTED = "import"  # bill_rate_source of an entry whose bill rate came from its file


def _file_bill(
    book: RateBook, project: Project, day: date, minutes: int, rate: Decimal | None, amount: Decimal | None, cur: str
) -> dict[str, Any]:
    """The bill figures from the file's rate (or amount / hours when only the amount is stated)."""
    if rate is None and amount is not None:
        rate = (amount * 60 / Decimal(minutes)).quantize(Decimal("0.01"))
    source_rate = Decimal(rate or ZERO)
    priced = price(book.fx, source_rate=source_rate, source_currency=cur, currency=project.currency, on=day)
    same = cur == project.currency
    bill_amount = amount if (same and amount is not None) else amount_for(minutes, priced.bill_rate)
    if priced.exchange_rate is None:
        bill_amount = ZERO
    base = priced.base_rate if priced.exchange_rate is not None else None
    return {
        "bill_rate": priced.bill_rate,
        "bill_rate_source": IMPORTED,
        "bill_amount": bill_amount,
        "source_rate": source_rate,
        "source_currency": cur,
        "exchange_rate": priced.exchange_rate,
        "bill_amount_base": converted(bill_amount, base) if base is not None else ZERO,
        "missing_rate_currency": priced.missing_rate_currency,
    }


def _file_cost(
    book: RateBook, day: date, minutes: int, rate: Decimal | None, amount: Decimal | None, cur: str
) -> dict[str, Any] | None:
    """The cost figures from the file, in the base currency (None: the file's currency has no rate that day, so
    Baton's cost rate applies)."""
    if rate is None and amount is not None:
        rate = (amount * 60 / Decimal(minutes)).quantize(Decimal("0.01"))
    factor, missing = book.fx.factor(cur, book.base, day)
    if factor is None or missing:
        return None
    cost_rate = converted(Decimal(rate or ZERO), factor)
    same = cur == book.base
    return {
        "cost_rate": cost_rate,
        "cost_amount": amount if (same and amount is not None) else amount_for(minutes, cost_rate),
    }


# Complexity: the two pricing paths (the file's figures or Baton's), each for bill and cost.
def imported_entry(
    *,
    book: RateBook,
    person: Person,
    project: Project,
    day: date,
    minutes: int,
    billable: bool,
    file_rates: dict[str, Any] | None = None,
    **fields: Any,
) -> TimeEntry:
    """An unsaved entry for `person` on `project`, priced: the file's rates and amounts where it states them
    (`file_rates`: bill_rate, bill_amount, cost_rate, cost_amount, currency), else Baton's. `fields` are the rest
    (task_id, note, tags, source, source_key, approved, invoiced)."""
    resolved = book.resolve(
        person_id=person.pk,
        person_bill_rate=person.bill_rate,
        person_cost_rate=person.cost_rate,
        person_title=person.title,
        person_role=person.membership.role,
        project_id=project.pk,
        client_id=project.client_id,
        on=day,
        currency=project.currency,
    )
    figures = entry_figures(resolved, minutes)
    rates = file_rates or {}
    cur = (rates.get("currency") or project.currency).upper()
    if rates.get("bill_rate") is not None or rates.get("bill_amount") is not None:
        figures |= _file_bill(book, project, day, minutes, rates.get("bill_rate"), rates.get("bill_amount"), cur)
    if rates.get("cost_rate") is not None or rates.get("cost_amount") is not None:
        figures |= _file_cost(book, day, minutes, rates.get("cost_rate"), rates.get("cost_amount"), cur) or {}
    return TimeEntry(
        workspace_id=project.workspace_id,
        person=person,
        project=project,
        date=day,
        minutes=minutes,
        billable=billable,
        currency=project.currency,
        **figures,
        **fields,
    )


def _preparer(field: Any) -> Callable[[Any], Any] | None:
    """How a field's value goes to the database: dates, times and JSON through the field (per engine), the rest as
    they are (numbers, text, Decimals and booleans the drivers take directly)."""
    if field.get_internal_type() in ("DateField", "DateTimeField", "JSONField"):
        return partial(field.get_db_prep_save, connection=connection)
    return None


def _insert(entries: list[TimeEntry]) -> list[TimeEntry]:
    """One `executemany` INSERT of the entries (no ids read back: nothing after needs them). Much faster than
    `bulk_create`, whose per-statement SQL building dominates a large import (SQLite's 999-parameter statements)."""
    fields = [f for f in TimeEntry._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    # created_at and updated_at: the moment of the import, prepared once for the batch.
    stamped = {f.attname: _preparer(f)(now) for f in fields if f.get_internal_type() == "DateTimeField"}  # type: ignore[misc]
    preparers = [(f.attname, _preparer(f)) for f in fields if f.attname not in stamped]
    names = [name for name, _ in preparers] + list(stamped)
    fixed = list(stamped.values())
    rows = []
    for entry in entries:
        entry.created_at = entry.updated_at = now
        rows.append([prep(getattr(entry, name)) if prep else getattr(entry, name) for name, prep in preparers] + fixed)
    quote = connection.ops.quote_name
    columns = {f.attname: f.column for f in fields}
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  (names from the model, values as parameters)
        quote(TimeEntry._meta.db_table),
        ", ".join(quote(columns[name]) for name in names),
        ", ".join(["%s"] * len(names)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return entries


@transaction.atomic
def time_entries_import(*, actor: Actor, entries: list[TimeEntry], target: models.Model) -> list[TimeEntry]:
    """Write a batch of imported, priced entries (`imported_entry`) at once: the rows, the rollup cells they touch
    (in aggregate), and one `time_entries.imported` event on `target` (the import) with the batch's counts. The
    projects it touched ride on the target as `imported_projects`, for the reactions registered on the verb (finance
    checks their budgets). Returns the entries written."""
    access.require(actor, "time_entry", "create")
    bad = [e for e in entries if e.workspace_id != actor.workspace.pk or not 1 <= e.minutes <= MINUTES_PER_DAY]
    if bad:
        raise ValidationError({"entries": f"{len(bad)} entries are outside this workspace or 1 minute to 24 hours."})
    if not entries:
        return []
    written = _insert(entries)
    cells = rollups.entries_added(written)
    projects = {e.project_id: e.project for e in written}
    target.imported_projects = list(projects.values())  # type: ignore[attr-defined]
    events.emit(
        actor,
        "time_entries.imported",
        target,
        data={
            "entries": len(written),
            "minutes": sum(e.minutes for e in written),
            "people": len({e.person_id for e in written}),
            "projects": sorted(projects),
            "rollup_cells": cells,
            "first_date": min(e.date for e in written),
            "last_date": max(e.date for e in written),
        },
    )
    return written
