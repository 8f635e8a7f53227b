"""Reads of rates, and who sees money.

Money visibility is one rule: owner/admin/finance see every project's money, a PM its own projects', an AM its
clients' projects'; nobody else any (`money_projects`; `access.money_scope` asks it of one project in memory). Rate
cards are read through the `rate_card` and `exchange_rate` resources of the access policy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from baton.core import access, formats
from baton.core.access import Actor
from baton.core.money import CENT
from baton.core.selectors import one_or_404
from baton.delivery.models import Project
from baton.delivery.selectors import visible_projects
from baton.rates.models import BillRate, CostRate, ExchangeRate

# --- Money visibility -------------------------------------------------------------------------------------------------


def money_projects(actor: Actor) -> QuerySet[Project]:
    """Projects whose money the actor sees: all for owner/admin/finance, its own for a PM, its clients' for an AM."""
    qs = Project.objects.filter(workspace=actor.workspace)
    if actor.role in access.ALL_MONEY:
        return qs
    if actor.role == access.PM:
        return qs.filter(project_manager_id=actor.person_id or 0)
    if actor.role == access.AM:
        return qs.filter(client__account_manager_id=actor.person_id or 0)
    return qs.none()


def money_project_get(*, actor: Actor, project_id: int) -> Project:
    """A project whose money the actor may see. Invisible projects are 404; visible ones whose money is not the
    actor's (another PM's project) are 403."""
    project = one_or_404(
        visible_projects(actor).select_related("client", "project_manager").filter(pk=project_id), "project"
    )
    access.require(actor, "budget", "view", project)
    return project


def own_or_money(actor: Actor) -> Q:
    """Rows with a `person_id` and a `project_id` (time entries, expenses) the actor sees: every row for
    owner/admin/finance; for a PM or an AM its own and those on its money projects; for anyone else its own."""
    mine = Q(person_id=actor.person_id) if actor.person_id else Q(pk__in=[])
    if actor.role in access.ALL_MONEY:
        return Q()
    if actor.role in (access.PM, access.AM):
        return mine | Q(project_id__in=money_projects(actor).values("id"))
    return mine


# --- Missing exchange rates ------------------------------------------------------------------------------------------

# (workspace id, project ids or None) -> (currency, earliest date) pairs of records waiting for an exchange rate.
MissingRateSource = Callable[[int, list[int] | None], Iterable[tuple[str, date]]]
_missing_rate_sources: list[MissingRateSource] = []


def register_missing_rate_source(source: MissingRateSource) -> MissingRateSource:
    """Called from a higher app's `wiring.py` (timesheets: time entries; finance: expenses), which keep the records
    marked with `missing_rate_currency`; rates cannot import them."""
    if source not in _missing_rate_sources:
        _missing_rate_sources.append(source)
    return source


def missing_rates(workspace: Any, project_ids: Iterable[int] | None = None) -> list[tuple[str, date]]:
    """Every currency some record (of `project_ids`, or of the workspace) still waits an exchange rate for, with the
    first date that needs it, by currency: [("GBP", date(2026, 3, 4)), ...]. Empty when every figure is priced."""
    workspace_id = getattr(workspace, "pk", workspace)
    ids = None if project_ids is None else list(project_ids)
    first: dict[str, date] = {}
    for source in _missing_rate_sources:
        for currency, day in source(workspace_id, ids):
            if currency and (currency not in first or day < first[currency]):
                first[currency] = day
    return sorted(first.items())


def missing_rate_warnings(workspace: Any, project_ids: Iterable[int] | None = None) -> list[str]:
    """`missing_rates` as the sentences reports show above their figures."""
    return [missing_rate_warning(currency, day) for currency, day in missing_rates(workspace, project_ids)]


def missing_rate_warning(currency: str, day: date) -> str:
    """The sentence every figure that includes a record waiting for an exchange rate shows (MONEY.md §2)."""
    return (
        f"No exchange rate for {currency} on {formats.day(day)}: figures that include it leave out what needs it "
        f"(shown as 0.00) until finance adds a rate for {currency} from that day."
    )


# --- Rate cards and exchange rates ------------------------------------------------------------------------------------


def bill_rate_list(
    *, actor: Actor, scope: str | None = None, project_id: int | None = None, person_id: int | None = None
) -> QuerySet[BillRate]:
    access.require(actor, "rate_card", "view")
    qs = BillRate.objects.filter(workspace=actor.workspace).select_related("person", "client", "project")
    if scope:
        qs = qs.filter(scope=scope)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    return qs.order_by("scope", "role", "person_id", "client_id", "project_id", "effective_from", "id")


def bill_rate_get(*, actor: Actor, bill_rate_id: int) -> BillRate:
    if not access.allowed(actor, "rate_card", "view"):
        raise Http404("No such rate.")  # a role that sees none of them learns nothing about an id
    return one_or_404(bill_rate_list(actor=actor).filter(pk=bill_rate_id), "rate")


def cost_rate_list(*, actor: Actor, person_id: int | None = None) -> QuerySet[CostRate]:
    access.require(actor, "rate_card", "view")
    qs = CostRate.objects.filter(workspace=actor.workspace).select_related("person")
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    return qs.order_by("person__name", "effective_from", "id")


def cost_rate_get(*, actor: Actor, cost_rate_id: int) -> CostRate:
    if not access.allowed(actor, "rate_card", "view"):
        raise Http404("No such cost rate.")  # a role that sees none of them learns nothing about an id
    return one_or_404(cost_rate_list(actor=actor).filter(pk=cost_rate_id), "cost rate")


def exchange_rate_list(*, actor: Actor, currency: str | None = None) -> QuerySet[ExchangeRate]:
    access.require(actor, "exchange_rate", "view")
    qs = ExchangeRate.objects.filter(workspace=actor.workspace)
    if currency:
        qs = qs.filter(currency=currency.upper())
    return qs.order_by("currency", "-effective_on", "id")


class ExchangeRates:
    """A workspace's exchange rates into its base currency, in memory: `convert` uses the rate in force on a day (the
    latest on or before it; else the earliest) and notes each currency without a rate (it converts at 1)."""

    def __init__(self, workspace_id: int, base: str, currencies: set[str]) -> None:
        self.base = base
        self.rows: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
        self.missing: set[str] = set()
        wanted = currencies - {base}
        if wanted:
            for code, on, rate in (
                ExchangeRate.objects.filter(workspace_id=workspace_id, currency__in=wanted)
                .order_by("currency", "effective_on")
                .values_list("currency", "effective_on", "rate")
            ):
                self.rows[code].append((on, rate))

    @classmethod
    def of_rows(cls, base: str, rows: list[tuple[str, date, Decimal]]) -> ExchangeRates:
        """The same from rows already read (currency, effective_on, rate), in any order: a report that reads them in
        one of its own queries."""
        rates = cls(0, base, set())
        for code, on, rate in sorted(rows):
            if code != base:
                rates.rows[code].append((on, rate))
        return rates

    def has(self, currency: str) -> bool:
        """Whether amounts in `currency` can be converted (the base, or a currency with a rate)."""
        return currency == self.base or bool(self.rows.get(currency))

    def convert(self, amount: Decimal, currency: str, on: date) -> Decimal:
        if currency == self.base or not amount:
            return amount
        rows = self.rows.get(currency)
        if not rows:
            self.missing.add(currency)
            return amount
        rate = rows[0][1]
        for start, value in rows:
            if start <= on:
                rate = value
            else:
                break
        return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
