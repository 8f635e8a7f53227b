"""Reads for people, through the acting membership."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from baton.core import access
from baton.core.access import Actor
from baton.core.selectors import one_or_404
from baton.people.models import Person


def person_list(
    *,
    actor: Actor,
    role: str | None = None,
    active: bool | None = None,
    skill: str | None = None,
    search: str | None = None,
    client_id: int | None = None,
    lead_id: int | None = None,
) -> QuerySet[Person]:
    """People of the actor's workspace; client-role users see nobody (PermissionDenied)."""
    access.require(actor, "person", "view")
    qs = Person.objects.filter(workspace=actor.workspace).select_related("membership")
    if role:
        qs = qs.filter(membership__role=role)
    if active is not None:
        qs = qs.filter(active=active)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if lead_id is not None:
        qs = qs.filter(lead_id=lead_id)
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(email__icontains=search)
    if skill:
        # JSON containment is not portable to SQLite; skills lists are short, so filter in Python by id.
        ids = [pk for pk, skills in qs.values_list("id", "skills") if any(s.lower() == skill.lower() for s in skills)]
        qs = qs.filter(id__in=ids)
    return qs.order_by("name", "id")


def person_get(*, actor: Actor, person_id: int) -> Person:
    """One person of the actor's workspace, or 404 (another workspace's id included)."""
    if actor.is_client:
        raise Http404("No such person.")
    person = one_or_404(
        Person.objects.filter(workspace=actor.workspace, pk=person_id).select_related("membership"), "person"
    )
    return person


def account_managers(*, actor: Actor) -> QuerySet[Person]:
    """People who can own client relationships: active staff, AMs first."""
    return (
        Person.objects.filter(workspace=actor.workspace, active=True)
        .exclude(membership__role="client")
        .select_related("membership")
        .order_by("name")
    )
