"""The portal as a workplace in the browser: a client files a request, its AM converts it into a task, the client sees
"Converted"; a client approves a deliverable with a comment. Both at a laptop's and a phone's width."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from baton.core.access import Actor
from baton.delivery import services as delivery
from baton.delivery.models import Task
from baton.devdata.testing.personas import PASSWORD
from baton.relationships.models import ClientRequest, DeliverableApproval

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _project(personas):
    return delivery.project_create(
        actor=Actor.system(personas.workspace),
        client_id=personas.client_a.pk,
        name="Spring campaign",
        start_date=date(2026, 1, 5),
        project_manager_id=personas["pm"].person.pk,
    )


def test_a_client_request_becomes_a_task_and_the_client_sees_it_converted(live_server, personas, page):
    project = _project(personas)
    page.set_viewport_size({"width": 1440, "height": 900})
    _login(page, live_server, personas["client_a"])
    page.get_by_role("link", name="Requests", exact=True).first.click()
    page.get_by_label("Title").fill("Add the spring offer banner")
    page.get_by_label("Kind").select_option("change")
    page.get_by_label("Priority").select_option("high")
    page.get_by_label("Project").select_option(label="Spring campaign")
    page.get_by_label("Description").fill("On the home page, above the fold.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("is with your account manager")).to_be_visible()
    expect(page.locator("#portal-requests")).to_contain_text("New")
    req = ClientRequest.objects.get(title="Add the spring offer banner")
    assert req.client_id == personas.client_a.pk and req.priority == "high" and req.project_id == project.pk

    page.context.clear_cookies()
    _login(page, live_server, personas["am"])
    page.get_by_role("link", name="Requests", exact=True).click()
    page.locator("#requests-inbox").get_by_role("link", name="Add the spring offer banner").click()
    page.get_by_label("Into").select_option("task")
    page.get_by_role("button", name="Convert").click()
    expect(page.get_by_text("Converted into a task.")).to_be_visible()
    req.refresh_from_db()
    assert req.status == "converted"
    task = Task.objects.get(pk=req.task_id)
    assert task.project_id == project.pk and task.title == "Add the spring offer banner"

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server, personas["client_a"])
    page.goto(f"{live_server.url}/relationships/portal/requests/")
    card = page.locator(f"#request-{req.pk}")
    expect(card).to_contain_text("Converted")
    expect(card).to_contain_text("We took this on")
    # the portal's own navigation reaches requests, approvals, files and invoices on a phone too
    nav = page.get_by_role("navigation", name="Portal")
    for name in ("Requests", "Approvals", "Files", "Invoices"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    for path in ("requests", "approvals", "files"):
        page.goto(f"{live_server.url}/relationships/portal/{path}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def test_a_client_approves_a_deliverable_with_a_comment(live_server, personas, page):
    project = _project(personas)
    task = delivery.task_create(
        actor=Actor.system(personas.workspace), project=project, title="Banner artwork", status="in_review"
    )
    _login(page, live_server, personas["client_a"])
    page.get_by_role("link", name="Approvals", exact=True).first.click()
    item = page.locator(f"#deliverable-{task.pk}")
    expect(item).to_contain_text("Banner artwork")
    item.get_by_label("Your comment").fill("Perfect, ship it")
    item.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("“Banner artwork” approved.")).to_be_visible()
    expect(page.locator("#portal-decisions")).to_contain_text("Perfect, ship it")
    expect(page.locator("#portal-awaiting")).to_contain_text("Nothing waiting.")
    approval = DeliverableApproval.objects.get(task=task)
    assert approval.decision == "approved" and approval.comment == "Perfect, ship it"
    assert approval.decided_by_id == personas["client_a"].person.pk
    task.refresh_from_db()
    assert task.status == "done"
