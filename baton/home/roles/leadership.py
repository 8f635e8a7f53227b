"""Owner and leadership: how is the agency doing, and what needs a decision?

This month to date (revenue, margin, utilization) beside its 12-month trend; the weighted pipeline; the accounts at
risk and why; cash (receivables, overdue); the three oldest things waiting for a decision. Every figure comes from
its owning app's selector — the same one its own page and API read."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.core.months import month_end, month_start
from baton.crm.selectors import pipeline_summary
from baton.finance.selectors import margin_trend, receivables
from baton.finance.selectors.home import change_orders_to_decide
from baton.relationships.selectors import (
    RENEWAL_FLAG_DAYS,
    escalation_list,
    portfolio,
    renewals_due,
    retention,
    year_before,
)
from baton.resourcing.reports import utilization

TEMPLATE = "home/leadership.html"
MONTHS = 12
AT_RISK = 5
DECISIONS = 3


def trend_start(today: date, months: int = MONTHS) -> date:
    """The first day of the trend: the 1st of the month `months - 1` months before this one."""
    start = month_start(today)
    for _ in range(months - 1):
        start = month_start(start - timedelta(days=1))
    return start


def build(actor: Actor, *, defer: bool = False) -> dict[str, Any]:
    """The template's context; `figures` (JSON-able) is what `GET /api/v1/home` answers, the same numbers. With
    `defer` (the page), the blocks of `PARTS` are left to their own requests; the API reads them all."""
    today = timezone.localdate()
    money = margin_trend(actor=actor, months=MONTHS, today=today)
    pipeline = pipeline_summary(actor=actor, today=today)
    cash = receivables(actor=actor, today=today)
    decisions = _decisions(actor, pipeline["to_decide"])
    figures: dict[str, Any] = {
        "currency": actor.workspace.currency,
        "month": {
            "from": month_start(today).isoformat(),
            "to": today.isoformat(),
            "revenue": money["revenue"][-1],
            "cost": money["cost"][-1],
            "margin": money["margin"][-1],
            "margin_pct": float(money["margin_pct"][-1]) if money["margin_pct"][-1] else None,
        },
        "trend": {k: money[k] for k in ("labels", "revenue", "cost", "margin", "currency")},
        "pipeline": {
            "open_deals": pipeline["open_deals"],
            "open_value": str(pipeline["open_value"]),
            "weighted_open_value": str(pipeline["weighted_open_value"]),
            # open growth opportunities not yet deals, on their own line (a deal made from one counts as the deal)
            "opportunities": pipeline["opportunities"]["count"],
            "opportunities_probability": pipeline["opportunities"]["probability"],
            "opportunities_weighted_value": str(pipeline["opportunities"]["weighted_value"]),
            "weighted_total_value": str(pipeline["weighted_total_value"]),
        },
        "cash": {
            "receivable": str(cash.base.receivable),
            "open_invoices": cash.count,
            "overdue_invoices": cash.overdue,
        },
        "decisions": [
            {k: v for k, v in d.items() if k != "since"} | {"since": d["since"].isoformat()} for d in decisions
        ],
    }
    rows = [
        dict(zip(("label", "revenue", "cost", "margin"), r, strict=True))
        for r in zip(money["labels"], money["revenue"], money["cost"], money["margin"], strict=True)
    ]
    ctx: dict[str, Any] = {"figures": figures, "decisions": decisions, "trend_rows": rows, "deferred": list(PARTS)}
    if not defer:
        for part in PARTS.values():
            figures.update(part(actor)["figures"])
    return ctx


def utilization_part(actor: Actor) -> dict[str, Any]:
    """Utilization this month to date (capacity counted up to today, never the days to come) and by month over
    the trend's 12 months: resourcing's utilization report by month."""
    today = timezone.localdate()
    start = trend_start(today)
    used = {r["key"]: r for r in utilization(actor=actor, start=start, end=month_end(today), group_by="month")}
    months = _months(start, today)
    this = used.get(f"{today:%Y-%m}", {})
    figures = {
        "utilization": {
            "pct": this.get("utilization_pct", 0.0),
            "billable_pct": this.get("billable_pct", 0.0),
            "target_pct": this.get("target_pct"),
            "logged_minutes": this.get("logged_minutes", 0),
            "capacity_minutes": this.get("capacity_minutes", 0),
            "measured_to": this.get("measured_to"),
            "trend": {
                "months": [f"{m:%Y-%m}" for m in months],
                "utilization_pct": [used.get(f"{m:%Y-%m}", {}).get("utilization_pct", 0.0) for m in months],
                "billable_pct": [used.get(f"{m:%Y-%m}", {}).get("billable_pct", 0.0) for m in months],
            },
        }
    }
    rows = [
        {"month": m, "utilization_pct": u, "billable_pct": b}
        for m, u, b in zip(
            months,
            figures["utilization"]["trend"]["utilization_pct"],
            figures["utilization"]["trend"]["billable_pct"],
            strict=True,
        )
    ]
    chart = {
        "labels": [f"{m:%b %Y}" for m in months],
        "utilization_pct": figures["utilization"]["trend"]["utilization_pct"],
        "billable_pct": figures["utilization"]["trend"]["billable_pct"],
        "target_pct": this.get("target_pct"),
    }
    return {"figures": figures, "rows": rows, "chart_json": json.dumps(chart)}


def at_risk_part(actor: Actor) -> dict[str, Any]:
    """The accounts not healthy, riskiest first, each with its score, band and top risk: relationships' portfolio
    (the Accounts page's rows, health scored as on the account page)."""
    rows = [r for r in portfolio(actor=actor, today=timezone.localdate()) if r["band"] != "healthy"]
    figures = {
        "accounts_at_risk": [
            {
                "client_id": r["client_id"],
                "client_name": r["client_name"],
                "score": r["score"],
                "band": r["band"],
                "why": r["top_risk"],
            }
            for r in rows[:AT_RISK]
        ],
        "accounts_at_risk_count": len(rows),
    }
    return {"figures": figures}


def retention_part(actor: Actor) -> dict[str, Any]:
    """Revenue retention of the last 12 months (relationships' retention report from a year ago to today) and the
    renewals due within 90 days with their risk (the renewals-due list)."""
    today = timezone.localdate()
    figures: dict[str, Any] = {"retention": None, "renewals_due": [], "renewals_due_days": RENEWAL_FLAG_DAYS}
    if access.allowed(actor, "engagement", "view"):
        report = retention(actor=actor, date_from=year_before(today), date_to=today)
        figures["retention"] = renewal_figures(report)
        figures["renewals_due"] = [renewal_row(r) for r in renewals_due(actor=actor, days=RENEWAL_FLAG_DAYS)]
    return {"figures": figures}


def renewal_figures(report: dict[str, Any]) -> dict[str, Any]:
    """The retention report's headline figures, JSON-able (amounts as strings, like the API)."""
    pct = ("gross_revenue_retention_pct", "net_revenue_retention_pct")
    money = ("start_mrr", "churned_mrr", "contraction_mrr", "expansion_mrr")
    return {
        "from": report["from"].isoformat(),
        "to": report["to"].isoformat(),
        "currency": report["currency"],
        "clients_start": report["clients_start"],
        "clients_churned": report["clients_churned"],
        **{k: str(report[k]) for k in money},
        **{k: (str(report[k]) if report[k] is not None else None) for k in pct},
    }


def renewal_row(r: dict[str, Any]) -> dict[str, Any]:
    """One row of the renewals-due list, JSON-able."""
    return {
        "engagement_id": r["engagement_id"],
        "engagement_name": r["engagement_name"],
        "client_id": r["client_id"],
        "client_name": r["client_name"],
        "renewal_date": r["renewal_date"].isoformat() if r["renewal_date"] else None,
        "days_to_renewal": r["days_to_renewal"],
        "value": str(r["value"]),
        "currency": r["currency"],
        "risk_score": r["risk_score"],
        "risk_band": r["risk_band"],
    }


PARTS = {"utilization": utilization_part, "at-risk": at_risk_part, "retention": retention_part}


def _months(start: date, today: date) -> list[date]:
    out, month = [], start
    while month <= today:
        out.append(month)
        month = month_end(month) + timedelta(days=1)
    return out


def _decisions(actor: Actor, deals: list[Any]) -> list[dict[str, Any]]:
    """The three oldest things waiting for a decision: change orders submitted, deals in negotiation or past their
    expected close, open escalations."""
    items: list[dict[str, Any]] = []
    if access.allowed(actor, "change_order", "view"):
        for order in change_orders_to_decide(actor=actor)[:DECISIONS]:
            items.append(
                {
                    "kind": "change_order",
                    "title": f"Change order “{order.title}” on {order.project.name}",
                    "detail": "Submitted, waiting for approval",
                    "url": reverse("finance:project", args=[order.project_id]),
                    "since": order.requested_on,
                }
            )
    for deal in deals[:DECISIONS]:
        late = deal.expected_close is not None and deal.expected_close < timezone.localdate()
        items.append(
            {
                "kind": "deal",
                "title": f"Deal “{deal.name}” with {deal.client.name}",
                "detail": "Past its expected close: win or lose it" if late else "In negotiation",
                "url": reverse("relationships:deals"),
                "since": deal.expected_close or deal.created_at.date(),
            }
        )
    if access.allowed(actor, "escalation", "view"):
        for esc in escalation_list(actor=actor, status="open").order_by("created_at", "id")[:DECISIONS]:
            items.append(
                {
                    "kind": "escalation",
                    "title": f"Escalation: {esc.title}",
                    "detail": f"{esc.client.name}" + (f" · {esc.assignee.name}" if esc.assignee else " · unassigned"),
                    "url": reverse("relationships:account", args=[esc.client_id]),
                    "since": timezone.localtime(esc.created_at).date(),
                }
            )
    items.sort(key=lambda d: (d["since"], d["kind"]))
    return items[:DECISIONS]
