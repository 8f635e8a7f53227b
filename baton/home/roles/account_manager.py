"""Account manager: which accounts need me today?

Each of its clients once, most in need first: health live (the Accounts page's and the account page's
`relationships.selectors.portfolio_and_due`, read now: its "as of" is the moment of the read), the reason that
weighs most, and what the cadence asks for today grouped by kind; then its next steps due, the renewals coming
(projects and retainers ending within `delivery.selectors.RENEWAL_WINDOW_DAYS`, while clients have no contract
dates), the handoffs waiting on it and the activity on its accounts with repeated system events folded."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.utils import timezone

from baton.core.access import Actor
from baton.core.selectors import event_list
from baton.delivery.selectors import RENEWAL_WINDOW_DAYS, projects_ending
from baton.handoffs.selectors import inbox_counts
from baton.home.roles.feed import fold_events, iso
from baton.home.roles.leadership import renewal_row
from baton.relationships.selectors import (
    RENEWALS_DUE_DAYS,
    meetings_this_week,
    next_step_list,
    portfolio_and_due,
    renewals_due,
)

TEMPLATE = "home/account_manager.html"
NEXT_STEP_DAYS = 7  # next steps due within a week (and any overdue)
KIND_LABELS = {
    "update": ("status update", "status updates"),
    "meeting": ("meeting", "meetings"),
    "strategic_review": ("strategic review", "strategic reviews"),
    "milestone_confirmation": ("milestone confirmation", "milestone confirmations"),
    "onboarding": ("onboarding step", "onboarding steps"),
}


def _grouped(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One account's due items by kind: how many, how overdue the worst is, the earliest due date."""
    kinds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        kinds[item["kind"]].append(item)
    out = []
    for kind, rows in kinds.items():
        one, many = KIND_LABELS.get(kind, (kind.replace("_", " "), kind.replace("_", " ") + "s"))
        out.append(
            {
                "kind": kind,
                "label": one if len(rows) == 1 else many,
                "count": len(rows),
                "days_overdue": max(r["days_overdue"] for r in rows),
                "due_on": iso(min(r["due_on"] for r in rows)),
            }
        )
    out.sort(key=lambda g: (-g["days_overdue"], g["label"]))
    return out


def build(actor: Actor, *, defer: bool = False) -> dict[str, Any]:
    """The template's context; `figures` (JSON-able) is what `GET /api/v1/home` answers, the same numbers. With
    `defer` (the page), the contract renewals (`PARTS`) are left to their own request; the API reads them too."""
    today = timezone.localdate()
    as_of = timezone.now()
    rows, due = portfolio_and_due(actor=actor, today=today)
    due_by_client: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for item in due:
        due_by_client[item["client_id"]].append(item)
    accounts = [
        {
            "client_id": r["client_id"],
            "client_name": r["client_name"],
            "score": r["score"],
            "band": r["band"],
            "reason": r["top_risk"],
            "cadence_due": r["cadence_due"],
            "cadence_overdue": r["cadence_overdue"],
            "due": _grouped(due_by_client.get(r["client_id"], [])),
        }
        for r in rows
    ]
    # Most in need first: overdue cadence, then anything due, then the lowest health.
    accounts.sort(key=lambda a: (-a["cadence_overdue"], -a["cadence_due"], a["score"], a["client_name"]))

    steps = list(
        next_step_list(actor=actor, owner_id=actor.person_id or 0, open_only=True).filter(
            due_on__lte=today + timedelta(days=NEXT_STEP_DAYS)
        )[:10]
    )
    renewals = list(projects_ending(actor=actor, account_manager_id=actor.person_id or 0)[:8])
    inbox = inbox_counts(actor=actor)
    client_ids = [a["client_id"] for a in accounts]
    feed = fold_events(list(event_list(actor=actor).filter(client_id__in=client_ids)[:40]))

    figures = {
        "health_as_of": iso(as_of),
        "accounts": accounts,
        "accounts_needing_me": sum(1 for a in accounts if a["cadence_due"] or a["band"] == "at_risk"),
        "cadence_due": sum(a["cadence_due"] for a in accounts),
        "cadence_overdue": sum(a["cadence_overdue"] for a in accounts),
        "next_steps": [
            {
                "id": s.pk,
                "description": s.description,
                "client_id": s.client_id,
                "client_name": s.client.name,
                "due_on": iso(s.due_on),
                "overdue": bool(s.due_on and s.due_on < today),
            }
            for s in steps
        ],
        "next_steps_overdue": sum(1 for s in steps if s.due_on and s.due_on < today),
        "renewal_window_days": RENEWAL_WINDOW_DAYS,
        "renewals": [
            {
                "project_id": p.pk,
                "project_name": p.name,
                "client_name": p.client.name,
                "billing": p.billing,
                "billing_label": p.get_billing_display(),
                "end_date": iso(p.end_date),
            }
            for p in renewals
        ],
        "meetings_this_week": [
            {
                "id": m.pk,
                "title": m.title,
                "client_id": m.client_id,
                "client_name": m.client.name,
                "starts_at": iso(m.starts_at),
            }
            for m in meetings_this_week(actor, today)
        ],
        "handoffs_waiting": inbox.count,
        "handoffs_overdue": inbox.overdue,
    }
    if not defer:
        for part in PARTS.values():
            figures.update(part(actor)["figures"])
    return {"figures": figures, "as_of": as_of, "today": today, "feed": feed, "inbox": inbox}


def contracts_part(actor: Actor) -> dict[str, Any]:
    """The AM's clients' contracts renewing within 120 days, soonest first, each with its client's renewal risk
    (relationships' renewals-due list, narrowed to the AM's clients)."""
    rows = renewals_due(actor=actor, days=RENEWALS_DUE_DAYS, account_manager_id=actor.person_id or 0)
    renewals = [renewal_row(r) for r in rows]
    return {"figures": {"contract_renewals": renewals, "contract_renewal_days": RENEWALS_DUE_DAYS}}


PARTS = {"contracts": contracts_part}
