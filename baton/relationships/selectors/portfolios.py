"""Portfolios: clients by risk with today's cadence, and the account manager's home block."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.crm.models import Client
from baton.finance.models import ChangeOrder
from baton.relationships import cadence as cad
from baton.relationships.models import GrowthOpportunity, HealthSnapshot
from baton.relationships.selectors.cadence import cadence_items_bulk, cadence_today
from baton.relationships.selectors.clients import settings_for
from baton.relationships.selectors.health import _health_facts_bulk, _scored
from baton.timesheets.models import TimeEntry


def portfolio(
    *, actor: Actor, account_manager_id: int | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    """Clients with their health and today's cadence, riskiest first. An AM sees its own portfolio by default."""
    return portfolio_with_plans(actor=actor, account_manager_id=account_manager_id, today=today)[0]


def portfolio_and_due(
    *, actor: Actor, account_manager_id: int | None = None, today: date | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The portfolio page: `portfolio` and `cadence_today` for the same choice of AM, each client's cadence
    computed once for both."""
    today = today or timezone.localdate()
    rows, plans = portfolio_with_plans(actor=actor, account_manager_id=account_manager_id, today=today)
    due = cadence_today(actor=actor, account_manager_id=account_manager_id, today=today, plans=plans)
    return rows, due


def portfolio_with_plans(
    *, actor: Actor, account_manager_id: int | None = None, today: date | None = None
) -> tuple[list[dict[str, Any]], dict[int, list[cad.CadenceItem]]]:
    """`portfolio`, with the cadence plan of each of its clients."""
    access.require(actor, "health", "view")
    today = today or timezone.localdate()
    clients = Client.objects.filter(workspace=actor.workspace, archived_at__isnull=True).exclude(status="churned")
    if account_manager_id is not None:
        clients = clients.filter(account_manager_id=account_manager_id)
    elif actor.role == access.AM:
        clients = clients.filter(account_manager_id=actor.person_id)

    client_rows = list(clients.select_related("account_manager").order_by("name"))
    measures, plans = _health_facts_bulk(client_rows, today)
    conf = settings_for(actor.workspace)
    rows = []
    for client in client_rows:
        health = _scored(measures[client.pk], conf)
        due = cad.due_items(plans[client.pk])
        rows.append(
            {
                "client_id": client.pk,
                "client_name": client.name,
                "account_manager_id": client.account_manager_id,
                "account_manager_name": client.account_manager.name if client.account_manager else None,
                "score": health["score"],
                "band": health["band"],
                "cadence_due": len(due),
                "cadence_overdue": sum(1 for i in due if i.status == "overdue"),
                "open_escalations": next(s["value"] for s in health["signals"] if s["name"] == "open_escalations"),
                "top_risk": min(health["signals"], key=lambda s: s["contribution"] - s["weight"])["explanation"],
            }
        )
    rows.sort(key=lambda r: (r["score"], r["client_name"]))
    return rows, plans


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
    """The account manager's home block, in a fixed number of queries: its portfolio with the latest health
    snapshot, what the cadence asks for today, open scope changes, the account P&L and growth opportunities.
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
    latest: dict[int, HealthSnapshot] = {}
    for snap in HealthSnapshot.objects.filter(client_id__in=ids, taken_on__gte=today - timedelta(days=7)).order_by(
        "taken_on"
    ):
        latest[snap.client_id] = snap
    plans = cadence_items_bulk([c for c in clients if c.status in ("active", "paused")], today)
    due = [
        {"client_id": c.pk, "client_name": c.name, **i.as_dict()}
        for c in clients
        for i in cad.due_items(plans.get(c.pk, []))
    ]
    due.sort(key=lambda r: (-r["days_overdue"], r["client_name"]))
    rows = sorted(
        (
            {
                "client": c,
                "score": latest[c.pk].score if c.pk in latest else None,
                "band": latest[c.pk].band if c.pk in latest else "",
            }
            for c in clients
        ),
        key=lambda r: (r["score"] if r["score"] is not None else 101, str(r["client"])),
    )

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
