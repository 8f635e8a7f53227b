"""The access matrix: every API operation, called by every persona, is allowed or denied exactly as written here.

The expectations below are written out literally (not derived from baton.core.access.POLICY), so an accidental
policy change fails this file. Every operation in the generated OpenAPI schema must have a row in EXPECTED and a
request recipe in RECIPES, so a new endpoint cannot ship without deciding who may call it. For a new kind of
record, also create one in each workspace in the `world` fixture and name its id in World.targets/foreign_targets
(the path parameter's name, e.g. `project_id`), so the other-workspace 404 check covers it too.

The personas are built once for the module inside an outer transaction; each test runs in its own savepoint
(pytest-django's `db`), so tests that write cannot leak into each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from baton.api import api
from baton.core.access import POLICY, Actor
from baton.core.models import Event, Workspace
from baton.core.testing import PERSONA_NAMES, Personas, make_personas
from baton.crm.models import Client, Contact
from baton.crm.services import contact_create
from baton.people.models import Person
from baton.people.services import person_create

PERSONAS = list(PERSONA_NAMES)  # owner, admin, finance, am, pm, member, client_a, outsider

# Who may do what. `outsider` owns another workspace and acts there on that workspace's own records, so it is
# allowed wherever an owner is. Denials answer 403 unless a role-specific status is given (a client-role user is
# not told that a person exists: 404).
EVERYONE = frozenset({"owner", "admin", "finance", "am", "pm", "member", "client_a", "outsider"})
STAFF = frozenset({"owner", "admin", "finance", "am", "pm", "member", "outsider"})
OWNERS = frozenset({"owner", "outsider"})
LEADERS = frozenset({"owner", "admin", "outsider"})
CLIENT_WRITERS = frozenset({"owner", "admin", "am", "outsider"})


@dataclass(frozen=True)
class Row:
    success: int
    allowed: frozenset[str]
    denied_status: tuple[tuple[str, int], ...] = ()

    def expected_status(self, persona: str) -> int:
        if persona in self.allowed:
            return self.success
        return dict(self.denied_status).get(persona, 403)


EXPECTED: dict[tuple[str, str], Row] = {
    ("GET", "/api/v1/events"): Row(200, STAFF),
    ("GET", "/api/v1/me"): Row(200, EVERYONE),
    ("GET", "/api/v1/workspace"): Row(200, EVERYONE),
    ("PATCH", "/api/v1/workspace"): Row(200, OWNERS),
    ("GET", "/api/v1/people"): Row(200, STAFF),
    ("POST", "/api/v1/people"): Row(201, LEADERS),
    ("GET", "/api/v1/people/{person_id}"): Row(200, STAFF, (("client_a", 404),)),
    ("PATCH", "/api/v1/people/{person_id}"): Row(200, LEADERS, (("client_a", 404),)),
    ("POST", "/api/v1/people/{person_id}/archive"): Row(200, LEADERS, (("client_a", 404),)),
    ("GET", "/api/v1/clients"): Row(200, EVERYONE),
    ("POST", "/api/v1/clients"): Row(201, CLIENT_WRITERS),
    ("GET", "/api/v1/clients/{client_id}"): Row(200, EVERYONE),  # the target is client A, the portal user's own
    ("PATCH", "/api/v1/clients/{client_id}"): Row(200, CLIENT_WRITERS),  # am manages client A
    ("POST", "/api/v1/clients/{client_id}/archive"): Row(200, LEADERS),
    ("POST", "/api/v1/clients/{client_id}/unarchive"): Row(200, LEADERS),
    ("GET", "/api/v1/contacts"): Row(200, EVERYONE),
    ("POST", "/api/v1/contacts"): Row(201, CLIENT_WRITERS),
    ("GET", "/api/v1/contacts/{contact_id}"): Row(200, EVERYONE),
    ("PATCH", "/api/v1/contacts/{contact_id}"): Row(200, CLIENT_WRITERS),
    ("DELETE", "/api/v1/contacts/{contact_id}"): Row(204, CLIENT_WRITERS),
}

# A literal copy of the foundation's policy table: changing these rows of access.POLICY must be a deliberate edit
# here too.
EXPECTED_POLICY = {
    ("workspace", "view"): {"owner", "admin", "finance", "account_manager", "project_manager", "member", "client"},
    ("workspace", "update"): {"owner"},
    ("person", "view"): {"owner", "admin", "finance", "account_manager", "project_manager", "member"},
    ("person", "create"): {"owner", "admin"},
    ("person", "update"): {"owner", "admin"},
    ("person", "archive"): {"owner", "admin"},
    ("person", "view_rates"): {"owner", "admin", "finance", "account_manager", "project_manager"},
    ("client", "view"): {"owner", "admin", "finance", "account_manager", "project_manager", "member", "client"},
    ("client", "create"): {"owner", "admin", "account_manager"},
    ("client", "update"): {"owner", "admin", "account_manager"},
    ("client", "archive"): {"owner", "admin"},
    ("contact", "view"): {"owner", "admin", "finance", "account_manager", "project_manager", "member", "client"},
    ("contact", "create"): {"owner", "admin", "account_manager"},
    ("contact", "update"): {"owner", "admin", "account_manager"},
    ("contact", "delete"): {"owner", "admin", "account_manager"},
    ("event", "view"): {"owner", "admin", "finance", "account_manager", "project_manager", "member"},
    ("financials", "view"): {"owner", "admin", "finance", "account_manager", "project_manager"},
}


def schema_operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        for method in methods:
            ops.append((method.upper(), path))
    return sorted(ops)


OPERATIONS = schema_operations()


# --- The world the matrix runs in -----------------------------------------------------------------------------


@dataclass
class World:
    personas: Personas
    contact_b: Contact  # a contact of client B (managed by admin, not by am)
    other_member: Person  # a plain member of the other workspace

    def persona(self, name: str) -> Any:
        return self.personas[name]

    def targets(self, persona: str) -> dict[str, int]:
        """The records a persona acts on: its own workspace's (the outsider's workspace is the other one)."""
        p = self.personas
        if persona == "outsider":
            return {
                "workspace": p.other_workspace.id,
                "person_id": self.other_member.id,
                "client_id": p.other_client.id,
                "contact_id": p.other_contact.id,
            }
        return {
            "workspace": p.workspace.id,
            "person_id": p["member"].person.id,
            "client_id": p.client_a.id,
            "contact_id": p.contact_a.id,
        }

    def foreign_targets(self, persona: str) -> dict[str, int]:
        """Records of the workspace the persona does *not* belong to."""
        p = self.personas
        if persona == "outsider":
            return {
                "workspace": p.workspace.id,
                "person_id": p["member"].person.id,
                "client_id": p.client_a.id,
                "contact_id": p.contact_a.id,
            }
        return {
            "workspace": p.other_workspace.id,
            "person_id": p["outsider"].person.id,
            "client_id": p.other_client.id,
            "contact_id": p.other_contact.id,
        }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Personas built once for the whole module, rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            personas = make_personas()
            contact_b = contact_create(
                actor=Actor.system(personas.workspace), client=personas.client_b, name="Bea Contact"
            )
            other_member = person_create(
                actor=Actor.system(personas.other_workspace),
                name="Other Member",
                email="member@elsewhere.test",
                role="member",
            )
            yield World(personas=personas, contact_b=contact_b, other_member=other_member)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- How to call each operation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    url: str
    body: dict[str, Any] | None = None
    if_match: int | None = None


def _version(model: type, pk: int) -> int:
    return model.objects.get(pk=pk).version


Recipe = Callable[[dict[str, int], str], Call]

RECIPES: dict[tuple[str, str], Recipe] = {
    ("GET", "/api/v1/events"): lambda t, who: Call("/api/v1/events"),
    ("GET", "/api/v1/me"): lambda t, who: Call("/api/v1/me"),
    ("GET", "/api/v1/workspace"): lambda t, who: Call("/api/v1/workspace"),
    ("PATCH", "/api/v1/workspace"): lambda t, who: Call(
        "/api/v1/workspace", {"name": f"Renamed by {who}"}, _version(Workspace, t["workspace"])
    ),
    ("GET", "/api/v1/people"): lambda t, who: Call("/api/v1/people"),
    ("POST", "/api/v1/people"): lambda t, who: Call(
        "/api/v1/people", {"name": f"New {who}", "email": f"new-{who}@matrix.test", "role": "member"}
    ),
    ("GET", "/api/v1/people/{person_id}"): lambda t, who: Call(f"/api/v1/people/{t['person_id']}"),
    ("PATCH", "/api/v1/people/{person_id}"): lambda t, who: Call(
        f"/api/v1/people/{t['person_id']}", {"title": f"Retitled by {who}"}, _version(Person, t["person_id"])
    ),
    ("POST", "/api/v1/people/{person_id}/archive"): lambda t, who: Call(f"/api/v1/people/{t['person_id']}/archive"),
    ("GET", "/api/v1/clients"): lambda t, who: Call("/api/v1/clients"),
    ("POST", "/api/v1/clients"): lambda t, who: Call("/api/v1/clients", {"name": f"New client of {who}"}),
    ("GET", "/api/v1/clients/{client_id}"): lambda t, who: Call(f"/api/v1/clients/{t['client_id']}"),
    ("PATCH", "/api/v1/clients/{client_id}"): lambda t, who: Call(
        f"/api/v1/clients/{t['client_id']}", {"notes": f"Noted by {who}"}, _version(Client, t["client_id"])
    ),
    ("POST", "/api/v1/clients/{client_id}/archive"): lambda t, who: Call(f"/api/v1/clients/{t['client_id']}/archive"),
    ("POST", "/api/v1/clients/{client_id}/unarchive"): lambda t, who: Call(
        f"/api/v1/clients/{t['client_id']}/unarchive"
    ),
    ("GET", "/api/v1/contacts"): lambda t, who: Call("/api/v1/contacts"),
    ("POST", "/api/v1/contacts"): lambda t, who: Call(
        "/api/v1/contacts", {"client_id": t["client_id"], "name": f"Contact by {who}"}
    ),
    ("GET", "/api/v1/contacts/{contact_id}"): lambda t, who: Call(f"/api/v1/contacts/{t['contact_id']}"),
    ("PATCH", "/api/v1/contacts/{contact_id}"): lambda t, who: Call(
        f"/api/v1/contacts/{t['contact_id']}", {"role": f"Set by {who}"}, _version(Contact, t["contact_id"])
    ),
    ("DELETE", "/api/v1/contacts/{contact_id}"): lambda t, who: Call(f"/api/v1/contacts/{t['contact_id']}"),
}


def _prepare(method: str, path: str, targets: dict[str, int]) -> None:
    """Put the target in a state where the operation really changes something."""
    if path.endswith("/unarchive"):
        from django.utils import timezone

        Client.objects.filter(pk=targets["client_id"]).update(archived_at=timezone.now())


def send(client: Any, method: str, call: Call) -> Any:
    headers = {"If-Match": str(call.if_match)} if call.if_match is not None else {}
    kwargs: dict[str, Any] = {"headers": headers}
    if call.body is not None:
        kwargs.update(data=call.body, content_type="application/json")
    return getattr(client, method.lower())(call.url, **kwargs)


def state(workspace_ids: list[int]) -> dict[str, Any]:
    """Everything a write could touch, for asserting that a refused write changed nothing."""
    return {
        "events": Event.objects.filter(workspace_id__in=workspace_ids).count(),
        "people": sorted(
            Person.objects.filter(workspace_id__in=workspace_ids).values_list("id", "version", "active", "title")
        ),
        "clients": sorted(
            Client.objects.filter(workspace_id__in=workspace_ids).values_list("id", "version", "archived_at", "notes")
        ),
        "contacts": sorted(
            Contact.objects.filter(workspace_id__in=workspace_ids).values_list("id", "version", "role", "is_primary")
        ),
        "workspaces": sorted(Workspace.objects.filter(id__in=workspace_ids).values_list("id", "version", "name")),
    }


def both_workspaces(world: World) -> list[int]:
    return [world.personas.workspace.id, world.personas.other_workspace.id]


# --- Completeness ---------------------------------------------------------------------------------------------


def test_every_schema_operation_has_an_expectation_row():
    missing = [op for op in OPERATIONS if op not in EXPECTED]
    assert not missing, f"Add these operations to EXPECTED (who may call them?): {missing}"
    stale = [op for op in EXPECTED if op not in OPERATIONS]
    assert not stale, f"EXPECTED names operations the API no longer has: {stale}"


def test_every_schema_operation_has_a_recipe():
    assert sorted(RECIPES) == OPERATIONS


def test_access_policy_is_unchanged():
    """The foundation's resources keep exactly this policy (later apps' resources are covered by their own tests)."""
    foundation = {resource for resource, _ in EXPECTED_POLICY}
    current = {k: set(v) for k, v in POLICY.items() if k[0] in foundation}
    assert current == EXPECTED_POLICY


# --- The matrix -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_access_matrix(world, db, method, path, persona):
    assert (method, path) in EXPECTED, f"{method} {path} has no row in EXPECTED"
    assert (method, path) in RECIPES, f"{method} {path} has no request recipe in RECIPES"
    row = EXPECTED[(method, path)]
    expected = row.expected_status(persona)
    targets = world.targets(persona)
    _prepare(method, path, targets)
    before = state(both_workspaces(world))

    response = send(world.persona(persona).api(), method, RECIPES[(method, path)](targets, persona))

    assert response.status_code == expected, (persona, method, path, response.content[:400])
    after = state(both_workspaces(world))
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == expected
        assert after == before, "a refused call changed data"
    elif method != "GET":
        # Every allowed write changes state and appends to the event log.
        assert after != before
        assert after["events"] > before["events"]
    else:
        assert after == before
        body = response.json()
        if "{" in path:
            assert body["id"] == next(v for k, v in targets.items() if "{" + k + "}" in path)
        elif "count" in body:
            assert body["count"] == len(body["results"]) > 0


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("method", "path"),
    [op for op in OPERATIONS if "{" in op[1]],
    ids=[f"{m} {p}" for m, p in OPERATIONS if "{" in p],
)
def test_other_workspace_ids_answer_404(world, db, method, path, persona):
    """A record of another workspace is never found, whatever the role, and nothing about it changes."""
    assert (method, path) in RECIPES, f"{method} {path} has no request recipe in RECIPES"
    targets = world.foreign_targets(persona)
    before = state(both_workspaces(world))
    response = send(world.persona(persona).api(), method, RECIPES[(method, path)](targets, persona))
    assert response.status_code == 404, (persona, method, path, response.content[:400])
    assert response["Content-Type"] == "application/problem+json"
    assert "Other" not in response.content.decode() and "Client A" not in response.content.decode()
    assert state(both_workspaces(world)) == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_other_workspace_client_cannot_receive_contacts(world, db, persona):
    """POST /contacts takes the client in the body: another workspace's client is an unknown client_id."""
    targets = world.foreign_targets(persona)
    before = state(both_workspaces(world))
    response = (
        world.persona(persona)
        .api()
        .post(
            "/api/v1/contacts", {"client_id": targets["client_id"], "name": "Sneaky"}, content_type="application/json"
        )
    )
    if persona in CLIENT_WRITERS:
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["client_id"]
    else:
        # Roles that may not create contacts at all learn nothing either: the client is unknown to them too.
        assert response.status_code in (403, 422)
    assert state(both_workspaces(world)) == before


@pytest.mark.parametrize("persona", ["owner", "admin", "finance", "am", "pm", "member", "client_a"])
def test_lists_never_show_the_other_workspace(world, db, persona):
    api_client = world.persona(persona).api()
    for url in ("/api/v1/clients", "/api/v1/contacts", "/api/v1/people", "/api/v1/events"):
        response = api_client.get(url + "?limit=500")
        if response.status_code == 403:
            continue
        assert response.status_code == 200
        text = response.content.decode()
        assert "Other Client" not in text and "Other Contact" not in text and "elsewhere.test" not in text, url


# --- Object-level rules ---------------------------------------------------------------------------------------


def test_am_may_patch_own_client_but_not_another(world, db):
    p = world.personas
    am = p["am"].api()
    ok = am.patch(
        f"/api/v1/clients/{p.client_a.id}",
        {"notes": "mine"},
        content_type="application/json",
        headers={"If-Match": str(_version(Client, p.client_a.id))},
    )
    assert ok.status_code == 200
    assert ok.json()["notes"] == "mine"

    before = Client.objects.values("version", "notes").get(pk=p.client_b.id)
    denied = am.patch(
        f"/api/v1/clients/{p.client_b.id}",
        {"notes": "not mine"},
        content_type="application/json",
        headers={"If-Match": str(before["version"])},
    )
    assert denied.status_code == 403
    assert denied.json()["title"] == "Forbidden"
    assert Client.objects.values("version", "notes").get(pk=p.client_b.id) == before
    # ...but the AM may still read client B.
    assert am.get(f"/api/v1/clients/{p.client_b.id}").status_code == 200


def test_am_may_not_touch_contacts_of_a_client_outside_the_portfolio(world, db):
    p = world.personas
    am = p["am"].api()
    contact_b = world.contact_b
    before = state(both_workspaces(world))
    assert am.get(f"/api/v1/contacts/{contact_b.id}").status_code == 200
    assert (
        am.patch(
            f"/api/v1/contacts/{contact_b.id}",
            {"role": "x"},
            content_type="application/json",
            headers={"If-Match": "1"},
        ).status_code
        == 403
    )
    assert am.delete(f"/api/v1/contacts/{contact_b.id}").status_code == 403
    assert (
        am.post(
            "/api/v1/contacts", {"client_id": p.client_b.id, "name": "Nope"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert am.post(f"/api/v1/clients/{p.client_a.id}/archive").status_code == 403
    assert state(both_workspaces(world)) == before
    # Within the portfolio the AM may add a contact.
    assert (
        am.post(
            "/api/v1/contacts", {"client_id": p.client_a.id, "name": "Yes"}, content_type="application/json"
        ).status_code
        == 201
    )


def test_client_user_sees_only_its_own_client_and_contacts(world, db):
    p = world.personas
    portal = p["client_a"].api()

    clients = portal.get("/api/v1/clients").json()
    assert clients["count"] == 1
    assert [c["name"] for c in clients["results"]] == ["Client A"]

    contacts = portal.get("/api/v1/contacts").json()
    assert contacts["count"] == 1
    assert {c["client_id"] for c in contacts["results"]} == {p.client_a.id}
    # Asking for client B's contacts by filter yields nothing, not B's contacts.
    assert portal.get(f"/api/v1/contacts?client_id={p.client_b.id}").json()["count"] == 0

    assert portal.get(f"/api/v1/clients/{p.client_a.id}").status_code == 200
    assert portal.get(f"/api/v1/clients/{p.client_b.id}").status_code == 404
    assert portal.get(f"/api/v1/contacts/{world.contact_b.id}").status_code == 404
    people = portal.get("/api/v1/people")
    assert people.status_code == 403
    assert people["Content-Type"] == "application/problem+json"
    assert portal.get(f"/api/v1/people/{p['am'].person.id}").status_code == 404
    assert portal.get("/api/v1/events").status_code == 403
    me = portal.get("/api/v1/me").json()
    assert me["role"] == "client" and me["client_id"] == p.client_a.id


def test_member_sees_people_without_rates(world, db):
    p = world.personas
    member = p["member"].api()
    listing = member.get("/api/v1/people")
    assert listing.status_code == 200
    rows = listing.json()["results"]
    assert len(rows) == 7
    assert all(r["cost_rate"] is None and r["bill_rate"] is None for r in rows)
    one = member.get(f"/api/v1/people/{p['am'].person.id}").json()
    assert one["cost_rate"] is None and one["bill_rate"] is None
    assert "50.00" not in listing.content.decode() and "120.00" not in listing.content.decode()


@pytest.mark.parametrize("persona", ["owner", "admin", "finance", "am", "pm"])
def test_rate_roles_see_rates(world, db, persona):
    p = world.personas
    one = p[persona].api().get(f"/api/v1/people/{p['am'].person.id}").json()
    assert one["cost_rate"] == "50.00"
    assert one["bill_rate"] == "120.00"
