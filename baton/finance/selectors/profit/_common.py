"""What the profitability report's steps share: the fields read of a project whose revenue is recognised or converted
(`Facts`), what the recognition queries found for one (`Inputs`), and the phases of their rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from baton.delivery.models import Billing

ZERO = Decimal("0.00")
RECOGNISED = (Billing.FIXED_FEE, Billing.RETAINER)
# What the report reads of a project whose revenue is recognised or converted (values_list order: see Facts).
REPORT_PROJECT_FIELDS = (
    "id",
    "name",
    "status",
    "billing",
    "currency",
    "budget_amount",
    "budget_minutes",
    "period_budget_amount",
    "start_date",
    "end_date",
    "client_id",
    "client__account_manager_id",
)
# Phases of a row of the recognition query.
BEFORE, INSIDE, EDGE, AFTER = 0, 1, 2, 3


class Facts:
    """A project whose revenue is recognised or converted: the fields the report reads, and two flags the report's
    query adds: `changed`, a fixed fee with change orders approved in or after the range (its terms move there), and
    `moved`, a retainer whose status changed after the range began (read day by day), and `kept`, one with a status
    history at all (without, a done or cancelled retainer ran until its end date)."""

    __slots__ = (
        "am_id",
        "billing",
        "budget",
        "changed",
        "client_id",
        "currency",
        "end_date",
        "fee",
        "kept",
        "moved",
        "name",
        "period_fee",
        "pk",
        "start_date",
        "status",
    )

    def __init__(self, row: tuple[Any, ...]) -> None:
        (
            self.pk,
            self.name,
            self.status,
            self.billing,
            self.currency,
            self.fee,
            budget,
            self.period_fee,
            self.start_date,
            self.end_date,
            self.client_id,
            self.am_id,
            self.changed,
            self.moved,
            self.kept,
        ) = row
        self.budget = budget or 0


class Inputs:
    """What the recognition queries found for one project: minutes and billable bill cents before the range, the
    first month with time (when it matters), and the range's cells. After `settle`: minutes per month index ->
    person, and billable bill cents per (person, month index); person and month are None where the grain does not
    need them."""

    __slots__ = ("before_bill", "before_minutes", "bills", "cells", "first", "months")

    def __init__(self) -> None:
        self.before_minutes = 0
        self.before_bill = 0
        self.first: date | None = None
        self.cells: dict[tuple[int | None, int | None], list[int]] = {}  # [minutes, bill cents, entries]
        self.months: dict[int | None, dict[int | None, int]] = {}
        self.bills: dict[tuple[int | None, int | None], int] = {}

    def add(self, person: int | None, index: int | None, minutes: int, bill: int, entries: int) -> None:
        key = (person, index)
        cell = self.cells.get(key)
        if cell is None:
            self.cells[key] = [minutes, bill, entries]
        else:
            cell[0] += minutes
            cell[1] += bill
            cell[2] += entries

    def see(self, month: date | str | None) -> None:
        if isinstance(month, str):
            month = date.fromisoformat(month)
        if month is not None and (self.first is None or month < self.first):
            self.first = month

    def settle(self) -> None:
        """The cells left in `cells` (those the raw days may change) join `months` and `bills`; cells without entries
        left (their days were all subtracted) are not cells."""
        months, bills = self.months, self.bills
        for key, (minutes, bill, entries) in self.cells.items():
            if entries > 0:
                people = months.get(key[1])
                if people is None:
                    people = months[key[1]] = {}
                people[key[0]] = minutes
                bills[key] = bill
