"""Search in the browser (issue 17): an account manager types a word from a call summary and gets the results grouped
by kind, opens the touchpoint; on a phone the results fit the screen; the client user searching the same word finds
nothing of the call but its own goal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from baton.core.access import Actor
from baton.devdata.testing.personas import PASSWORD
from baton.relationships import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


def test_search_groups_kinds_and_keeps_to_what_each_may_open(live_server, personas, page, browser):
    am = personas["am"].actor
    touchpoint = services.touchpoint_log(
        actor=am,
        client=personas.client_a,
        kind="call",
        summary="The lanternfish campaign is ahead of plan.",
        next_steps=[
            {
                "description": "Share the lanternfish numbers",
                "owner_id": personas["am"].person.id,
                "due_on": timezone.localdate() + timedelta(days=3),
            }
        ],
    )
    services.goal_create(
        actor=Actor.system(personas.workspace),
        client=personas.client_a,
        title="Lanternfish reach",
        metric="Readers",
        target="500",
    )

    _log_in(page, live_server.url, personas["am"].email)
    page.goto(f"{live_server.url}/search/")
    page.locator("#search-q").fill("lanternfish")
    page.get_by_role("heading", name="Touchpoints (1)").wait_for()
    assert page.get_by_role("heading", name="Next steps (1)").is_visible()
    assert page.get_by_role("heading", name="Goals (1)").is_visible()
    page.get_by_role("link", name="Call with Client A", exact=False).click()
    page.get_by_role("heading", name="Call with Client A").wait_for()
    assert page.url.endswith(f"/relationships/touchpoints/{touchpoint.pk}/")
    assert "Share the lanternfish numbers" in page.content()

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        small = phone.new_page()
        _log_in(small, live_server.url, personas["client_a"].email)
        small.goto(f"{live_server.url}/search/?q=lanternfish")
        small.get_by_role("heading", name="Goals (1)").wait_for()
        content = small.content()
        assert "Touchpoints" not in content and "Next steps" not in content and "Call with" not in content
        right = small.evaluate("document.querySelector('#search-results').getBoundingClientRect().right")
        assert right <= 390
        inner = small.evaluate("[...document.querySelectorAll('#search-results *')].map(e => e.scrollWidth > 390)")
        assert not any(inner)
    finally:
        phone.close()
