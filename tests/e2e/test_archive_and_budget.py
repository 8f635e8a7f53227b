"""An owner archives a person who still holds work (the page lists it and asks for a successor), and finance revises
a project's budget from the project page; the new parts of both pages fit a desktop (1440 px) and a phone (390 px)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from baton.crm.models import Client
from baton.delivery import services as delivery
from baton.delivery.models import BudgetRevision
from baton.devdata.testing.personas import PASSWORD
from baton.people.models import Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _login(page, url, persona):
    page.goto(f"{url}/login/")
    page.get_by_label("Email").fill(persona.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _fits(page, selector: str) -> bool:
    """The element lies within the viewport's width (the site's top bar is not this test's)."""
    box = page.locator(selector).bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1


def test_archive_with_a_successor_and_a_budget_revision_in_the_browser(live_server, personas, page):
    owner = personas["owner"].actor
    am = personas["am"].person
    project = delivery.project_create(
        actor=owner,
        client_id=personas.client_a.id,
        name="Relaunch",
        billing="fixed_fee",
        budget_amount="10000.00",
        budget_minutes=6000,
        status="active",
        start_date=date(2026, 3, 2),
    )
    delivery.task_create(actor=owner, project=project, title="Sitemap", assignee_id=am.id)
    ARTIFACTS.mkdir(exist_ok=True)

    _login(page, live_server.url, personas["owner"])
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/people/{am.id}/")
        page.get_by_role("heading", name=f"Deactivate {am.name}").wait_for()
        assert _fits(page, "#archive"), width
        page.locator("#archive").screenshot(path=str(ARTIFACTS / f"archive-holdings-{width}.png"))
    page.get_by_label("Successor").select_option(label=personas["admin"].person.name)
    page.get_by_role("button", name="Hand over and deactivate").click()
    page.get_by_text("was deactivated").wait_for()
    assert Person.objects.get(pk=am.id).active is False
    assert Client.objects.get(pk=personas.client_a.id).account_manager_id == personas["admin"].person.id

    page.context.clear_cookies()
    _login(page, live_server.url, personas["finance"])
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/projects/{project.id}/")
        page.get_by_text("Revise the budget", exact=True).first.click()
        page.get_by_label("Reason (required)").wait_for()
        assert _fits(page, "#budget-revision"), width
        page.locator("#budget-revision").screenshot(path=str(ARTIFACTS / f"budget-revision-{width}.png"))
    page.get_by_label("Budget amount").fill("12000.00")
    page.get_by_label("Reason (required)").fill("Two more landing pages")
    page.get_by_role("button", name="Revise the budget").click()
    page.get_by_text("The budget was revised").wait_for()
    revision = BudgetRevision.objects.get(project=project)
    assert (revision.new_budget_amount, revision.reason) == (12000, "Two more landing pages")
