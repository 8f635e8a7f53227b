"""What the client portal shows a client-role user."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from baton.core import client_view
from baton.core.access import Actor
from baton.delivery import selectors as delivery
from baton.finance.models import ChangeOrder, Invoice, InvoiceStatus
from baton.finance.selectors import invoice_list
from baton.finance.selectors.burn import budget_burn
from baton.finance.selectors.quotes import quote_list
from baton.knowledge.selectors import decision_list
from baton.relationships.selectors.clients import client_for
from baton.relationships.selectors.lists import goal_list, goal_progress, status_update_list


def portal_overview(actor: Actor) -> dict[str, Any]:
    """What the client portal shows a client-role user of its own client: projects, open milestones, tasks awaiting
    approval, change orders to decide, sent status updates, decisions, goals, and budget figures only when the
    client's protocol shares them: every part passes `core.client_view`, the one "what may the client see" policy."""
    if not actor.is_client or not actor.client_id:
        raise Http404("No portal here.")
    client = client_for(actor, actor.client_id)
    projects = list(delivery.project_list(actor=actor).filter(client_id=client.pk, archived_at__isnull=True))
    audience = client_view.audience_for(client)
    live = [p for p in projects if p.status in ("active", "on_hold")]
    return {
        "client": client,
        "projects": audience.only(client_view.PROGRESS, projects),
        "milestones": audience.only(
            client_view.PROGRESS,
            delivery.milestone_list(actor=actor).filter(project__client_id=client.pk, status="open")[:20],
        ),
        "awaiting": audience.only(
            client_view.PROGRESS,
            delivery.task_list(actor=actor).filter(project__client_id=client.pk, status="in_review")[:20],
        ),
        "change_orders": audience.only(
            client_view.CHANGE_ORDER,
            ChangeOrder.objects.filter(
                workspace=actor.workspace, project__client_id=client.pk, status="submitted"
            ).select_related("project"),
        ),
        "updates": audience.only(client_view.STATUS_UPDATE, status_update_list(actor=actor, client_id=client.pk)[:10]),
        "decisions": audience.keep(
            (client_view.INTERNAL_DECISION if d.internal else client_view.DECISION, d)
            for d in decision_list(actor=actor, client_id=client.pk)[:10]
        ),
        "goals": audience.only(
            client_view.GOAL, [{"goal": g, **goal_progress(g)} for g in goal_list(actor=actor, client_id=client.pk)]
        ),
        "budgets": [(p, budget_burn(p)) for p in live] if audience.may_see(client_view.BUDGET) else [],
        "quotes": audience.only(client_view.QUOTE, quote_list(actor=actor, client_id=client.pk)[:20]),
        "invoices": audience.only(client_view.INVOICE, portal_invoices(actor)[:50]),
    }


def portal_invoices(actor: Actor) -> Any:
    """The client's own issued invoices and credit notes (sent or paid; never drafts or void ones), newest first."""
    if not actor.is_client or not actor.client_id:
        raise Http404("No portal here.")
    return (
        invoice_list(actor=actor)
        .prefetch_related(None)  # the list shows no lines or payments: one query
        .filter(client_id=actor.client_id, status__in=[InvoiceStatus.SENT, InvoiceStatus.PAID])
        .order_by("-issue_date", "-id")
    )


def portal_invoice_get(actor: Actor, invoice_id: int) -> Invoice:
    """One of `portal_invoices`, through the client policy; anything else (a draft, another client's) is 404."""
    client = client_for(actor, actor.client_id) if actor.is_client and actor.client_id else None
    if client is None or not client_view.audience_for(client).may_see(client_view.INVOICE):
        raise Http404("No such invoice.")
    invoice = portal_invoices(actor).filter(pk=invoice_id).first()
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice
