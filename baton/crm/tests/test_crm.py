"""Clients and contacts: unique names, account managers, currency, one primary contact, archiving."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from baton.core.models import Event
from baton.crm import services
from baton.crm.models import Client, Contact
from baton.people.services import person_archive


def post(api, url, data):
    return api.post(url, data, content_type="application/json")


def patch(api, url, data, version):
    return api.patch(url, data, content_type="application/json", headers={"If-Match": str(version)})


def fields(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


# --- Client names ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Client A", "client a", "CLIENT A", "  Client A  "])
def test_client_name_unique_per_workspace_case_insensitive(personas, name):
    before = Client.objects.count()
    response = post(personas["owner"].api(), "/api/v1/clients", {"name": name})
    assert response.status_code == 422, response.content
    assert fields(response) == {"name"}
    assert Client.objects.count() == before


def test_rename_onto_an_existing_name_is_refused(personas):
    client_b = Client.objects.get(pk=personas.client_b.id)
    response = patch(personas["owner"].api(), f"/api/v1/clients/{client_b.id}", {"name": "client A"}, client_b.version)
    assert response.status_code == 422
    assert fields(response) == {"name"}
    client_b.refresh_from_db()
    assert client_b.name == "Client B"


def test_same_client_name_allowed_in_another_workspace(personas):
    response = post(personas["outsider"].api(), "/api/v1/clients", {"name": "client a"})
    assert response.status_code == 201
    assert response.json()["currency"] == "EUR"  # the other workspace's currency


def test_client_name_unique_in_the_database(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.create(workspace=personas.workspace, name="CLIENT B")


def test_name_is_trimmed(personas):
    response = post(personas["owner"].api(), "/api/v1/clients", {"name": "  Spacey  "})
    assert response.status_code == 201
    assert response.json()["name"] == "Spacey"
    blank = post(personas["owner"].api(), "/api/v1/clients", {"name": "   "})
    assert blank.status_code == 422
    assert fields(blank) == {"name"}


# --- Account managers -----------------------------------------------------------------------------------------


def test_am_creating_a_client_becomes_its_am(personas):
    am = personas["am"]
    response = post(am.api(), "/api/v1/clients", {"name": "Mine Ltd"})
    assert response.status_code == 201
    body = response.json()
    assert body["account_manager_id"] == am.person.id
    assert body["account_manager_name"] == "Am Persona"
    # ...and may then edit it.
    assert patch(am.api(), f"/api/v1/clients/{body['id']}", {"notes": "ok"}, body["version"]).status_code == 200


def test_am_may_name_another_am_on_create(personas):
    other = personas["admin"].person.id
    response = post(personas["am"].api(), "/api/v1/clients", {"name": "Theirs Ltd", "account_manager_id": other})
    assert response.status_code == 201
    assert response.json()["account_manager_id"] == other


def test_leader_creating_a_client_does_not_become_its_am(personas):
    response = post(personas["admin"].api(), "/api/v1/clients", {"name": "Unassigned Ltd"})
    assert response.status_code == 201
    assert response.json()["account_manager_id"] is None


def test_account_manager_must_be_an_active_staff_person_of_the_workspace(personas):
    api = personas["owner"].api()
    cases = {
        "unknown": 987654,
        "other workspace": personas["outsider"].person.id,
        "portal user": personas["client_a"].person.id,
    }
    for label, person_id in cases.items():
        response = post(api, "/api/v1/clients", {"name": f"Bad AM {label}", "account_manager_id": person_id})
        assert response.status_code == 422, label
        assert fields(response) == {"account_manager_id"}, label
    person_archive(actor=personas["owner"].actor, person=personas["pm"].person)
    response = post(api, "/api/v1/clients", {"name": "Bad AM inactive", "account_manager_id": personas["pm"].person.id})
    assert response.status_code == 422
    assert fields(response) == {"account_manager_id"}
    assert not Client.objects.filter(name__startswith="Bad AM").exists()


def test_am_change_validation_on_update(personas):
    api = personas["owner"].api()
    client = Client.objects.get(pk=personas.client_a.id)
    response = patch(
        api, f"/api/v1/clients/{client.id}", {"account_manager_id": 987654, "industry": "Retail"}, client.version
    )
    assert response.status_code == 422
    assert fields(response) == {"account_manager_id"}
    client.refresh_from_db()
    assert client.account_manager_id == personas["am"].person.id
    assert client.industry == ""

    response = patch(api, f"/api/v1/clients/{client.id}", {"account_manager_id": None}, client.version)
    assert response.status_code == 200
    assert response.json()["account_manager_id"] is None
    assert Event.objects.filter(verb="client.am_changed", target_id=client.id).count() == 1


def test_am_who_hands_a_client_over_loses_edit_rights(personas):
    am = personas["am"]
    client = Client.objects.get(pk=personas.client_a.id)
    response = patch(
        am.api(), f"/api/v1/clients/{client.id}", {"account_manager_id": personas["admin"].person.id}, client.version
    )
    assert response.status_code == 200
    again = patch(am.api(), f"/api/v1/clients/{client.id}", {"notes": "still mine?"}, response.json()["version"])
    assert again.status_code == 403


# --- Status, currency and other fields ------------------------------------------------------------------------


def test_currency_defaults_to_the_workspace_and_is_uppercased(personas):
    api = personas["owner"].api()
    assert post(api, "/api/v1/clients", {"name": "Default Cur"}).json()["currency"] == "USD"
    assert post(api, "/api/v1/clients", {"name": "Lower Cur", "currency": "gbp"}).json()["currency"] == "GBP"
    for bad in ("US", "US1", "EURO"):
        response = post(api, "/api/v1/clients", {"name": f"Bad {bad}", "currency": bad})
        assert response.status_code == 422, bad
        assert fields(response) == {"currency"}


def test_status_values(personas):
    api = personas["owner"].api()
    for status in ("prospect", "active", "paused", "churned"):
        response = post(api, "/api/v1/clients", {"name": f"S {status}", "status": status})
        assert response.status_code == 201
        assert response.json()["status"] == status
    with pytest.raises(ValidationError) as exc:
        services.client_create(actor=personas["owner"].actor, name="Bogus status", status="bogus")
    assert "status" in exc.value.message_dict


def test_client_record_carries_id_timestamps_and_version(personas):
    body = personas["owner"].api().get(f"/api/v1/clients/{personas.client_a.id}").json()
    assert {"id", "created_at", "updated_at", "version", "name", "status", "account_manager_id", "currency"} <= set(
        body
    )
    assert body["version"] == 1
    assert body["created_at"].endswith(("Z", "+00:00"))


def test_archive_and_unarchive(personas):
    api = personas["admin"].api()
    archived = api.post(f"/api/v1/clients/{personas.client_a.id}/archive")
    assert archived.status_code == 200
    assert archived.json()["archived"] is True
    assert archived.json()["version"] == 2
    assert api.get(f"/api/v1/clients/{personas.client_a.id}").json()["archived"] is True
    restored = api.post(f"/api/v1/clients/{personas.client_a.id}/unarchive")
    assert restored.status_code == 200
    assert restored.json()["archived"] is False
    assert restored.json()["archived_at"] is None


def test_service_refuses_am_outside_portfolio(personas):
    client_b = personas.client_b
    with pytest.raises(PermissionDenied):
        services.client_update(actor=personas["am"].actor, client=client_b, version=client_b.version, notes="x")
    with pytest.raises(PermissionDenied):
        services.client_archive(actor=personas["am"].actor, client=personas.client_a)


# --- Contacts -------------------------------------------------------------------------------------------------


def test_one_primary_contact_per_client(personas):
    api = personas["am"].api()
    cara = Contact.objects.get(pk=personas.contact_a.id)
    assert cara.is_primary

    response = post(api, "/api/v1/contacts", {"client_id": personas.client_a.id, "name": "Dan", "is_primary": True})
    assert response.status_code == 201
    assert response.json()["is_primary"] is True
    cara.refresh_from_db()
    assert cara.is_primary is False
    assert cara.version == 2  # the demotion is a change of its own

    primaries = api.get(f"/api/v1/contacts?client_id={personas.client_a.id}&is_primary=true").json()
    assert [c["name"] for c in primaries["results"]] == ["Dan"]

    response = patch(api, f"/api/v1/contacts/{cara.id}", {"is_primary": True}, cara.version)
    assert response.status_code == 200
    assert Contact.objects.filter(client=personas.client_a, is_primary=True).get().id == cara.id

    # Another client's primary is untouched.
    other = post(
        personas["owner"].api(),
        "/api/v1/contacts",
        {"client_id": personas.client_b.id, "name": "Bea", "is_primary": True},
    )
    assert other.status_code == 201
    assert Contact.objects.filter(is_primary=True, workspace=personas.workspace).count() == 2


def test_one_primary_contact_enforced_by_the_database(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(workspace=personas.workspace, client=personas.client_a, name="Dup", is_primary=True)


def test_contact_fields(personas):
    api = personas["owner"].api()
    response = post(
        api,
        "/api/v1/contacts",
        {"client_id": personas.client_b.id, "name": "Eve", "email": "EVE@B.Test", "role": "CMO"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "eve@b.test"
    assert body["client_id"] == personas.client_b.id
    assert {"id", "created_at", "updated_at", "version"} <= set(body)

    bad = post(api, "/api/v1/contacts", {"client_id": personas.client_b.id, "name": "Bad", "email": "nope"})
    assert bad.status_code == 422
    assert fields(bad) == {"email"}

    unknown = post(api, "/api/v1/contacts", {"client_id": 987654, "name": "Ghost"})
    assert unknown.status_code == 422
    assert fields(unknown) == {"client_id"}


def test_contact_delete(personas):
    api = personas["am"].api()
    response = api.delete(f"/api/v1/contacts/{personas.contact_a.id}")
    assert response.status_code == 204
    assert not Contact.objects.filter(pk=personas.contact_a.id).exists()
    assert api.get(f"/api/v1/contacts/{personas.contact_a.id}").status_code == 404
    assert api.delete(f"/api/v1/contacts/{personas.contact_a.id}").status_code == 404
