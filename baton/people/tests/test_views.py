"""People pages: list and detail (rates only for roles that may see them), create/edit forms, deactivation."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from baton.core.models import Membership
from baton.devdata.testing.personas import PASSWORD
from baton.people.models import Person

HTMX = {"HX-Request": "true"}


def logged_in(personas, name: str) -> HttpClient:
    client = HttpClient()
    assert client.login(email=personas[name].email, password=PASSWORD)
    return client


def person_form(**overrides):
    data = {
        "name": "Form Person",
        "email": "form@studio.test",
        "role": "member",
        "title": "Writer",
        "weekly_capacity_minutes": "2400",
        "working_days": ["1", "2", "3", "4", "5"],
        "cost_rate": "40.00",
        "bill_rate": "95.00",
        "skills": "copy, seo",
        "client_id": "",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_people_list_hides_rates_from_member(personas):
    response = logged_in(personas, "member").get("/people/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Am Persona" in html
    assert "Bill rate" not in html and "Cost rate" not in html
    assert "120.00" not in html and "50.00" not in html
    detail = logged_in(personas, "member").get(f"/people/{personas['am'].person.id}/").content.decode()
    assert "120.00" not in detail and "Bill rate" not in detail


@pytest.mark.parametrize("name", ["owner", "admin", "finance", "am", "pm"])
def test_people_list_shows_rates_to_rate_roles(personas, name):
    html = logged_in(personas, name).get("/people/").content.decode()
    assert "Bill rate" in html
    assert "120.00" in html and "50.00" in html


def test_people_list_filters_and_htmx_partial(personas):
    client = logged_in(personas, "owner")
    response = client.get("/people/?role=account_manager")
    assert [p.name for p in response.context["people"]] == ["Am Persona"]
    partial = client.get("/people/?q=persona", headers=HTMX)
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert len(partial.context["people"]) == 5
    Person.objects.filter(pk=personas["pm"].person.id).update(active=False)
    assert "Pm Persona" not in client.get("/people/").content.decode()
    assert [p.name for p in client.get("/people/?show=inactive").context["people"]] == ["Pm Persona"]


def test_people_list_of_other_workspace_is_invisible(personas):
    html = logged_in(personas, "owner").get("/people/").content.decode()
    assert "Otto Outsider" not in html
    assert logged_in(personas, "owner").get(f"/people/{personas['outsider'].person.id}/").status_code == 404


def test_create_person_via_form(personas):
    client = logged_in(personas, "admin")
    response = client.post("/people/new/", person_form())
    person = Person.objects.get(email="form@studio.test")
    assert response.status_code == 302
    assert response["Location"] == f"/people/{person.id}/"
    assert person.skills == ["copy", "seo"]
    assert str(person.bill_rate) == "95.00"
    assert person.membership.role == "member"


def test_create_person_form_errors(personas):
    client = logged_in(personas, "admin")
    response = client.post("/people/new/", person_form(email="MEMBER@studio.test", working_days=[]))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_working_days_error"' in html
    before = Person.objects.count()
    # Service-level: the email is taken in this workspace.
    response = client.post("/people/new/", person_form(email="MEMBER@studio.test"))
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()
    assert "already exists" in response.content.decode()
    assert Person.objects.count() == before


def test_create_person_htmx(personas):
    client = logged_in(personas, "owner")
    bad = client.post("/people/new/", person_form(role="client"), headers=HTMX)
    assert bad.status_code == 200
    assert "<html" not in bad.content.decode()
    assert 'id="id_client_id_error"' in bad.content.decode()
    assert not Person.objects.filter(email="form@studio.test").exists()
    ok = client.post("/people/new/", person_form(), headers=HTMX)
    assert ok.status_code == 204
    person = Person.objects.get(email="form@studio.test")
    assert ok["HX-Redirect"] == f"/people/{person.id}/"


@pytest.mark.parametrize("name", ["finance", "am", "pm", "member"])
def test_people_forms_need_a_leader(personas, name):
    client = logged_in(personas, name)
    assert client.get("/people/new/").status_code == 403
    assert client.post("/people/new/", person_form()).status_code == 403
    assert client.get(f"/people/{personas['member'].person.id}/edit/").status_code == 403
    assert not Person.objects.filter(email="form@studio.test").exists()


def test_edit_person_via_form(personas):
    client = logged_in(personas, "owner")
    member = Person.objects.get(pk=personas["member"].person.id)
    page = client.get(f"/people/{member.id}/edit/")
    assert page.status_code == 200
    data = person_form(name=member.name, email=member.email, title="Art director", version=str(member.version))
    response = client.post(f"/people/{member.id}/edit/", data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.title == "Art director"
    assert member.version == 2


def test_deactivate_person_and_last_owner_message(personas):
    client = logged_in(personas, "owner")
    response = client.post(f"/people/{personas['pm'].person.id}/archive/")
    assert response.status_code == 302
    assert not Person.objects.get(pk=personas["pm"].person.id).active
    assert not Membership.objects.get(person__id=personas["pm"].person.id).is_active

    response = client.post(f"/people/{personas['owner'].person.id}/archive/", follow=True)
    assert response.status_code == 200
    assert "at least one active owner" in response.content.decode()
    assert Person.objects.get(pk=personas["owner"].person.id).active


def test_person_detail(personas):
    client = logged_in(personas, "owner")
    response = client.get(f"/people/{personas['am'].person.id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Client A" in html  # clients managed
    assert "8 h a working day" in html
