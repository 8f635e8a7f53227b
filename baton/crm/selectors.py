"""Reads for clients and contacts, through the acting membership."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from baton.core import access
from baton.core.access import Actor
from baton.core.selectors import one_or_404
from baton.crm.models import OPEN_DEAL_STAGES, Client, Contact, Deal, DealStage


def _visible_clients(actor: Actor) -> QuerySet[Client]:
    access.require(actor, "client", "view")
    qs = Client.objects.filter(workspace=actor.workspace)
    if actor.is_client:
        qs = qs.filter(pk=actor.client_id or 0)
    return qs


def client_list(
    *,
    actor: Actor,
    status: str | None = None,
    account_manager_id: int | None = None,
    search: str | None = None,
    archived: bool | None = False,
) -> QuerySet[Client]:
    """Clients the actor may see, with their AM and contact count; archived ones only when asked."""
    qs = _visible_clients(actor).select_related("account_manager").annotate(contact_count=Count("contacts"))
    if status:
        qs = qs.filter(status=status)
    if account_manager_id is not None:
        qs = qs.filter(account_manager_id=account_manager_id)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(industry__icontains=search))
    if archived is not None:
        qs = qs.filter(archived_at__isnull=not archived)
    return qs.order_by("name", "id")


def client_get(*, actor: Actor, client_id: int) -> Client:
    return one_or_404(_visible_clients(actor).select_related("account_manager").filter(pk=client_id), "client")


def contact_list(
    *, actor: Actor, client_id: int | None = None, is_primary: bool | None = None, search: str | None = None
) -> QuerySet[Contact]:
    access.require(actor, "contact", "view")
    qs = Contact.objects.filter(workspace=actor.workspace).select_related("client")
    if actor.is_client:
        qs = qs.filter(client_id=actor.client_id or 0)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if is_primary is not None:
        qs = qs.filter(is_primary=is_primary)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(email__icontains=search))
    return qs.order_by("client_id", "-is_primary", "name", "id")


def contact_get(*, actor: Actor, contact_id: int) -> Contact:
    return one_or_404(contact_list(actor=actor).filter(pk=contact_id), "contact")


def portfolio_summary(*, actor: Actor) -> list[dict[str, object]]:
    """Client counts per account manager, for the leadership home."""
    return client_figures(actor=actor)["portfolios"]  # type: ignore[return-value]


def client_figures(*, actor: Actor) -> dict[str, object]:
    """The current (unarchived) clients the actor sees, counted in one grouped query (per account manager and status):
    `by_status` {status: n}, `count`, `unassigned` (no AM), and `portfolios` (per AM: clients, active; ordered by the
    AM's name, as `portfolio_summary`)."""
    rows = (
        _visible_clients(actor)
        .filter(archived_at__isnull=True)
        .values("account_manager_id", "account_manager__name", "status")
        .annotate(n=Count("id"))
        .order_by("account_manager__name", "account_manager_id", "status")
    )
    by_status: dict[str, int] = {}
    portfolios: dict[int | None, dict[str, object]] = {}
    for row in rows:
        n = int(row["n"])
        by_status[row["status"]] = by_status.get(row["status"], 0) + n
        am = row["account_manager_id"]
        entry = portfolios.setdefault(
            am,
            {
                "account_manager_id": am,
                "account_manager__name": row["account_manager__name"],
                "clients": 0,
                "active": 0,
            },
        )
        entry["clients"] = int(entry["clients"]) + n  # type: ignore[call-overload]
        if row["status"] == "active":
            entry["active"] = n
    unassigned = portfolios.get(None)
    return {
        "by_status": by_status,
        "count": sum(by_status.values()),
        "unassigned": int(unassigned["clients"]) if unassigned else 0,  # type: ignore[call-overload]
        "portfolios": list(portfolios.values()),
    }


def client_choices(*, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the clients the actor may see, for pickers."""
    return list(_visible_clients(actor).filter(archived_at__isnull=True).order_by("name").values_list("id", "name"))


# --- Deals ----------------------------------------------------------------------------------------------------


def deal_list(
    *,
    actor: Actor,
    stage: str | None = None,
    client_id: int | None = None,
    owner_id: int | None = None,
    open_only: bool = False,
) -> QuerySet[Deal]:
    access.require(actor, "deal", "view")
    qs = Deal.objects.filter(workspace=actor.workspace, archived_at__isnull=True).select_related("client", "owner")
    if stage:
        qs = qs.filter(stage=stage)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    if open_only:
        qs = qs.filter(stage__in=OPEN_DEAL_STAGES)
    return qs.prefetch_related("contacts").order_by("expected_close", "id")


def deal_get(*, actor: Actor, deal_id: int) -> Deal:
    if actor.is_client or not Deal.objects.filter(workspace=actor.workspace, pk=deal_id).exists():
        raise Http404("No such deal.")
    return one_or_404(deal_list(actor=actor).filter(pk=deal_id), "deal")


def deal_board(*, actor: Actor, owner_id: int | None = None) -> list[dict[str, Any]]:
    """The pipeline by stage: deals, count, total value, weighted value (value x probability) and expected effort
    (weighted minutes), in stage order."""
    deals = list(deal_list(actor=actor, owner_id=owner_id))
    columns = []
    for stage, label in DealStage.choices:
        rows = [d for d in deals if d.stage == stage]
        columns.append(
            {
                "stage": stage,
                "label": label,
                "count": len(rows),
                "total_value": sum((d.value for d in rows), Decimal("0.00")),
                "weighted_value": sum((d.weighted_value for d in rows), Decimal("0.00")),
                "expected_effort_minutes": sum(d.expected_effort_minutes for d in rows),
                "weighted_effort_minutes": sum(d.expected_effort_minutes * d.probability // 100 for d in rows),
                "deals": rows,
            }
        )
    return columns


# Open growth opportunities that are not yet deals (relationships, above crm, owns them and fills this hook from its
# wiring): {count, value, probability, weighted_value} for what the actor may see, of one owner when given.
OpportunityPipelineReader = Callable[[Actor, "int | None"], dict[str, Any]]


def no_opportunities() -> dict[str, Any]:
    return {"count": 0, "value": Decimal("0.00"), "probability": 0, "weighted_value": Decimal("0.00")}


def _no_opportunities(actor: Actor, owner_id: int | None) -> dict[str, Any]:
    return no_opportunities()


opportunity_pipeline_reader: OpportunityPipelineReader = _no_opportunities


def set_opportunity_pipeline_reader(reader: OpportunityPipelineReader) -> None:
    global opportunity_pipeline_reader
    opportunity_pipeline_reader = reader


# The capacity a deal would meet (resourcing, above crm, computes it and fills this hook from its wiring): None when
# nothing fills it or the actor may not see it.
DealCapacityReader = Callable[[Actor, Deal], "dict[str, Any] | None"]
deal_capacity_reader: DealCapacityReader = lambda actor, deal: None  # noqa: E731


def set_deal_capacity_reader(reader: DealCapacityReader) -> None:
    global deal_capacity_reader
    deal_capacity_reader = reader


def deal_capacity(*, actor: Actor, deal: Deal) -> dict[str, Any] | None:
    return deal_capacity_reader(actor, deal)


def pipeline_totals(columns: list[dict[str, Any]], opportunities: dict[str, Any] | None = None) -> dict[str, Any]:
    """The open part of `deal_board`'s columns: how many deals, their value, weighted value (value x probability)
    and weighted effort; and, on their own line, the open growth opportunities not yet deals (`opportunities`, from
    `opportunity_pipeline_reader`), which `weighted_total_value` adds to the deals' weighted value: an opportunity
    that became a deal counts once, as the deal. The one source of the pipeline figures (`GET /deals/board`, the
    deal board and the leadership home)."""
    open_cols = [c for c in columns if c["stage"] in OPEN_DEAL_STAGES]
    opportunities = opportunities or no_opportunities()
    weighted = sum((c["weighted_value"] for c in open_cols), Decimal("0.00"))
    return {
        "open_deals": sum(c["count"] for c in open_cols),
        "open_value": sum((c["total_value"] for c in open_cols), Decimal("0.00")),
        "weighted_open_value": weighted,
        "weighted_effort_minutes": sum(c["weighted_effort_minutes"] for c in open_cols),
        "opportunities": opportunities,
        "weighted_total_value": weighted + opportunities["weighted_value"],
    }


def pipeline(*, actor: Actor, owner_id: int | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """`deal_board`'s columns and their `pipeline_totals`, open opportunities included."""
    columns = deal_board(actor=actor, owner_id=owner_id)
    return columns, pipeline_totals(columns, opportunity_pipeline_reader(actor, owner_id))


def pipeline_summary(*, actor: Actor, today: date) -> dict[str, Any]:
    """The pipeline at a glance (three queries): `pipeline_totals` and the open deals that wait for a decision —
    in negotiation, or past their expected close — oldest close first."""
    columns, totals = pipeline(actor=actor)
    to_decide = [
        d
        for c in columns
        if c["stage"] in OPEN_DEAL_STAGES
        for d in c["deals"]
        if d.stage == DealStage.NEGOTIATION or (d.expected_close is not None and d.expected_close < today)
    ]
    to_decide.sort(key=lambda d: (d.expected_close or date.max, d.id))
    return {**totals, "to_decide": to_decide}
