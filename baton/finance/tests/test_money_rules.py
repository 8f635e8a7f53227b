"""The issue #15 cases of MONEY.md through the API: each reproduced wrong figure, now right.

Dates of changes (status, change orders, account managers) are the day they are made, so each step runs at a frozen
clock; the report itself runs at 2026-12-06."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client as HttpClient

from baton.crm import services as crm
from baton.delivery import services as delivery
from baton.devdata.testing.finance import log, make_project
from baton.devdata.testing.personas import PASSWORD
from baton.finance import services
from baton.finance.templatetags.finance import money

pytestmark = pytest.mark.django_db


def at(day: date) -> time_machine.travel:
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC), tick=False)


def report(personas, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    with at(date(2026, 12, 6)):
        response = personas["finance"].api().get(f"/api/v1/reports/profitability?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def rows_by_key(body):
    return {row["key"]: row for row in body["rows"]}


def test_case_1_a_change_order_never_rewrites_a_closed_month(personas):
    with at(date(2026, 1, 5)):
        project = make_project(
            personas, "Fixed", billing="fixed_fee", budget_amount="10000.00", budget_minutes=6000, start_date=None
        )
        for d in (12, 13, 14, 15, 16, 19):
            log(personas, "member" if d % 2 else "pm", project, 500, day=date(2026, 1, d))
    # 3,000 minutes of 6,000 in January: half the fee.
    january = rows_by_key(report(personas, group_by="month", **{"from": "2026-01-01", "to": "2026-12-31"}))
    assert january["2026-01"]["revenue"] == "5000.00"
    with at(date(2026, 12, 10)):
        order = services.change_order_create(
            actor=personas["owner"].actor, project_id=project.pk, title="Smaller scope", amount_delta="-9500.00"
        )
        services.change_order_submit(actor=personas["owner"].actor, order=order)
        services.change_order_approve(actor=personas["owner"].actor, order=order)
    body = report(personas, group_by="month", **{"from": "2026-01-01", "to": "2026-12-31"})
    months = rows_by_key(body)
    assert months["2026-01"]["revenue"] == "5000.00"  # frozen: it was 250.00 before the rule
    # The fee is now 500.00: R = 250.00, so December gives back 4,750.00, named.
    assert months["2026-12"]["revenue"] == "-4750.00"
    assert body["write_downs"] == [
        {
            "project_id": project.pk,
            "project": "Fixed",
            "month": "2026-12",
            "amount": "-4750.00",
            "change_orders": [{"id": order.pk, "title": "Smaller scope"}],
        }
    ]
    # By project, the whole year telescopes to what is earned now.
    assert rows_by_key(report(personas, group_by="project"))[project.pk]["revenue"] == "250.00"
    # A range that ends before the change order still sees the old fee.
    before = rows_by_key(report(personas, group_by="project", to="2026-11-30"))
    assert before[project.pk]["revenue"] == "5000.00"


def test_case_2_a_retainer_earns_only_on_its_active_and_on_hold_days(personas):
    owner = personas["owner"].actor
    with at(date(2026, 1, 1)):
        project = make_project(
            personas,
            "Retainer",
            billing="retainer",
            budget_amount="3000.00",
            period_budget_amount="3000.00",
            period_budget_minutes=600,
            status="planned",
            start_date=date(2026, 1, 1),
        )
        log(personas, "member", project, 600, day=date(2026, 1, 20))  # time while planned earns nothing
    for day, status in ((date(2026, 2, 1), "active"), (date(2026, 4, 1), "on_hold"), (date(2026, 6, 16), "cancelled")):
        with at(day):
            project.refresh_from_db()
            delivery.project_change_status(actor=owner, project=project, status=status)
    body = report(personas, group_by="month", **{"from": "2026-01-01", "to": "2026-12-31"})
    months = {k: r["revenue"] for k, r in rows_by_key(body).items()}
    assert "2026-01" not in months or months["2026-01"] == "0.00"
    assert [months[f"2026-0{m}"] for m in (2, 3, 4, 5)] == ["3000.00"] * 4
    assert months["2026-06"] == "1500.00"  # 15 of June's 30 days
    assert all(months.get(f"2026-{m:02d}", "0.00") == "0.00" for m in range(7, 13))
    assert body["totals"]["revenue"] == "13500.00"  # not 36,000.00


def test_case_5_expenses_and_credit_notes_count(personas):
    owner = personas["owner"].actor
    with at(date(2026, 3, 2)):
        project = make_project(personas, "Campaign", start_date=date(2026, 3, 1))
        entry = log(personas, "member", project, 600, day=date(2026, 3, 2))
        services.expense_create(
            actor=owner, project_id=project.pk, description="Ad spend", amount="2000.00", billable=False
        )
        services.expense_create(
            actor=owner, project_id=project.pk, description="Stock", amount="100.00", billable=True, markup_pct="10"
        )
        invoice = services.invoice_create(
            actor=owner,
            client_id=personas.client_a.id,
            project_id=project.pk,
            lines=[{"description": "Goodwill", "quantity": "1", "unit_price": "400.00"}],
        )
        invoice = services.invoice_issue(actor=owner, invoice=invoice)
    with at(date(2026, 4, 2)):
        credit = services.credit_note_create(actor=owner, invoice=invoice)
        services.invoice_issue(actor=owner, invoice=credit)
    row = rows_by_key(report(personas, group_by="project"))[project.pk]
    labour = entry.cost_amount
    assert row["revenue"] == str(entry.bill_amount + Decimal("110.00") - Decimal("400.00"))
    assert row["labour_cost"] == str(labour)
    assert row["expense_cost"] == "2100.00"
    assert row["cost"] == str(labour + Decimal("2100.00"))
    assert Decimal(row["margin"]) == Decimal(row["revenue"]) - Decimal(row["cost"])
    assert Decimal(row["margin"]) < 0
    # The credit note is April's, on its own date.
    months = rows_by_key(report(personas, group_by="month"))
    assert months["2026-04"]["revenue"] == "-400.00"


def test_case_8_the_account_manager_pnl_follows_the_am_of_each_day(personas):
    with at(date(2026, 1, 5)):
        client = crm.client_create(
            actor=personas["owner"].actor, name="Handed over", account_manager_id=personas["am"].person.id
        )
        project = make_project(personas, "Ongoing", client_id=client.pk)
        first = log(personas, "member", project, 120, day=date(2026, 3, 2))
    with at(date(2026, 7, 1)):
        client.refresh_from_db()
        crm.client_update(
            actor=personas["owner"].actor,
            client=client,
            version=client.version,
            account_manager_id=personas["admin"].person.id,
        )
        second = log(personas, "member", project, 60, day=date(2026, 8, 3))
    body = report(personas, group_by="account_manager", **{"from": "2026-01-01", "to": "2026-12-31"})
    rows = rows_by_key(body)
    am, admin = personas["am"].person.id, personas["admin"].person.id
    assert rows[am]["revenue"] == str(first.bill_amount)  # not moved to today's AM
    assert rows[admin]["revenue"] == str(second.bill_amount)
    assert rows[am]["minutes"] == 120 and rows[admin]["minutes"] == 60


def test_the_web_report_shows_the_parts_the_api_gives_and_links_the_rules(personas):
    owner = personas["owner"].actor
    with at(date(2026, 3, 2)):
        project = make_project(personas, "Shown", start_date=date(2026, 3, 1))
        log(personas, "member", project, 90, day=date(2026, 3, 2))
        services.expense_create(actor=owner, project_id=project.pk, description="Travel", amount="1234.56")
    api = rows_by_key(report(personas, group_by="project", **{"from": "2026-01-01"}))[project.pk]
    web = HttpClient()
    assert web.login(email=personas["finance"].email, password=PASSWORD)
    with at(date(2026, 12, 6)):
        page = web.get("/finance/profitability/?group_by=project&from=2026-01-01").content.decode()
        rules = web.get("/finance/how-money-counts/")
    for field in ("revenue", "labour_cost", "expense_cost", "cost", "margin"):
        assert money(Decimal(api[field])) in page, field
    assert "1,234.56" in page and 'href="/finance/how-money-counts/"' in page
    assert rules.status_code == 200 and "write-down" in rules.content.decode()


def test_time_waiting_for_an_exchange_rate_is_never_drafted_at_zero(personas):
    project = make_project(personas, "Pounds", currency="GBP")
    services.bill_rate_create(actor=personas["finance"].actor, scope="workspace", rate="100.00", currency="USD")
    log(personas, "member", project, 60, day=date(2026, 3, 4))
    response = (
        personas["finance"]
        .api()
        .post(
            "/api/v1/invoices/draft-from-time",
            {"project_id": project.pk, "include_unapproved": True},
            content_type="application/json",
        )
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "project_id" and "exchange rate for GBP" in error["message"]
    assert not project.invoices.exists()


def test_this_months_revenue_is_one_figure_on_the_finance_home_and_the_report(personas):
    with at(date(2026, 11, 2)):
        make_project(
            personas,
            "Monthly",
            billing="retainer",
            budget_amount="3100.00",
            period_budget_amount="3100.00",
            period_budget_minutes=600,
            start_date=date(2026, 11, 1),
        )
    web = HttpClient()
    assert web.login(email=personas["finance"].email, password=PASSWORD)
    with at(date(2026, 12, 6)):
        home = web.get("/finance/").content.decode()
        page = web.get("/finance/profitability/?group_by=month").content.decode()
    # December to date: 6 of 31 days of 3,100.00.
    assert "600.00" in home and "<td>December 2026</td><td" in page
    december = page.split("<td>December 2026</td>")[1].split("</tr>")[0]
    assert ">600.00<" in december
