"""Shared test personas: one workspace with every role, a client-role user of client A, and an outsider who owns
another workspace. Every permission test uses these (see conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.test import Client as HttpClient

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.services import api_token_create
from baton.crm.models import Client, Contact
from baton.crm.services import client_create, contact_create
from baton.people.models import Person
from baton.people.services import person_create, workspace_create

PASSWORD = "persona-pass-1"
PERSONA_NAMES = ("owner", "admin", "finance", "am", "pm", "member", "client_a", "outsider")
ROLE_OF = {
    "owner": "owner",
    "admin": "admin",
    "finance": "finance",
    "am": "account_manager",
    "pm": "project_manager",
    "member": "member",
    "client_a": "client",
    "outsider": "owner",
}


@dataclass
class Persona:
    name: str
    person: Person
    actor: Actor
    token: str
    email: str

    def api(self) -> HttpClient:
        """A test client that sends this persona's bearer token."""
        return HttpClient(headers={"Authorization": f"Bearer {self.token}"})


@dataclass
class Personas:
    workspace: Workspace
    other_workspace: Workspace
    client_a: Client  # managed by `am`
    client_b: Client  # managed by nobody in particular (admin)
    contact_a: Contact
    other_client: Client  # in the other workspace
    other_contact: Contact
    by_name: dict[str, Persona] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Persona:
        return self.by_name[name]


def _persona(name: str, person: Person) -> Persona:
    actor = Actor.for_membership(person.membership)
    _, raw = api_token_create(actor=Actor.system(person.workspace), user=person.membership.user)
    return Persona(name=name, person=person, actor=actor, token=raw, email=person.email)


def make_personas() -> Personas:
    ws = workspace_create(
        slug="studio",
        name="Studio",
        currency="USD",
        owner_email="owner@studio.test",
        owner_password=PASSWORD,
        owner_name="Olive Owner",
    )
    other = workspace_create(
        slug="elsewhere",
        name="Elsewhere",
        currency="EUR",
        owner_email="outsider@elsewhere.test",
        owner_password=PASSWORD,
        owner_name="Otto Outsider",
    )
    system = Actor.system(ws)
    people: dict[str, Person] = {"owner": Person.objects.get(workspace=ws, email="owner@studio.test")}
    for name, role, title in [
        ("admin", "admin", "Operations"),
        ("finance", "finance", "Finance lead"),
        ("am", "account_manager", "Account manager"),
        ("pm", "project_manager", "Delivery lead"),
        ("member", "member", "Designer"),
    ]:
        people[name] = person_create(
            actor=system,
            name=f"{name.title()} Persona",
            email=f"{name}@studio.test",
            role=role,
            title=title,
            cost_rate=Decimal("50.00"),
            bill_rate=Decimal("120.00"),
            password=PASSWORD,
        )
    client_a = client_create(actor=system, name="Client A", account_manager_id=people["am"].id)
    client_b = client_create(actor=system, name="Client B", account_manager_id=people["admin"].id)
    contact_a = contact_create(actor=system, client=client_a, name="Cara Contact", email="cara@a.test", is_primary=True)
    people["client_a"] = person_create(
        actor=system,
        name="Portal User A",
        email="portal@a.test",
        role="client",
        client_id=client_a.id,
        password=PASSWORD,
    )
    other_system = Actor.system(other)
    other_client = client_create(actor=other_system, name="Other Client")
    other_contact = contact_create(actor=other_system, client=other_client, name="Other Contact")
    people["outsider"] = Person.objects.get(workspace=other, email="outsider@elsewhere.test")
    personas = Personas(
        workspace=ws,
        other_workspace=other,
        client_a=client_a,
        client_b=client_b,
        contact_a=contact_a,
        other_client=other_client,
        other_contact=other_contact,
    )
    for name in PERSONA_NAMES:
        personas.by_name[name] = _persona(name, people[name])
    return personas
