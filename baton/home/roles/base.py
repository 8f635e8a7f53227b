"""Cross-domain reads for the role home pages. Each role's home answers its first question (PRODUCT.md)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from baton.core import access
from baton.core.access import Actor
from baton.core.feed import activity_feed
from baton.core.selectors import workspace_figures
from baton.crm.models import Client
from baton.crm.selectors import client_figures, client_list, contact_list
from baton.delivery.selectors import delivery_figures, delivery_home
from baton.finance.selectors import home_figures as finance_home
from baton.handoffs.selectors import inbox_counts
from baton.people.models import Person
from baton.relationships.selectors import am_home
from baton.resourcing.selectors import home_summary as resourcing_home
from baton.timesheets.selectors import my_week, my_week_figures


def legacy_context(actor: Actor) -> dict[str, Any]:
    """Figures for the actor's home page, computed from what exists so far.

    Each block is read once and shared: the people (figures, skills and the schedule's overbooking), the clients
    (figures and portfolios, one grouped query), the actor's own person (from its membership), the AM's clients (its
    table and its accounts block)."""
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

    # The same rows as resourcing's `schedule_people`: every active person who is not a client user.
    people = list(
        Person.objects.filter(workspace=actor.workspace, active=True)
        .exclude(membership__role=access.CLIENT)
        .select_related("membership")
        .order_by("name", "id")
    )
    clients = client_figures(actor=actor)
    by_status: dict[str, int] = clients["by_status"]  # type: ignore[assignment]
    ctx.update(
        people_count=len(people),
        capacity_hours=sum(p.weekly_capacity_minutes or 0 for p in people) // 60,
        clients_by_status=by_status,
        client_count=clients["count"],
        unassigned_clients=clients["unassigned"],
        prospects=by_status.get("prospect", 0),
        roles=dict(Counter(p.membership.role for p in people)),
        skills_top=_top_skills(people),
    )
    if actor.role in (access.OWNER, access.ADMIN, access.FINANCE):
        limit = actor.workspace.max_portfolio_size
        portfolios: list[dict[str, Any]] = clients["portfolios"]  # type: ignore[assignment]
        for row in portfolios:
            row["over_limit"] = bool(row["account_manager_id"]) and int(row["clients"]) > limit
        ctx["portfolios"] = portfolios
        ctx["portfolio_limit"] = limit
    if actor.role == access.AM:
        mine = list(client_list(actor=actor, account_manager_id=actor.person_id))
        ctx["my_clients"] = mine
        ctx["portfolio_limit"] = actor.workspace.max_portfolio_size
        ctx["feed"] = activity_feed(actor=actor, client_ids=[c.id for c in mine])
        ctx["accounts"] = am_home(actor, clients=[c for c in mine if c.status != "churned"])
    else:
        ctx["feed"] = activity_feed(actor=actor)
    me = _own_person(actor)
    if me is not None:
        ctx["me"] = me
    ctx["resourcing"] = resourcing_home(actor, people=people)
    # The delivery figures and the actor's week: scalar subqueries of one statement.
    figures = workspace_figures(actor.workspace, {**delivery_figures(actor), **my_week_figures(actor)})
    ctx["delivery"] = delivery_home(actor, figures=figures)
    ctx["finance_home"] = finance_home(actor)
    ctx["my_week"] = my_week(actor=actor, figures=figures)

    ctx["handoff_inbox"] = inbox_counts(actor=actor)  # the block shows how many, not which
    return ctx


def _own_person(actor: Actor) -> Person | None:
    """The actor's person, as its membership already carries it (read with the membership on every request)."""
    if not actor.person_id:
        return None
    person = getattr(actor.membership, "person", None) if actor.membership is not None else None
    if person is None or person.pk != actor.person_id:
        person = Person.objects.filter(pk=actor.person_id).first()
    return person


def _top_skills(people: list[Person]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for person in people:
        for skill in person.skills or []:
            counts[skill] = counts.get(skill, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:8]
