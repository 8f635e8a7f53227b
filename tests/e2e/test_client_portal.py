"""A client-role user logs in, sees its own projects, goals and status updates in the portal, approves its change
order, and cannot reach another client's pages."""

from __future__ import annotations

import pytest

from baton.core.access import Actor
from baton.delivery import services as delivery
from baton.devdata.testing.personas import PASSWORD
from baton.finance.models import ChangeOrder
from baton.finance.services.change_orders import change_order_create, change_order_submit
from baton.relationships import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_client_portal_isolation(live_server, personas, page):
    system = Actor.system(personas.workspace)
    alpha = delivery.project_create(actor=system, client_id=personas.client_a.id, name="Alpha site")
    bravo = delivery.project_create(actor=system, client_id=personas.client_b.id, name="Bravo secret")
    order = change_order_create(actor=system, project_id=alpha.id, title="Extra landing page", amount_delta="500.00")
    change_order_submit(actor=system, order=order)
    other = change_order_create(actor=system, project_id=bravo.id, title="Bravo change", amount_delta="900.00")
    change_order_submit(actor=system, order=other)
    services.goal_create(actor=system, client=personas.client_a, title="Double the leads", metric="Leads", target="200")
    services.goal_create(actor=system, client=personas.client_b, title="Bravo goal", metric="m", target="5")

    user = personas["client_a"]
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Portal", exact=True).click()
    page.get_by_role("heading", name="Your projects").wait_for()
    content = page.content()
    assert "Alpha site" in content and "Double the leads" in content and "Extra landing page" in content
    assert "Bravo" not in content

    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Change order approved.").wait_for()
    assert ChangeOrder.objects.get(pk=order.id).status == "approved"
    assert ChangeOrder.objects.get(pk=other.id).status == "submitted"

    for url in (
        f"/relationships/accounts/{personas.client_b.id}/report/",
        f"/api/v1/clients/{personas.client_b.id}/health",
    ):
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status in (401, 403, 404), url
    response = page.goto(f"{live_server.url}/relationships/accounts/{personas.client_a.id}/report/")
    assert response is not None and response.status == 200
    assert "Double the leads" in page.content() and "Bravo" not in page.content()
