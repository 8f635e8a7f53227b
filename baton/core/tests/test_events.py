"""The event log: every state-changing service call appends the right verb, with its actor and target; the API
filters it; a rolled-back call leaves neither an event nor a half-saved record."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import events
from baton.core.models import Event, Membership, User, Workspace
from baton.core.services import workspace_update
from baton.crm import services as crm
from baton.crm.models import Client, Contact
from baton.people import services as people
from baton.people.models import Person
from baton.people.services import workspace_create


def new_events(since_id: int) -> list[Event]:
    return list(Event.objects.filter(id__gt=since_id).order_by("id"))


def last_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def assert_events(since_id, expected, *, actor_id, target_type, target_id, workspace):
    got = new_events(since_id)
    assert [e.verb for e in got] == expected
    for event in got:
        assert event.actor_id == actor_id
        assert event.target_type == target_type
        assert event.target_id == target_id
        assert event.workspace_id == workspace.id
    return got


# --- People ---------------------------------------------------------------------------------------------------


def test_person_create_update_role_change_archive_events(personas):
    owner = personas["owner"]
    start = last_id()
    person = people.person_create(
        actor=owner.actor, name="Nia New", email="nia@studio.test", role="member", cost_rate=Decimal("40.00")
    )
    (created,) = assert_events(
        start,
        ["person.created"],
        actor_id=owner.person.id,
        target_type="person",
        target_id=person.id,
        workspace=personas.workspace,
    )
    assert created.data == {"name": "Nia New", "email": "nia@studio.test", "role": "member"}
    assert created.actor_name == "Olive Owner"
    assert created.target_label == "Nia New"

    start = last_id()
    person = people.person_update(actor=owner.actor, person=person, version=person.version, title="Illustrator")
    (updated,) = assert_events(
        start,
        ["person.updated"],
        actor_id=owner.person.id,
        target_type="person",
        target_id=person.id,
        workspace=personas.workspace,
    )
    assert updated.data == {"changes": {"title": ["", "Illustrator"]}}

    start = last_id()
    person = people.person_update(actor=owner.actor, person=person, version=person.version, role="project_manager")
    got = assert_events(
        start,
        ["person.updated", "person.role_changed"],
        actor_id=owner.person.id,
        target_type="person",
        target_id=person.id,
        workspace=personas.workspace,
    )
    assert got[1].data == {"from": "member", "to": "project_manager"}
    assert Membership.objects.get(pk=person.membership_id).role == "project_manager"

    start = last_id()
    people.person_archive(actor=owner.actor, person=person)
    archived, _ = assert_events(
        start,
        ["person.updated", "person.archived"],
        actor_id=owner.person.id,
        target_type="person",
        target_id=person.id,
        workspace=personas.workspace,
    )
    assert archived.data == {"changes": {"active": [True, False]}}
    assert Membership.objects.get(pk=person.membership_id).is_active is False

    # Archiving again changes nothing and appends nothing.
    start = last_id()
    people.person_archive(actor=owner.actor, person=Person.objects.get(pk=person.id))
    assert new_events(start) == []


def test_update_without_real_change_appends_nothing(personas):
    owner = personas["owner"]
    person = personas["member"].person
    start = last_id()
    same = people.person_update(actor=owner.actor, person=person, version=person.version, title=person.title)
    assert same.version == person.version
    assert new_events(start) == []


# --- Clients --------------------------------------------------------------------------------------------------


def test_client_lifecycle_events(personas):
    admin = personas["admin"]
    start = last_id()
    client = crm.client_create(actor=admin.actor, name="Lifecycle Ltd", status="prospect")
    (created,) = assert_events(
        start,
        ["client.created"],
        actor_id=admin.person.id,
        target_type="client",
        target_id=client.id,
        workspace=personas.workspace,
    )
    assert created.client_id == client.id
    assert created.data == {"name": "Lifecycle Ltd", "status": "prospect", "account_manager_id": None}

    start = last_id()
    client = crm.client_update(actor=admin.actor, client=client, version=client.version, industry="Retail")
    (updated,) = assert_events(
        start,
        ["client.updated"],
        actor_id=admin.person.id,
        target_type="client",
        target_id=client.id,
        workspace=personas.workspace,
    )
    assert updated.data == {"changes": {"industry": ["", "Retail"]}}

    start = last_id()
    am_id = personas["am"].person.id
    client = crm.client_update(
        actor=admin.actor, client=client, version=client.version, status="active", account_manager_id=am_id
    )
    got = assert_events(
        start,
        ["client.updated", "client.status_changed", "client.am_changed"],
        actor_id=admin.person.id,
        target_type="client",
        target_id=client.id,
        workspace=personas.workspace,
    )
    assert got[1].data == {"from": "prospect", "to": "active"}
    assert got[2].data == {"from": None, "to": am_id}

    start = last_id()
    client = crm.client_archive(actor=admin.actor, client=client)
    assert_events(
        start,
        ["client.archived"],
        actor_id=admin.person.id,
        target_type="client",
        target_id=client.id,
        workspace=personas.workspace,
    )
    assert Client.objects.get(pk=client.id).archived_at is not None

    start = last_id()
    crm.client_archive(actor=admin.actor, client=client)  # twice is harmless and silent
    assert new_events(start) == []

    start = last_id()
    client = crm.client_unarchive(actor=admin.actor, client=client)
    assert_events(
        start,
        ["client.unarchived"],
        actor_id=admin.person.id,
        target_type="client",
        target_id=client.id,
        workspace=personas.workspace,
    )
    assert Client.objects.get(pk=client.id).archived_at is None


def test_contact_events(personas):
    am = personas["am"]
    start = last_id()
    contact = crm.contact_create(actor=am.actor, client=personas.client_a, name="Dee", email="DEE@A.test")
    (created,) = assert_events(
        start,
        ["contact.created"],
        actor_id=am.person.id,
        target_type="contact",
        target_id=contact.id,
        workspace=personas.workspace,
    )
    assert created.client_id == personas.client_a.id
    assert created.data == {"name": "Dee", "is_primary": False}

    start = last_id()
    contact = crm.contact_update(actor=am.actor, contact=contact, version=contact.version, phone="+1 555")
    (updated,) = assert_events(
        start,
        ["contact.updated"],
        actor_id=am.person.id,
        target_type="contact",
        target_id=contact.id,
        workspace=personas.workspace,
    )
    assert updated.data == {"changes": {"phone": ["", "+1 555"]}}

    start = last_id()
    contact_id = contact.id
    crm.contact_delete(actor=am.actor, contact=contact)
    (deleted,) = assert_events(
        start,
        ["contact.deleted"],
        actor_id=am.person.id,
        target_type="contact",
        target_id=contact_id,
        workspace=personas.workspace,
    )
    assert deleted.data == {"name": "Dee"}
    assert deleted.client_id == personas.client_a.id
    assert not Contact.objects.filter(pk=contact_id).exists()


def test_workspace_events(personas):
    owner = personas["owner"]
    start = last_id()
    ws = workspace_update(actor=owner.actor, version=personas.workspace.version, max_portfolio_size=8)
    assert_events(
        start,
        ["workspace.updated"],
        actor_id=owner.person.id,
        target_type="workspace",
        target_id=ws.id,
        workspace=personas.workspace,
    )
    assert Event.objects.filter(verb="workspace.created", target_id=personas.workspace.id).count() == 1


def test_api_writes_record_the_calling_person(personas):
    am = personas["am"]
    response = am.api().post("/api/v1/clients", {"name": "Via API"}, content_type="application/json")
    assert response.status_code == 201
    event = Event.objects.get(verb="client.created", target_id=response.json()["id"])
    assert event.actor_id == am.person.id
    assert event.actor_name == "Am Persona"


def test_subscribers_run_only_after_commit(personas, django_capture_on_commit_callbacks):
    seen: list[str] = []
    callback = events.subscribe(lambda e: seen.append(e.verb))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            crm.client_create(actor=personas["admin"].actor, name="Subscribed")
        assert seen == ["client.created"]

        seen.clear()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(ValidationError), transaction.atomic():
                crm.client_create(actor=personas["admin"].actor, name="Rolled back")
                raise ValidationError("boom")
        assert seen == []
        assert callbacks == []
        assert not Client.objects.filter(name="Rolled back").exists()
    finally:
        events._subscribers.remove(callback)


# --- Rolled-back calls leave nothing --------------------------------------------------------------------------


def test_failed_person_create_leaves_no_event_user_membership_or_person(personas):
    counts = (Event.objects.count(), User.objects.count(), Membership.objects.count(), Person.objects.count())
    response = (
        personas["owner"]
        .api()
        .post(
            "/api/v1/people",
            {
                "name": "Wrong Link",
                "email": "wrong-link@studio.test",
                "role": "member",
                "client_id": personas.client_a.id,
            },
            content_type="application/json",
        )
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["client_id"]
    assert (Event.objects.count(), User.objects.count(), Membership.objects.count(), Person.objects.count()) == counts
    assert not User.objects.filter(email="wrong-link@studio.test").exists()


def test_person_create_with_unknown_client_is_422_and_leaves_nothing(personas):
    counts = (Event.objects.count(), User.objects.count(), Membership.objects.count(), Person.objects.count())
    response = (
        personas["owner"]
        .api()
        .post(
            "/api/v1/people",
            {"name": "Ghost Portal", "email": "ghost@a.test", "role": "client", "client_id": 987654},
            content_type="application/json",
        )
    )
    assert response.status_code == 422
    assert "client_id" in {e["field"] for e in response.json()["errors"]}
    assert (Event.objects.count(), User.objects.count(), Membership.objects.count(), Person.objects.count()) == counts


def test_person_create_with_other_workspace_client_is_422(personas):
    response = (
        personas["owner"]
        .api()
        .post(
            "/api/v1/people",
            {"name": "Cross", "email": "cross@a.test", "role": "client", "client_id": personas.other_client.id},
            content_type="application/json",
        )
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"client_id"}
    assert not User.objects.filter(email="cross@a.test").exists()


def test_workspace_create_rolls_back_completely_when_the_owner_is_invalid(db):
    """The workspace row and its `workspace.created` event are written before the owner; a bad owner undoes all."""
    with pytest.raises(ValidationError) as exc:
        workspace_create(slug="doomed", name="Doomed", owner_email="not-an-email", owner_password="pw-123456")
    assert "email" in exc.value.message_dict
    assert not Workspace.objects.filter(slug="doomed").exists()
    assert not Event.objects.exists()
    assert not User.objects.exists()
    assert not Membership.objects.exists()


def test_failed_client_update_leaves_no_event(personas):
    client = Client.objects.get(pk=personas.client_a.id)
    start = last_id()
    with pytest.raises(ValidationError):
        crm.client_update(
            actor=personas["owner"].actor, client=client, version=client.version, name="Client B", industry="Retail"
        )
    assert new_events(start) == []
    fresh = Client.objects.get(pk=client.id)
    assert (fresh.name, fresh.industry, fresh.version) == ("Client A", "", client.version)


def test_refused_write_leaves_no_event(personas):
    start = last_id()
    with pytest.raises(PermissionDenied):
        crm.client_create(actor=personas["member"].actor, name="Not allowed")
    assert new_events(start) == []
    assert not Client.objects.filter(name="Not allowed").exists()


# --- GET /events ----------------------------------------------------------------------------------------------


def _events(api, **params):
    response = api.get("/api/v1/events?" + urlencode(params))
    assert response.status_code == 200, response.content
    return response.json()


def test_event_api_filters(personas):
    admin = personas["admin"]
    api = personas["owner"].api()
    client = crm.client_create(actor=admin.actor, name="Filtered Co")
    crm.client_update(actor=admin.actor, client=client, version=client.version, notes="n")
    crm.contact_create(actor=admin.actor, client=client, name="Fil Contact")

    by_verb = _events(api, verb="client.created")
    assert {e["target_label"] for e in by_verb["results"]} == {"Client A", "Client B", "Filtered Co"}
    assert all(e["verb"] == "client.created" for e in by_verb["results"])
    assert by_verb["count"] == 3

    prefix = _events(api, verb="client", target_id=client.id)
    assert [e["verb"] for e in prefix["results"]] == ["client.updated", "client.created"]  # newest first

    by_type = _events(api, target_type="contact")
    assert {e["target_label"] for e in by_type["results"]} == {"Cara Contact", "Fil Contact"}

    target = _events(api, target_type="client", target_id=client.id, order="asc")
    assert [e["verb"] for e in target["results"]] == ["client.created", "client.updated"]
    first = target["results"][0]
    assert set(first) >= {"id", "verb", "actor_id", "target_type", "target_id", "data", "occurred_at"}
    assert first["actor_id"] == admin.person.id
    assert first["target_id"] == client.id

    about_client = _events(api, client_id=client.id)
    assert {e["verb"] for e in about_client["results"]} == {"client.created", "client.updated", "contact.created"}


def test_event_api_since(personas):
    api = personas["owner"].api()
    old = Event.objects.create(
        workspace=personas.workspace,
        verb="client.updated",
        target_type="client",
        target_id=personas.client_a.id,
        occurred_at=timezone.now() - timedelta(days=3),
    )
    cutoff = timezone.now() - timedelta(days=1)
    recent = _events(api, since=cutoff.isoformat(), limit=500)
    ids = {e["id"] for e in recent["results"]}
    assert old.id not in ids
    assert recent["count"] == Event.objects.filter(workspace=personas.workspace, occurred_at__gte=cutoff).count() > 0
    everything = _events(api, since=(timezone.now() - timedelta(days=4)).isoformat(), limit=500)
    assert old.id in {e["id"] for e in everything["results"]}
    assert _events(api, since=(timezone.now() + timedelta(minutes=1)).isoformat())["count"] == 0


def test_event_api_is_scoped_to_the_workspace(personas):
    studio = _events(personas["owner"].api(), limit=500)
    other = _events(personas["outsider"].api(), limit=500)
    studio_ids = {e["id"] for e in studio["results"]}
    other_ids = {e["id"] for e in other["results"]}
    assert studio_ids and other_ids and not studio_ids & other_ids
    assert studio["count"] == Event.objects.filter(workspace=personas.workspace).count()


def test_event_api_bad_since_is_422(personas):
    response = personas["owner"].api().get("/api/v1/events?since=yesterday")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["since"]
