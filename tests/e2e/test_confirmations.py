"""Irreversible actions ask first, with no script of ours (the page's CSP allows none inline): "Win" and "Lose" on
the deals board and "Issue" and "Void" on an invoice open a panel saying what will happen, and only its button acts.
Winning lands on the new project's setup steps with its sales-to-account handoff."""

from __future__ import annotations

import pytest

from baton.core.access import Actor
from baton.crm.models import Deal
from baton.crm.services import deal_create
from baton.devdata.testing.personas import PASSWORD
from baton.finance import services as finance
from baton.finance.models import Invoice
from baton.handoffs.models import Handoff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, email):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _console_errors(page):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def test_win_and_lose_ask_first_and_winning_lands_on_the_setup_with_its_handoff(live_server, personas, page):
    system = Actor.system(personas.workspace)
    seller = personas["admin"].person
    win = deal_create(actor=system, client=personas.client_a, name="Brand refresh", value="9000.00", owner_id=seller.pk)
    lose = deal_create(
        actor=system, client=personas.client_a, name="Podcast pilot", value="3000.00", owner_id=seller.pk
    )
    errors = _console_errors(page)
    _login(page, live_server, personas["am"].email)
    page.goto(f"{live_server.url}/relationships/deals/")

    card = page.locator("article.deal", has_text="Podcast pilot")
    confirm_lose = card.get_by_role("button", name="Mark as lost")
    assert not confirm_lose.is_visible()
    card.locator("summary", has_text="Lose").click()
    assert card.get_by_text("It leaves the pipeline").is_visible()
    assert not card.get_by_text("creates its project").is_visible()  # only the panel asked for opens
    assert Deal.objects.get(pk=lose.pk).stage == "lead"  # opening the panel did nothing
    card.get_by_label("Reason (optional)").fill("Went with an in-house team")
    confirm_lose.click()
    page.wait_for_load_state()
    lost = Deal.objects.get(pk=lose.pk)
    assert (lost.stage, lost.lost_reason) == ("lost", "Went with an in-house team")

    card = page.locator("article.deal", has_text="Brand refresh")
    summary = card.locator("summary", has_text="Win")
    summary.focus()
    page.keyboard.press("Enter")  # the keyboard opens it too
    panel = card.locator(".confirm-panel", has_text="sales-to-account handoff")
    panel.wait_for()
    assert Deal.objects.get(pk=win.pk).stage == "lead"
    panel.get_by_role("button", name="Win the deal").click()
    page.wait_for_url("**/projects/*/#setup")

    won = Deal.objects.get(pk=win.pk)
    assert won.stage == "won" and page.url.endswith(f"/projects/{won.project_id}/#setup")
    setup = page.locator("#setup")
    assert "Set up this project" in setup.inner_text()
    assert won.handoff_id is not None
    handoff = Handoff.objects.get(pk=won.handoff_id)
    setup.get_by_role("link", name=handoff.title).click()
    page.wait_for_url(f"**/handoffs/{handoff.pk}/")
    assert errors == []


def test_issue_and_void_an_invoice_ask_first(live_server, personas, page):
    line = [{"description": "Design", "quantity": "1", "unit_price": "1200.00"}]
    invoice = finance.invoice_create(actor=Actor.system(personas.workspace), client_id=personas.client_a.id, lines=line)
    errors = _console_errors(page)
    _login(page, live_server, personas["finance"].email)
    page.goto(f"{live_server.url}/finance/invoices/{invoice.pk}/")

    issue = page.get_by_role("button", name="Issue the invoice")
    assert not issue.is_visible()
    page.locator("summary", has_text="Issue invoice").click()
    assert page.get_by_text("corrected only by a credit note").is_visible()
    assert Invoice.objects.get(pk=invoice.pk).status == "draft"
    issue.click()
    page.locator("#invoice-status", has_text="Sent").wait_for()
    assert Invoice.objects.get(pk=invoice.pk).status == "sent"

    page.locator("summary", has_text="Void").click()
    page.get_by_label("Reason (optional)").fill("Sent to the wrong client")
    assert Invoice.objects.get(pk=invoice.pk).status == "sent"
    page.get_by_role("button", name="Void the invoice").click()
    page.locator("#invoice-status", has_text="Void").wait_for()
    voided = Invoice.objects.get(pk=invoice.pk)
    assert (voided.status, voided.void_reason) == ("void", "Sent to the wrong client")
    assert errors == []
