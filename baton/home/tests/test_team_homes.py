"""The team homes (account manager, project manager, member, client): each page shows the figures of its first
question, they are what `GET /api/v1/home` answers, and each equals the owning app's own API."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from baton.core.access import Actor
from baton.delivery import services as delivery
from baton.devdata.testing.personas import PASSWORD
from baton.finance.services.change_orders import change_order_create, change_order_submit
from baton.home.selectors import HOMES
from baton.relationships import services as relationships
from baton.timesheets import services as timesheets

TODAY = date(2026, 3, 4)
MONDAY = date(2026, 3, 2)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2026, 3, 4, 12, 0), tick=False):
        yield


def web(personas: Any, name: str) -> HttpClient:
    client = HttpClient()
    assert client.login(email=personas[name].email, password=PASSWORD)
    return client


def page_and_api(personas: Any, name: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The home page's HTML and figures (its template context), and `GET /api/v1/home`'s figures."""
    browser = web(personas, name)
    response = browser.get("/")
    assert response.status_code == 200
    api = personas[name].api().get("/api/v1/home")
    assert api.status_code == 200, api.content
    figures = dict(response.context["figures"])
    html = response.content.decode()
    for part in getattr(HOMES[response.context["home"]["name"]], "PARTS", {}):  # the blocks loaded after the page
        piece = browser.get(f"/home/part/{part}/")
        assert piece.status_code == 200
        figures.update(piece.context["figures"])
        html += piece.content.decode()
    page_figures = json.loads(json.dumps(figures))  # JSON-able as it stands
    return html, page_figures, api.json()["figures"]


def shown(html: str, key: str) -> list[str]:
    """The texts shown in the elements marked `data-figure="key"` (tags inside stripped)."""
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(rf'data-figure="{key}">(.*?)</', html, re.S)]


def get(personas: Any, name: str, path: str) -> Any:
    response = personas[name].api().get(path)
    assert response.status_code == 200, (path, response.content)
    return response.json()


# --- Account manager ------------------------------------------------------------------------------------------------


def test_account_manager_home_answers_which_accounts_need_me(personas, frozen):
    system = Actor.system(personas.workspace)
    client = personas.client_a
    relationships.protocol_put(actor=system, client=client, meeting_every_days=7, update_every_days=7)
    project = delivery.project_create(
        actor=system, client_id=client.id, name="Spring campaign", status="active", end_date=TODAY + timedelta(days=20)
    )
    delivery.milestone_create(actor=system, project=project, name="Launch", due_date=TODAY - timedelta(days=2))
    relationships.touchpoint_log(
        actor=personas["am"].actor,
        client=client,
        kind="call",
        summary="Kick-off call",
        next_steps=[{"description": "Send the media plan", "owner_id": personas["am"].person.id, "due_on": TODAY}],
    )

    html, figures, api = page_and_api(personas, "am")
    assert figures == api
    [account] = figures["accounts"]
    assert account["client_name"] == "Client A"
    # Health is live and one truth: the account's health API and the portfolio (the Accounts page) say the same.
    health = get(personas, "am", f"/api/v1/clients/{client.id}/health")
    assert (account["score"], account["band"]) == (health["score"], health["band"])
    row = next(r for r in get(personas, "am", "/api/v1/portfolio")["results"] if r["client_id"] == client.id)
    assert (account["cadence_due"], account["cadence_overdue"], account["reason"]) == (
        row["cadence_due"],
        row["cadence_overdue"],
        row["top_risk"],
    )
    cadence = get(personas, "am", f"/api/v1/clients/{client.id}/cadence")
    assert account["cadence_due"] == cadence["due_count"] > 0
    assert sum(g["count"] for g in account["due"]) == cadence["due_count"]  # grouped, every item counted once
    assert figures["health_as_of"] == "2026-03-04T12:00:00+00:00"
    # The page shows them.
    assert shown(html, "score") == [str(health["score"])]
    assert shown(html, "cadence_due") == [str(figures["cadence_due"])]
    assert "Weighs most:" in html and account["reason"] in html
    # Next steps due and renewals coming.
    steps = get(personas, "am", f"/api/v1/next-steps?client_id={client.id}")["results"]
    assert [s["description"] for s in figures["next_steps"]] == [s["description"] for s in steps]
    assert "Send the media plan" in html
    assert [r["project_name"] for r in figures["renewals"]] == ["Spring campaign"]
    assert figures["renewals"][0]["end_date"] == (TODAY + timedelta(days=20)).isoformat()
    assert "Spring campaign" in html and "Mar 24, 2026" in html  # the date as people write it


def test_account_manager_home_lists_its_clients_contract_renewals_with_risk(personas, frozen):
    system = Actor.system(personas.workspace)
    for client, name in ((personas.client_a, "Care retainer"), (personas.client_b, "Not mine")):
        relationships.engagement_create(
            actor=system,
            client=client,
            name=name,
            start_date=TODAY - timedelta(days=300),
            end_date=TODAY + timedelta(days=44),
            renewal_date=TODAY + timedelta(days=45),
            value=Decimal("12000.00"),
            recurring=True,
        )
    html, figures, api = page_and_api(personas, "am")
    assert figures == api
    [row] = figures["contract_renewals"]  # its own client's only
    assert (row["engagement_name"], row["days_to_renewal"]) == ("Care retainer", 45)
    risk = get(personas, "am", f"/api/v1/clients/{personas.client_a.id}/renewal-risk")
    assert (row["risk_score"], row["risk_band"]) == (risk["score"], risk["band"])
    due = get(personas, "am", "/api/v1/engagements/renewals-due")
    mine = [d for d in due if d["client_id"] == personas.client_a.id]
    assert [(d["engagement_id"], d["risk_score"]) for d in mine] == [(row["engagement_id"], row["risk_score"])]
    assert "Care retainer" in html and "Not mine" not in html


def test_account_manager_feed_folds_repeated_system_events(personas, frozen):
    system = Actor.system(personas.workspace)
    for i in range(5):
        delivery.project_create(actor=system, client_id=personas.client_a.id, name=f"Batch {i}")
    html, figures, api = page_and_api(personas, "am")
    assert figures == api
    assert "and 4 more like it" in html
    assert html.count("Batch ") == 1


# --- Project manager ------------------------------------------------------------------------------------------------


def test_project_manager_home_shows_burn_against_progress(personas, frozen):
    system = Actor.system(personas.workspace)
    pm = personas["pm"].person
    project = delivery.project_create(
        actor=system,
        client_id=personas.client_a.id,
        name="Website rebuild",
        status="active",
        budget_amount="1000.00",
        budget_minutes=600,
        project_manager_id=pm.id,
    )
    done = delivery.task_create(actor=system, project=project, title="Wireframes", status="done")
    delivery.task_create(actor=system, project=project, title="Build", status="blocked")
    delivery.task_create(actor=system, project=project, title="Test")
    delivery.task_create(actor=system, project=project, title="Launch")
    delivery.milestone_create(actor=system, project=project, name="Design signed off", due_date=TODAY - timedelta(3))
    timesheets.time_entry_create(
        actor=personas["member"].actor, project_id=project.id, task_id=done.id, date=MONDAY, minutes=300
    )

    html, figures, api = page_and_api(personas, "pm")
    assert figures == api
    [row] = figures["projects"]
    burn = get(personas, "pm", f"/api/v1/reports/budget-burn?project_id={project.id}")
    used = max(Decimal(str(v)) for v in (burn["burn_pct"], burn["minutes_pct"]) if v is not None)
    assert Decimal(row["budget_used_pct"]) == used == Decimal("60.00")  # 300 of 600 minutes: 50 %; $600 of $1,000
    assert Decimal(row["spent_amount"]) == Decimal(str(burn["spent_amount"]))
    api_project = get(personas, "pm", f"/api/v1/projects/{project.id}")
    done_count = api_project["task_count"] - api_project["open_task_count"]
    assert row["progress_pct"] == round(100 * done_count / api_project["task_count"]) == 25
    assert row["burn_ahead"] and figures["burning_ahead"] == 1
    assert shown(html, "progress_pct") == ["25%"] and shown(html, "budget_used_pct") == ["60%"]
    assert "$600.00 of $1,000.00" in html
    blocked = get(personas, "pm", f"/api/v1/tasks?status=blocked&project_id={project.id}")["results"]
    assert [t["title"] for t in figures["blocked_tasks"]] == [t["title"] for t in blocked] == ["Build"]
    milestones = get(personas, "pm", f"/api/v1/milestones?project_id={project.id}&status=open")["results"]
    late = [m["name"] for m in milestones if m["due_date"] and m["due_date"] < TODAY.isoformat()]
    assert [m["name"] for m in figures["late_milestones"]] == late == ["Design signed off"]
    assert "3 d late" in html
    assert '<svg class="hbar"' in html and 'aria-hidden="true"' in html  # the bars; their numbers are text


# --- Member ---------------------------------------------------------------------------------------------------------


def test_member_home_shows_its_day_timer_and_missing_time(personas, frozen):
    system = Actor.system(personas.workspace)
    member = personas["member"]
    project = delivery.project_create(
        actor=system, client_id=personas.client_a.id, name="Brand refresh", status="active"
    )
    # On no project yet, the member's timer offers every current one.
    first = web(personas, "member").get("/").content.decode()
    assert f'<option value="{project.id}">' in first and "Your projects" not in first
    delivery.task_create(
        actor=system, project=project, title="Logo sketches", assignee_id=member.person.id, due_date=TODAY
    )
    delivery.task_create(actor=system, project=project, title="Old task", assignee_id=member.person.id, due_date=MONDAY)
    delivery.task_create(
        actor=system, project=project, title="Next week", assignee_id=member.person.id, due_date=TODAY + timedelta(7)
    )
    timesheets.time_entry_create(actor=member.actor, project_id=project.id, date=MONDAY, minutes=480)
    timesheets.time_entry_create(actor=member.actor, project_id=project.id, date=MONDAY + timedelta(1), minutes=300)

    html, figures, api = page_and_api(personas, "member")
    assert figures == api
    assert [t["title"] for t in figures["tasks_today"]] == ["Old task", "Logo sketches"]
    # The week against capacity: Monday full, Tuesday 3 h short, Wednesday (today) 8 h short, the rest to come.
    week = f"from={MONDAY}&to={MONDAY + timedelta(6)}"
    rows = get(personas, "member", f"/api/v1/people/{member.person.id}/availability?{week}")
    assert [d["capacity_minutes"] for d in figures["days"]] == [d["capacity_minutes"] for d in rows]
    entries = get(personas, "member", f"/api/v1/time-entries?date_from={MONDAY}&date_to={MONDAY + timedelta(6)}")
    assert figures["week_minutes"] == sum(e["minutes"] for e in entries["results"]) == 780
    assert [d["missing_minutes"] for d in figures["days"]] == [0, 180, 480, 0, 0, 0, 0]
    assert figures["missing_minutes"] == 660 and figures["days_under_capacity"] == 2
    assert shown(html, "week_minutes") == ["13 h"] and shown(html, "missing_minutes") == ["11 h"]
    assert figures["timer"]["running"] is False and 'action="/time/timer/start/"' in html
    # The timer's picker lists the member's own projects (its tasks are on Brand refresh), not the agency's every one.
    other = delivery.project_create(actor=system, client_id=personas.client_a.id, name="Not mine", status="active")
    html = web(personas, "member").get("/").content.decode()
    assert f'<option value="{project.id}">' in html and f'<option value="{other.id}">' not in html
    assert "Your projects: those you manage" in html

    # Start the timer from the home, and it is the timer the API knows; stop it from the home too.
    browser = web(personas, "member")
    response = browser.post("/time/timer/start/", {"project": project.id, "note": "sketching", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    html, figures, api = page_and_api(personas, "member")
    timer = get(personas, "member", "/api/v1/timer")
    assert figures == api and figures["timer"]["running"] is True
    assert figures["timer"]["project_id"] == timer["project_id"] == project.id
    assert datetime.fromisoformat(figures["timer"]["started_at"]) == datetime.fromisoformat(timer["started_at"])
    assert "Stop and log" in html
    with time_machine.travel(datetime(2026, 3, 4, 13, 30), tick=False):
        response = browser.post("/time/timer/stop/", {"next": "/"})
        assert response.status_code == 302 and response["Location"] == "/"
        assert "Logged 1 h 30 min on Brand refresh." in browser.get("/").content.decode()


# --- Client ---------------------------------------------------------------------------------------------------------


def test_client_home_is_the_portal_overview(personas, frozen):
    system = Actor.system(personas.workspace)
    project = delivery.project_create(
        actor=system, client_id=personas.client_a.id, name="Alpha site", status="active", budget_amount="2000.00"
    )
    delivery.project_create(actor=system, client_id=personas.client_b.id, name="Bravo secret", status="active")
    delivery.task_create(actor=system, project=project, title="Homepage design", status="in_review")
    order = change_order_create(actor=system, project_id=project.id, title="Extra landing page", amount_delta="500.00")
    change_order_submit(actor=system, order=order)

    html, figures, api = page_and_api(personas, "client_a")
    assert figures == api
    assert [p["name"] for p in figures["projects"]] == ["Alpha site"]
    assert figures["awaiting_approval"] == 2 and shown(html, "awaiting_approval") == ["2"]
    assert "Homepage design" in html and "Extra landing page" in html and "$500.00" in html
    assert "Bravo" not in html
    assert figures["budget_shared"] is False and figures["budgets"] == [] and "$2,000.00" not in html
    portal = web(personas, "client_a").get("/relationships/portal/").content.decode()
    assert "Alpha site" in portal and "Extra landing page" in portal  # the same overview, the portal's page

    relationships.protocol_put(actor=system, client=personas.client_a, share_budget_with_client=True)
    html, figures, api = page_and_api(personas, "client_a")
    assert figures == api and figures["budget_shared"] is True
    assert [(b["project_name"], b["budget_amount"]) for b in figures["budgets"]] == [("Alpha site", "2000.00")]
    assert "$2,000.00" in html

    # Approving from the home comes back to the home.
    response = web(personas, "client_a").post(f"/relationships/portal/change-orders/{order.id}/approve/", {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"


# --- Cost -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["am", "pm", "member", "client_a"])
def test_team_home_costs_at_most_20_queries(personas, name, django_assert_max_num_queries):
    """The role-home ceiling of core's query-count test (which generates agencies for the staff roles), here with the
    client too; the session's middleware included."""
    system = Actor.system(personas.workspace)
    project = delivery.project_create(
        actor=system, client_id=personas.client_a.id, name="Alpha", status="active", project_manager_id=None
    )
    delivery.task_create(actor=system, project=project, title="Review me", status="in_review")
    browser = web(personas, name)
    browser.get("/")
    with django_assert_max_num_queries(20):
        assert browser.get("/").status_code == 200
