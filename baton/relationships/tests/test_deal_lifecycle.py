"""Issue 20, deal → client: winning activates the client and starts its onboarding, a seller who is the AM hands
nothing over, a recurring deal becomes a retainer with its engagement, and growth opportunities become deals and count
in the weighted pipeline once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Event
from baton.crm.models import Client
from baton.crm.services import client_create, deal_create
from baton.delivery.models import Project
from baton.finance.services.recurring import add_months
from baton.handoffs.models import Handoff
from baton.relationships.models import Engagement, GrowthOpportunity, OnboardingItem
from baton.relationships.services import opportunity_create

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _win(persona, deal_id, body=None):
    return persona.api().post(f"/api/v1/deals/{deal_id}/win", body or {}, content_type=JSON)


def test_winning_makes_a_prospect_active_and_starts_its_onboarding(personas):
    system = Actor.system(personas.workspace)
    prospect = client_create(
        actor=system, name="Prospect Co", status="prospect", account_manager_id=personas["am"].person.id
    )
    OnboardingItem.objects.filter(client=prospect).delete()  # whatever its creation planned, the win plans anew
    start = timezone.localdate() + timedelta(days=10)
    deal = deal_create(
        actor=system, client=prospect, name="Launch", value="9000.00", owner_id=personas["admin"].person.id
    )
    response = _win(personas["am"], deal.id, {"start_date": str(start)})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["client_status"] == "active" and body["client_activated"] is True
    assert body["onboarding_started_on"] == str(start)
    assert Client.objects.get(pk=prospect.id).status == "active"
    items = list(OnboardingItem.objects.filter(client=prospect).order_by("due_on", "id"))
    assert items and items[0].due_on == start and items[-1].due_on <= start + timedelta(days=30)
    changed = Event.objects.get(verb="client.status_changed", target_id=prospect.id)
    assert changed.data == {"from": "prospect", "to": "active"}
    assert Event.objects.filter(verb="onboarding.applied", target_id=prospect.id).exists()
    # a client already active (repeat business) is not onboarded again
    again = deal_create(actor=system, client=prospect, name="Phase 2", owner_id=personas["admin"].person.id)
    second = _win(personas["am"], again.id).json()
    assert second["client_activated"] is False and second["onboarding_started_on"] is None
    assert OnboardingItem.objects.filter(client=prospect).count() == len(items)


def test_a_seller_who_is_the_account_manager_wins_without_a_handoff(personas):
    # Until issue 20 a deal whose owner was the client's AM was refused (422): a founder who sells and manages could
    # not win their own deal. Now it is won with nothing to hand over.
    system = Actor.system(personas.workspace)
    deal = deal_create(
        actor=system, client=personas.client_a, name="Own deal", value="5000.00", owner_id=personas["am"].person.id
    )
    handoffs_before = Handoff.objects.count()
    response = _win(personas["am"], deal.id)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["handoff_id"] is None and body["deal"]["handoff_id"] is None and body["deal"]["stage"] == "won"
    assert Handoff.objects.count() == handoffs_before
    assert Event.objects.get(verb="deal.won", target_id=deal.id).data["handoff_id"] is None


def test_a_recurring_deal_becomes_a_retainer_with_a_recurring_engagement(personas):
    am = personas["am"].api()
    start = timezone.localdate() + timedelta(days=3)
    made = am.post(
        "/api/v1/deals",
        {
            "client_id": personas.client_a.id,
            "name": "Monthly SEO",
            "value": "36000.00",
            "stage": "negotiation",
            "owner_id": personas["admin"].person.id,
            "expected_effort_minutes": 14400,
            "recurring": True,
            "term_months": 12,
            "service": "SEO",
        },
        content_type=JSON,
    )
    assert made.status_code == 201, made.content
    assert made.json()["recurring"] is True and made.json()["term_months"] == 12
    body = _win(personas["am"], made.json()["id"], {"start_date": str(start)}).json()
    project = Project.objects.get(pk=body["project_id"])
    assert project.billing == "retainer" and project.retainer_period == "month"
    assert project.period_budget_amount == Decimal("3000.00") and project.period_budget_minutes == 1200
    assert project.start_date == start and project.end_date == add_months(start, 12) - timedelta(days=1)
    engagement = Engagement.objects.get(pk=body["engagement_id"])
    assert engagement.recurring is True and engagement.value == Decimal("36000.00")
    assert engagement.start_date == start and engagement.end_date == add_months(start, 12)
    assert engagement.renewal_date == engagement.end_date and engagement.service == "SEO"
    assert engagement.project_id == project.id and engagement.deal_id == made.json()["id"]
    assert engagement.client_id == personas.client_a.id and engagement.status == "active"
    # a one-off deal records a one-off engagement worth the deal
    one_off = deal_create(
        actor=Actor.system(personas.workspace),
        client=personas.client_a,
        name="Audit",
        value="4000.00",
        owner_id=personas["admin"].person.id,
    )
    single = Engagement.objects.get(pk=_win(personas["am"], one_off.id).json()["engagement_id"])
    assert single.recurring is False and single.value == Decimal("4000.00") and single.end_date is None
    assert single.project is not None and single.project.billing == "time_and_materials"
    bad = am.post(
        "/api/v1/deals",
        {"client_id": personas.client_a.id, "name": "X", "recurring": True, "term_months": 0},
        content_type=JSON,
    )
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["term_months"]


def test_a_growth_opportunity_becomes_a_deal_in_one_step_and_counts_once(personas):
    am = personas["am"].api()
    opp = opportunity_create(
        actor=personas["am"].actor, client=personas.client_a, title="Paid social", value="8000.00", notes="Asked twice"
    )
    board = am.get("/api/v1/deals/board").json()
    assert board["opportunities"] == {
        "count": 1,
        "value": "8000.00",
        "probability": 10,
        "weighted_value": "800.00",
    }
    assert Decimal(board["weighted_total_value"]) == Decimal(board["weighted_open_value"]) + Decimal("800.00")
    response = am.post(f"/api/v1/growth-opportunities/{opp.id}/deal", {}, content_type=JSON)
    assert response.status_code == 201, response.content
    deal = response.json()
    assert deal["name"] == "Paid social" and deal["value"] == "8000.00" and deal["stage"] == "proposal"
    assert deal["owner_id"] == personas["am"].person.id and "Asked twice" in deal["notes"]
    assert deal["client_id"] == personas.client_a.id
    opp = GrowthOpportunity.objects.get(pk=opp.id)
    assert opp.deal_id == deal["id"] and opp.status == "proposed"
    assert am.get(f"/api/v1/growth-opportunities/{opp.id}").json()["deal_id"] == deal["id"]
    after = am.get("/api/v1/deals/board").json()
    assert after["opportunities"]["count"] == 0 and after["opportunities"]["weighted_value"] == "0.00"
    proposal = next(c for c in after["columns"] if c["stage"] == "proposal")
    assert deal["id"] in proposal["deal_ids"]
    assert Decimal(after["weighted_open_value"]) == Decimal(board["weighted_open_value"]) + Decimal("4000.00")
    assert after["weighted_total_value"] == after["weighted_open_value"]
    again = am.post(f"/api/v1/growth-opportunities/{opp.id}/deal", {}, content_type=JSON)
    assert again.status_code == 409
    assert Event.objects.filter(verb="growth_opportunity.converted", target_id=opp.id).count() == 1
    # overrides and strict input
    other = opportunity_create(actor=personas["am"].actor, client=personas.client_a, title="SEO", value="100.00")
    made = am.post(
        f"/api/v1/growth-opportunities/{other.id}/deal",
        {"stage": "qualified", "recurring": True, "term_months": 6},
        content_type=JSON,
    ).json()
    assert made["stage"] == "qualified" and made["recurring"] is True and made["term_months"] == 6
    # the opportunities follow their deals when they close
    assert _win(personas["am"], deal["id"]).status_code == 200
    assert GrowthOpportunity.objects.get(pk=opp.id).status == "won"
    assert am.post(f"/api/v1/deals/{made['id']}/lose", {}, content_type=JSON).status_code == 200
    assert GrowthOpportunity.objects.get(pk=other.id).status == "lost"
    third = opportunity_create(actor=personas["am"].actor, client=personas.client_a, title="Video")
    bad = am.post(f"/api/v1/growth-opportunities/{third.id}/deal", {"colour": "red"}, content_type=JSON)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "colour"


def test_deal_page_and_the_make_it_a_deal_button(personas, client):
    from django.urls import reverse

    opp = opportunity_create(actor=personas["am"].actor, client=personas.client_a, title="Newsletter", value="600.00")
    client.force_login(personas["am"].person.membership.user)
    account = client.get(reverse("relationships:account", args=[personas.client_a.id]))
    assert b"Make it a deal" in account.content
    made = client.post(reverse("relationships:opportunity_deal", args=[opp.id]))
    deal_id = GrowthOpportunity.objects.get(pk=opp.id).deal_id
    assert made.status_code == 302 and made["Location"] == reverse("relationships:deal", args=[deal_id])
    page = client.get(made["Location"])
    assert page.status_code == 200 and b"Capacity before committing" in page.content and b"One-off" in page.content
    board = client.get(reverse("relationships:deals"))
    assert f'href="{reverse("relationships:deal", args=[deal_id])}"'.encode() in board.content
    client.force_login(personas["member"].person.membership.user)
    assert client.get(made["Location"]).status_code in (403, 404)
