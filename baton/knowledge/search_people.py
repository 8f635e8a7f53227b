"""Contacts (crm) and people (people) in search: apps below knowledge, so knowledge registers them itself, through
the same registry as the apps above it (`search_sources.py`). Imported by knowledge's `wiring.py`."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from baton.core.access import Actor
from baton.crm.models import Contact
from baton.crm.selectors import contact_list
from baton.knowledge.search_sources import SearchDoc, SearchSource, register_search_source
from baton.people.models import Person
from baton.people.selectors import person_list


def _join(*parts: object) -> str:
    return "\n".join(str(p).strip() for p in parts if p and str(p).strip())


def contact_documents(contact: Contact) -> list[SearchDoc]:
    body = _join(contact.role, contact.email, contact.phone, contact.notes)
    return [SearchDoc(contact.name, body, contact.client_id)]


def contact_visible(actor: Actor) -> QuerySet[Contact]:
    return contact_list(actor=actor)


def contact_url(actor: Actor, contact_id: int, client_id: int | None) -> str:
    """Contacts are listed on their client's page."""
    return reverse("crm:client_detail", args=[client_id or 0]) + "#contacts"


def person_documents(person: Person) -> list[SearchDoc]:
    return [SearchDoc(person.name, _join(person.title, person.email, *(person.skills or [])))]


def person_visible(actor: Actor) -> QuerySet[Person]:
    return person_list(actor=actor)


def person_url(actor: Actor, person_id: int, client_id: int | None) -> str:
    return reverse("people:detail", args=[person_id])


register_search_source(
    SearchSource(
        kind="contact",
        label="Contact",
        plural="Contacts",
        model=Contact,
        resource="contact",
        documents=contact_documents,
        visible=contact_visible,
        url=contact_url,
    )
)
register_search_source(
    SearchSource(
        kind="person",
        label="Person",
        plural="People",
        model=Person,
        resource="person",
        documents=person_documents,
        visible=person_visible,
        url=person_url,
    )
)
