"""Finance pages for each role, the project money block, invoices through the UI, home blocks, query ceilings."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client as HttpClient

from baton.devdata.testing.finance import log, make_project, make_task
from baton.devdata.testing.personas import PASSWORD
from baton.finance import services
from baton.finance.models import ChangeOrder, Invoice

pytestmark = pytest.mark.django_db


def login(personas, who):
    client = HttpClient()
    assert client.login(email=personas[who].email, password=PASSWORD)
    return client


@pytest.fixture
def project(personas):
    project = make_project(personas, budget_amount="400.00")
    task = make_task(personas, project, "Homepage")
    log(personas, "member", project, 120, task=task)  # 240.00: 60 %
    return project


def test_overview_and_reports_for_finance(personas, project):
    web = login(personas, "finance")
    for url in (
        "/finance/",
        "/finance/profitability/?group_by=client",
        "/finance/pnl/",
        "/finance/rates/",
        "/finance/invoices/",
        f"/finance/projects/{project.id}/",
        "/finance/invoices/from-time/",
    ):
        response = web.get(url)
        assert response.status_code == 200, url
    html = web.get("/finance/").content.decode()
    assert "Website" in html and "burn-50" in html and 'id="trend-data"' in html
    assert "<script>" not in html.replace('<script type="application/json"', "")  # no inline script (CSP)
    csv = web.get("/finance/profitability/?group_by=project&from=2026-01-01&format=csv")
    assert csv["Content-Type"].startswith("text/csv") and "240.00" in csv.content.decode()


def test_roles(personas, project):
    assert login(personas, "member").get("/finance/").status_code == 403
    assert login(personas, "member").get(f"/finance/projects/{project.id}/").status_code == 403
    assert login(personas, "pm").get(f"/finance/projects/{project.id}/").status_code == 200
    assert login(personas, "am").get("/finance/").status_code == 200
    assert login(personas, "client_a").get("/finance/invoices/").status_code == 200
    assert login(personas, "client_a").get("/finance/").status_code == 403
    summary = login(personas, "member").get(f"/finance/projects/{project.id}/summary/")
    assert summary.status_code == 403 or summary.content == b""


def test_project_money_block_shows_burn_and_scope_log(personas, project):
    services.change_order_create(
        actor=personas["pm"].actor,
        project_id=project.id,
        title="Blog section",
        amount_delta="800.00",
        minutes_delta=240,
    )
    html = login(personas, "pm").get(f"/finance/projects/{project.id}/summary/").content.decode()
    assert "60.0%" in html and "Blog section" in html and "Scope change log" in html


def test_change_order_through_the_page(personas, project):
    web = login(personas, "pm")
    bad = web.post(
        f"/finance/projects/{project.id}/change-orders/new/", {"title": "", "amount_delta": "x", "status": "draft"}
    )
    assert bad.status_code == 400 and not ChangeOrder.objects.exists()
    good = web.post(
        f"/finance/projects/{project.id}/change-orders/new/",
        {"title": "Blog", "amount_delta": "600.00", "minutes_delta": "4", "status": "submitted"},
    )
    assert good.status_code == 302
    order = ChangeOrder.objects.get()
    assert order.minutes_delta == 240
    web.post(f"/finance/change-orders/{order.id}/approve/")
    project.refresh_from_db()
    assert str(project.budget_amount) == "1000.00"


def test_invoice_journey_through_the_pages(personas, project):
    web = login(personas, "finance")
    response = web.post(
        "/finance/invoices/from-time/",
        {
            "project_id": project.id,
            "period_start": "2026-03-01",
            "period_end": "2026-03-31",
            "include_unapproved": "on",
            "tax_rate": "0",
        },
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    page = web.get(f"/finance/invoices/{invoice.id}/").content.decode()
    assert "Homepage" in page and "240.00" in page and "Issue invoice" in page
    web.post(f"/finance/invoices/{invoice.id}/issue/")
    invoice.refresh_from_db()
    assert invoice.status == "sent" and invoice.number == "INV-00001"
    pdf = web.get(f"/finance/invoices/{invoice.id}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    web.post(f"/finance/invoices/{invoice.id}/payment/", {"amount": "240.00", "paid_on": "2026-04-10"})
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    portal = login(personas, "client_a").get(f"/finance/invoices/{invoice.id}/").content.decode()
    assert "INV-00001" in portal and "Record payment" not in portal


def test_home_blocks(personas, project):
    finance_home = login(personas, "finance").get("/").content.decode()
    assert "Money to move" in finance_home and "Timesheets to approve" in finance_home
    member_home = login(personas, "member").get("/").content.decode()
    assert "This week's time" in member_home and "Money this month" not in member_home
    assert "Money to move" not in member_home and "Invoices overdue" not in member_home


def test_overview_query_count_does_not_grow_with_projects(personas, django_assert_max_num_queries):
    web = login(personas, "finance")
    web.get("/")
    for i in range(2):
        log(personas, "member", make_project(personas, f"P{i}"), 60, day=date(2026, 3, 2))
    with django_assert_max_num_queries(40) as few:
        web.get("/finance/")
    for i in range(2, 20):
        log(personas, "member", make_project(personas, f"P{i}"), 60, day=date(2026, 3, 2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "P19" in web.get("/finance/").content.decode()
