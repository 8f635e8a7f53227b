"""API conventions: problem+json errors, auth, validation, versions, idempotency, pagination, filters, rate limits."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client as HttpClient

from baton.core.models import Event, IdempotencyRecord, Membership, User
from baton.crm.models import Client, Contact
from baton.people.models import Person

PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}


def assert_problem(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
    problem: dict[str, Any] = body
    return problem


def fields_of(body: dict[str, Any]) -> set[str]:
    return {e["field"] for e in body["errors"]}


def post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", headers=headers)


def patch(client, url, data, **headers):
    return client.patch(url, data, content_type="application/json", headers=headers)


# --- 401 ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-real-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=["no-header", "bad-token", "empty-token", "basic-auth"],
)
def test_401_without_valid_token(personas, headers):
    response = HttpClient(headers=headers).get("/api/v1/clients")
    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Client A" not in json.dumps(body)


def test_401_for_revoked_token_and_inactive_user(personas):
    from django.utils import timezone

    from baton.core.models import ApiToken

    am = personas["am"]
    assert am.api().get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(user__email=am.email).update(revoked_at=timezone.now())
    assert_problem(am.api().get("/api/v1/me"), 401)

    member = personas["member"]
    User.objects.filter(email=member.email).update(is_active=False)
    assert_problem(member.api().get("/api/v1/me"), 401)


def test_401_for_token_of_deactivated_membership(personas):
    pm = personas["pm"]
    Membership.objects.filter(user__email=pm.email, workspace=personas.workspace).update(is_active=False)
    assert_problem(pm.api().get("/api/v1/me"), 401)


def test_401_write_creates_nothing(personas):
    before = Client.objects.count()
    assert_problem(HttpClient().post("/api/v1/clients", {"name": "Anon"}, content_type="application/json"), 401)
    assert Client.objects.count() == before


# --- 422 / 400 ------------------------------------------------------------------------------------------------


def test_422_names_every_bad_schema_field_at_once(personas):
    response = post(personas["owner"].api(), "/api/v1/clients", {"name": "", "status": "bogus"})
    body = assert_problem(response, 422)
    assert fields_of(body) == {"name", "status"}
    assert "name" in body["detail"] and "status" in body["detail"]
    assert not Client.objects.filter(name="").exists()


def test_422_missing_required_field(personas):
    body = assert_problem(post(personas["owner"].api(), "/api/v1/contacts", {"name": "No client"}), 422)
    assert fields_of(body) == {"client_id"}


def test_422_names_several_service_level_fields(personas):
    """Model-level checks (currency, website) are collected and reported together too."""
    response = post(
        personas["owner"].api(),
        "/api/v1/clients",
        {"name": "Acme", "currency": "dollars", "website": "not a url"},
    )
    body = assert_problem(response, 422)
    assert {"currency", "website"} <= fields_of(body)
    assert not Client.objects.filter(name="Acme").exists()


def test_422_wrong_types(personas):
    response = post(
        personas["owner"].api(),
        "/api/v1/people",
        {"name": "X", "email": "x@studio.test", "weekly_capacity_minutes": "lots", "working_days": "weekdays"},
    )
    body = assert_problem(response, 422)
    assert fields_of(body) == {"weekly_capacity_minutes", "working_days"}


def test_400_for_unparseable_json(personas):
    response = personas["owner"].api().post("/api/v1/clients", "{not json", content_type="application/json")
    assert_problem(response, 400)


@pytest.mark.parametrize("query", ["limit=501", "limit=0", "offset=-1", "limit=abc"])
def test_422_for_bad_pagination(personas, query):
    body = assert_problem(personas["owner"].api().get(f"/api/v1/clients?{query}"), 422)
    assert fields_of(body) == {query.split("=")[0]}


def test_422_for_bad_filter_value(personas):
    body = assert_problem(personas["owner"].api().get("/api/v1/clients?status=bogus"), 422)
    assert fields_of(body) == {"status"}


@pytest.mark.parametrize(
    ("url_name", "field"),
    [
        ("person", "name"),
        ("person", "active"),
        ("person", "working_days"),
        ("person", "skills"),
        ("person", "cost_rate"),
        ("person", "weekly_capacity_minutes"),
        ("client", "name"),
        ("client", "status"),
        ("client", "currency"),
        ("contact", "name"),
        ("contact", "is_primary"),
    ],
)
def test_patch_with_null_is_a_field_error_never_a_crash(personas, url_name, field):
    target = {
        "person": (Person, personas["member"].person.id, "/api/v1/people/{}"),
        "client": (Client, personas.client_a.id, "/api/v1/clients/{}"),
        "contact": (Contact, personas.contact_a.id, "/api/v1/contacts/{}"),
    }[url_name]
    model, pk, url = target
    before = model.objects.get(pk=pk)
    response = patch(personas["owner"].api(), url.format(pk), {field: None}, **{"If-Match": str(before.version)})
    assert response.status_code < 500
    after = model.objects.get(pk=pk)
    if response.status_code == 200:
        # A null the API treats as "no change" (or "use the default") must not have stored a null.
        assert getattr(after, field) is not None
    else:
        body = assert_problem(response, 422)
        assert field in fields_of(body)
        assert after.version == before.version


# --- 404 ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/v1/clients/999999", "/api/v1/contacts/999999", "/api/v1/people/999999", "/api/v1/nothing-here"]
)
def test_404(personas, url):
    response = personas["owner"].api().get(url)
    assert response.status_code == 404
    if url != "/api/v1/nothing-here":
        assert_problem(response, 404)


# --- Versions: 409 / 428 / If-Match ---------------------------------------------------------------------------


def test_409_on_stale_if_match_changes_nothing(personas):
    client = Client.objects.get(pk=personas.client_a.id)
    events_before = Event.objects.count()
    response = patch(
        personas["owner"].api(),
        f"/api/v1/clients/{client.id}",
        {"name": "Renamed", "status": "paused"},
        **{"If-Match": str(client.version + 1)},
    )
    body = assert_problem(response, 409)
    assert fields_of(body) == {"version"}
    after = Client.objects.get(pk=client.id)
    assert (after.name, after.status, after.version) == ("Client A", "active", client.version)
    assert Event.objects.count() == events_before


def test_409_on_stale_body_version_changes_nothing(personas):
    api = personas["owner"].api()
    url = f"/api/v1/contacts/{personas.contact_a.id}"
    first = patch(api, url, {"role": "CMO", "version": 1})
    assert first.status_code == 200
    assert first.json()["version"] == 2
    events_before = Event.objects.count()
    stale = patch(api, url, {"role": "CEO", "version": 1})
    assert_problem(stale, 409)
    contact = Contact.objects.get(pk=personas.contact_a.id)
    assert (contact.role, contact.version) == ("CMO", 2)
    assert Event.objects.count() == events_before


def test_428_when_patch_has_no_version(personas):
    person = personas["member"].person
    response = patch(personas["owner"].api(), f"/api/v1/people/{person.id}", {"title": "Lead designer"})
    body = assert_problem(response, 428)
    assert fields_of(body) == {"version"}
    assert Person.objects.get(pk=person.id).title == "Designer"


def test_428_on_workspace_patch_without_version(personas):
    response = patch(personas["owner"].api(), "/api/v1/workspace", {"name": "Other name"})
    assert_problem(response, 428)


@pytest.mark.parametrize("header", ["{v}", '"{v}"', 'W/"{v}"'])
def test_if_match_formats(personas, header):
    client = Client.objects.get(pk=personas.client_a.id)
    response = patch(
        personas["owner"].api(),
        f"/api/v1/clients/{client.id}",
        {"industry": "Retail"},
        **{"If-Match": header.format(v=client.version)},
    )
    assert response.status_code == 200, response.content
    assert response.json()["industry"] == "Retail"
    assert response.json()["version"] == client.version + 1
    # The same header again is now stale.
    again = patch(
        personas["owner"].api(),
        f"/api/v1/clients/{client.id}",
        {"industry": "Media"},
        **{"If-Match": header.format(v=client.version)},
    )
    assert_problem(again, 409)
    assert Client.objects.get(pk=client.id).industry == "Retail"


def test_if_match_without_a_number_is_422(personas):
    response = patch(
        personas["owner"].api(), f"/api/v1/clients/{personas.client_a.id}", {"industry": "x"}, **{"If-Match": "*abc"}
    )
    body = assert_problem(response, 422)
    assert fields_of(body) == {"If-Match"}


def test_if_match_header_wins_over_body_version(personas):
    client = Client.objects.get(pk=personas.client_a.id)
    response = patch(
        personas["owner"].api(),
        f"/api/v1/clients/{client.id}",
        {"industry": "Retail", "version": client.version + 5},
        **{"If-Match": str(client.version)},
    )
    assert response.status_code == 200


# --- Idempotency ----------------------------------------------------------------------------------------------


def test_idempotent_repeat_returns_first_response_and_creates_one_record(personas):
    api = personas["am"].api()
    body = {"name": "Idem Co", "status": "prospect"}
    first = post(api, "/api/v1/clients", body, **{"Idempotency-Key": "key-1"})
    assert first.status_code == 201
    second = post(api, "/api/v1/clients", body, **{"Idempotency-Key": "key-1"})
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Client.objects.filter(name="Idem Co").count() == 1
    assert Event.objects.filter(verb="client.created", target_id=first.json()["id"]).count() == 1


def test_idempotency_key_reused_with_different_body_is_422(personas):
    api = personas["am"].api()
    assert post(api, "/api/v1/clients", {"name": "First Co"}, **{"Idempotency-Key": "k"}).status_code == 201
    response = post(api, "/api/v1/clients", {"name": "Second Co"}, **{"Idempotency-Key": "k"})
    body = assert_problem(response, 422)
    assert fields_of(body) == {"Idempotency-Key"}
    assert not Client.objects.filter(name="Second Co").exists()


def test_idempotency_keys_are_per_token(personas):
    body = {"name": "Shared Key Co"}
    a = post(personas["owner"].api(), "/api/v1/clients", body, **{"Idempotency-Key": "same"})
    assert a.status_code == 201
    # Another user's identical request with the same key is a different request: it is not replayed.
    b = post(personas["admin"].api(), "/api/v1/clients", {"name": "Other Key Co"}, **{"Idempotency-Key": "same"})
    assert b.status_code == 201
    assert IdempotencyRecord.objects.filter(key="same").count() == 2


def test_post_without_idempotency_key_is_not_deduplicated(personas):
    api = personas["owner"].api()
    body = {"client_id": personas.client_a.id, "name": "Twin"}
    assert post(api, "/api/v1/contacts", body).status_code == 201
    assert post(api, "/api/v1/contacts", body).status_code == 201
    assert Contact.objects.filter(name="Twin").count() == 2


# --- Pagination and filters -----------------------------------------------------------------------------------


def test_pagination_limit_offset(personas):
    api = personas["owner"].api()
    for i in range(7):
        assert post(api, "/api/v1/clients", {"name": f"Paged {i:02d}"}).status_code == 201
    everyone = api.get("/api/v1/clients?limit=500").json()
    assert everyone["count"] == 9  # A, B and the seven
    names = [c["name"] for c in everyone["results"]]
    assert names == sorted(names)

    page = api.get("/api/v1/clients?limit=3&offset=2").json()
    assert page["count"] == 9
    assert [c["name"] for c in page["results"]] == names[2:5]
    tail = api.get("/api/v1/clients?limit=3&offset=8").json()
    assert [c["name"] for c in tail["results"]] == names[8:]
    beyond = api.get("/api/v1/clients?offset=100").json()
    assert beyond == {"count": 9, "results": []}


def test_default_limit_is_50(personas):
    api = personas["owner"].api()
    for i in range(52):
        Contact.objects.create(workspace=personas.workspace, client=personas.client_b, name=f"Bulk {i:02d}")
    body = api.get("/api/v1/contacts").json()
    assert body["count"] == 53
    assert len(body["results"]) == 50


def test_filter_clients_by_status_and_account_manager(personas):
    api = personas["owner"].api()
    post(api, "/api/v1/clients", {"name": "Prospect One", "status": "prospect"})
    post(api, "/api/v1/clients", {"name": "Paused One", "status": "paused", "account_manager_id": None})
    post(
        api, "/api/v1/clients", {"name": "Am Two", "status": "prospect", "account_manager_id": personas["am"].person.id}
    )

    prospects = api.get("/api/v1/clients?status=prospect").json()
    assert {c["name"] for c in prospects["results"]} == {"Prospect One", "Am Two"}
    assert prospects["count"] == 2

    am_id = personas["am"].person.id
    mine = api.get(f"/api/v1/clients?account_manager_id={am_id}").json()
    assert {c["name"] for c in mine["results"]} == {"Client A", "Am Two"}

    both = api.get(f"/api/v1/clients?account_manager_id={am_id}&status=prospect").json()
    assert [c["name"] for c in both["results"]] == ["Am Two"]


def test_archived_clients_are_listed_only_when_asked(personas):
    api = personas["owner"].api()
    assert api.post(f"/api/v1/clients/{personas.client_b.id}/archive").status_code == 200
    current = api.get("/api/v1/clients").json()
    assert [c["name"] for c in current["results"]] == ["Client A"]
    archived = api.get("/api/v1/clients?archived=true").json()
    assert [c["name"] for c in archived["results"]] == ["Client B"]
    assert archived["results"][0]["archived"] is True


def test_filter_people_by_role_active_skill_and_search(personas):
    api = personas["owner"].api()
    body = api.get("/api/v1/people?role=account_manager").json()
    assert [p["email"] for p in body["results"]] == ["am@studio.test"]
    assert body["count"] == 1
    assert api.get("/api/v1/people?role=client").json()["count"] == 1
    assert api.get("/api/v1/people?role=owner").json()["results"][0]["email"] == "owner@studio.test"

    post(api, "/api/v1/people", {"name": "Sky Writer", "email": "sky@studio.test", "skills": ["Copywriting", "SEO"]})
    skilled = api.get("/api/v1/people?skill=seo").json()
    assert [p["name"] for p in skilled["results"]] == ["Sky Writer"]
    assert api.get("/api/v1/people?search=sky").json()["count"] == 1

    person = Person.objects.get(email="sky@studio.test")
    api.post(f"/api/v1/people/{person.id}/archive")
    assert [p["name"] for p in api.get("/api/v1/people?active=false").json()["results"]] == ["Sky Writer"]
    assert api.get("/api/v1/people?active=true").json()["count"] == 7


def test_filter_contacts_by_client_and_primary(personas):
    api = personas["owner"].api()
    post(api, "/api/v1/contacts", {"client_id": personas.client_b.id, "name": "Bob B"})
    by_client = api.get(f"/api/v1/contacts?client_id={personas.client_b.id}").json()
    assert [c["name"] for c in by_client["results"]] == ["Bob B"]
    primary = api.get("/api/v1/contacts?is_primary=true").json()
    assert [c["name"] for c in primary["results"]] == ["Cara Contact"]


# --- Rate limiting of API authentication ----------------------------------------------------------------------


def test_api_auth_rate_limited_after_failure_limit(personas):
    limit = settings.API_AUTH_FAILURE_LIMIT
    bad = HttpClient(headers={"Authorization": "Bearer wrong"}, REMOTE_ADDR="10.1.2.3")
    for _ in range(limit):
        assert bad.get("/api/v1/me").status_code == 401
    body = assert_problem(bad.get("/api/v1/me"), 429)
    assert body["title"] == "Too many requests"
    limited = bad.get("/api/v1/me")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    # The limit is per address: the same bad token from elsewhere is still only a 401.
    elsewhere = HttpClient(headers={"Authorization": "Bearer wrong"}, REMOTE_ADDR="10.9.9.9")
    assert elsewhere.get("/api/v1/me").status_code == 401
    # A valid token is never refused, even from the address that sent the bad ones.
    for address in ("10.9.9.9", "10.1.2.3"):
        good = HttpClient(headers={"Authorization": f"Bearer {personas['owner'].token}"}, REMOTE_ADDR=address)
        assert good.get("/api/v1/me").status_code == 200


def test_successful_auth_does_not_count_as_failure(personas):
    api = HttpClient(headers={"Authorization": f"Bearer {personas['owner'].token}"}, REMOTE_ADDR="10.4.4.4")
    for _ in range(settings.API_AUTH_FAILURE_LIMIT + 2):
        assert api.get("/api/v1/me").status_code == 200


# --- Misc -----------------------------------------------------------------------------------------------------


def test_openapi_document_is_served(personas):
    response = HttpClient().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/clients/{client_id}" in paths
    assert "/api/v1/events" in paths


def test_me_and_workspace(personas):
    me = personas["am"].api().get("/api/v1/me").json()
    assert me["role"] == "account_manager"
    assert me["person_id"] == personas["am"].person.id
    assert me["workspace"]["slug"] == "studio"
    assert [m["workspace_slug"] for m in me["memberships"]] == ["studio"]

    api = personas["owner"].api()
    ws = api.get("/api/v1/workspace").json()
    response = patch(api, "/api/v1/workspace", {"name": "Studio Two"}, **{"If-Match": str(ws["version"])})
    assert response.status_code == 200
    assert response.json()["name"] == "Studio Two"
    assert response.json()["version"] == ws["version"] + 1
    assert Event.objects.filter(verb="workspace.updated", target_id=ws["id"]).count() == 1


def test_no_user_membership_or_person_left_behind_by_a_422(personas):
    counts = (User.objects.count(), Membership.objects.count(), Person.objects.count())
    response = post(
        personas["owner"].api(),
        "/api/v1/people",
        {"name": "Bad Days", "email": "bad-days@studio.test", "working_days": [0, 8]},
    )
    body = assert_problem(response, 422)
    assert fields_of(body) == {"working_days"}
    assert (User.objects.count(), Membership.objects.count(), Person.objects.count()) == counts


# --- No input is a server error -------------------------------------------------------------------------------

BIG = 99999999999999999999  # beyond a 64-bit integer


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", f"/api/v1/clients/{BIG}", None),
        ("get", f"/api/v1/people/{BIG}", None),
        ("get", "/api/v1/contacts/-1", None),
        ("get", f"/api/v1/clients?account_manager_id={BIG}", None),
        ("get", f"/api/v1/contacts?client_id={BIG}", None),
        ("get", f"/api/v1/people?client_id={BIG}", None),
        ("get", f"/api/v1/events?target_id={BIG}", None),
        ("get", f"/api/v1/clients?offset={BIG}", None),
        ("get", "/api/v1/clients?search=%00", None),
        ("get", "/api/v1/people?skill=%00", None),
        ("post", "/api/v1/contacts", {"client_id": BIG, "name": "x"}),
        ("post", "/api/v1/clients", {"name": "x", "account_manager_id": BIG}),
        ("post", "/api/v1/people", {"name": "x", "email": "x@x.test", "role": "client", "client_id": BIG}),
        ("post", "/api/v1/clients", {"name": "nul\x00byte"}),
        ("post", "/api/v1/people", {"name": "x\x00y", "email": "n@x.test"}),
        ("post", "/api/v1/clients", {"name": "x" * 201}),
        ("post", "/api/v1/clients", {"name": "x", "currency": "x" * 50}),
        ("post", "/api/v1/clients", {"name": "x", "industry": "x" * 500}),
        ("post", "/api/v1/people", {"name": "x", "email": "x" * 300 + "@x.test"}),
        ("post", "/api/v1/people", {"name": "x", "email": "y@x.test", "title": "t" * 300}),
        ("post", "/api/v1/clients", [1, 2]),
        ("post", "/api/v1/clients", "null"),
    ],
)
def test_odd_input_is_a_4xx_never_a_5xx(personas, method, url, body):
    api = personas["owner"].api()
    if body is None:
        response = getattr(api, method)(url)
    else:
        response = getattr(api, method)(url, body, content_type="application/json")
    # Some of these are storable on one database and not on another (a NUL byte on SQLite vs PostgreSQL), so
    # success is acceptable; a crash is not, and a refusal is a proper problem document.
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
    if "=" + str(BIG) in url and response.status_code == 200:
        assert response.json()["results"] == []  # an id nobody has: an empty page
