"""The leadership, operations, finance and resources homes: each shows its first question's figures, they are the
figures `GET /api/v1/home` answers, and they equal the owning app's own API."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient

from baton.core import formats
from baton.core.access import Actor
from baton.core.models import Membership
from baton.core.months import month_end
from baton.core.services import api_token_create
from baton.crm.models import Client
from baton.delivery.models import Project
from baton.delivery.services import project_create
from baton.devdata.scale import Size, generate
from baton.home.roles.leadership import trend_start
from baton.home.selectors import HOMES
from baton.people.models import Person
from baton.relationships.services import engagement_create, engagement_renew
from baton.timesheets.models import Timesheet
from baton.timesheets.services import time_entry_create, timesheet_submit

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 17, 10, 0, tzinfo=UTC)  # a Wednesday in the middle of a month
SIZE = Size(people=12, clients=6, projects=12, entries=600, bookings=40, years=1, handoffs=20, touchpoints=30)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


def _agency(slug: str) -> Any:
    return generate(SIZE, seed=7, slug=slug).workspace


def _login(workspace: Any, role: str) -> tuple[HttpClient, HttpClient, Membership]:
    """A browser session and an API client of a member of the role (a member promoted when the generator has none)."""
    found = Membership.objects.filter(workspace=workspace, role=role).select_related("user").first()
    if found is None:
        found = Membership.objects.filter(workspace=workspace, role="member").select_related("user").first()
        assert found is not None
        found.role = role
        found.save()
    membership = found
    web = HttpClient()
    web.force_login(membership.user)
    _, raw = api_token_create(actor=Actor.system(workspace), user=membership.user)
    return web, HttpClient(headers={"Authorization": f"Bearer {raw}"}), membership


def _page(web: HttpClient) -> tuple[str, dict[str, Any], str]:
    """The home page with its deferred parts: (home name, every figure the page showed, the HTML of all of it)."""
    response = web.get("/")
    assert response.status_code == 200
    name = response.context["home"]["name"]
    figures = dict(response.context["figures"])
    html = response.content.decode()
    for part in getattr(HOMES[name], "PARTS", {}):
        assert f"/home/part/{part}/" in html  # the page asks for it
        piece = web.get(f"/home/part/{part}/")
        assert piece.status_code == 200
        figures.update(piece.context["figures"])
        html += piece.content.decode()
    return name, json.loads(json.dumps(figures)), html


def _api_home(api: HttpClient) -> dict[str, Any]:
    response = api.get("/api/v1/home")
    assert response.status_code == 200, response.content
    return response.json()


def _contracts(workspace: Any) -> None:
    """A retainer running a year ago (1 000 a month) renewed at 1 250 a month on 2026-01-01, renewing again within
    90 days: NRR over the last 12 months 125.00 %."""
    system = Actor.system(workspace)
    client = Client.objects.filter(workspace=workspace).order_by("id").first()
    assert client is not None
    old = engagement_create(
        actor=system,
        client=client,
        name="Growth retainer",
        start_date=date(2025, 1, 1),
        end_date=date(2025, 12, 31),
        renewal_date=date(2026, 1, 1),
        value=Decimal("12000.00"),
        recurring=True,
    )
    engagement_renew(
        actor=system,
        engagement=old,
        version=None,
        end_date=date(2026, 8, 31),
        renewal_date=date(2026, 9, 1),
        value=Decimal("10000.00"),
    )


def test_leadership_home_answers_with_the_apps_own_figures(clock):
    workspace = _agency("hl-owner")
    _contracts(workspace)
    web, api, _ = _login(workspace, "owner")
    name, page, html = _page(web)
    body = _api_home(api)
    assert name == body["home"] == "leadership"
    assert page == body["figures"]
    c = page["currency"]
    month = page["month"]
    assert month["from"] == "2026-06-01" and month["to"] == "2026-06-17"
    for shown in (
        formats.money(month["revenue"], c),
        formats.money(month["margin"], c),
        formats.percent(page["utilization"]["pct"], 1),
        formats.money(page["pipeline"]["weighted_open_value"], c),
        formats.money(page["cash"]["receivable"], c),
    ):
        assert shown in html, shown

    # Revenue and margin this month: the profitability report's month row.
    report = api.get("/api/v1/reports/profitability", {"group_by": "month", "from": "2026-06-01", "to": "2026-06-17"})
    assert report.status_code == 200
    totals = report.json()["totals"]
    assert Decimal(totals["revenue"]) == Decimal(month["revenue"])
    assert Decimal(totals["margin"]) == Decimal(month["margin"])
    assert Decimal(report.json()["totals"]["revenue"]) > 0  # the agency earned something: the test can fail

    # Utilization to date: the utilization report by month, this month measured up to today only.
    start = trend_start(NOW.date())
    rows = api.get(
        "/api/v1/reports/utilization",
        {"group_by": "month", "from": start.isoformat(), "to": month_end(NOW.date()).isoformat()},
    ).json()
    june = next(r for r in rows if r["key"] == "2026-06")
    assert june["measured_to"] == "2026-06-17"
    assert june["utilization_pct"] == page["utilization"]["pct"]
    assert june["capacity_minutes"] == page["utilization"]["capacity_minutes"]
    assert len(page["utilization"]["trend"]["utilization_pct"]) == 12 == len(page["trend"]["revenue"])

    # The weighted pipeline: the deals board's.
    board = api.get("/api/v1/deals/board").json()
    assert Decimal(board["weighted_open_value"]) == Decimal(page["pipeline"]["weighted_open_value"])

    # Cash: receivables, and the same as the sum of the invoices' balances due.
    ar = api.get("/api/v1/reports/receivables").json()
    assert Decimal(ar["receivable"]) == Decimal(page["cash"]["receivable"])
    invoices = api.get("/api/v1/invoices", {"limit": 500}).json()["results"]
    owed = sum(
        (
            Decimal(i["balance_due"])
            for i in invoices
            if i["status"] in ("sent", "paid")
            and i["kind"] == "invoice"
            and i["currency"] == c
            and Decimal(i["balance_due"]) > 0
        ),
        Decimal("0.00"),
    )
    assert owed == Decimal(page["cash"]["receivable"])

    # Accounts at risk: the Accounts page's portfolio rows that are not healthy, with the same scores.
    portfolio = api.get("/api/v1/portfolio").json()["results"]
    risky = [r for r in portfolio if r["band"] != "healthy"]
    assert page["accounts_at_risk_count"] == len(risky)
    assert [(a["client_id"], a["score"]) for a in page["accounts_at_risk"]] == [
        (r["client_id"], r["score"]) for r in risky[:5]
    ]
    assert len(page["decisions"]) <= 3

    # Retention of the last 12 months and the renewals due in 90 days: the retention report's and the renewals-due
    # list's own figures.
    retention = api.get("/api/v1/reports/retention", {"from": "2025-06-17", "to": "2026-06-17"}).json()
    for key in ("start_mrr", "churned_mrr", "gross_revenue_retention_pct", "net_revenue_retention_pct"):
        assert page["retention"][key] == retention[key], key
    # (the generated agency's churn history makes its own figures; the report's arithmetic is held in
    # relationships/tests/test_engagements.py against a hand-computed scenario)
    assert Decimal(page["retention"]["start_mrr"]) > 0 and page["retention"]["net_revenue_retention_pct"] is not None
    due = api.get("/api/v1/engagements/renewals-due", {"days": 90}).json()
    assert [(r["engagement_id"], r["risk_score"], r["risk_band"]) for r in page["renewals_due"]] == [
        (d["engagement_id"], d["risk_score"], d["risk_band"]) for d in due
    ]
    assert len(due) == 1 and page["retention"]["net_revenue_retention_pct"] + " %" in html


def test_operations_home_lists_what_is_stuck(clock):
    workspace = _agency("hl-admin")
    web, api, _ = _login(workspace, "admin")
    name, page, html = _page(web)
    body = _api_home(api)
    assert name == body["home"] == "operations"
    assert page == body["figures"]

    # Blocked tasks: the count links to the page listing every one of them, and equals the tasks API's.
    assert "/projects/tasks/?status=blocked" in html
    blocked = api.get("/api/v1/tasks", {"status": "blocked", "limit": 500}).json()
    assert page["blocked_tasks"] == blocked["count"]
    listing = web.get("/projects/tasks/", {"status": "blocked"})
    assert listing.status_code == 200
    assert len(listing.context["tasks"]) == page["blocked_tasks"]
    for task in page["blocked"]:
        assert task["title"] in listing.content.decode()

    # Overdue handoffs, agency-wide (not only the admin's own).
    overdue = api.get("/api/v1/handoffs", {"overdue": "true", "limit": 500}).json()
    assert page["overdue_handoffs"] == overdue["count"]
    assert "/handoffs/all/?overdue=1" in html
    assert len(web.get("/handoffs/all/", {"overdue": "1"}).context["handoffs"]) == overdue["count"]

    # Failures and their cost: the handoff report's; the weak point: the handoff map's first active point.
    report = api.get("/api/v1/reports/handoffs").json()
    assert page["failures"]["count"] == report["failures"]
    assert Decimal(page["failures"]["remediation_cost"]) == Decimal(str(report["remediation_cost"]))
    assert formats.money(page["failures"]["remediation_cost"], page["currency"]) in html
    points = [p for p in api.get("/api/v1/reports/handoff-map").json() if p["active"] and p["handoffs"]]
    assert points, "the generated agency sends handoffs"
    assert page["weak_point"]["name"] == points[0]["name"]
    assert page["weak_point"]["failures"] == points[0]["failures"]
    assert str(page["blocked_tasks"]) in html and str(page["overdue_handoffs"]) in html


def _submit_weeks(workspace: Any, n: int) -> None:
    """`n` people log billable time on a time-and-materials project last week and submit the week (the generated
    agency bills by fee and retainer only; its weeks are approved up to a fortnight ago and the last two are open or
    submitted at random, so these people's week is opened again first)."""
    system = Actor.system(workspace)
    client = Client.objects.filter(workspace=workspace).order_by("id").first()
    project = project_create(actor=system, client_id=client.pk, name="Hourly support", status="active")
    monday = date(2026, 6, 8)
    people = list(Person.objects.filter(workspace=workspace, active=True, membership__role="member").order_by("id")[:n])
    Timesheet.objects.filter(person__in=people, week_start=monday).update(status="draft", submitted_at=None)
    for i, person in enumerate(people):
        for day in range(3):
            time_entry_create(
                actor=system,
                project_id=project.pk,
                person_id=person.pk,
                date=monday + timedelta(days=day),
                minutes=60 * (i + 2),
            )
        timesheet_submit(actor=system, week_start=monday, person_id=person.pk)


def test_finance_home_approves_in_bulk_and_shows_what_is_ready_to_invoice(clock):
    workspace = _agency("hl-finance")
    web, api, _ = _login(workspace, "finance")
    _submit_weeks(workspace, 3)
    name, page, html = _page(web)
    body = _api_home(api)
    assert name == body["home"] == "finance"
    assert page == body["figures"]
    c = page["currency"]

    submitted = api.get("/api/v1/timesheets", {"status": "submitted", "limit": 500}).json()
    assert page["timesheets_to_approve"] == submitted["count"] > 0
    assert formats.money(page["ready_to_invoice"]["amount"], c) in html
    ar = api.get("/api/v1/reports/receivables").json()
    assert page["overdue_invoices"] == sum(r["overdue_invoices"] for r in ar["by_currency"])
    assert Decimal(page["receivable"]) == Decimal(ar["receivable"])
    by_client = api.get(
        "/api/v1/reports/profitability",
        {"group_by": "client", "from": page["margin_by_client"]["from"], "to": page["margin_by_client"]["to"]},
    ).json()
    api_rows = {r["key"]: r for r in by_client["rows"]}
    for row in page["margin_by_client"]["rows"]:
        assert Decimal(row["margin"]) == Decimal(api_rows[row["key"]]["margin"])
        assert formats.money(row["margin"], c) in html

    # Bulk approve: every ticked week is approved, and its billable time becomes ready to invoice.
    ids = [t["timesheet_id"] for t in page["timesheets"]]
    response = web.post("/time/approvals/approve/", {"timesheet": ids, "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not Timesheet.objects.filter(pk__in=ids).exclude(status="approved").exists()
    after = _api_home(api)["figures"]
    assert after["timesheets_to_approve"] == 0
    assert after["ready_to_invoice"]["minutes"] > page["ready_to_invoice"]["minutes"]
    assert Decimal(after["ready_to_invoice"]["amount"]) >= Decimal(page["ready_to_invoice"]["amount"])
    for client in after["ready_to_invoice"]["clients"]:
        for project in client["projects"]:
            entries = api.get("/api/v1/time-entries", {"project_id": project["project_id"], "limit": 500}).json()[
                "results"
            ]
            ready = [e for e in entries if e["billable"] and e["approved"] and not e.get("invoiced")]
            assert sum(e["minutes"] for e in ready) == project["minutes"]


def test_resource_manager_is_a_capability_with_its_own_home(clock):
    workspace = _agency("hl-resources")
    _, owner_api, _ = _login(workspace, "owner")
    web, api, membership = _login(workspace, "member")
    assert _api_home(api)["home"] == "member"
    project = Project.objects.filter(workspace=workspace, archived_at__isnull=True).order_by("id").first()
    booking = {
        "person_id": membership.person.pk,
        "project_id": project.pk,
        "start_date": "2026-06-22",
        "end_date": "2026-06-23",
        "minutes_per_day": 60,
    }
    assert api.post("/api/v1/bookings", booking, content_type="application/json").status_code == 403
    person_id = membership.person.pk
    response = owner_api.patch(
        f"/api/v1/people/{person_id}",
        {"resource_manager": True, "version": membership.person.version},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["resource_manager"] is True
    version = response.json()["version"]
    denied = api.patch(
        f"/api/v1/people/{person_id}", {"resource_manager": False, "version": version}, content_type="application/json"
    )
    assert denied.status_code == 403  # only owner and admin grant it

    # The capability books like a project manager.
    assert api.post("/api/v1/bookings", booking, content_type="application/json").status_code == 201
    name, page, html = _page(web)
    body = _api_home(api)
    assert name == body["home"] == "resources"
    assert page == body["figures"]
    assert page["from"] == "2026-06-17" and page["to"] == "2026-06-30"
    placeholders = api.get("/api/v1/bookings", {"placeholder": "true", "from": "2026-06-17", "limit": 500}).json()
    assert page["placeholders"] == placeholders["count"]
    for person in page["overbooked"]:
        days = api.get(f"/api/v1/people/{person['person_id']}/availability", {"from": page["from"], "to": page["to"]})
        if days.status_code == 200:
            over = [d for d in days.json() if d["overbooked"]]
            assert len(over) == person["days"]
        assert person["name"] in html
    assert formats.percent(page["booked_pct"]) in html
