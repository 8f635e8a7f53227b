"""The team homes in a browser, as an account manager, a project manager, a member and a client, at 1440x900 and
390x844: the home shows the figures of its first question, equal to `GET /api/v1/home`'s, with no console error and
nothing wider than the screen; and the time grid on a phone is a day view whose "Add row" logs no htmx error."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from baton.core import formats
from baton.core.access import Actor
from baton.delivery import services as delivery
from baton.devdata.testing.personas import PASSWORD
from baton.finance.services.change_orders import change_order_create, change_order_submit
from baton.relationships import services as relationships
from baton.timesheets import services as timesheets

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = [(1440, 900), (390, 844)]
# Elements of the page's content (the layout's header aside) wider than the screen.
TOO_WIDE = """() => { const w = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll('main, main *')).filter(e => e.getBoundingClientRect().right > w + 1)
    .slice(0, 5).map(e => e.tagName + '.' + e.className); }"""


def open_home(browser: Any, base: str, email: str, size: tuple[int, int]) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    page.wait_for_load_state("networkidle")
    return context, page, errors


def texts(page: Any, key: str) -> list[str]:
    return [t.strip() for t in page.locator(f'[data-figure="{key}"]').all_inner_texts()]


def check_home(browser: Any, base: str, persona: Any, expected: dict[str, list[str]]) -> None:
    for size in SIZES:
        context, page, errors = open_home(browser, base, persona.email, size)
        for key, values in expected.items():
            assert texts(page, key) == values, (size, key)
        assert page.evaluate(TOO_WIDE) == [], size
        assert errors == [], size
        context.close()


def test_team_homes_show_the_apis_figures_at_both_sizes(live_server, personas, browser):
    base = live_server.url
    system = Actor.system(personas.workspace)
    today = timezone.localdate()
    client = personas.client_a
    relationships.protocol_put(actor=system, client=client, meeting_every_days=7)
    project = delivery.project_create(
        actor=system,
        client_id=client.id,
        name="Spring campaign",
        status="active",
        budget_amount="1000.00",
        budget_minutes=600,
        project_manager_id=personas["pm"].person.id,
        end_date=today + timedelta(days=30),
    )
    delivery.milestone_create(actor=system, project=project, name="Launch", due_date=today - timedelta(days=2))
    delivery.task_create(actor=system, project=project, title="Wireframes", status="done")
    delivery.task_create(actor=system, project=project, title="Build", status="blocked")
    delivery.task_create(
        actor=system, project=project, title="Copy", assignee_id=personas["member"].person.id, due_date=today
    )
    review = delivery.task_create(actor=system, project=project, title="Homepage design", status="in_review")
    order = change_order_create(actor=system, project_id=project.id, title="Extra page", amount_delta="500.00")
    change_order_submit(actor=system, order=order)
    timesheets.time_entry_create(actor=personas["member"].actor, project_id=project.id, date=today, minutes=150)

    am = personas["am"].api().get("/api/v1/home").json()["figures"]
    [account] = am["accounts"]
    health = personas["am"].api().get(f"/api/v1/clients/{client.id}/health").json()
    assert account["score"] == health["score"]
    check_home(
        browser,
        base,
        personas["am"],
        {"score": [str(health["score"])], "cadence_due": [str(am["cadence_due"])], "renewals": ["1"]},
    )

    pm = personas["pm"].api().get("/api/v1/home").json()["figures"]
    [row] = pm["projects"]
    check_home(
        browser,
        base,
        personas["pm"],
        {
            "progress_pct": [f"{row['progress_pct']}%"],
            "budget_used_pct": [formats.percent(row["budget_used_pct"])],
            "blocked_count": [str(pm["blocked_count"])],
            "late_milestones": ["1"],
        },
    )

    member = personas["member"].api().get("/api/v1/home").json()["figures"]
    assert member["week_minutes"] >= 150
    check_home(
        browser,
        base,
        personas["member"],
        {"week_minutes": [formats.duration(member["week_minutes"])], "tasks_today": [str(len(member["tasks_today"]))]},
    )

    portal = personas["client_a"].api().get("/api/v1/home").json()["figures"]
    assert portal["awaiting_approval"] == 2 and [t["id"] for t in portal["tasks_in_review"]] == [review.id]
    check_home(browser, base, personas["client_a"], {"awaiting_approval": ["2"], "projects": ["1"]})


def test_time_grid_on_a_phone_is_a_day_view_and_add_row_swaps_cleanly(live_server, personas, browser):
    base = live_server.url
    system = Actor.system(personas.workspace)
    today = timezone.localdate()
    first = delivery.project_create(actor=system, client_id=personas.client_a.id, name="Alpha", status="active")
    second = delivery.project_create(actor=system, client_id=personas.client_a.id, name="Bravo", status="active")
    third = delivery.project_create(actor=system, client_id=personas.client_a.id, name="Charlie", status="active")
    timesheets.time_entry_create(actor=personas["member"].actor, project_id=first.id, date=today, minutes=90)

    context, page, errors = open_home(browser, base, personas["member"].email, (390, 844))
    page.on("console", lambda m: errors.append(m.text) if "oob" in m.text.lower() else None)
    page.goto(f"{base}/time/")
    page.wait_for_load_state("networkidle")
    nav = page.locator(".day-nav")
    expect(nav).to_be_visible()
    visible_days = page.locator("#time-grid thead th.dcol:visible")
    expect(visible_days).to_have_count(1)
    label = page.locator(".day-nav .day-label")
    assert label.inner_text() == f"{today:%A}, {formats.day_short(today)}"
    expect(page.locator(f'#time-grid input[name="hours"][aria-label*="{today:%A}"]:visible')).to_have_count(1)
    step = "Next day" if today.weekday() < 6 else "Previous day"
    page.get_by_role("button", name=step).click()
    expect(label).not_to_have_text(f"{today:%A}, {formats.day_short(today)}")
    expect(visible_days).to_have_count(1)
    expect(page.locator("#timer-project")).to_be_visible()  # the timer is on the phone's grid too
    assert page.evaluate(TOO_WIDE) == []

    page.evaluate(
        "() => { window.oobErrors = 0;"
        " document.body.addEventListener('htmx:oobErrorNoTarget', () => { window.oobErrors += 1; }); }"
    )
    for project in (second, third):  # the grid has rows already: the empty-week row is hidden, never missing
        page.locator("#add-project").select_option(str(project.id))
        page.get_by_role("button", name="Add row").click()
        expect(page.locator(f"#row-{project.id}-0")).to_be_visible()
    assert page.evaluate("window.oobErrors") == 0
    assert errors == []
    context.close()
