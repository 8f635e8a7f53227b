"""Rate resolution and the one amount formula. Used by the time entry service and by the demo's bulk loader alike.

Bill rate precedence (the most specific wins), for a person working on a project on a date:

    project x person  >  project  >  client  >  person  >  role  >  workspace default

Within a scope, the row with the latest `effective_from` on or before the date applies (a row without a date
applies since always). The person level also falls back to `Person.bill_rate` when it is more than zero; the role
level matches the person's job title (case-insensitively) or else its access role. Nothing found: 0.00.

Cost rate: the person's latest dated `CostRate` on or before the date, else `Person.cost_rate`.

Amounts: `minutes / 60 x rate`, computed exactly in Decimal and rounded once to cents, half up
(20 min at 100.00 = 33.333… → 33.33; 1 min at 0.30 = 0.005 → 0.01). Reports, budgets and invoices sum these rounded
amounts, so every figure reconciles to the cent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import CharField, IntegerField, Q, Value

from baton.core.money import CENT
from baton.rates.models import BILL_RATE_PRECEDENCE, BillRate, BillRateScope, CostRate

ZERO = Decimal("0.00")
SIXTY = Decimal(60)


def amount_for(minutes: int, rate: Decimal) -> Decimal:
    """minutes / 60 x rate, rounded to cents half up (the API's money rounding rule)."""
    if isinstance(rate, float):
        raise TypeError("Rates are Decimal, never float.")
    return (Decimal(int(minutes)) * Decimal(rate) / SIXTY).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Resolved:
    bill_rate: Decimal
    bill_source: str
    cost_rate: Decimal
    cost_source: str


def _latest(rows: Iterable[tuple[date | None, Decimal]], on: date) -> Decimal | None:
    """The rate of the row with the latest start on or before `on` (undated rows count as the earliest)."""
    best: tuple[date, Decimal] | None = None
    for start, rate in rows:
        key = start or date.min
        if key <= on and (best is None or key >= best[0]):
            best = (key, rate)
    return best[1] if best else None


@dataclass
class RateBook:
    """Every rate card row of a workspace in memory, so many entries resolve without a query each.

    `RateBook.load(workspace_id)` reads them (two queries); `resolve()` is pure."""

    bill: dict[tuple[str, Any], list[tuple[date | None, Decimal]]] = field(default_factory=lambda: defaultdict(list))
    cost: dict[int, list[tuple[date | None, Decimal]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, workspace_id: int, *, person_ids: Iterable[int] | None = None, only: Q | None = None) -> RateBook:
        book = cls()
        bills = BillRate.objects.filter(workspace_id=workspace_id)
        if only is not None:
            bills = bills.filter(only)
        costs = CostRate.objects.filter(workspace_id=workspace_id)
        if person_ids is not None:
            costs = costs.filter(person_id__in=list(person_ids))
        # Both in one statement (logging time reads them on every entry). The order keeps what `_latest` relies on
        # for rows of one scope and key with the same start: the last (highest id) bill rate wins, as with the
        # model's ordering (scope, id); a person's cost rates have distinct starts.
        bill_rows = (
            bills.order_by()
            .annotate(kind=Value(0))
            .values_list(
                "kind", "scope", "role", "person_id", "client_id", "project_id", "rate", "effective_from", "id"
            )
        )
        cost_rows = (
            costs.order_by()
            .annotate(
                kind=Value(1),
                no_scope=Value(None, output_field=CharField()),
                no_role=Value(None, output_field=CharField()),
                no_client=Value(None, output_field=IntegerField()),
                no_project=Value(None, output_field=IntegerField()),
            )
            .values_list(
                "kind", "no_scope", "no_role", "person_id", "no_client", "no_project", "rate", "effective_from", "id"
            )
        )
        rows = bill_rows.union(cost_rows, all=True).order_by("kind", "scope", "person_id", "effective_from", "id")
        for kind, scope, role, person_id, client_id, project_id, rate, start, _ in rows:
            if kind == 0:
                row = {"scope": scope, "role": role, "person_id": person_id, "client_id": client_id}
                book.bill[_bill_key(row | {"project_id": project_id})].append((start, rate))
            else:
                book.cost[person_id].append((start, rate))
        return book

    def resolve(
        self,
        *,
        person_id: int,
        person_bill_rate: Decimal,
        person_cost_rate: Decimal,
        person_title: str,
        person_role: str,
        project_id: int,
        client_id: int,
        on: date,
    ) -> Resolved:
        candidates: dict[str, Any] = {
            BillRateScope.PROJECT_PERSON: (project_id, person_id),
            BillRateScope.PROJECT: project_id,
            BillRateScope.CLIENT: client_id,
            BillRateScope.PERSON: person_id,
        }
        bill: Decimal | None = None
        source = BillRateScope.WORKSPACE.value
        for scope in BILL_RATE_PRECEDENCE:
            if scope == BillRateScope.ROLE:
                bill = _latest(self.bill.get((scope, (person_title or "").strip().lower()), []), on)
                if bill is None:
                    bill = _latest(self.bill.get((scope, (person_role or "").lower()), []), on)
            elif scope == BillRateScope.WORKSPACE:
                bill = _latest(self.bill.get((scope, None), []), on)
            else:
                bill = _latest(self.bill.get((scope, candidates[scope]), []), on)
                if bill is None and scope == BillRateScope.PERSON and person_bill_rate and person_bill_rate > 0:
                    bill = person_bill_rate
            if bill is not None:
                source = scope
                break
        cost = _latest(self.cost.get(person_id, []), on)
        return Resolved(
            bill_rate=Decimal(bill if bill is not None else ZERO).quantize(CENT),
            bill_source=source if bill is not None else "none",
            cost_rate=Decimal(cost if cost is not None else person_cost_rate or ZERO).quantize(CENT),
            cost_source="cost_rate" if cost is not None else "person",
        )


def _bill_key(row: Any) -> tuple[str, Any]:
    scope = row["scope"]
    if scope == BillRateScope.PROJECT_PERSON:
        return scope, (row["project_id"], row["person_id"])
    if scope == BillRateScope.PROJECT:
        return scope, row["project_id"]
    if scope == BillRateScope.CLIENT:
        return scope, row["client_id"]
    if scope == BillRateScope.PERSON:
        return scope, row["person_id"]
    if scope == BillRateScope.ROLE:
        return scope, (row["role"] or "").strip().lower()
    return scope, None


def resolve_rates(*, person: Any, project: Any, on: date) -> Resolved:
    """The bill and cost rates for `person` on `project` on `on` (a few small queries)."""
    relevant = (
        Q(scope__in=[BillRateScope.WORKSPACE, BillRateScope.ROLE])
        | Q(person_id=person.pk)
        | Q(project_id=project.pk)
        | Q(client_id=project.client_id)
    )
    book = RateBook.load(project.workspace_id, person_ids=[person.pk], only=relevant)
    return book.resolve(
        person_id=person.pk,
        person_bill_rate=person.bill_rate,
        person_cost_rate=person.cost_rate,
        person_title=person.title,
        person_role=person.membership.role,
        project_id=project.pk,
        client_id=project.client_id,
        on=on,
    )
