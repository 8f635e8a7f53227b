"""The client knowledge record and the stakeholder map: internal, edited by owner/admin and the client's AM."""

from __future__ import annotations

from baton.core.models import Event
from baton.knowledge.models import ClientKnowledge, Stakeholder

from .helpers import fields, put

RECORD = {
    "preferences": "Email for decisions; no calls on Fridays.",
    "sensitivities": "Never name the competitor.",
}


def test_the_am_writes_the_record_of_its_client(personas):
    am = personas["am"].api()
    url = f"/api/v1/clients/{personas.client_a.id}/knowledge"
    empty = am.get(url).json()
    assert empty == {
        "id": personas.client_a.id,
        "client_id": personas.client_a.id,
        "preferences": "",
        "sensitivities": "",
        "goals": [],
        "updated_by_id": None,
        "created_at": None,
        "updated_at": None,
        "version": 0,
    }
    saved = put(am, url, RECORD)
    assert saved.status_code == 200, saved.content
    out = saved.json()
    assert out["version"] == 1 and out["goals"] == [] and out["updated_by_id"] == personas["am"].person.id
    event = Event.objects.get(verb="client_knowledge.updated")
    assert event.client_id == personas.client_a.id and set(event.data["changes"]) == {"preferences", "sensitivities"}
    again = put(am, url, RECORD | {"sensitivities": "Never name the competitor, ever.", "version": 1})
    assert again.json()["version"] == 2
    stale = put(am, url, RECORD | {"version": 1})
    assert stale.status_code == 409
    assert ClientKnowledge.objects.get(pk=personas.client_a.id).sensitivities == "Never name the competitor, ever."
    # The same content again changes nothing.
    put(am, url, RECORD | {"sensitivities": "Never name the competitor, ever."})
    assert ClientKnowledge.objects.get(pk=personas.client_a.id).version == 2


def test_who_may_read_and_write_the_record(personas):
    url_a = f"/api/v1/clients/{personas.client_a.id}/knowledge"
    url_b = f"/api/v1/clients/{personas.client_b.id}/knowledge"
    assert put(personas["am"].api(), url_b, RECORD).status_code == 403  # not the AM's client
    assert put(personas["pm"].api(), url_a, RECORD).status_code == 403
    assert put(personas["admin"].api(), url_b, RECORD).status_code == 200
    assert personas["member"].api().get(url_b).status_code == 200
    portal = personas["client_a"].api()
    assert portal.get(url_a).status_code == 403  # internal, even about their own client
    assert portal.get(url_b).status_code == 404
    assert personas["outsider"].api().get(url_a).status_code == 404
    assert not ClientKnowledge.objects.filter(pk=personas.client_a.id).exists()


def test_goals_are_checked(personas):
    url = f"/api/v1/clients/{personas.client_a.id}/knowledge"
    bad = put(personas["am"].api(), url, {"goals": [{"goal": "Fine"}, {"goal": "", "kpi": "x"}]})
    assert bad.status_code == 422
    assert fields(bad) == ["goals.1.goal"]
    assert not ClientKnowledge.objects.exists()


def test_goals_are_the_client_goals_and_written_there(personas):
    """One list of a client's goals: the record's `goals` are /client-goals' (title, metric, target), and a record
    that sends goals of its own is told where they are kept."""
    am = personas["am"].api()
    url = f"/api/v1/clients/{personas.client_a.id}/knowledge"
    refused = put(am, url, RECORD | {"goals": [{"goal": "Grow inbound leads", "kpi": "MQLs", "target": "120"}]})
    assert refused.status_code == 422 and fields(refused) == ["goals"]
    assert "/client-goals" in refused.content.decode()
    assert put(am, url, RECORD | {"goals": []}).status_code == 200  # an empty list, as the record once took, is fine
    created = am.post(
        "/api/v1/client-goals",
        {"client_id": personas.client_a.id, "title": "Grow inbound leads", "metric": "MQLs per month", "target": "120"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    listed = am.get(f"/api/v1/client-goals?client_id={personas.client_a.id}").json()["results"]
    goals = am.get(url).json()["goals"]
    assert [(g["goal"], g["kpi"]) for g in goals] == [(g["title"], g["metric"]) for g in listed]
    assert goals == [{"goal": "Grow inbound leads", "kpi": "MQLs per month", "target": "120"}]


def test_the_stakeholder_map(personas):
    am = personas["am"].api()
    base = f"/api/v1/clients/{personas.client_a.id}/stakeholders"
    listing = am.get(base).json()
    assert listing["count"] == 1
    row = listing["results"][0]
    assert row["id"] == personas.contact_a.id and row["influence"] is None and row["version"] == 0

    saved = put(
        am, f"{base}/{personas.contact_a.id}", {"influence": "high", "attitude": "skeptic", "notes": "Numbers."}
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["attitude"] == "skeptic" and saved.json()["version"] == 1
    assert Event.objects.filter(verb="stakeholder.updated", client_id=personas.client_a.id).count() == 1

    bad = put(am, f"{base}/{personas.contact_a.id}", {"influence": "huge", "attitude": "fan"})
    assert bad.status_code == 422 and fields(bad) == ["attitude", "influence"]
    stale = put(am, f"{base}/{personas.contact_a.id}", {"influence": "low", "attitude": "neutral", "version": 7})
    assert stale.status_code == 409
    assert Stakeholder.objects.get(pk=personas.contact_a.id).attitude == "skeptic"

    # A contact of another client is not found under this client.
    other = f"/api/v1/clients/{personas.client_b.id}/stakeholders/{personas.contact_a.id}"
    assert put(personas["admin"].api(), other, {"influence": "low", "attitude": "neutral"}).status_code == 404
    assert personas["client_a"].api().get(base).status_code == 403
    assert (
        put(
            personas["pm"].api(), f"{base}/{personas.contact_a.id}", {"influence": "low", "attitude": "neutral"}
        ).status_code
        == 403
    )
