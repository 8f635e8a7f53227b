"""The history the money rules read (MONEY.md §3, §4): when a retainer was earning (its status history), what a fixed
fee's terms were on a day (its approved change orders), and who was a client's account manager on a day.

Each history's first row holds from the beginning; the day a change is made counts with the new value; records
without history rows (made before it was kept, or loaded in bulk) have had their current value all along."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import QuerySet
from django.utils import timezone

from baton.crm.models import AccountManagerChange, Client
from baton.delivery.models import Billing, ProjectStatus, ProjectStatusChange
from baton.delivery.selectors import fixed_fee_revisions
from baton.finance.models import ChangeOrder, ChangeOrderStatus

EARNING = (ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD)
ENDED = (ProjectStatus.DONE, ProjectStatus.CANCELLED)
Interval = tuple[date | None, date | None]  # inclusive days; None: open on that side


def _collapse(rows: Iterable[tuple[date, Any]]) -> list[tuple[date, Any]]:
    """(day, value) in order, the last change of a day winning."""
    out: list[tuple[date, Any]] = []
    for day, value in rows:
        if out and out[-1][0] == day:
            out[-1] = (day, value)
        else:
            out.append((day, value))
    return out


def steady(current: str, end_date: date | None) -> list[Interval]:
    """The earning days of a project whose status does not change in the range: all of them while active or on hold,
    none otherwise, except that one without any history (loaded in bulk, `end_date` given) that is done or cancelled
    ran until its end date."""
    if current in EARNING:
        return [(None, None)]
    return [(None, end_date)] if end_date and current in ENDED else []


def status_rows(project_ids: Iterable[int]) -> QuerySet[ProjectStatusChange]:
    """The status history of these projects, for `earning_intervals` (the report reads it in its extras query)."""
    return ProjectStatusChange.objects.filter(project_id__in=list(project_ids))


def earning_intervals(
    statuses: dict[int, tuple[str, date | None]], rows: Iterable[tuple[int, date, int, str]]
) -> dict[int, list[Interval]]:
    """The days each retainer of `statuses` (its current status and end date) was active or on hold, as inclusive
    intervals, from its history `rows` (project, day, row id, status), in any order. A project without rows has had
    its current status all along (see `steady`)."""
    by_project: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for project_id, on, _, status in sorted(rows):
        if project_id in statuses:
            by_project[project_id].append((on, status))
    out: dict[int, list[Interval]] = {}
    for pk, (current, end_date) in statuses.items():
        changes = _collapse(by_project.get(pk, []))
        if not changes:
            out[pk] = steady(current, end_date)
            continue
        intervals: list[Interval] = []
        for i, (day, status) in enumerate(changes):
            if status not in EARNING:
                continue
            lo = None if i == 0 else day
            hi = changes[i + 1][0] - timedelta(days=1) if i + 1 < len(changes) else None
            if intervals and intervals[-1][1] is not None and lo is not None and intervals[-1][1] + timedelta(1) == lo:
                intervals[-1] = (intervals[-1][0], hi)  # active, then on hold: one stretch
            else:
                intervals.append((lo, hi))
        out[pk] = intervals
    return out


class TermsChange(NamedTuple):
    on: date
    amount: Decimal
    minutes: int
    change_order_id: int | None  # None: a budget revision (delivery's BudgetRevision), decided the same way
    title: str
    budget_revision_id: int | None = None


class Terms:
    """A fixed fee's fee and budget minutes on any day: today's, less every change order approved after that day."""

    def __init__(self, fee: Decimal, minutes: int, changes: list[TermsChange]) -> None:
        self.fee, self.minutes, self.changes = fee, minutes, changes

    def on(self, day: date | None) -> tuple[Decimal, int]:
        fee, minutes = self.fee, self.minutes
        if day is None:
            return fee, minutes
        for change in self.changes:
            if change.on > day:
                fee -= change.amount
                minutes -= change.minutes
        return fee, minutes

    def approved_between(self, lo: date | None, hi: date | None) -> list[TermsChange]:
        return [c for c in self.changes if (lo is None or c.on >= lo) and (hi is None or c.on <= hi)]


def fixed_fee_changes(workspace_id: int, projects: Container[int]) -> dict[int, list[TermsChange]]:
    """The approved change orders and the budget revisions that moved the money or minutes of a fixed fee among
    `projects`, by project, oldest first. A revision counts like a change order decided on its day."""
    out: dict[int, list[TermsChange]] = defaultdict(list)
    rows = (
        ChangeOrder.objects.filter(
            workspace_id=workspace_id, project__billing=Billing.FIXED_FEE, status=ChangeOrderStatus.APPROVED
        )
        .exclude(amount_delta=0, minutes_delta=0)
        .order_by("decided_at", "id")
        .values_list("project_id", "decided_at", "amount_delta", "minutes_delta", "id", "title")
    )
    for project_id, decided_at, amount, minutes, pk, title in rows:
        if project_id not in projects:
            continue
        day = timezone.localdate(decided_at) if decided_at else timezone.localdate()
        out[project_id].append(TermsChange(day, amount, minutes or 0, pk, title))
    for project_id, day, amount, minutes, pk, reason in fixed_fee_revisions(workspace_id, projects):
        if amount or minutes:
            out[project_id].append(TermsChange(day, Decimal(amount), minutes, None, f"Budget revision: {reason}", pk))
    for changes in out.values():
        changes.sort(key=lambda c: c.on)  # stable: on one day, change orders first, then revisions
    return out


class AccountManagers:
    """Who was each client's account manager on a day."""

    def __init__(self, workspace_id: int) -> None:
        current: dict[int, int | None] = dict(
            Client.objects.filter(workspace_id=workspace_id).values_list("id", "account_manager_id")
        )
        rows: dict[int, list[tuple[date, int | None]]] = defaultdict(list)
        for client_id, on, am in (
            AccountManagerChange.objects.filter(client__workspace_id=workspace_id)
            .order_by("client_id", "on", "id")
            .values_list("client_id", "on", "account_manager_id")
        ):
            rows[client_id].append((on, am))
        self.current = current
        self.changes: dict[int, list[tuple[date, int | None]]] = {pk: _collapse(r) for pk, r in rows.items()}

    def cuts(self, client_id: int, date_from: date | None, date_to: date | None) -> list[date]:
        """The days inside the range on which the client changed hands (its first row is its beginning)."""
        changes = self.changes.get(client_id, [])
        return [
            day
            for i, (day, am) in enumerate(changes)
            if i
            and am != changes[i - 1][1]
            and (date_from is None or day > date_from)
            and (date_to is None or day <= date_to)
        ]

    def changed(self, date_from: date | None, date_to: date | None) -> list[int]:
        """The clients that changed hands inside the range."""
        return [pk for pk in self.changes if self.cuts(pk, date_from, date_to)]

    def on(self, client_id: int, day: date | None) -> int | None:
        changes = self.changes.get(client_id)
        if not changes:
            return self.current.get(client_id)
        am: int | None = changes[0][1]
        if day is None:
            return am
        for on, value in changes:
            if on <= day:
                am = value
            else:
                break
        return am


def pieces(date_from: date | None, date_to: date | None, cuts: list[date]) -> list[Interval]:
    """The range cut before each of `cuts` (days inside it)."""
    out: list[Interval] = []
    lo = date_from
    for day in cuts:
        out.append((lo, day - timedelta(days=1)))
        lo = day
    out.append((lo, date_to))
    return out
