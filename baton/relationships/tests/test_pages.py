"""The account management pages and the client portal, through the web client."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient
from django.utils import timezone

from baton.core.access import Actor
from baton.crm.services import deal_create
from baton.delivery import services as delivery
from baton.finance.models import ChangeOrder
from baton.finance.services.change_orders import change_order_create, change_order_submit
from baton.relationships import services


def web(persona) -> WebClient:
    client = WebClient()
    client.force_login(persona.person.membership.user)
    return client


@pytest.fixture
def data(personas):
    system = Actor.system(personas.workspace)
    deal_create(
        actor=system,
        client=personas.client_a,
        name="Big deal",
        value="9000.00",
        stage="proposal",
        owner_id=personas["admin"].person.id,
    )
    goal = services.goal_create(actor=system, client=personas.client_a, title="Leads up", metric="Leads", target="100")
    services.goal_value_record(actor=system, goal=goal, value="40")
    services.touchpoint_log(actor=system, client=personas.client_a, kind="call", summary="Kick-off call")
    update = services.status_update_draft(actor=system, client=personas.client_a)
    services.status_update_send(actor=system, update=update, recipients=["cara@a.test"])
    project_a = delivery.project_create(actor=system, client_id=personas.client_a.id, name="Alpha site")
    project_b = delivery.project_create(actor=system, client_id=personas.client_b.id, name="Bravo secret")
    order_a = change_order_create(actor=system, project_id=project_a.id, title="Extra page", amount_delta="500.00")
    change_order_submit(actor=system, order=order_a)
    order_b = change_order_create(actor=system, project_id=project_b.id, title="Bravo change", amount_delta="900.00")
    change_order_submit(actor=system, order=order_b)
    services.goal_create(actor=system, client=personas.client_b, title="Bravo goal", metric="m", target="5")
    return {"order_a": order_a, "order_b": order_b, "update": update}


@pytest.mark.parametrize(
    "url",
    [
        "/relationships/deals/",
        "/relationships/portfolio/",
        "/relationships/escalations/",
        "ACCOUNT",
        "REPORT",
        "UPDATE",
    ],
)
def test_staff_pages_render(personas, data, url):
    url = {
        "ACCOUNT": f"/relationships/accounts/{personas.client_a.id}/",
        "REPORT": f"/relationships/accounts/{personas.client_a.id}/report/",
        "UPDATE": f"/relationships/status-updates/{data['update'].id}/",
    }.get(url, url)
    response = web(personas["am"]).get(url)
    assert response.status_code == 200, url


def test_deals_board_shows_weighted_totals(personas, data):
    page = web(personas["am"]).get("/relationships/deals/").content.decode()
    assert "Big deal" in page and "$4,500.00" in page


def test_draft_now_button(personas, data):
    response = web(personas["am"]).post(f"/relationships/accounts/{personas.client_a.id}/draft/")
    assert response.status_code == 302 and "/relationships/status-updates/" in response["Location"]


def test_report_pdf(personas, data):
    response = web(personas["client_a"]).get(f"/relationships/accounts/{personas.client_a.id}/report/?format=pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert web(personas["client_a"]).get(f"/relationships/accounts/{personas.client_b.id}/report/").status_code == 404


def test_portal_shows_only_its_own_client(personas, data):
    portal = web(personas["client_a"])
    page = portal.get("/relationships/portal/").content.decode()
    assert "Alpha site" in page and "Extra page" in page and "Leads up" in page and "Kick-off" not in page
    assert "Bravo" not in page
    assert portal.get(f"/relationships/accounts/{personas.client_b.id}/").status_code in (302, 404)
    # Another client's change order cannot be decided from the portal.
    assert portal.post(f"/relationships/portal/change-orders/{data['order_b'].id}/approve/").status_code == 404
    assert ChangeOrder.objects.get(pk=data["order_b"].id).status == "submitted"
    assert portal.post(f"/relationships/portal/change-orders/{data['order_a'].id}/approve/").status_code == 302
    approved = ChangeOrder.objects.get(pk=data["order_a"].id)
    assert approved.status == "approved" and approved.decided_by_id == personas["client_a"].person.id
    # Staff do not get a portal; the client gets no staff pages.
    assert web(personas["am"]).get("/relationships/portal/").status_code == 404
    assert portal.get("/relationships/deals/").status_code == 404


def test_portal_budget_only_when_shared(personas, data):
    system = Actor.system(personas.workspace)
    project = delivery.project_create(
        actor=system, client_id=personas.client_a.id, name="Budgeted", budget_amount="1000.00", budget_minutes=600
    )
    delivery.project_change_status(actor=system, project=project, status="active")
    portal = web(personas["client_a"])
    assert "1,000.00" not in portal.get("/relationships/portal/").content.decode()
    services.protocol_put(actor=system, client=personas.client_a, share_budget_with_client=True)
    assert "$1,000.00" in portal.get("/relationships/portal/").content.decode()


def test_am_home_shows_the_account_blocks(personas, data):
    services.health_snapshot_take(personas.workspace, timezone.localdate())
    page = web(personas["am"]).get("/").content.decode()
    for text in ("Which accounts need you today", "Weighs most:", "Your next steps", "Renewals coming"):
        assert text in page, text


def test_onboarding_task_done_by_hand(personas):
    system = Actor.system(personas.workspace)
    items = services.onboarding_apply(actor=system, client=personas.client_a)
    task = next(i for i in items if i.kind == "task")
    response = web(personas["am"]).post(f"/relationships/onboarding/{task.id}/done/")
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    assert web(personas["client_a"]).post(f"/relationships/onboarding/{task.id}/done/").status_code == 404


def test_account_page_names_the_owner_of_each_next_step(personas, data):
    """A next step is owned by a person or by a client contact; the account page names either (and does not break on
    the one it lacks)."""
    system = Actor.system(personas.workspace)
    due = timezone.localdate().isoformat()
    services.touchpoint_log(
        actor=system,
        client=personas.client_a,
        kind="meeting",
        summary="Planning",
        next_steps=[
            {"description": "Send the media plan", "owner_id": personas["am"].person.id, "due_on": due},
            {"description": "Share the sales figures", "owner_contact_id": personas.contact_a.id, "due_on": due},
        ],
    )
    response = web(personas["am"]).get(f"/relationships/accounts/{personas.client_a.id}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Send the media plan — {personas['am'].person.name}" in page
    assert f"Share the sales figures — {personas.contact_a.name}" in page


def test_the_whole_agencys_due_list_is_cut_and_one_account_managers_is_complete(personas, data, monkeypatch):
    from baton.relationships import selectors, views

    owner, am = personas["owner"], personas["am"]
    every = selectors.cadence_today(actor=owner.actor, account_manager_id=None)
    assert every
    monkeypatch.setattr(views, "PORTFOLIO_DUE_SHOWN", len(every) - 1)
    page = web(owner).get("/relationships/portfolio/").content.decode()
    due = page.split("Cadence due today", 1)[1]
    assert due.count("<li><a") == len(every) - 1 and "and 1 more" in due
    assert f"({len(every)}, most overdue first)" in due
    # The table still has every client, with its count.
    assert all(f"/relationships/accounts/{r['client_id']}/" in page for r in selectors.portfolio(actor=owner.actor))

    mine = selectors.cadence_today(actor=am.actor)
    page = web(am).get("/relationships/portfolio/").content.decode()
    due = page.split("Cadence due today", 1)[1]
    assert due.count("<li><a") == len(mine) and "more" not in due
    # A leader choosing one account manager sees that portfolio's list complete too.
    page = web(owner).get(f"/relationships/portfolio/?am={am.person.id}").content.decode()
    due = page.split("Cadence due today", 1)[1]
    assert due.count("<li><a") == len(mine) and "more" not in due


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", "http:/\\evil.example"],
)
def test_escalation_resolve_never_redirects_off_site(personas, target):
    system = Actor.system(personas.workspace)
    escalation = services.escalation_open(actor=system, client=personas.client_a, title="Slipping")
    response = web(personas["admin"]).post(
        f"/relationships/escalations/{escalation.id}/resolve/", {"note": "Sorted.", "next": target}
    )
    assert response.status_code == 302 and response["Location"] == "/relationships/escalations/"
    escalation.refresh_from_db()
    assert escalation.status == "resolved"


def test_escalation_resolve_goes_back_to_a_page_of_ours(personas):
    system = Actor.system(personas.workspace)
    escalation = services.escalation_open(actor=system, client=personas.client_a, title="Slipping")
    back = f"/relationships/accounts/{personas.client_a.id}/"
    response = web(personas["admin"]).post(
        f"/relationships/escalations/{escalation.id}/resolve/", {"note": "Sorted.", "next": back}
    )
    assert response["Location"] == back
