"""The handoff pages render for staff, refuse client users, and the form flow works without JavaScript: inline
errors on send, gaps, answers, confirmation, failures."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from baton.devdata.testing.handoffs import FIELDS, make_sent_handoff
from baton.devdata.testing.personas import PASSWORD
from baton.handoffs.models import Handoff

pytestmark = pytest.mark.django_db


def _login(persona) -> HttpClient:
    client = HttpClient()
    assert client.login(email=persona.email, password=PASSWORD)
    return client


def test_pages_render_for_staff_and_not_for_clients(personas):
    h = make_sent_handoff(workspace=personas.workspace, owner=personas["am"].person, receiver=personas["member"].person)
    for name in ("owner", "member", "finance"):
        web = _login(personas[name])
        for url in (
            "/handoffs/",
            "/handoffs/all/",
            "/handoffs/dashboard/",
            "/handoffs/map/",
            "/handoffs/templates/",
            f"/handoffs/{h.id}/",
            "/handoffs/new/",
        ):
            response = web.get(url)
            assert response.status_code == 200, (name, url)
    inbox = _login(personas["member"]).get("/handoffs/").content.decode()
    assert "Matrix handoff" in inbox and "To confirm" in inbox
    home = _login(personas["member"]).get("/").content.decode()
    assert "1 to confirm" in home
    portal = _login(personas["client_a"])
    assert portal.get("/handoffs/").status_code == 403
    assert portal.get(f"/handoffs/{h.id}/").status_code == 404
    assert _login(personas["outsider"]).get(f"/handoffs/{h.id}/").status_code == 404


def test_form_flow_without_javascript(personas):
    am, member = _login(personas["am"]), _login(personas["member"])
    opened = am.post(
        "/handoffs/new/",
        {"kind": "sales_to_account", "to_person_id": personas["member"].person.id, "client_id": personas.client_a.id},
    )
    assert opened.status_code == 302
    h = Handoff.objects.get()
    data = {k: "" for k in FIELDS} | {"primary_goals": "Leads", "version": h.version, "send": "1"}
    refused = am.post(f"/handoffs/{h.id}/edit/", data)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'id="id_objections_error"' in page and "Objections raised during the sale is required." in page
    h.refresh_from_db()
    assert h.status == "draft" and h.fields["primary_goals"] == "Leads"  # the draft was kept
    data = FIELDS | {"version": h.version, "send": "1"}
    assert am.post(f"/handoffs/{h.id}/edit/", data).status_code == 302
    h.refresh_from_db()
    assert h.status == "sent"
    assert am.post(f"/handoffs/{h.id}/confirm/").status_code == 403  # only the receiver confirms
    h.refresh_from_db()
    assert h.status == "sent"
    member.post(f"/handoffs/{h.id}/raise-gaps/", {"gaps": "Budget?\nWho signs?"})
    h.refresh_from_db()
    assert h.status == "gaps_raised" and h.gaps.count() == 2
    detail = am.get(f"/handoffs/{h.id}/").content.decode()
    assert "needs answers" in detail
    am.post(f"/handoffs/{h.id}/answer-gaps/", {f"answer_{g.id}": "Answer" for g in h.gaps.all()})
    h.refresh_from_db()
    assert h.status == "sent"
    member.post(f"/handoffs/{h.id}/confirm/", {"note": "Thanks"})
    h.refresh_from_db()
    assert h.status == "confirmed" and h.first_time is False
    am.post(
        f"/handoffs/{h.id}/failures/",
        {
            "description": "Wrong ROAS",
            "category": "expectations",
            "remediation_minutes": "60",
            "remediated_by_id": personas["pm"].person.id,
            "occurred_on": "2026-03-02",
        },
    )
    assert h.failures.get().remediation_cost == 50
    dash = am.get("/handoffs/dashboard/?date_from=2020-01-01&date_to=2030-12-31").content.decode()
    assert 'id="fig-count">1<' in dash and 'id="fig-failures">1<' in dash


def test_list_pages_do_not_grow_queries_with_handoffs(personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    web = _login(personas["member"])

    def counts() -> list[int]:
        found = []
        for url in ("/handoffs/", "/handoffs/all/", "/handoffs/dashboard/", "/handoffs/map/"):
            with CaptureQueriesContext(connection) as ctx:
                assert web.get(url).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    def make(n: int) -> None:
        for i in range(n):
            make_sent_handoff(
                workspace=personas.workspace,
                owner=personas["am"].person,
                receiver=personas["member"].person,
                title=f"H{i}",
            )

    make(2)
    before = counts()
    make(5)
    assert counts() == before
