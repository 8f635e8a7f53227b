"""Query-count baselines: list pages and API lists cost a fixed number of queries, however many rows they show.

The bounds are today's counts plus a little slack; an N+1 on 30 rows blows far past them.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from baton.core.testing import PASSWORD
from baton.crm.services import client_create, contact_create
from baton.people.services import person_create

ROWS = 30

# url -> maximum queries, with ROWS people, clients (each with an AM and a contact) and their events.
WEB_PAGES = {
    "/people/": 12,
    "/clients/": 12,
    "/activity/": 12,
    "/": 40,  # the home page gathers one block per capability (people, clients, delivery, schedule, money)
}
API_LISTS = {
    "/api/v1/people?limit=500": 6,
    "/api/v1/clients?limit=500": 6,
    "/api/v1/contacts?limit=500": 6,
    "/api/v1/events?limit=500": 6,
}


def add_rows(personas, n: int, prefix: str) -> None:
    actor = personas["owner"].actor
    for i in range(n):
        am = person_create(
            actor=actor,
            name=f"{prefix} Person {i:02d}",
            email=f"{prefix}-{i}@studio.test",
            role="account_manager",
            skills=["design", f"skill-{i}"],
        )
        client = client_create(actor=actor, name=f"{prefix} Client {i:02d}", account_manager_id=am.id)
        contact_create(actor=actor, client=client, name=f"{prefix} Contact {i:02d}", is_primary=True)


@pytest.fixture
def web(personas):
    client = HttpClient()
    assert client.login(email=personas["owner"].email, password=PASSWORD)
    client.get("/")  # settle the session's workspace
    return client


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.parametrize(("url", "bound"), WEB_PAGES.items())
def test_web_page_query_bound(personas, web, django_assert_max_num_queries, url, bound):
    add_rows(personas, ROWS, "Q")
    with django_assert_max_num_queries(bound):
        response = web.get(url)
    assert response.status_code == 200
    if url in ("/people/", "/clients/"):
        assert "Q " in response.content.decode()  # the rows really are on the page


@pytest.mark.parametrize(("url", "bound"), API_LISTS.items())
def test_api_list_query_bound(personas, django_assert_max_num_queries, url, bound):
    add_rows(personas, ROWS, "Q")
    api = personas["owner"].api()
    api.get("/api/v1/me")  # the token's last_used_at is refreshed once a minute; do it outside the measurement
    with django_assert_max_num_queries(bound):
        response = api.get(url)
    assert response.status_code == 200
    assert len(response.json()["results"]) >= ROWS


def test_query_counts_do_not_grow_with_rows(personas, web):
    api = personas["owner"].api()
    api.get("/api/v1/me")
    add_rows(personas, 2, "Few")
    few = {url: count_queries(web, url) for url in WEB_PAGES} | {url: count_queries(api, url) for url in API_LISTS}
    add_rows(personas, ROWS, "Many")
    many = {url: count_queries(web, url) for url in WEB_PAGES} | {url: count_queries(api, url) for url in API_LISTS}
    assert many == few
