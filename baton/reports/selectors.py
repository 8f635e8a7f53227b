"""Cross-domain reads for the role home pages. Each role's home answers its first question (PRODUCT.md)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from baton.core import access
from baton.core.access import Actor
from baton.core.selectors import event_list
from baton.crm.models import Client
from baton.crm.selectors import client_list, contact_list, portfolio_summary
from baton.delivery.selectors import delivery_home
from baton.finance.selectors import home_figures as finance_home
from baton.people.models import Person
from baton.resourcing.selectors import home_summary as resourcing_home
from baton.timesheets.selectors import my_week


def home_context(actor: Actor) -> dict[str, Any]:
    """Figures for the actor's home page, computed from what exists so far."""
    ctx: dict[str, Any] = {"role": actor.role}
    if actor.is_client:
        client = (
            Client.objects.filter(workspace=actor.workspace, pk=actor.client_id or 0)
            .select_related("account_manager")
            .first()
        )
        ctx["client"] = client
        ctx["contacts"] = list(contact_list(actor=actor, client_id=actor.client_id)) if client else []
        return ctx

    people = Person.objects.filter(workspace=actor.workspace, active=True).exclude(membership__role="client")
    totals = people.aggregate(n=Count("id"), capacity=Sum("weekly_capacity_minutes"))
    clients = Client.objects.filter(workspace=actor.workspace, archived_at__isnull=True)
    by_status = {row["status"]: row["n"] for row in clients.values("status").annotate(n=Count("id"))}
    ctx.update(
        people_count=totals["n"] or 0,
        capacity_hours=(totals["capacity"] or 0) // 60,
        clients_by_status=by_status,
        client_count=sum(by_status.values()),
        unassigned_clients=clients.filter(account_manager__isnull=True).count(),
        roles=dict(people.values_list("membership__role").annotate(n=Count("id")).order_by()),
        feed=list(event_list(actor=actor)[:15]),
    )
    if actor.role in (access.OWNER, access.ADMIN, access.FINANCE):
        limit = actor.workspace.max_portfolio_size
        portfolios = portfolio_summary(actor=actor)
        for row in portfolios:
            row["over_limit"] = bool(row["account_manager_id"]) and int(row["clients"]) > limit  # type: ignore[call-overload]
        ctx["portfolios"] = portfolios
        ctx["portfolio_limit"] = limit
    if actor.role == access.AM:
        mine = client_list(actor=actor, account_manager_id=actor.person_id)
        ctx["my_clients"] = list(mine)
        ctx["portfolio_limit"] = actor.workspace.max_portfolio_size
        ctx["feed"] = list(event_list(actor=actor).filter(client_id__in=[c.id for c in ctx["my_clients"]])[:15])
        from baton.relationships.selectors import am_home

        ctx["accounts"] = am_home(actor)
    if actor.person_id:
        ctx["me"] = Person.objects.filter(pk=actor.person_id).first()
    ctx["skills_top"] = _top_skills(people)
    ctx["resourcing"] = resourcing_home(actor)
    ctx["prospects"] = clients.filter(Q(status="prospect")).count()
    ctx["delivery"] = delivery_home(actor)
    ctx["finance_home"] = finance_home(actor)
    ctx["my_week"] = my_week(actor=actor, person=ctx.get("me"))
    from baton.handoffs.selectors import inbox as handoff_inbox

    ctx["handoff_inbox"] = handoff_inbox(actor=actor)
    return ctx


def _top_skills(people: Any) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for skills in people.values_list("skills", flat=True):
        for skill in skills or []:
            counts[skill] = counts.get(skill, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
