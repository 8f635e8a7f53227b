"""Decisions: fields, validation (project and task must be the client's), versions, and who sees what."""

from __future__ import annotations

from django.test import Client as WebClient

from baton.core.models import Event
from baton.crm.services import contact_create
from baton.knowledge import selectors, services
from baton.knowledge.models import Comment, Decision

from .helpers import fields, patch, post


def _body(personas, **extra):
    return {
        "client_id": personas.client_a.id,
        "title": "Lead with performance",
        "decision": "Shift 70% of media to performance channels this quarter.",
        "rationale": "The pipeline is behind plan.",
        "alternatives_rejected": ["Keep the 50/50 split", "Pause brand entirely"],
        "decided_by": personas["am"].person.id,
        "decided_on": "2026-03-04",
    } | extra


def test_create_a_decision_with_every_field(personas, work):
    body = _body(
        personas,
        project_id=work.project_a.id,
        task_id=work.task_a.id,
        touchpoint_id=77,
        decided_by_contact_id=personas.contact_a.id,
    )
    response = post(personas["am"].api(), "/api/v1/decisions", body)
    assert response.status_code == 201, response.content
    out = response.json()
    for key in ("client_id", "project_id", "task_id", "title", "decision", "rationale", "decided_by", "decided_on"):
        assert out[key] == body[key], key
    assert out["alternatives_rejected"] == ["Keep the 50/50 split", "Pause brand entirely"]
    assert out["decided_by_name"] == "Am Persona"
    assert out["decided_by_contact_id"] == personas.contact_a.id
    assert out["decided_by_contact_name"] == "Cara Contact"
    assert out["touchpoint_id"] == 77
    assert out["version"] == 1
    event = Event.objects.get(verb="decision.created", target_id=out["id"])
    assert event.client_id == personas.client_a.id
    assert event.data["project_id"] == work.project_a.id


def test_a_task_brings_its_project(personas, work):
    response = post(personas["pm"].api(), "/api/v1/decisions", _body(personas, task_id=work.task_a.id))
    assert response.status_code == 201, response.content
    assert response.json()["project_id"] == work.project_a.id


def test_project_of_another_client_is_refused_and_nothing_is_saved(personas, work):
    response = post(personas["am"].api(), "/api/v1/decisions", _body(personas, project_id=work.project_b.id))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert fields(response) == ["project_id"]
    assert not Decision.objects.exists()
    assert not Event.objects.filter(verb="decision.created").exists()


def test_every_bad_field_is_named_at_once(personas, work):
    contact_b = contact_create(actor=personas["owner"].actor, client=personas.client_b, name="Bea")
    body = _body(
        personas,
        project_id=work.project_a.id,
        task_id=work.task_b.id,
        decided_by=999999,
        decided_by_contact_id=contact_b.id,
        alternatives_rejected=["fine", "  "],
    )
    response = post(personas["am"].api(), "/api/v1/decisions", body)
    assert response.status_code == 422
    assert fields(response) == ["alternatives_rejected", "decided_by", "decided_by_contact_id", "task_id"]
    assert not Decision.objects.exists()


def test_task_of_another_project_of_the_same_client(personas, work):
    from baton.delivery import services as delivery

    second = delivery.project_create(
        actor=personas["owner"].actor, client_id=personas.client_a.id, name="Client A app", status="active"
    )
    response = post(
        personas["am"].api(), "/api/v1/decisions", _body(personas, project_id=second.id, task_id=work.task_a.id)
    )
    assert response.status_code == 422
    assert fields(response) == ["task_id"]


def test_someone_must_have_decided(personas):
    body = _body(personas)
    del body["decided_by"]
    response = post(personas["am"].api(), "/api/v1/decisions", body)
    assert response.status_code == 422
    assert fields(response) == ["decided_by"]
    # A client-side decision names the contact alone.
    response = post(personas["am"].api(), "/api/v1/decisions", body | {"decided_by_contact_id": personas.contact_a.id})
    assert response.status_code == 201, response.content
    assert response.json()["decided_by"] is None


def test_missing_required_fields_are_named(personas):
    response = post(personas["am"].api(), "/api/v1/decisions", {"client_id": personas.client_a.id})
    assert response.status_code == 422
    assert {"title", "decision"} <= set(fields(response))


def test_unknown_client_is_a_bad_client_id(personas):
    response = post(personas["am"].api(), "/api/v1/decisions", _body(personas, client_id=personas.other_client.id))
    assert response.status_code == 422
    assert fields(response) == ["client_id"]


def test_patch_needs_the_current_version(personas, work):
    am = personas["am"].api()
    created = post(am, "/api/v1/decisions", _body(personas)).json()
    url = f"/api/v1/decisions/{created['id']}"
    ok = patch(
        am, url, {"rationale": "Board review moved up.", "decision": "Shift 80%.", "project_id": work.project_a.id}, 1
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["version"] == 2 and ok.json()["project_id"] == work.project_a.id
    stale = patch(am, url, {"rationale": "Late edit"}, 1)
    assert stale.status_code == 409
    assert Decision.objects.get(pk=created["id"]).rationale == "Board review moved up."
    missing = am.patch(url, {"rationale": "x"}, content_type="application/json")
    assert missing.status_code == 428
    bad = patch(am, url, {"project_id": work.project_b.id}, 2)
    assert bad.status_code == 422 and fields(bad) == ["project_id"]
    assert Decision.objects.get(pk=created["id"]).version == 2
    changed = Event.objects.get(verb="decision.updated", target_id=created["id"]).data["changes"]
    assert set(changed) == {"rationale", "decision", "project_id"}


def test_who_sees_and_writes_decisions(personas, work):
    am = personas["am"].api()
    mine = post(am, "/api/v1/decisions", _body(personas)).json()
    theirs = post(personas["admin"].api(), "/api/v1/decisions", _body(personas, client_id=personas.client_b.id)).json()
    portal = personas["client_a"].api()
    listing = portal.get("/api/v1/decisions").json()
    assert [d["id"] for d in listing["results"]] == [mine["id"]]
    assert portal.get(f"/api/v1/decisions/{theirs['id']}").status_code == 404
    assert portal.get(f"/api/v1/decisions/{mine['id']}").status_code == 200
    assert post(portal, "/api/v1/decisions", _body(personas)).status_code == 403
    assert patch(portal, f"/api/v1/decisions/{mine['id']}", {"title": "x"}, 1).status_code == 403
    assert post(personas["member"].api(), "/api/v1/decisions", _body(personas)).status_code == 403
    assert post(personas["finance"].api(), "/api/v1/decisions", _body(personas)).status_code == 403
    assert personas["member"].api().get("/api/v1/decisions").json()["count"] == 2
    outsider = personas["outsider"].api()
    assert outsider.get(f"/api/v1/decisions/{mine['id']}").status_code == 404
    assert outsider.get("/api/v1/decisions").json()["count"] == 0
    filtered = am.get(f"/api/v1/decisions?client_id={personas.client_b.id}").json()
    assert [d["id"] for d in filtered["results"]] == [theirs["id"]]


def test_an_account_manager_writes_decisions_of_its_portfolio_only(personas, work):
    """Client B is not the AM's: it may read B's decisions, but not record or change one (403, API and page)."""
    am = personas["am"].api()
    outside = post(am, "/api/v1/decisions", _body(personas, client_id=personas.client_b.id, title="Not mine"))
    assert outside.status_code == 403, outside.content
    assert not Decision.objects.filter(title="Not mine").exists()
    theirs = post(personas["admin"].api(), "/api/v1/decisions", _body(personas, client_id=personas.client_b.id))
    assert theirs.status_code == 201
    decision_id = theirs.json()["id"]
    assert am.get(f"/api/v1/decisions/{decision_id}").status_code == 200
    changed = patch(am, f"/api/v1/decisions/{decision_id}", {"title": "Overwritten"}, version=1)
    assert changed.status_code == 403, changed.content
    assert Decision.objects.get(pk=decision_id).title == "Lead with performance"
    page = WebClient()
    page.force_login(personas["am"].person.membership.user)
    assert page.get(f"/decisions/new/?client={personas.client_b.id}").status_code == 403
    assert page.post(f"/decisions/{decision_id}/edit/", {"title": "Overwritten"}).status_code == 403
    # Its own portfolio's client still works.
    assert post(am, "/api/v1/decisions", _body(personas)).status_code == 201


def test_an_internal_decision_stays_with_the_agency(personas, work):
    """`internal: true` is the account team's own decision: staff read it, the client's user never (list, id,
    comments on it)."""
    am = personas["am"].api()
    made = post(am, "/api/v1/decisions", _body(personas, title="Drop the retainer talk", internal=True))
    assert made.status_code == 201 and made.json()["internal"] is True
    shared = post(am, "/api/v1/decisions", _body(personas, title="Shared one")).json()
    assert shared["internal"] is False
    comment = post(am, "/api/v1/comments", {"target_type": "decision", "target_id": made.json()["id"], "body": "Hm."})
    assert comment.status_code == 201
    portal = personas["client_a"].api()
    assert [d["id"] for d in portal.get("/api/v1/decisions").json()["results"]] == [shared["id"]]
    assert portal.get(f"/api/v1/decisions/{made.json()['id']}").status_code == 404
    listed = portal.get(f"/api/v1/comments?target_type=decision&target_id={made.json()['id']}")
    assert listed.status_code == 404 or listed.json()["count"] == 0
    assert personas["member"].api().get(f"/api/v1/decisions/{made.json()['id']}").status_code == 200
    # Made shareable later, the client reads it.
    assert patch(am, f"/api/v1/decisions/{made.json()['id']}", {"internal": False}, 1).status_code == 200
    assert portal.get(f"/api/v1/decisions/{made.json()['id']}").status_code == 200
    assert patch(am, f"/api/v1/decisions/{made.json()['id']}", {"internal": None}, 2).status_code == 422


def test_search_keeps_an_internal_decision_and_its_comments_from_the_client(personas, work):
    am = personas["am"].api()
    made = post(am, "/api/v1/decisions", _body(personas, title="Wombat pricing", internal=True)).json()
    post(am, "/api/v1/comments", {"target_type": "decision", "target_id": made["id"], "body": "numbat margin"})
    for update in (False, True):  # each record indexed as it is written, then the whole index rebuilt
        if update:
            services.search_index_rebuild()
        else:
            services.search_index_update(Decision.objects.get(pk=made["id"]))
            services.search_index_update(Comment.objects.get(target_type="decision", target_id=made["id"]))
        assert [r.kind for r in selectors.search(personas["am"].actor, "wombat")] == ["decision"]
        assert [r.kind for r in selectors.search(personas["am"].actor, "numbat")] == ["comment"]
        assert selectors.search(personas["client_a"].actor, "wombat") == []
        assert selectors.search(personas["client_a"].actor, "numbat") == []
