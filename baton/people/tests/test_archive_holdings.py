"""Archiving a person with open work: what they hold is shown (API and page), the archive asks for a successor who
receives it through each owning app's services, owners/admins act for an archived owner or receiver of a handoff,
and a later AM change away from an archived AM still opens the account transition."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client as HttpClient

from baton.crm.models import Client
from baton.crm.services import client_update
from baton.delivery import services as delivery
from baton.delivery.models import Project, Task
from baton.devdata.testing.handoffs import make_sent_handoff
from baton.devdata.testing.personas import PASSWORD
from baton.handoffs import services as handoffs
from baton.handoffs.models import Handoff
from baton.people.models import Person
from baton.people.services import person_archive
from baton.relationships.models import NextStep
from baton.relationships.services import touchpoint_log
from baton.resourcing.models import Booking
from baton.resourcing.services import booking_create

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 10, 0, tzinfo=ZoneInfo("UTC"))  # a Wednesday


def _post(api, url, body=None):
    return api.post(url, body or {}, content_type="application/json")


def _work_held_by_am(personas):
    """The AM manages client A, runs a project, has an open task, a next step, a booking across today, owns a sent
    handoff with gaps raised (to the member) and receives one (from the PM)."""
    owner, am = personas["owner"].actor, personas["am"].person
    project = delivery.project_create(
        actor=owner,
        client_id=personas.client_a.id,
        name="Relaunch",
        start_date=date(2026, 3, 2),
        status="active",
        project_manager_id=am.id,
    )
    task = delivery.task_create(actor=owner, project=project, title="Sitemap", assignee_id=am.id)
    touchpoint_log(
        actor=owner,
        client=personas.client_a,
        kind="call",
        summary="Kick-off",
        next_steps=[{"description": "Send the plan", "owner_id": am.id, "due_on": date(2026, 3, 13)}],
    )
    booking = booking_create(
        actor=owner,
        project_id=project.id,
        person_id=am.id,
        start_date=date(2026, 3, 9),
        end_date=date(2026, 3, 20),
        minutes_per_day=120,
    )
    owned = make_sent_handoff(workspace=personas.workspace, owner=am, receiver=personas["member"].person, title="Own")
    owned = handoffs.handoff_raise_gaps(actor=personas["member"].actor, handoff=owned, gaps=["Which budget?"])
    received = make_sent_handoff(workspace=personas.workspace, owner=personas["pm"].person, receiver=am, title="In")
    return project, task, booking, owned, received


@time_machine.travel(NOW, tick=False)
def test_archive_lists_holdings_then_hands_them_to_the_successor(personas, django_capture_on_commit_callbacks):
    project, task, _booking, owned, received = _work_held_by_am(personas)
    am, successor = personas["am"].person, personas["admin"].person
    api = personas["owner"].api()

    held = api.get(f"/api/v1/people/{am.id}/holdings")
    assert held.status_code == 200
    by_key = {h["key"]: h for h in held.json()["holdings"]}
    assert set(by_key) == {
        "handoffs_owned",
        "handoffs_received",
        "next_steps",
        "clients",
        "projects",
        "tasks",
        "bookings",
    }
    assert by_key["clients"]["items"] == [{"id": personas.client_a.id, "title": personas.client_a.name}]
    assert by_key["handoffs_owned"]["items"][0]["id"] == owned.id and by_key["tasks"]["count"] == 1

    refused = _post(api, f"/api/v1/people/{am.id}/archive")
    assert refused.status_code == 409
    fields = [e["field"] for e in refused.json()["errors"]]
    assert fields[0] == "successor_id" and "holdings.handoffs_owned" in fields and "holdings.bookings" in fields
    patched = api.patch(
        f"/api/v1/people/{am.id}", {"active": False}, content_type="application/json", headers={"If-Match": "1"}
    )
    assert patched.status_code == 409  # PATCH active: false is the same archive
    assert Person.objects.get(pk=am.id).active is True
    assert _post(api, f"/api/v1/people/{am.id}/archive", {"successor_id": am.id}).status_code == 422
    client_user = personas["client_a"].person.id
    bad = _post(api, f"/api/v1/people/{am.id}/archive", {"successor_id": client_user})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "successor_id"

    with django_capture_on_commit_callbacks(execute=True):
        done = _post(api, f"/api/v1/people/{am.id}/archive", {"successor_id": successor.id})
    assert done.status_code == 200 and done.json()["active"] is False
    assert Client.objects.get(pk=personas.client_a.id).account_manager_id == successor.id
    assert Project.objects.get(pk=project.id).project_manager_id == successor.id
    assert Task.objects.get(pk=task.id).assignee_id == successor.id
    assert NextStep.objects.get(description="Send the plan").owner_id == successor.id
    past, future = Booking.objects.filter(project=project).order_by("start_date")
    assert (past.person_id, past.end_date) == (am.id, date(2026, 3, 10))  # the days worked stay the AM's
    assert (future.person_id, future.start_date, future.end_date) == (
        successor.id,
        date(2026, 3, 11),
        date(2026, 3, 20),
    )
    owned.refresh_from_db()
    received.refresh_from_db()
    assert (owned.from_person_id, owned.status) == (successor.id, "gaps_raised")
    assert received.to_person_id == successor.id
    # the AM change made on the way opened the account transition, from the archived AM's records: the one thing
    # still in their name, which an owner/admin sends for them
    transition = Handoff.objects.get(kind="account_transition", client=personas.client_a)
    assert (transition.from_person_id, transition.to_person_id) == (am.id, successor.id)
    left = api.get(f"/api/v1/people/{am.id}/holdings").json()
    assert left["count"] == 1 and left["holdings"][0]["items"][0]["id"] == transition.id


@time_machine.travel(NOW, tick=False)
def test_owners_and_admins_act_for_an_archived_owner_or_receiver(personas):
    """Archived before any successor rule existed (a plain deactivation): gaps could not be answered by anyone."""
    am, member = personas["am"].person, personas["member"].person
    owned = make_sent_handoff(workspace=personas.workspace, owner=am, receiver=member, title="Own")
    owned = handoffs.handoff_raise_gaps(actor=personas["member"].actor, handoff=owned, gaps=["Which budget?"])
    received = make_sent_handoff(workspace=personas.workspace, owner=member, receiver=am, title="In")
    Person.objects.filter(pk=am.id).update(active=False)
    admin, pm = personas["admin"].api(), personas["pm"].api()
    body = {"answers": {"Which budget?": "The Q2 one."}}
    assert _post(pm, f"/api/v1/handoffs/{owned.id}/answer-gaps", body).status_code == 403  # not a leader
    answered = _post(admin, f"/api/v1/handoffs/{owned.id}/answer-gaps", body)
    assert answered.status_code == 200 and answered.json()["status"] == "sent"
    assert _post(pm, f"/api/v1/handoffs/{received.id}/confirm").status_code == 403
    confirmed = _post(personas["owner"].api(), f"/api/v1/handoffs/{received.id}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    # an active receiver still confirms alone
    assert _post(admin, f"/api/v1/handoffs/{owned.id}/confirm").status_code == 403


@time_machine.travel(NOW, tick=False)
def test_a_later_am_change_away_from_an_archived_am_opens_the_transition(personas, django_capture_on_commit_callbacks):
    am = personas["am"].person
    Person.objects.filter(pk=am.id).update(active=False)  # archived earlier, still the client's AM
    client = personas.client_a
    with django_capture_on_commit_callbacks(execute=True):
        client_update(
            actor=personas["owner"].actor,
            client=client,
            version=client.version,
            account_manager_id=personas["pm"].person.id,
        )
    transition = Handoff.objects.get(kind="account_transition", client=client)
    assert (transition.from_person_id, transition.to_person_id) == (am.id, personas["pm"].person.id)
    # an owner/admin sends it for the archived AM
    sent = handoffs.handoff_update(
        actor=personas["admin"].actor,
        handoff=transition,
        version=transition.version,
        fields={f["key"]: "See the knowledge record." for f in transition.field_spec},
    )
    assert handoffs.handoff_send(actor=personas["admin"].actor, handoff=sent).status == "sent"


@time_machine.travel(NOW, tick=False)
def test_a_person_holding_nothing_is_archived_without_a_successor(personas):
    person = person_archive(actor=personas["owner"].actor, person=personas["member"].person)
    assert person.active is False


@time_machine.travel(NOW, tick=False)
def test_archive_page_shows_holdings_and_asks_for_a_successor(personas):
    _work_held_by_am(personas)
    am = personas["am"].person
    web = HttpClient()
    assert web.login(email=personas["owner"].email, password=PASSWORD)
    page = web.get(f"/people/{am.id}/")
    html = page.content.decode()
    assert "Open handoffs they own (1)" in html and 'name="successor_id"' in html and "Send the plan" in html
    refused = web.post(f"/people/{am.id}/archive/", follow=True)
    assert Person.objects.get(pk=am.id).active is True and "successor" in refused.content.decode()
    web.post(f"/people/{am.id}/archive/", {"successor_id": personas["admin"].person.id})
    assert Person.objects.get(pk=am.id).active is False
    assert Client.objects.get(pk=personas.client_a.id).account_manager_id == personas["admin"].person.id
