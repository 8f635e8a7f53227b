"""A person's lead ("reports to"): set through the service and the API, validated, shown on the person page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from baton.core.access import Actor
from baton.people.models import Person
from baton.people.services import person_update

pytestmark = pytest.mark.django_db


def _refresh(person: Person) -> Person:
    return Person.objects.get(pk=person.pk)


def test_lead_is_set_and_listed_as_a_report(personas):
    owner, member, pm = personas["owner"], personas["member"].person, personas["pm"].person
    person_update(actor=owner.actor, person=member, version=member.version, lead_id=pm.id)
    assert _refresh(member).lead_id == pm.id
    assert list(pm.reports.values_list("id", flat=True)) == [member.id]


def test_a_reporting_cycle_is_refused_naming_lead_id(personas):
    owner, member, pm = personas["owner"], personas["member"].person, personas["pm"].person
    person_update(actor=owner.actor, person=member, version=member.version, lead_id=pm.id)
    pm = _refresh(pm)
    with pytest.raises(ValidationError) as raised:
        person_update(actor=owner.actor, person=pm, version=pm.version, lead_id=member.id)
    assert "lead_id" in raised.value.message_dict
    assert _refresh(pm).lead_id is None
    member = _refresh(member)
    with pytest.raises(ValidationError) as raised:
        person_update(actor=owner.actor, person=member, version=member.version, lead_id=member.id)
    assert "lead_id" in raised.value.message_dict


def test_a_lead_from_another_workspace_is_refused(personas):
    owner, member = personas["owner"], personas["member"].person
    stranger = Person.objects.filter(workspace=personas.other_workspace).first()
    assert stranger is not None
    with pytest.raises(ValidationError) as raised:
        person_update(actor=owner.actor, person=member, version=member.version, lead_id=stranger.id)
    assert "lead_id" in raised.value.message_dict


def test_api_sets_filters_and_shows_lead_id(personas):
    api = personas["owner"].api()
    member, am = personas["member"].person, personas["am"].person
    response = api.patch(
        f"/api/v1/people/{member.id}",
        {"lead_id": am.id},
        content_type="application/json",
        headers={"If-Match": str(member.version)},
    )
    assert response.status_code == 200, response.content
    assert response.json()["lead_id"] == am.id
    listed = api.get(f"/api/v1/people?lead_id={am.id}").json()
    assert [row["id"] for row in listed["results"]] == [member.id]
    bad = api.patch(
        f"/api/v1/people/{member.id}",
        {"lead_id": 999999},
        content_type="application/json",
        headers={"If-Match": str(member.version + 1)},
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["lead_id"]


def test_person_page_shows_the_lead(personas, client):
    member, am = personas["member"].person, personas["am"].person
    owner = personas["owner"]
    person_update(actor=owner.actor, person=member, version=member.version, lead_id=am.id)
    client.force_login(owner.person.membership.user)
    page = client.get(f"/people/{member.id}/").content.decode()
    assert "Reports to" in page and am.name in page


def test_system_actor_can_set_a_lead(personas):
    member, am = personas["member"].person, personas["am"].person
    person_update(actor=Actor.system(member.workspace), person=member, version=member.version, lead_id=am.id)
    assert _refresh(member).lead_id == am.id
