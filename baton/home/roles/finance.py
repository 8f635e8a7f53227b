"""Finance: what needs me to keep the money moving?

Timesheets to approve (all at once), approved time ready to invoice by client (each a link to draft the invoice),
invoices overdue, budgets burning ahead of their project's progress, and margin by client over the last 12 months.
Each figure from finance's or timesheets' selectors, the same ones their pages and API read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from baton.core.access import Actor
from baton.finance.selectors import current_burns, profitability, receivables
from baton.finance.selectors.home import burning_ahead, overdue_invoices, ready_to_invoice
from baton.home.roles.leadership import trend_start
from baton.timesheets.selectors import approval_queue

TEMPLATE = "home/finance.html"
SHOWN = 8


def build(actor: Actor, *, defer: bool = False) -> dict[str, Any]:
    """The template's context; `figures` (JSON-able) is what `GET /api/v1/home` answers, the same numbers. With
    `defer` (the page), margin by client (`PARTS`) is left to its own request; the API reads it too."""
    today = timezone.localdate()
    queue = approval_queue(actor=actor)
    ready = ready_to_invoice(actor=actor, today=today)
    cash = receivables(actor=actor, today=today)
    overdue = list(overdue_invoices(actor=actor, today=today)[:SHOWN])
    projects, burns = current_burns(actor, today)
    ahead = burning_ahead(projects, burns)
    figures = {
        "currency": actor.workspace.currency,
        "timesheets_to_approve": len(queue),
        "timesheets": [
            {
                "timesheet_id": s.pk,
                "person": s.person.name,
                "week_start": s.week_start.isoformat(),
                "minutes": s.minutes,  # type: ignore[attr-defined]
            }
            for s in queue
        ],
        "ready_to_invoice": {
            "amount": str(sum((c["amount"] for c in ready), Decimal("0.00"))),
            "minutes": sum(c["minutes"] for c in ready),
            "clients": [
                {
                    "client_id": c["client_id"],
                    "client_name": c["client_name"],
                    "minutes": c["minutes"],
                    "amount": str(c["amount"]),
                    "projects": [
                        {"project_id": p["project_id"], "minutes": p["minutes"], "amount": str(p["amount"])}
                        for p in c["projects"]
                    ],
                }
                for c in ready
            ],
        },
        "receivable": str(cash.base.receivable),
        "credits_owed": str(cash.base.credits_owed),  # beside the receivable, never netted (MONEY.md §5)
        "overdue_invoices": cash.overdue,
        "overdue": [
            {
                "invoice_id": i.pk,
                "number": i.number,
                "client_name": i.client.name,
                "balance": str(i.balance),  # type: ignore[attr-defined]
                "currency": i.currency,
                "due_date": i.due_date.isoformat() if i.due_date else None,
            }
            for i in overdue
        ],
        "burning_ahead": [
            {
                "project_id": r["project"].pk,
                "project_name": r["project"].name,
                "burn_pct": float(r["burn_pct"]),
                "progress_pct": r["progress_pct"],
            }
            for r in ahead
        ],
    }
    ctx = {
        "figures": figures,
        "queue": queue,
        "ready": ready,
        "overdue": overdue,
        "receivables": cash,
        "ahead": ahead[:SHOWN],
        "today": today,
        "deferred": list(PARTS),
    }
    if not defer:
        for part in PARTS.values():
            figures.update(part(actor)["figures"])
    return ctx


def margin_part(actor: Actor) -> dict[str, Any]:
    """Margin by client over the last 12 months (the trend's months, this one to date), largest revenue first:
    finance's profitability report by client."""
    today = timezone.localdate()
    since = trend_start(today)
    report = profitability(actor=actor, group_by="client", date_from=since, date_to=today, today=today)
    rows = sorted(report.rows, key=lambda r: (-r.revenue, r.label.lower()))
    return {
        "figures": {
            "margin_by_client": {
                "from": since.isoformat(),
                "to": today.isoformat(),
                "count": len(rows),
                "rows": [
                    {k: r.as_json()[k] for k in ("key", "label", "revenue", "margin", "margin_pct")}
                    for r in rows[:SHOWN]
                ],
            }
        },
        "currency": actor.workspace.currency,
    }


PARTS = {"margin": margin_part}
