"""The shell has no dead ends: the main navigation shows each role only the pages it may open, and a page it may
not open, a missing one or a server error answers with a styled page that leads back."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client as WebClient
from django.urls import reverse

from baton.core.nav import MAIN_NAV, may_open

pytestmark = pytest.mark.django_db

# What each role finds in its main navigation, written out so a change to the policy or the list is a deliberate one.
EXPECTED = {
    "owner": [
        "Home", "People", "Clients", "Projects", "My tasks", "Accounts", "Requests", "Schedule", "Time", "Finance",
        "Quotes", "Growth", "Handoffs", "Activity", "Automations", "Imports", "Approvals", "Settings",
    ],
    "admin": [
        "Home", "People", "Clients", "Projects", "My tasks", "Accounts", "Requests", "Schedule", "Time", "Finance",
        "Quotes", "Growth", "Handoffs", "Activity", "Automations", "Imports", "Approvals",
    ],
    "finance": [
        "Home", "People", "Clients", "Projects", "My tasks", "Accounts", "Schedule", "Time", "Finance", "Quotes",
        "Growth", "Handoffs", "Activity",
    ],
    "am": [
        "Home", "People", "Clients", "Projects", "My tasks", "Accounts", "Requests", "Schedule", "Time", "Finance",
        "Quotes", "Growth", "Handoffs", "Activity", "Approvals",
    ],
    "pm": [
        "Home", "People", "Clients", "Projects", "My tasks", "Accounts", "Requests", "Schedule", "Time", "Finance",
        "Growth", "Handoffs", "Activity",
    ],
    "member": ["Home", "People", "Clients", "Projects", "My tasks", "Schedule", "Time", "Growth", "Handoffs", "Activity"],
    "client_a": ["Home", "Clients", "Projects", "Invoices", "Portal", "Requests", "Approvals", "Files"],
}  # fmt: skip


def _web(persona) -> WebClient:
    web = WebClient()
    web.force_login(persona.person.membership.user)
    return web


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_role_sees_the_pages_it_may_open_and_each_opens(personas, name):
    web = _web(personas[name])
    home = web.get("/")
    assert home.status_code == 200
    nav = home.context["main_nav"]
    assert [link["label"] for link in nav] == EXPECTED[name]
    assert [link["label"] for link in nav if link["current"]] == ["Home"]
    for link in nav:
        page = web.get(link["href"], follow=True)
        assert page.status_code == 200, (name, link["href"])
        assert link["href"] in page.content.decode()  # the shell shows the link on every page
    # A page of the list the role may not open by the policy answers 403: the link was rightly hidden.
    actor = personas[name].actor
    for link in MAIN_NAV:
        if actor.role in link.audience and not may_open(actor, link):
            denied = web.get(reverse(link.url_name))
            assert denied.status_code == 403, (name, link.label)


def test_a_page_the_role_may_not_open_answers_the_styled_403_with_navigation(personas):
    web = _web(personas["member"])
    response = web.get("/finance/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "This page is not open to you" in html and "Team member" in html
    assert 'aria-label="Main"' in html and "Go to your home page" in html
    assert "Finance</a>" not in html  # the navigation still hides what the member may not open


def test_a_missing_page_answers_the_styled_404_with_navigation(personas):
    web = _web(personas["owner"])
    response = web.get("/projects/987654321/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Nothing here" in html and 'aria-label="Main"' in html and "Go to your home page" in html
    assert WebClient().get("/no-such-page/").content.decode().count("Log in") >= 1  # logged out: a way to log in


def test_the_500_page_renders_without_a_request_or_the_database():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html and 'href="/"' in html and "app" in html
