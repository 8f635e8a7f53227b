"""The leadership, operations, finance and resources homes in a browser, on a desktop (1440x900) and a phone
(390x844): each shows its first question's figures as `GET /api/v1/home` gives them, with no console error and
nothing wider than the screen. Screenshots: test-artifacts/home-<role>-<width>.png."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from baton.core import formats
from baton.core.access import Actor
from baton.core.models import Membership
from baton.core.services import api_token_create
from baton.devdata.scale import Size, generate
from baton.devdata.testing.personas import PASSWORD

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SIZE = Size(people=12, clients=6, projects=12, entries=400, bookings=40, years=1, handoffs=12, touchpoints=30)
VIEWPORTS = [(1440, 900), (390, 844)]


def _kpis(role: str, f: dict[str, Any]) -> dict[str, str]:
    """The first question's figures as the page writes them, by the `data-figure` of their tile."""
    money = lambda v: formats.money(v, f.get("currency"))  # noqa: E731
    if role == "owner":
        return {
            "revenue": money(f["month"]["revenue"]),
            "margin": money(f["month"]["margin"]),
            "utilization": formats.percent(f["utilization"]["pct"], 1),
            "pipeline": money(f["pipeline"]["weighted_open_value"]),
            "receivable": money(f["cash"]["receivable"]),
        }
    if role == "admin":
        return {
            "blocked": formats.number(f["blocked_tasks"]),
            "overdue-handoffs": formats.number(f["overdue_handoffs"]),
            "failures": formats.number(f["failures"]["count"]),
            "overbooked": formats.number(f["overbooked_people"]),
        }
    if role == "finance":
        return {
            "timesheets": formats.number(f["timesheets_to_approve"]),
            "ready": money(f["ready_to_invoice"]["amount"]),
            "overdue": formats.number(f["overdue_invoices"]),
            "burning": str(len(f["burning_ahead"])),
        }
    return {
        "overbooked": formats.number(f["overbooked_people"]),
        "free": formats.number(f["free_people"]),
        "booked": formats.percent(f["booked_pct"]),
        "placeholders": formats.number(f["placeholders"]),
    }


def _member(workspace: Any, role: str) -> Membership:
    found = Membership.objects.filter(workspace=workspace, role=role).select_related("user").first()
    if role == "resource_manager" or found is None:
        found = Membership.objects.filter(workspace=workspace, role="member").select_related("user").first()
        assert found is not None
        if role == "resource_manager":
            found.resource_manager = True
        else:
            found.role = role
        found.save()
    assert found is not None
    found.user.set_password(PASSWORD)
    found.user.save()
    return found


@pytest.mark.parametrize("role", ["owner", "admin", "finance", "resource_manager"])
def test_home_answers_its_first_question_on_any_screen(live_server, browser, role):
    workspace = generate(SIZE, seed=5, slug=f"e2e-{role.replace('_', '-')}").workspace
    membership = _member(workspace, role)
    _, raw = api_token_create(actor=Actor.system(workspace), user=membership.user)
    api = HttpClient(headers={"Authorization": f"Bearer {raw}"})
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in VIEWPORTS:
        context = browser.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m, seen=errors: seen.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Email").fill(membership.user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")
        page.wait_for_load_state("networkidle")
        page.wait_for_function("document.querySelectorAll('[aria-busy=true]').length === 0")
        body = api.get("/api/v1/home").json()
        assert body["home"] == {"owner": "leadership", "admin": "operations"}.get(role, body["home"])
        for key, shown in _kpis(role, body["figures"]).items():
            tile = page.locator(f'.kpis [data-figure="{key}"] .value')
            assert tile.inner_text().strip() == shown, (role, width, key)
        # Nothing in the page's content is wider than the screen (tables scroll inside their card).
        main_fits = page.evaluate(
            "(() => { const m = document.querySelector('main'); return m.scrollWidth <= m.clientWidth; })()"
        )
        assert main_fits, (role, width)
        wide = page.evaluate(
            "Array.from(document.querySelectorAll('main .card, main .kpi'))"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length"
        )
        assert wide == 0, (role, width)
        if role == "owner":
            # Chart.js drew both: the trend from the page's JSON, utilization from its htmx part's data-json.
            page.locator("canvas#home-trend[data-drawn='1']").wait_for(state="attached")
            page.locator("canvas#home-util[data-drawn='1']").wait_for(state="attached")
            assert page.locator("canvas#home-trend").bounding_box()["height"] > 100
        page.screenshot(path=str(ARTIFACTS / f"home-{role}-{width}.png"), full_page=True)
        assert errors == [], errors
        context.close()
