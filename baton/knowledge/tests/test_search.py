"""Search: full-text in the database (FTS5 on SQLite, tsvector on PostgreSQL), ranked, and scoped by the access
policy. Runs on both backends (`.ci/run`)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from baton.core.access import Actor
from baton.crm.services import client_update
from baton.knowledge import selectors, services
from baton.knowledge.models import SearchEntry

from .helpers import fields, patch, post, put

SECTIONS = {
    "objective": "Win back lapsed subscribers with the marigold campaign.",
    "audience": "Subscribers who cancelled in the last year.",
    "deliverables": "Four emails and a landing page.",
    "success_measures": "Reactivations per week.",
}


def _decision(personas, client, title, decision, author=None):
    author = author or ("am" if client == personas.client_a else "admin")  # an AM writes its portfolio's only
    body = {"client_id": client.id, "title": title, "decision": decision, "decided_by": personas["am"].person.id}
    response = post(personas[author].api(), "/api/v1/decisions", body)
    assert response.status_code == 201, response.content
    return response.json()


def _ids(results, kind=None):
    return [(r.kind, r.id) for r in results if kind is None or r.kind == kind]


@pytest.fixture
def indexed(personas, work):
    """Records of client A, client B and the other workspace sharing the word "marigold", then a rebuilt index."""
    a_title = _decision(personas, personas.client_a, "Marigold palette for spring", "Use the marigold palette.")
    a_body = _decision(personas, personas.client_a, "Spring colours", "Keep blue; marigold only as an accent.")
    b = _decision(personas, personas.client_b, "Marigold for client B", "B goes marigold too.")
    other_actor = Actor.system(personas.other_workspace)
    other = services.decision_create(
        actor=other_actor,
        client=personas.other_client,
        title="Marigold elsewhere",
        decision="The other agency's marigold.",
        decided_by=personas["outsider"].person.id,
    )
    services.search_index_rebuild()
    return {"a_title": a_title["id"], "a_body": a_body["id"], "b": b["id"], "other": other.pk}


def test_title_matches_rank_above_body_matches(personas, indexed):
    results = selectors.search(personas["am"].actor, "marigold", kinds=["decision"])
    ids = [r.id for r in results]
    assert set(ids) == {indexed["a_title"], indexed["a_body"], indexed["b"]}
    assert ids.index(indexed["a_title"]) < ids.index(indexed["a_body"])
    assert ids.index(indexed["b"]) < ids.index(indexed["a_body"])
    assert results[0].rank >= results[-1].rank
    top = results[0]
    assert top.url == f"/decisions/{top.id}/" and top.client_name in {"Client A", "Client B"}
    assert "marigold" in top.snippet_text.lower()
    assert "<mark>" in top.snippet_html


def test_a_client_user_finds_only_its_own_client(personas, indexed):
    found = selectors.search(personas["client_a"].actor, "marigold")
    assert _ids(found) == [("decision", indexed["a_title"]), ("decision", indexed["a_body"])]
    portal = personas["client_a"].api().get("/api/v1/search?q=marigold").json()
    assert portal["count"] == 2 and {r["id"] for r in portal["results"]} == {indexed["a_title"], indexed["a_body"]}


def test_another_workspace_is_never_found(personas, indexed):
    for name in ("owner", "admin", "finance", "am", "pm", "member", "client_a"):
        assert indexed["other"] not in [r.id for r in selectors.search(personas[name].actor, "marigold")], name
    outsider = personas["outsider"].api().get("/api/v1/search?q=marigold").json()
    assert [(r["kind"], r["id"]) for r in outsider["results"]] == [("decision", indexed["other"])]


def test_kinds_filter_and_bad_kinds(personas, work, indexed):
    api = personas["owner"].api()
    only = api.get("/api/v1/search?q=client&kinds=client").json()
    assert {r["kind"] for r in only["results"]} == {"client"} and only["count"] == 2
    projects = api.get("/api/v1/search?q=website&kinds=project,task").json()
    assert [(r["kind"], r["id"]) for r in projects["results"]] == [("project", work.project_a.id)]
    bad = api.get("/api/v1/search?q=x&kinds=client,secrets")
    assert bad.status_code == 422 and fields(bad) == ["kinds"]
    missing = api.get("/api/v1/search")
    assert missing.status_code == 422 and fields(missing) == ["q"]


@pytest.mark.parametrize(
    "query", ['"', "*", "OR", "-", "a AND", "NEAR(", "marigold)", '"unclosed phrase', "col:umn", "^x", "''", "🙂"]
)
def test_odd_queries_never_fail(personas, indexed, query):
    response = personas["owner"].api().get("/api/v1/search", {"q": query})
    assert response.status_code == 200, response.content


def test_query_syntax(personas, indexed):
    actor = personas["owner"].actor
    assert _ids(selectors.search(actor, '"marigold palette"')) == [("decision", indexed["a_title"])]
    without = [r.id for r in selectors.search(actor, "marigold -accent", kinds=["decision"])]
    assert indexed["a_body"] not in without and indexed["a_title"] in without
    either = {r.id for r in selectors.search(actor, "palette or accent", kinds=["decision"])}
    assert either == {indexed["a_title"], indexed["a_body"]}
    # Stemming: "colour" finds "colours".
    assert indexed["a_body"] in [r.id for r in selectors.search(actor, "colour")]


def test_drafts_internal_comments_and_the_knowledge_record_are_hidden_from_clients(personas, work):
    am = personas["am"].api()
    brief = post(am, "/api/v1/briefs", {"project_id": work.project_a.id, **SECTIONS}).json()
    services.search_index_rebuild()
    portal = personas["client_a"].actor
    assert not selectors.search(portal, "marigold")  # a draft
    assert _ids(selectors.search(personas["member"].actor, "marigold")) == [("brief", brief["id"])]

    am.post(f"/api/v1/briefs/{brief['id']}/approve")
    patch(am, f"/api/v1/briefs/{brief['id']}", {"objective": "Win back lapsed subscribers: zinnia campaign."}, 2)
    target = {"target_type": "brief", "target_id": brief["id"]}
    post(am, "/api/v1/comments", target | {"body": "Peony idea, internal only", "internal": True})
    post(am, "/api/v1/comments", target | {"body": "Tulip idea for everyone"})
    put(am, f"/api/v1/clients/{personas.client_a.id}/knowledge", {"sensitivities": "Never mention the hyacinth."})
    services.search_index_rebuild()

    assert _ids(selectors.search(portal, "marigold")) == [("brief", brief["id"])]  # the approved v1
    assert not selectors.search(portal, "zinnia")  # only in the v2 draft
    assert _ids(selectors.search(personas["pm"].actor, "zinnia")) == [("brief", brief["id"])]
    assert not selectors.search(personas["pm"].actor, "marigold", kinds=["brief"])  # staff read the newest text
    assert not selectors.search(portal, "peony")
    assert [r.kind for r in selectors.search(personas["pm"].actor, "peony")] == ["comment"]
    assert [r.kind for r in selectors.search(portal, "tulip")] == ["comment"]
    assert not selectors.search(portal, "hyacinth")
    assert _ids(selectors.search(personas["pm"].actor, "hyacinth")) == [("client", personas.client_a.id)]


def test_the_index_follows_events(personas, work, django_capture_on_commit_callbacks):
    """Nothing calls the index directly: the subscriber keeps it current after each committed change."""
    am = personas["am"].api()
    with django_capture_on_commit_callbacks(execute=True):
        decision = _decision(personas, personas.client_a, "Peach packaging", "Go with peach.")
    assert _ids(selectors.search(personas["am"].actor, "peach")) == [("decision", decision["id"])]

    with django_capture_on_commit_callbacks(execute=True):
        patch(am, f"/api/v1/decisions/{decision['id']}", {"title": "Apricot packaging", "decision": "Apricot."}, 1)
    assert not selectors.search(personas["am"].actor, "peach")
    assert _ids(selectors.search(personas["am"].actor, "apricot")) == [("decision", decision["id"])]

    with django_capture_on_commit_callbacks(execute=True):
        comment = post(
            am, "/api/v1/comments", {"target_type": "task", "target_id": work.task_a.id, "body": "Quokka mascot?"}
        ).json()
    assert _ids(selectors.search(personas["member"].actor, "quokka")) == [("comment", comment["id"])]
    assert selectors.search(personas["member"].actor, "quokka")[0].title == "Comment on Design the homepage"
    with django_capture_on_commit_callbacks(execute=True):
        am.delete(f"/api/v1/comments/{comment['id']}")
    assert not selectors.search(personas["member"].actor, "quokka")

    # crm and delivery changes are indexed too, without knowing about search.
    with django_capture_on_commit_callbacks(execute=True):
        client = client_update(
            actor=personas["owner"].actor,
            client=personas.client_b,
            version=personas.client_b.version,
            name="Walrus Ltd",
        )
    assert _ids(selectors.search(personas["pm"].actor, "walrus")) == [("client", client.pk)]
    from baton.delivery import services as delivery

    with django_capture_on_commit_callbacks(execute=True):
        task = delivery.task_create(actor=personas["pm"].actor, project=work.project_a, title="Narwhal illustration")
    assert _ids(selectors.search(personas["client_a"].actor, "narwhal")) == [("task", task.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        delivery.task_delete(actor=personas["pm"].actor, task=task)
    assert not selectors.search(personas["pm"].actor, "narwhal")


def test_rebuild_command(personas, indexed, capsys):
    SearchEntry.objects.all().delete()
    assert not selectors.search(personas["owner"].actor, "marigold")
    call_command("rebuild_search_index", "--workspace", "studio")
    assert "entries" in capsys.readouterr().out
    assert len(selectors.search(personas["owner"].actor, "marigold")) == 3
    assert not selectors.search(personas["outsider"].actor, "marigold")  # not rebuilt yet
    call_command("rebuild_search_index")
    assert len(selectors.search(personas["outsider"].actor, "marigold")) == 1


def test_search_query_count_does_not_grow_with_results(personas, indexed, django_assert_max_num_queries):
    for i in range(15):
        _decision(personas, personas.client_a, f"Marigold variant {i}", "More marigold.")
    services.search_index_rebuild()
    api = personas["am"].api()
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/search?q=marigold&limit=50")
    assert response.json()["count"] == 18


def test_search_page(personas, indexed, client):
    client.force_login(personas["client_a"].person.membership.user)
    page = client.get("/search/?q=marigold")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Marigold palette for spring" in text and "Marigold for client B" not in text
    assert "<mark>" in text
    partial = client.get("/search/?q=marigold&kind=decision", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.content.decode()


def test_a_restricted_member_finds_only_its_projects_records(personas, work):
    from baton.core.models import Workspace

    Workspace.objects.filter(pk=personas.workspace.pk).update(members_see_only_their_projects=True)
    personas.workspace.refresh_from_db()
    from baton.delivery import services as delivery

    delivery.task_update(
        actor=personas["owner"].actor,
        task=work.task_a,
        version=work.task_a.version,
        assignee_id=personas["member"].person.id,
    )
    on_b = _decision(personas, personas.client_b, "Gecko for B", "Gecko.")
    post(
        personas["admin"].api(),
        "/api/v1/decisions",
        {
            "client_id": personas.client_b.id,
            "title": "Gecko general",
            "decision": "Gecko everywhere.",
            "decided_by": personas["am"].person.id,
        },
    )
    patch(personas["admin"].api(), f"/api/v1/decisions/{on_b['id']}", {"project_id": work.project_b.id}, 1)
    on_a = _decision(personas, personas.client_a, "Gecko for A", "Gecko.")
    patch(personas["am"].api(), f"/api/v1/decisions/{on_a['id']}", {"project_id": work.project_a.id}, 1)
    services.search_index_rebuild()
    from baton.core.access import Actor as ActorClass

    member = ActorClass.for_membership(personas["member"].person.membership)
    found = {r.title for r in selectors.search(member, "gecko")}
    assert found == {"Gecko for A", "Gecko general"}  # project B's decision is not theirs
    assert {r.title for r in selectors.search(personas["pm"].actor, "gecko")} == {
        "Gecko for A",
        "Gecko for B",
        "Gecko general",
    }
    assert personas["member"].api().get(f"/api/v1/decisions/{on_b['id']}").status_code == 404
