"""MONEY.md §7: a failure's remediation cost = minutes x the remediator's cost rate in force on the failure's date;
the remediator is the person named, else the handoff's receiver (never whoever records it)."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.test import Client as HttpClient

from baton.core.access import Actor
from baton.devdata.testing.handoffs import make_sent_handoff
from baton.devdata.testing.personas import PASSWORD
from baton.handoffs import services
from baton.handoffs.models import HandoffFailure
from baton.people.services import person_create
from baton.rates.services import cost_rate_create

pytestmark = pytest.mark.django_db
JSON = "application/json"
TODAY = date(2026, 6, 15)


def _person(personas, name, rate):
    return person_create(
        actor=Actor.system(personas.workspace),
        name=name,
        email=f"{name.split()[0].lower()}@studio.test",
        role="member",
        cost_rate=Decimal(rate),
    )


def _post(personas, who, handoff, body):
    return personas[who].api().post(f"/api/v1/handoffs/{handoff.id}/failures", body, content_type=JSON)


@time_machine.travel(TODAY, tick=False)
def test_an_owner_recording_a_failure_costs_it_at_the_receivers_rate(personas):
    receiver = _person(personas, "Rae Receiver", "150.00")
    handoff = make_sent_handoff(workspace=personas.workspace, owner=personas["am"].person, receiver=receiver)
    response = _post(personas, "owner", handoff, {"description": "Rebuilt the plan", "remediation_minutes": 90})
    assert response.status_code == 201, response.content
    body = response.json()
    # 90 min x 150.00/h = 225.00 - the receiver's rate, not the recorder's (the owner has none: 0.00).
    assert body["remediated_by_id"] == receiver.id and body["remediated_by_name"] == "Rae Receiver"
    assert (body["cost_rate"], body["remediation_cost"]) == ("150.00", "225.00")
    assert body["occurred_on"] == TODAY.isoformat()
    report = personas["owner"].api().get(f"/api/v1/reports/handoffs?from={TODAY}&to={TODAY}").json()
    assert report["failures"] == 1 and report["remediation_cost"] == "225.00"


@time_machine.travel(TODAY, tick=False)
def test_a_named_remediators_back_dated_cost_rate_applies_on_the_failure_date(personas):
    fixer = _person(personas, "Fay Fixer", "90.00")
    system = Actor.system(personas.workspace)
    # Entered today, in force from 30 days ago: a failure 10 days ago costs at 120.00, one 40 days ago at 90.00.
    cost_rate_create(actor=system, person_id=fixer.id, rate="120.00", effective_from=TODAY - timedelta(days=30))
    handoff = make_sent_handoff(
        workspace=personas.workspace, owner=personas["am"].person, receiver=personas["member"].person
    )
    recent = _post(
        personas,
        "pm",
        handoff,
        {
            "description": "Fixed the tracking",
            "remediation_minutes": 45,
            "remediated_by_id": fixer.id,
            "occurred_on": (TODAY - timedelta(days=10)).isoformat(),
        },
    ).json()
    assert (recent["remediated_by_id"], recent["cost_rate"], recent["remediation_cost"]) == (
        fixer.id,
        "120.00",
        "90.00",
    )
    older = services.failure_record(
        actor=personas["pm"].actor,
        handoff=handoff,
        description="Earlier rework",
        remediation_minutes=20,
        remediated_by_id=fixer.id,
        occurred_on=TODAY - timedelta(days=40),
    )
    assert (older.cost_rate, older.remediation_cost) == (Decimal("90.00"), Decimal("30.00"))
    span = f"from={TODAY - timedelta(days=60)}&to={TODAY}"
    report = personas["finance"].api().get(f"/api/v1/reports/handoffs?{span}").json()
    assert report["remediation_minutes"] == 65 and report["remediation_cost"] == "120.00"  # 90.00 + 30.00


@pytest.mark.parametrize("who", ["client_a", "outsider", "missing"])
def test_the_remediator_must_be_staff_of_the_workspace(personas, who):
    handoff = make_sent_handoff(
        workspace=personas.workspace, owner=personas["am"].person, receiver=personas["member"].person
    )
    person_id = 999999 if who == "missing" else personas[who].person.id
    response = _post(
        personas, "pm", handoff, {"description": "x", "remediation_minutes": 30, "remediated_by_id": person_id}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["remediated_by_id"]
    assert not HandoffFailure.objects.exists()


def test_the_failure_date_lies_in_the_api_range(personas):
    handoff = make_sent_handoff(
        workspace=personas.workspace, owner=personas["am"].person, receiver=personas["member"].person
    )
    response = _post(
        personas, "pm", handoff, {"description": "x", "remediation_minutes": 30, "occurred_on": "1899-12-31"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["occurred_on"]
    assert not HandoffFailure.objects.exists()


def test_the_web_form_defaults_the_remediator_to_the_receiver(personas):
    receiver = personas["member"].person
    handoff = make_sent_handoff(workspace=personas.workspace, owner=personas["am"].person, receiver=receiver)
    web = HttpClient()
    assert web.login(email=personas["owner"].email, password=PASSWORD)
    page = web.get(f"/handoffs/{handoff.id}/").content.decode()
    assert "Remediated by" in page
    assert f'<option value="{receiver.id}" selected>{receiver.name}</option>' in page


def test_the_migration_moves_recorder_defaulted_failures_to_the_receiver_and_recosts_them(personas):
    system = Actor.system(personas.workspace)
    receiver = _person(personas, "Rae Receiver", "150.00")
    named = _person(personas, "Nat Named", "80.00")
    handoff = make_sent_handoff(workspace=personas.workspace, owner=personas["am"].person, receiver=receiver)
    pm = personas["pm"].person
    day = date(2026, 3, 2)
    cost_rate_create(actor=system, person_id=named.id, rate="100.00", effective_from=date(2026, 3, 1))
    # As the old default left them: the recorder (the PM) as remediator; and one naming someone else explicitly.
    defaulted = services.failure_record(
        actor=personas["pm"].actor, handoff=handoff, description="a", remediation_minutes=60, remediated_by_id=pm.id
    )
    explicit = services.failure_record(
        actor=personas["pm"].actor, handoff=handoff, description="b", remediation_minutes=30, remediated_by_id=named.id
    )
    HandoffFailure.objects.filter(pk__in=[defaulted.pk, explicit.pk]).update(
        occurred_on=day, cost_rate=Decimal("50.00"), remediation_cost=Decimal("50.00")
    )
    migration = importlib.import_module("baton.handoffs.migrations.0002_failure_remediator_defaults_to_receiver")
    migration.forwards(apps, None)
    defaulted.refresh_from_db()
    explicit.refresh_from_db()
    assert (defaulted.remediated_by_id, defaulted.cost_rate, defaulted.remediation_cost) == (
        receiver.id,
        Decimal("150.00"),
        Decimal("150.00"),
    )
    assert (explicit.remediated_by_id, explicit.cost_rate, explicit.remediation_cost) == (
        named.id,
        Decimal("100.00"),
        Decimal("50.00"),
    )
