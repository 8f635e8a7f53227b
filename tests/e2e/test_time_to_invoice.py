"""From a week of time to a paid-for invoice: a member logs a week in the grid and submits it, the project manager
approves it, finance drafts an invoice from the time, issues it and opens its PDF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from baton.core import formats
from baton.devdata.testing.finance import make_project, make_task
from baton.devdata.testing.personas import PASSWORD
from baton.finance.models import Invoice
from baton.timesheets.models import TimeEntry, Timesheet

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def add_row(page, base: str, monday, project, task):
    """Open the week's grid and add the row for Client A · Spring campaign, Landing page; the row."""
    page.goto(f"{base}/time/?week={monday:%Y-%m-%d}")
    page.get_by_label("Project", exact=True).select_option(label="Client A · Spring campaign")
    page.locator("#add-task option", has_text="Landing page").wait_for(state="attached")
    page.get_by_label("Task", exact=True).select_option(label="Landing page")
    page.get_by_role("button", name="Add row").click()
    row = page.locator(f"#row-{project.id}-{task.id}")
    row.wait_for()
    return row


def test_week_to_invoice(live_server, personas, browser):
    base = live_server.url
    project = make_project(personas, "Spring campaign", budget_amount="5000.00", budget_minutes=3000)
    task = make_task(personas, project, "Landing page")
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)  # last week
    ARTIFACTS.mkdir(exist_ok=True)

    # The member logs the week in the grid.
    member = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(member, base, personas["member"].email)
    member.get_by_role("link", name="Time", exact=True).click()
    row = add_row(member, base, monday, project, task)
    hours = ["7:30", "6", "8", "1.5", "4"]
    for offset, value in enumerate(hours):
        day = monday + timedelta(days=offset)
        cell = member.get_by_label(f"Spring campaign, Landing page, {day:%A} {day.day} {day:%B}")
        cell.fill(value)
        with member.expect_response(lambda r: "/time/grid/cell/" in r.url):
            cell.press("Tab")
    expect(member.locator("#week-total")).to_have_text("27:00")
    expect(row.locator("td.total")).to_have_text("27:00")
    assert TimeEntry.objects.filter(person=personas["member"].person).count() == 5
    member.screenshot(path=str(ARTIFACTS / "time-grid.png"), full_page=True)
    member.get_by_role("button", name="Submit week for approval").click()
    expect(member.locator("#week-status")).to_have_text("Submitted")
    assert Timesheet.objects.get(person=personas["member"].person).status == "submitted"

    # The project manager approves it.
    pm = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(pm, base, personas["pm"].email)
    pm.goto(f"{base}/time/approvals/")
    pm.get_by_role("button", name=f"Approve Member Persona, week of {formats.day_short(monday)}").click()
    expect(pm.locator(".messages")).to_contain_text("was approved")
    assert Timesheet.objects.get(person=personas["member"].person).status == "approved"

    # Finance drafts an invoice from the time, issues it and opens the PDF.
    finance = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    login(finance, base, personas["finance"].email)
    finance.get_by_role("navigation", name="Main").get_by_role("link", name="Finance").click()
    finance.get_by_role("link", name="Invoices", exact=True).first.click()
    finance.get_by_role("link", name="Draft from time").click()
    finance.get_by_label("Project").select_option(label="Client A · Spring campaign")
    finance.get_by_label("Period start").fill(f"{monday:%Y-%m-%d}")
    finance.get_by_label("Period end").fill(f"{monday + timedelta(days=6):%Y-%m-%d}")
    finance.get_by_label("Tax %").fill("20")
    finance.get_by_role("button", name="Draft invoice").click()
    issue = finance.locator("summary", has_text="Issue invoice")  # a confirm step: the panel's button issues
    issue.wait_for()
    invoice = Invoice.objects.get()
    assert invoice.total == invoice.subtotal + invoice.tax
    assert invoice.subtotal == sum(e.bill_amount for e in TimeEntry.objects.all())  # 27 h x 120.00 = 3240.00
    issue.click()
    finance.get_by_role("button", name="Issue the invoice").click()
    expect(finance.locator("#invoice-status")).to_have_text("Sent")
    expect(finance.get_by_role("heading", level=1)).to_have_text("Invoice INV-00001")
    expect(finance.locator("#invoice-total")).to_contain_text("3,888.00")
    finance.screenshot(path=str(ARTIFACTS / "invoice.png"), full_page=True)
    assert TimeEntry.objects.filter(invoiced=True).count() == 5
    pdf_url = finance.get_by_role("link", name="PDF").get_attribute("href")
    response = finance.request.get(f"{base}{pdf_url}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def test_a_quick_typist_keeps_every_total(live_server, personas, browser):
    """Typing on before the last cell's answer has come back: each answer used to land on the row total the request
    had found when it left, which an earlier answer had since replaced, so the row kept an old figure while the week
    total moved on (CI once saw 23:00 against 27:00). Every part of the answer now swaps by id, and the cells' posts
    queue one behind the other."""
    base = live_server.url
    project = make_project(personas, "Spring campaign")
    task = make_task(personas, project, "Landing page")
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)  # last week
    member = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    login(member, base, personas["member"].email)
    row = add_row(member, base, monday, project, task)
    # The cells' posts are held until the whole week is typed, as on a slow line, then let through in order.
    held: list = []
    holding = [True]
    member.route("**/time/grid/cell/", lambda route: held.append(route) if holding[0] else route.continue_())
    for offset, value in enumerate(["7:30", "6", "8", "1.5", "4"]):
        day = monday + timedelta(days=offset)
        cell = member.get_by_label(f"Spring campaign, Landing page, {day:%A} {day.day} {day:%B}")
        cell.fill(value)
        cell.press("Tab")
    holding[0] = False
    assert held  # at least the first post was held back
    for route in held:
        route.continue_()
    expect(member.locator("#week-total")).to_have_text("27:00")
    expect(row.locator("td.total")).to_have_text("27:00")
    expect(member.locator("#daytotal-4")).to_have_text("4:00")
    assert sorted(TimeEntry.objects.values_list("minutes", flat=True)) == [90, 240, 360, 450, 480]
