"""Portfolios: clients by risk with today's cadence, and the account manager's home block."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.crm.models import Client
from baton.finance.models import ChangeOrder
from baton.relationships import cadence as cad
from baton.relationships.models import GrowthOpportunity
from baton.relationships.selectors.cadence import due_rows
from baton.relationships.selectors.clients import settings_for
from baton.relationships.selectors.health import _health_facts_bulk, _scored, top_risk
from baton.timesheets.models import TimeEntry


def portfolio(
    *, actor: Actor, account_manager_id: int | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    """Clients with their health and today's cadence, riskiest first. An AM sees its own portfolio by default."""
    return portfolio_with_plans(actor=actor, account_manager_id=account_manager_id, today=today)[0]


def portfolio_and_due(
    *, actor: Actor, account_manager_id: int | None = None, today: date | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The portfolio page and `GET /portfolio`: the clients by risk and what the cadence asks for across the same
    clients (`due_rows`), so each row's "cadence due" counts exactly that client's items in the list."""
    rows, _, due = _portfolio(actor, account_manager_id, today or timezone.localdate())
    return rows, due


def portfolio_with_plans(
    *, actor: Actor, account_manager_id: int | None = None, today: date | None = None
) -> tuple[list[dict[str, Any]], dict[int, list[cad.CadenceItem]]]:
    """`portfolio`, with the cadence plan of each of its clients."""
    rows, plans, _ = _portfolio(actor, account_manager_id, today or timezone.localdate())
    return rows, plans


def _portfolio(
    actor: Actor, account_manager_id: int | None, today: date
) -> tuple[list[dict[str, Any]], dict[int, list[cad.CadenceItem]], list[dict[str, Any]]]:
    """The portfolio's rows (live health, cadence counts), the clients' cadence plans and their due rows."""
    access.require(actor, "health", "view")
    clients = Client.objects.filter(workspace=actor.workspace, archived_at__isnull=True).exclude(status="churned")
    if account_manager_id is not None:
        clients = clients.filter(account_manager_id=account_manager_id)
    elif actor.role == access.AM:
        clients = clients.filter(account_manager_id=actor.person_id)

    client_rows = list(clients.select_related("account_manager").order_by("name"))
    measures, plans = _health_facts_bulk(client_rows, today)
    conf = settings_for(actor.workspace)
    due = due_rows(client_rows, plans)
    counts: dict[int, list[int]] = {}
    for item in due:
        tally = counts.setdefault(item["client_id"], [0, 0])
        tally[0] += 1
        tally[1] += item["status"] == "overdue"
    rows = []
    for client in client_rows:
        health = _scored(measures[client.pk], conf)
        n_due, n_overdue = counts.get(client.pk, (0, 0))
        rows.append(
            {
                "client_id": client.pk,
                "client_name": client.name,
                "account_manager_id": client.account_manager_id,
                "account_manager_name": client.account_manager.name if client.account_manager else None,
                "score": health["score"],
                "band": health["band"],
                "as_of": today,
                "cadence_due": n_due,
                "cadence_overdue": n_overdue,
                "open_escalations": next(s["value"] for s in health["signals"] if s["name"] == "open_escalations"),
                "top_risk": top_risk(health),
            }
        )
    rows.sort(key=lambda r: (r["score"], r["client_name"]))
    return rows, plans, due


def _account_time_pnl(client_ids: list[int], start: date, end: date) -> dict[str, Any]:
    """Year-to-date time economics per client in one query: billable value and cost of the time logged (the full
    P&L, with fixed fees and retainers recognised, is finance's profitability report grouped by account manager)."""
    rows = list(
        TimeEntry.objects.filter(project__client_id__in=client_ids, date__gte=start, date__lte=end)
        .values("project__client_id", "project__client__name")
        .annotate(
            revenue=Sum("bill_amount", filter=Q(billable=True)),
            cost=Sum("cost_amount"),
            minutes=Sum("minutes"),
        )
        .order_by("project__client__name")
    )
    out = []
    for r in rows:
        revenue, cost = r["revenue"] or Decimal("0"), r["cost"] or Decimal("0")
        out.append({"label": r["project__client__name"], "revenue": revenue, "cost": cost, "margin": revenue - cost})
    return {"rows": out}


def am_home(actor: Actor, today: date | None = None, clients: list[Client] | None = None) -> dict[str, Any] | None:
    """The account manager's home block, in a fixed number of queries: its portfolio with live health (the
    portfolio's and the account page's figure, with its biggest risk and the day it is as of), what the cadence asks
    for now (`due_rows`, the portfolio's list), open scope changes, the account P&L and growth opportunities.
    `clients`: its current clients (unarchived, not churned) when the caller has read them already."""
    if actor.role != access.AM or not actor.person_id:
        return None
    today = today or timezone.localdate()
    if clients is None:
        clients = list(
            Client.objects.filter(
                workspace=actor.workspace, account_manager_id=actor.person_id, archived_at__isnull=True
            ).exclude(status="churned")
        )
    ids = [c.pk for c in clients]
    # Health live, by the same selector as the portfolio and the account page (the daily snapshots are the trend).
    measures, plans = _health_facts_bulk(clients, today)
    conf = settings_for(actor.workspace)
    due = due_rows(clients, plans)
    rows = []
    for c in clients:
        health = _scored(measures[c.pk], conf)
        rows.append(
            {
                "client": c,
                "score": health["score"],
                "band": health["band"],
                "top_risk": top_risk(health),
                "as_of": today,
            }
        )
    rows.sort(key=lambda r: (r["score"], str(r["client"])))

    scope = list(
        ChangeOrder.objects.filter(
            workspace=actor.workspace, project__client_id__in=ids, status__in=["draft", "submitted"]
        ).select_related("project")[:10]
    )
    pnl = _account_time_pnl(ids, date(today.year, 1, 1), today)
    opportunities = list(
        GrowthOpportunity.objects.filter(client_id__in=ids, status__in=["idea", "proposed"]).select_related("client")[
            :10
        ]
    )
    return {"portfolio": rows, "due": due, "scope": scope, "pnl": pnl, "opportunities": opportunities}
