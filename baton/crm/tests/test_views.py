"""Client pages: list, detail, create/edit (plain and htmx), archive, contacts; who may see and do what."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from baton.core.models import Event
from baton.crm.models import Client, Contact
from baton.devdata.testing.personas import PASSWORD

HTMX = {"HX-Request": "true"}


def logged_in(personas, name: str) -> HttpClient:
    client = HttpClient()
    assert client.login(email=personas[name].email, password=PASSWORD)
    return client


def field_error(html: str, field: str) -> bool:
    return f'id="id_{field}_error"' in html


# --- Create ---------------------------------------------------------------------------------------------------


def test_create_client_with_errors_returns_400_naming_the_field(personas):
    client = logged_in(personas, "owner")
    before = Client.objects.count()
    response = client.post("/clients/new/", {"name": "", "status": "active"})
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error(html, "name")
    assert not field_error(html, "status")
    assert "<html" in html  # the whole page, not a partial
    assert Client.objects.count() == before


def test_create_client_service_error_lands_on_its_field(personas):
    client = logged_in(personas, "owner")
    response = client.post("/clients/new/", {"name": "client a", "status": "active"})
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error(html, "name")
    assert "A client with this name already exists." in html
    assert Client.objects.filter(name__iexact="client a").count() == 1


def test_create_client_success_redirects_to_the_client(personas):
    client = logged_in(personas, "am")
    response = client.post("/clients/new/", {"name": "Web Co", "status": "prospect", "currency": "eur"})
    created = Client.objects.get(name="Web Co")
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{created.id}/"
    assert created.account_manager_id == personas["am"].person.id
    assert created.currency == "EUR"
    assert created.status == "prospect"
    assert Event.objects.filter(verb="client.created", target_id=created.id, actor_id=personas["am"].person.id).exists()
    detail = client.get(response["Location"])
    assert "Web Co was added." in detail.content.decode()


def test_htmx_create_with_errors_returns_the_partial(personas):
    client = logged_in(personas, "owner")
    response = client.post("/clients/new/", {"name": "", "status": "bogus"}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="client-form"' in html
    assert field_error(html, "name") and field_error(html, "status")
    assert not Client.objects.filter(name="").exists()


def test_htmx_create_success_answers_204_with_hx_redirect(personas):
    client = logged_in(personas, "owner")
    response = client.post("/clients/new/", {"name": "Htmx Co", "status": "active"}, headers=HTMX)
    assert response.status_code == 204
    created = Client.objects.get(name="Htmx Co")
    assert response["HX-Redirect"] == f"/clients/{created.id}/"
    assert response.content == b""


def test_create_page_forbidden_for_roles_without_rights(personas):
    for name in ("finance", "pm", "member", "client_a"):
        client = logged_in(personas, name)
        assert client.get("/clients/new/").status_code == 403, name
        assert client.post("/clients/new/", {"name": f"By {name}", "status": "active"}).status_code == 403, name
    assert not Client.objects.filter(name__startswith="By ").exists()


# --- Edit -----------------------------------------------------------------------------------------------------


def test_edit_with_stale_version_changes_nothing(personas):
    client = logged_in(personas, "owner")
    target = Client.objects.get(pk=personas.client_b.id)
    data = {"name": "Client B2", "status": "active", "currency": "USD", "version": target.version}
    Client.objects.filter(pk=target.id).update(version=target.version + 1)  # someone else saved meanwhile
    response = client.post(f"/clients/{target.id}/edit/", data)
    assert response.status_code == 400
    assert "changed since you read it" in response.content.decode()
    assert Client.objects.get(pk=target.id).name == "Client B"


def test_edit_success(personas):
    client = logged_in(personas, "am")
    target = Client.objects.get(pk=personas.client_a.id)
    page = client.get(f"/clients/{target.id}/edit/")
    assert page.status_code == 200
    assert page.context["form"].initial["version"] == target.version
    data = {
        "name": "Client A",
        "status": "paused",
        "account_manager_id": personas["am"].person.id,
        "currency": "",
        "version": target.version,
    }
    response = client.post(f"/clients/{target.id}/edit/", data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.status, target.currency, target.version) == ("paused", "USD", 2)
    assert Event.objects.filter(verb="client.status_changed", target_id=target.id).count() == 1


def test_am_cannot_edit_a_client_outside_the_portfolio(personas):
    client = logged_in(personas, "am")
    assert client.get(f"/clients/{personas.client_b.id}/edit/").status_code == 403
    assert client.get(f"/clients/{personas.client_b.id}/").status_code == 200


# --- Visibility -----------------------------------------------------------------------------------------------


def test_client_role_user_sees_only_its_own_client(personas):
    client = logged_in(personas, "client_a")
    own = client.get(f"/clients/{personas.client_a.id}/")
    assert own.status_code == 200
    html = own.content.decode()
    assert "Cara Contact" in html
    assert "/edit/" not in html  # no edit or archive controls for a client
    assert client.get(f"/clients/{personas.client_b.id}/").status_code == 404
    assert client.get(f"/clients/{personas.other_client.id}/").status_code == 404
    listing = client.get("/clients/").content.decode()
    assert "Client A" in listing and "Client B" not in listing
    assert client.get("/people/").status_code == 403
    assert client.get(f"/people/{personas['am'].person.id}/").status_code == 404
    assert client.get(f"/clients/contacts/{personas.contact_a.id}/edit/").status_code == 403


def test_other_workspace_client_page_is_404_for_staff(personas):
    client = logged_in(personas, "owner")
    assert client.get(f"/clients/{personas.other_client.id}/").status_code == 404
    assert client.get(f"/clients/{personas.other_client.id}/edit/").status_code == 404
    assert client.post(f"/clients/{personas.other_client.id}/archive/").status_code == 404
    assert client.post(f"/clients/contacts/{personas.other_contact.id}/delete/").status_code == 404
    assert Contact.objects.filter(pk=personas.other_contact.id).exists()


def test_client_list_filters(personas):
    client = logged_in(personas, "owner")
    Client.objects.filter(pk=personas.client_b.id).update(status="paused")
    html = client.get("/clients/?status=paused").content.decode()
    assert "Client B" in html and "Client A" not in html
    html = client.get(f"/clients/?am={personas['am'].person.id}").content.decode()
    assert "Client A" in html and "Client B" not in html
    partial = client.get("/clients/?q=client", headers=HTMX)
    assert "<html" not in partial.content.decode()
    assert "2 clients" in partial.content.decode()


# --- Archive and contacts -------------------------------------------------------------------------------------


def test_archive_toggle(personas):
    client = logged_in(personas, "admin")
    url = f"/clients/{personas.client_a.id}/archive/"
    assert client.post(url).status_code == 302
    assert Client.objects.get(pk=personas.client_a.id).archived_at is not None
    assert [c.name for c in client.get("/clients/").context["clients"]] == ["Client B"]
    assert [c.name for c in client.get("/clients/?archived=1").context["clients"]] == ["Client A"]
    client.post(url)
    assert Client.objects.get(pk=personas.client_a.id).archived_at is None


@pytest.mark.parametrize("name", ["am", "pm"])
def test_archive_needs_a_leader(personas, name):
    response = logged_in(personas, name).post(f"/clients/{personas.client_a.id}/archive/")
    assert response.status_code == 403
    assert Client.objects.get(pk=personas.client_a.id).archived_at is None


def test_contact_create_edit_delete(personas):
    client = logged_in(personas, "am")
    bad = client.post(f"/clients/{personas.client_a.id}/contacts/new/", {"name": "", "email": "nope"})
    assert bad.status_code == 400
    assert field_error(bad.content.decode(), "name") and field_error(bad.content.decode(), "email")

    response = client.post(
        f"/clients/{personas.client_a.id}/contacts/new/",
        {"name": "Web Contact", "email": "W@A.test", "is_primary": "on"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(name="Web Contact")
    assert contact.email == "w@a.test" and contact.is_primary
    assert not Contact.objects.get(pk=personas.contact_a.id).is_primary

    response = client.post(
        f"/clients/contacts/{contact.id}/edit/", {"name": "Web Contact", "role": "CTO", "version": contact.version}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.role == "CTO" and contact.is_primary is False  # an unticked box clears it

    assert client.post(f"/clients/contacts/{contact.id}/delete/").status_code == 302
    assert not Contact.objects.filter(pk=contact.id).exists()


def test_am_cannot_add_contacts_outside_the_portfolio(personas):
    client = logged_in(personas, "am")
    assert client.get(f"/clients/{personas.client_b.id}/contacts/new/").status_code == 403
    response = client.post(f"/clients/{personas.client_b.id}/contacts/new/", {"name": "Sneaky"})
    assert response.status_code == 403
    assert not Contact.objects.filter(name="Sneaky").exists()
