"""Rate resolution, currency conversion and the one amount formula. Used by the time entry service and by the demo's
bulk loader alike.

Bill rate precedence (the most specific wins), for a person working on a project on a date:

    project x person  >  project  >  client  >  person  >  role  >  workspace default

Within a scope, the row with the latest `effective_from` on or before the date applies (a row without a date
applies since always). The person level also counts `Person.bill_rate` (in the base currency) when it is more than
zero, as an undated row that any other row of that level beats; the role level matches the person's job title
(case-insensitively) or else its access role. Nothing found: 0.00.

Currencies (MONEY.md §2): every bill rate row has a currency. At each level a row in the project's currency wins over
rows in other currencies; a level whose rows are all in other currencies still applies (precedence first), and its
rate is converted at the exchange rates in force on the entry's date. `ExchangeRate` holds currency -> base, so
A -> P = rate(A) / rate(P) with the base currency's rate 1; that factor is rounded half up to 10 places and the
converted rate to cents, half up. A missing exchange rate never means "use the number unconverted": the result names
the currency lacking a rate (`missing_rate_currency`) and its bill rate is 0.00 until a rate is added.

Cost rate: the person's latest dated `CostRate` on or before the date, else `Person.cost_rate` (base currency).

Amounts: `minutes / 60 x rate`, computed exactly in Decimal and rounded once to cents, half up
(20 min at 100.00 = 33.333… → 33.33; 1 min at 0.30 = 0.005 → 0.01). Reports, budgets and invoices sum these rounded
amounts, so every figure reconciles to the cent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import CharField, DateField, DecimalField, F, IntegerField, Q, Subquery, Value
from django.db.models.functions import Cast

from baton.core.models import Workspace
from baton.core.money import CENT
from baton.rates.models import BILL_RATE_PRECEDENCE, BillRate, BillRateScope, CostRate, ExchangeRate

ZERO = Decimal("0.00")
ONE = Decimal(1)
SIXTY = Decimal(60)
FACTOR = Decimal("0.0000000001")  # an exchange factor's places (TimeEntry.exchange_rate)
SAME = ONE.quantize(FACTOR)  # the factor within one currency

# (start, rate, currency): one bill rate row as the book keeps it.
BillRow = tuple[date | None, Decimal, str]


def amount_for(minutes: int, rate: Decimal) -> Decimal:
    """minutes / 60 x rate, rounded to cents half up (the API's money rounding rule)."""
    if isinstance(rate, float):
        raise TypeError("Rates are Decimal, never float.")
    return (Decimal(int(minutes)) * Decimal(rate) / SIXTY).quantize(CENT, rounding=ROUND_HALF_UP)


def converted(amount: Decimal, factor: Decimal) -> Decimal:
    """`amount` x `factor`, rounded to cents half up (a converted rate or amount)."""
    return (Decimal(amount) * Decimal(factor)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Resolved:
    """What applies to an entry. `bill_rate` is in `currency` (the project's); `source_rate` is the rate card's number
    in `source_currency` and `exchange_rate` the factor used (1 when the same currency; None when a rate is missing,
    then `missing_rate_currency` names the currency without a rate and `bill_rate` is 0.00). `base_rate` converts the
    project currency to the base currency on the day (1 for the base itself; None when missing)."""

    bill_rate: Decimal
    bill_source: str
    cost_rate: Decimal
    cost_source: str
    source_rate: Decimal = ZERO
    source_currency: str = ""
    exchange_rate: Decimal | None = SAME
    currency: str = ""
    base_rate: Decimal | None = ONE
    missing_rate_currency: str = ""


@dataclass
class Fx:
    """A workspace's exchange rates in memory: `rate(currency, on)` is the base-currency value of one unit on `on`."""

    base: str = ""
    rows: dict[str, list[tuple[date | None, Decimal]]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, workspace_id: int) -> Fx:
        fx = cls(base=Workspace.objects.filter(pk=workspace_id).values_list("currency", flat=True).first() or "")
        for currency, start, rate in (
            ExchangeRate.objects.filter(workspace_id=workspace_id)
            .order_by("currency", "effective_on")
            .values_list("currency", "effective_on", "rate")
        ):
            fx.rows[currency].append((start, rate))
        return fx

    def rate(self, currency: str, on: date) -> Decimal | None:
        """One `currency` in the base currency on `on` (1 for the base; None when no rate is in force)."""
        if not currency or currency == self.base or not self.base:
            return ONE
        found: Decimal | None = _latest(self.rows.get(currency, []), on)
        return found

    def factor(self, source: str, target: str, on: date) -> tuple[Decimal | None, str]:
        """(source -> target factor rounded to 10 places, ""), or (None, the currency lacking a rate on `on`)."""
        if source == target or not source or not target:
            return SAME, ""
        a = self.rate(source, on)
        if a is None:
            return None, source
        b = self.rate(target, on)
        if b is None:
            return None, target
        return (a / b).quantize(FACTOR, rounding=ROUND_HALF_UP), ""


@dataclass(frozen=True)
class Priced:
    """A source rate priced in a target currency on a day (see `price`)."""

    bill_rate: Decimal
    exchange_rate: Decimal | None
    base_rate: Decimal | None
    missing_rate_currency: str


def price(fx: Fx, *, source_rate: Decimal, source_currency: str, currency: str, on: date) -> Priced:
    """`source_rate` (in `source_currency`) as a rate in `currency` on `on`, and `currency`'s base rate that day.
    A missing rate names its currency (the source's conversion first) and prices the rate at 0.00."""
    factor, missing = fx.factor(source_currency, currency, on)
    base_rate = fx.rate(currency, on)
    if base_rate is None and not missing:
        missing = currency
    bill = converted(source_rate, factor) if factor is not None else ZERO
    return Priced(bill_rate=bill, exchange_rate=factor, base_rate=base_rate, missing_rate_currency=missing)


def _latest(rows: Iterable[tuple[Any, ...]], on: date) -> Any:
    """The rest of the row with the latest start on or before `on` (undated rows count as the earliest; of rows with
    the same start, the last): its rate for (start, rate) rows, (rate, currency) for bill rows."""
    best: tuple[date, tuple[Any, ...]] | None = None
    for start, *rest in rows:
        key = start or date.min
        if key <= on and (best is None or key >= best[0]):
            best = (key, tuple(rest))
    if best is None:
        return None
    return best[1][0] if len(best[1]) == 1 else best[1]


def _pick(rows: list[BillRow], on: date, currency: str) -> tuple[Decimal, str] | None:
    """A level's (rate, currency): its latest row in `currency` if one is in force, else its latest in any other."""
    if not rows:
        return None
    same: tuple[Decimal, str] | None = _latest([r for r in rows if r[2] == currency], on) if currency else None
    if same is not None:
        return same
    other: tuple[Decimal, str] | None = _latest(rows, on)
    return other


@dataclass
class RateBook:
    """Every rate card row of a workspace in memory (with its exchange rates and base currency), so many entries
    resolve without a query each.

    `RateBook.load(workspace_id)` reads them (one statement); `resolve()` is pure."""

    bill: dict[tuple[str, Any], list[BillRow]] = field(default_factory=lambda: defaultdict(list))
    cost: dict[int, list[tuple[date | None, Decimal]]] = field(default_factory=lambda: defaultdict(list))
    fx: Fx = field(default_factory=Fx)

    @property
    def base(self) -> str:
        return self.fx.base

    # Complexity: one statement for four row kinds (logging time reads it on every entry), unpacked in one loop.
    @classmethod
    def load(cls, workspace_id: int, *, person_ids: Iterable[int] | None = None, only: Q | None = None) -> RateBook:
        book = cls()
        bills = BillRate.objects.filter(workspace_id=workspace_id)
        if only is not None:
            bills = bills.filter(only)
        costs = CostRate.objects.filter(workspace_id=workspace_id)
        if person_ids is not None:
            costs = costs.filter(person_id__in=list(person_ids))
        # All in one statement (logging time reads them on every entry): bill rates (kind 0), cost rates (1), exchange
        # rates (2, in their own typed column so the bill rate column's two places do not round them) and the base
        # currency (3). The order keeps what `_latest` relies on for rows of one scope and key with the same start:
        # the last (highest id) bill rate wins, as with the model's ordering (scope, id); a person's cost rates have
        # distinct starts.
        none_char = Value(None, output_field=CharField())
        none_int = Value(None, output_field=IntegerField())
        none_fx = Cast(Value(None), DecimalField(max_digits=18, decimal_places=8))
        none_rate = Cast(Value(None), DecimalField(max_digits=10, decimal_places=2))
        columns = ("kind", "scope", "role", "person_id", "client_id", "project_id", "rate", "effective_from")
        bill_rows = bills.order_by().annotate(kind=Value(0), fx=none_fx).values_list(*columns, "currency", "fx", "id")
        cost_rows = (
            costs.order_by()
            .annotate(
                kind=Value(1),
                no_scope=none_char,
                no_role=none_char,
                no_client=none_int,
                no_project=none_int,
                no_currency=none_char,
                fx=none_fx,
            )
            .values_list(
                "kind",
                "no_scope",
                "no_role",
                "person_id",
                "no_client",
                "no_project",
                "rate",
                "effective_from",
                "no_currency",
                "fx",
                "id",
            )
        )
        fx_rows = (
            ExchangeRate.objects.filter(workspace_id=workspace_id)
            .order_by()
            .annotate(
                kind=Value(2),
                no_scope=none_char,
                no_role=none_char,
                no_person=none_int,
                no_client=none_int,
                no_project=none_int,
                no_rate=none_rate,
                start=F("effective_on"),
                fx=F("rate"),
            )
            .values_list(
                "kind",
                "no_scope",
                "no_role",
                "no_person",
                "no_client",
                "no_project",
                "no_rate",
                "start",
                "currency",
                "fx",
                "id",
            )
        )
        base_row = (
            Workspace.objects.filter(pk=workspace_id)
            .order_by()
            .annotate(
                kind=Value(3),
                no_scope=none_char,
                no_role=none_char,
                no_person=none_int,
                no_client=none_int,
                no_project=none_int,
                no_rate=none_rate,
                no_start=Value(None, output_field=DateField()),
                fx=none_fx,
            )
            .values_list(
                "kind",
                "no_scope",
                "no_role",
                "no_person",
                "no_client",
                "no_project",
                "no_rate",
                "no_start",
                "currency",
                "fx",
                "id",
            )
        )
        rows = bill_rows.union(cost_rows, fx_rows, base_row, all=True).order_by(
            "kind", "scope", "person_id", "effective_from", "id"
        )
        for kind, scope, role, person_id, client_id, project_id, rate, start, currency, fx_rate, _ in rows:
            if kind == 0:
                row = {"scope": scope, "role": role, "person_id": person_id, "client_id": client_id}
                book.bill[_bill_key(row | {"project_id": project_id})].append((start, rate, currency))
            elif kind == 1:
                book.cost[person_id].append((start, rate))
            elif kind == 2:
                book.fx.rows[currency].append((_as_date(start), fx_rate))
            else:
                book.fx.base = currency
        return book

    # Complexity: the precedence walk, with the person level's fallback and the role level's two keys.
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
        currency: str | None = None,
    ) -> Resolved:
        """The rates for a person on a project on `on`. `currency` is the project's (the bill rate is given in it);
        left out, the base currency."""
        target = currency or self.base
        candidates: dict[str, Any] = {
            BillRateScope.PROJECT_PERSON: (project_id, person_id),
            BillRateScope.PROJECT: project_id,
            BillRateScope.CLIENT: client_id,
            BillRateScope.PERSON: person_id,
        }
        found: tuple[Decimal, str] | None = None
        source = BillRateScope.WORKSPACE.value
        for scope in BILL_RATE_PRECEDENCE:
            if scope == BillRateScope.ROLE:
                found = _pick(self.bill.get((scope, (person_title or "").strip().lower()), []), on, target)
                if found is None:
                    found = _pick(self.bill.get((scope, (person_role or "").lower()), []), on, target)
            elif scope == BillRateScope.WORKSPACE:
                found = _pick(self.bill.get((scope, None), []), on, target)
            else:
                rows = self.bill.get((scope, candidates[scope]), [])
                if scope == BillRateScope.PERSON and person_bill_rate and person_bill_rate > 0:
                    rows = [(None, Decimal(person_bill_rate), self.base), *rows]  # any row of the level beats it
                found = _pick(rows, on, target)
            if found is not None:
                source = scope
                break
        cost = _latest(self.cost.get(person_id, []), on)
        cost_rate = Decimal(cost if cost is not None else person_cost_rate or ZERO).quantize(CENT)
        cost_source = "cost_rate" if cost is not None else "person"
        if found is None:
            base_rate = self.fx.rate(target, on)
            return Resolved(
                bill_rate=ZERO,
                bill_source="none",
                cost_rate=cost_rate,
                cost_source=cost_source,
                source_rate=ZERO,
                source_currency=target,
                currency=target,
                base_rate=base_rate,
                missing_rate_currency="" if base_rate is not None else target,
            )
        source_rate = Decimal(found[0]).quantize(CENT)
        source_currency = found[1] or target
        priced = price(self.fx, source_rate=source_rate, source_currency=source_currency, currency=target, on=on)
        return Resolved(
            bill_rate=priced.bill_rate,
            bill_source=source,
            cost_rate=cost_rate,
            cost_source=cost_source,
            source_rate=source_rate,
            source_currency=source_currency,
            exchange_rate=priced.exchange_rate,
            currency=target,
            base_rate=priced.base_rate,
            missing_rate_currency=priced.missing_rate_currency,
        )


def entry_figures(resolved: Resolved, minutes: int) -> dict[str, Any]:
    """A time entry's copied rates and amounts for `minutes` under `resolved`, exactly as the time entry service
    computes them (bulk loaders build entries with it)."""
    bill_amount = amount_for(minutes, resolved.bill_rate)
    base = resolved.base_rate if resolved.exchange_rate is not None else None
    return {
        "bill_rate": resolved.bill_rate,
        "cost_rate": resolved.cost_rate,
        "bill_rate_source": resolved.bill_source,
        "bill_amount": bill_amount,
        "cost_amount": amount_for(minutes, resolved.cost_rate),
        "source_rate": resolved.source_rate,
        "source_currency": resolved.source_currency,
        "exchange_rate": resolved.exchange_rate,
        "bill_amount_base": converted(bill_amount, base) if base is not None else ZERO,
        "missing_rate_currency": resolved.missing_rate_currency,
    }


def base_rate_on(*, workspace_id: int, currency: str, on: date) -> Decimal | None:
    """One `currency` in the workspace's base currency on `on`: 1 for the base itself, else the rate in force (None
    when there is none). One statement."""
    latest = ExchangeRate.objects.filter(workspace_id=workspace_id, currency=currency, effective_on__lte=on).order_by(
        "-effective_on"
    )
    row = (
        Workspace.objects.filter(pk=workspace_id)
        .annotate(fx=Subquery(latest.values("rate")[:1], output_field=DecimalField(max_digits=18, decimal_places=8)))
        .values_list("currency", "fx")
        .first()
    )
    if row is None or row[0] == currency:
        return ONE
    rate: Decimal | None = row[1]
    return rate


def _as_date(value: Any) -> date:
    day: date = value.date() if isinstance(value, datetime) else value
    return day


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
    """The bill and cost rates for `person` on `project` on `on` (one statement), the bill rate in the project's
    currency."""
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
        currency=project.currency,
    )
