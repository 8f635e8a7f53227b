"""Engagements (contracts): the create service's rules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Event
from baton.crm.services import client_create
from baton.relationships import services
from baton.relationships.models import Engagement, RelationshipsSettings
from baton.relationships.selectors import mrr, renewal_risk, term_months


def test_a_recurring_engagement_needs_an_end_date_and_nothing_is_saved_without_one(personas):
    system = Actor.system(personas.workspace)
    with pytest.raises(ValidationError) as err:
        services.engagement_create(
            actor=system, client=personas.client_a, name="Retainer", start_date=date(2026, 1, 1), recurring=True
        )
    assert "end_date" in err.value.message_dict
    assert not Engagement.objects.exists()
    made = services.engagement_create(
        actor=system,
        client=personas.client_a,
        name="Retainer",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        renewal_date=date(2027, 1, 1),
        value=Decimal("120000.00"),
        recurring=True,
    )
    assert made.status == "active"
    assert made.currency == personas.client_a.currency
    assert Event.objects.filter(verb="engagement.created", target_id=made.pk).count() == 1


def test_an_account_manager_records_engagements_for_their_own_clients_only(personas):
    am = personas["am"].actor
    services.engagement_create(actor=am, client=personas.client_a, name="Retainer", start_date=date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        services.engagement_create(actor=am, client=personas.client_b, name="Retainer", start_date=date(2026, 1, 1))
    assert list(Engagement.objects.values_list("client_id", flat=True)) == [personas.client_a.id]


# --- Services, MRR ------------------------------------------------------------------------------------------------


def _retainer(actor, client, name, start, end, value, **fields):
    return services.engagement_create(
        actor=actor,
        client=client,
        name=name,
        start_date=start,
        end_date=end,
        renewal_date=end + timedelta(days=1),
        value=Decimal(value),
        recurring=True,
        **fields,
    )


def test_months_of_a_term_and_mrr_in_cents_half_up(personas):
    assert term_months(date(2026, 1, 1), date(2026, 12, 31)) == 12
    assert term_months(date(2026, 1, 15), date(2026, 7, 14)) == 6
    assert term_months(date(2026, 1, 1), date(2026, 1, 20)) == 1
    assert term_months(date(2026, 1, 1), date(2026, 2, 10)) == 2  # a part month counts as one
    system = Actor.system(personas.workspace)
    e = _retainer(system, personas.client_a, "Retainer", date(2026, 1, 1), date(2026, 3, 31), "1000.00")
    assert mrr(e) == Decimal("333.33")
    e2 = _retainer(system, personas.client_a, "Retainer", date(2026, 1, 1), date(2026, 6, 30), "1000.03")
    assert mrr(e2) == Decimal("166.67")  # 166.671666… half up


def test_renew_end_and_churn_move_the_status_and_emit_their_events(personas):
    system = Actor.system(personas.workspace)
    old = _retainer(system, personas.client_a, "SEO", date(2026, 1, 1), date(2026, 12, 31), "12000.00")
    new = services.engagement_renew(actor=system, engagement=old, version=None, value=Decimal("18000.00"))
    old.refresh_from_db()
    assert old.status == "renewed" and new.renewed_from_id == old.pk
    assert (new.start_date, new.end_date, new.renewal_date) == (date(2027, 1, 1), date(2027, 12, 31), date(2028, 1, 1))
    assert mrr(new) == Decimal("1500.00") and new.recurring
    with pytest.raises(Conflict):
        services.engagement_renew(actor=system, engagement=old, version=None)
    with pytest.raises(ValidationError) as err:
        services.engagement_churn(actor=system, engagement=new, version=None, reason="  ")
    assert "reason" in err.value.message_dict
    services.engagement_churn(
        actor=system, engagement=new, version=None, reason="Budget cut", ended_on=date(2027, 5, 31)
    )
    new.refresh_from_db()
    assert (new.status, new.ended_on, new.churn_reason) == ("churned", date(2027, 5, 31), "Budget cut")
    other = _retainer(system, personas.client_b, "Ads", date(2026, 1, 1), date(2026, 12, 31), "6000.00")
    services.engagement_end(actor=system, engagement=other, version=None)
    other.refresh_from_db()
    assert other.status == "ended" and other.ended_on == timezone.localdate()
    verbs = set(Event.objects.filter(verb__startswith="engagement.").values_list("verb", flat=True))
    assert verbs == {"engagement.created", "engagement.renewed", "engagement.churned", "engagement.ended"}


# --- API ----------------------------------------------------------------------------------------------------------


def test_api_create_read_patch_with_version_and_actions(personas):
    owner = personas["owner"].api()
    body = {
        "client_id": personas.client_a.id,
        "name": "Retainer",
        "service": "SEO",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "renewal_date": "2027-01-01",
        "value": "24000.00",
        "recurring": True,
        "notice_days": 60,
    }
    made = owner.post("/api/v1/engagements", body, content_type="application/json")
    assert made.status_code == 201, made.content
    e = made.json()
    assert (e["mrr"], e["status"], e["renewed_from_id"]) == ("2000.00", "active", None)
    url = f"/api/v1/engagements/{e['id']}"
    assert owner.patch(url, {"value": "12000.00"}, content_type="application/json").status_code == 428
    stale = owner.patch(url, {"value": "12000.00"}, content_type="application/json", headers={"If-Match": "9"})
    assert stale.status_code == 409
    ok = owner.patch(url, {"value": "12000.00"}, content_type="application/json", headers={"If-Match": "1"})
    assert ok.status_code == 200 and ok.json()["mrr"] == "1000.00" and ok.json()["version"] == 2
    listed = owner.get(f"/api/v1/engagements?client_id={personas.client_a.id}&status=active").json()
    assert [r["id"] for r in listed["results"]] == [e["id"]]
    renewed = owner.post(f"{url}/renew", {"value": "15000.00"}, content_type="application/json")
    assert renewed.status_code == 201 and renewed.json()["renewed_from_id"] == e["id"]
    assert owner.get(url).json()["status"] == "renewed"
    churn = owner.post(f"/api/v1/engagements/{renewed.json()['id']}/churn", {}, content_type="application/json")
    assert churn.status_code == 422 and "reason" in churn.content.decode()
    churn = owner.post(
        f"/api/v1/engagements/{renewed.json()['id']}/churn",
        {"reason": "Moved in-house"},
        content_type="application/json",
    )
    assert churn.status_code == 200, churn.content
    assert churn.json()["status"] == "churned" and churn.json()["ended_on"]


def test_api_refuses_bad_fields_naming_each(personas):
    owner = personas["owner"].api()
    bad = owner.post(
        "/api/v1/engagements",
        {
            "client_id": personas.client_a.id,
            "name": "X",
            "start_date": "1899-12-31",
            "end_date": "3000-01-01",
            "value": "-1",
            "colour": "red",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    text = bad.content.decode()
    for field in ("start_date", "end_date", "value", "colour"):
        assert field in text, field
    rule = owner.post(
        "/api/v1/engagements",
        {"client_id": personas.client_a.id, "name": "X", "start_date": "2026-01-01", "recurring": True},
        content_type="application/json",
    )
    assert rule.status_code == 422 and "end_date" in rule.content.decode()
    assert not Engagement.objects.exists()


def test_api_another_workspaces_engagement_is_404_and_an_am_changes_only_its_own_clients(personas):
    system = Actor.system(personas.workspace)
    mine = _retainer(system, personas.client_a, "A", date(2026, 1, 1), date(2026, 12, 31), "1200.00")
    theirs = _retainer(system, personas.client_b, "B", date(2026, 1, 1), date(2026, 12, 31), "1200.00")
    foreign = _retainer(
        Actor.system(personas.other_workspace), personas.other_client, "O", date(2026, 1, 1), date(2026, 12, 31), "1"
    )
    am = personas["am"].api()
    assert am.get(f"/api/v1/engagements/{foreign.pk}").status_code == 404
    assert personas["owner"].api().get(f"/api/v1/engagements/{foreign.pk}").status_code == 404
    assert am.post(f"/api/v1/engagements/{theirs.pk}/end", {}, content_type="application/json").status_code == 403
    assert am.post(f"/api/v1/engagements/{mine.pk}/end", {}, content_type="application/json").status_code == 200
    made = am.post(
        "/api/v1/engagements",
        {"client_id": personas.client_b.id, "name": "Not mine", "start_date": "2026-01-01"},
        content_type="application/json",
    )
    assert made.status_code == 403
    assert personas["member"].api().get("/api/v1/engagements").status_code == 403


# --- The retention report: a hand-computed scenario -------------------------------------------------------------


def test_retention_report_against_a_hand_computed_scenario(personas):
    """Period 2026-01-01 → 2026-12-31. MRR = value ÷ months of the term.

    Client A (AM: am), "SEO" 2025-07-01 to 2026-06-30, 12 000 over 12 months → 1 000/month; renewed 2026-07-01 for
    14 400 over 12 months → 1 200 (expansion 200). A new "Ads" retainer for A, 2026-08-01 to 2027-01-31, 1 800 over 6
    months → 300 (expansion 300: new work for a client of the cohort).
    Client B (AM: admin), "SEO" 2025-10-01 to 2026-03-31, 6 000 over 6 months → 1 000; renewed 2026-04-01 to 2027-03-31
    for 9 000 over 12 months → 750 (contraction 250).
    Client C (AM: am), "Ads" 2025-04-01 to 2026-09-30, 9 000 over 18 months → 500; churned on 2026-05-31 (churned 500).
    Client D: a retainer starting 2026-02-01, not in the cohort (not running on 1 January): ignored. A one-off
    project (not recurring) for A: ignored.

    start = 1 000 + 1 000 + 500 = 2 500; churned 500; contraction 250; expansion 200 + 300 = 500.
    GRR = (2 500 - 500 - 250) ÷ 2 500 = 70.00 %; NRR = (1 750 + 500) ÷ 2 500 = 90.00 %. 3 clients, 1 lost.
    By AM: am (A, C): start 1 500, churned 500, expansion 500 → GRR 1 000/1 500 = 66.67, NRR 100.00; admin (B):
    start 1 000, contraction 250 → 75.00 / 75.00.
    By service: SEO (A, B): start 2 000, contraction 250, expansion 200 → 87.50 / 97.50; Ads (C; A's new one):
    start 500, churned 500, expansion 300 → 0.00 / 60.00.
    May 2026 alone: cohort on 1 May = A 1 000 + B's renewal 750 + C 500 + D 1 000 = 3 250; C churns on 31 May →
    GRR = NRR = 2 750 ÷ 3 250 = 84.62. January alone: nothing changes → 100.00 / 100.00.
    """
    system = Actor.system(personas.workspace)
    am_person = personas["am"].person
    c = client_create(actor=system, name="Client C", account_manager_id=am_person.id)
    d = client_create(actor=system, name="Client D", account_manager_id=am_person.id)
    a1 = _retainer(system, personas.client_a, "SEO", date(2025, 7, 1), date(2026, 6, 30), "12000.00", service="SEO")
    services.engagement_renew(actor=system, engagement=a1, version=None, value=Decimal("14400.00"))
    _retainer(system, personas.client_a, "Ads", date(2026, 8, 1), date(2027, 1, 31), "1800.00", service="Ads")
    services.engagement_create(
        actor=system, client=personas.client_a, name="Website", start_date=date(2026, 3, 1), value=Decimal("50000")
    )
    b1 = _retainer(system, personas.client_b, "SEO", date(2025, 10, 1), date(2026, 3, 31), "6000.00", service="SEO")
    services.engagement_renew(
        actor=system, engagement=b1, version=None, end_date=date(2027, 3, 31), value=Decimal("9000.00")
    )
    c1 = _retainer(system, c, "Ads", date(2025, 4, 1), date(2026, 9, 30), "9000.00", service="Ads")
    services.engagement_churn(actor=system, engagement=c1, version=None, reason="Lost", ended_on=date(2026, 5, 31))
    _retainer(system, d, "SEO", date(2026, 2, 1), date(2027, 1, 31), "12000.00", service="SEO")

    response = personas["owner"].api().get("/api/v1/reports/retention?from=2026-01-01&to=2026-12-31")
    assert response.status_code == 200, response.content
    r = response.json()
    assert (r["clients_start"], r["clients_churned"]) == (3, 1)
    assert [Decimal(r[k]) for k in ("start_mrr", "churned_mrr", "contraction_mrr", "expansion_mrr")] == [
        Decimal("2500"),
        Decimal("500"),
        Decimal("250"),
        Decimal("500"),
    ]
    assert (r["gross_revenue_retention_pct"], r["net_revenue_retention_pct"]) == ("70.00", "90.00")
    by_am = {row["account_manager"]: row for row in r["by_account_manager"]}
    am_row, admin_row = by_am[am_person.name], by_am[personas["admin"].person.name]
    assert (am_row["gross_revenue_retention_pct"], am_row["net_revenue_retention_pct"]) == ("66.67", "100.00")
    assert (admin_row["gross_revenue_retention_pct"], admin_row["net_revenue_retention_pct"]) == ("75.00", "75.00")
    by_service = {row["service"]: row for row in r["by_service"]}
    assert (by_service["SEO"]["gross_revenue_retention_pct"], by_service["SEO"]["net_revenue_retention_pct"]) == (
        "87.50",
        "97.50",
    )
    assert (by_service["Ads"]["gross_revenue_retention_pct"], by_service["Ads"]["net_revenue_retention_pct"]) == (
        "0.00",
        "60.00",
    )
    months = {m["month"]: m for m in r["by_month"]}
    assert len(months) == 12
    assert Decimal(months["2026-05"]["start_mrr"]) == Decimal("3250")
    assert months["2026-05"]["gross_revenue_retention_pct"] == months["2026-05"]["net_revenue_retention_pct"] == "84.62"
    assert months["2026-01"]["gross_revenue_retention_pct"] == "100.00"
    empty = personas["owner"].api().get("/api/v1/reports/retention?from=2020-01-01&to=2020-12-31").json()
    assert empty["gross_revenue_retention_pct"] is None and empty["net_revenue_retention_pct"] is None
    assert personas["owner"].api().get("/api/v1/reports/retention?from=2026-02-01&to=2026-01-01").status_code == 422


# --- Renewal risk -------------------------------------------------------------------------------------------------


def test_an_at_risk_client_renewing_within_notice_plus_60_days_is_at_least_medium(personas):
    system = Actor.system(personas.workspace)
    today = timezone.localdate()
    # Every score below 101 is at risk: the client's health is `at_risk` whatever its signals.
    RelationshipsSettings.objects.update_or_create(
        workspace=personas.workspace, defaults={"healthy_from": 101, "watch_from": 101}
    )
    services.engagement_create(
        actor=system,
        client=personas.client_a,
        name="Retainer",
        start_date=today - timedelta(days=300),
        end_date=today + timedelta(days=64),
        renewal_date=today + timedelta(days=65),  # notice 30 + 35 days: within notice + 60
        value=Decimal("12000.00"),
        recurring=True,
        notice_days=30,
    )
    risk = personas["am"].api().get(f"/api/v1/clients/{personas.client_a.id}/renewal-risk")
    assert risk.status_code == 200, risk.content
    body = risk.json()
    assert body["band"] in ("medium", "high") and 0 <= body["score"] <= 100
    codes = {r["code"] for r in body["reasons"]}
    assert {"health_at_risk", "renewal_near", "at_risk_renewal"} <= codes
    # The renewals due (next 120 days by default) carry the same risk.
    due = personas["owner"].api().get("/api/v1/engagements/renewals-due").json()
    assert [(d["client_id"], d["risk_score"], d["risk_band"]) for d in due] == [
        (personas.client_a.id, body["score"], body["band"])
    ]
    listed = (
        personas["owner"].api().get(f"/api/v1/engagements?renewal_before={(today + timedelta(days=90)).isoformat()}")
    )
    assert [e["client_id"] for e in listed.json()["results"]] == [personas.client_a.id]


def test_a_healthy_client_with_a_distant_renewal_is_low_risk(personas):
    system = Actor.system(personas.workspace)
    today = timezone.localdate()
    RelationshipsSettings.objects.update_or_create(
        workspace=personas.workspace, defaults={"healthy_from": 0, "watch_from": 0}
    )
    services.goal_create(actor=system, client=personas.client_b, title="Leads", metric="Leads", target="10")
    services.engagement_create(
        actor=system,
        client=personas.client_b,
        name="Retainer",
        start_date=today,
        end_date=today + timedelta(days=364),
        renewal_date=today + timedelta(days=365),
        value=Decimal("12000.00"),
        recurring=True,
    )
    body = renewal_risk(actor=personas["owner"].actor, client_id=personas.client_b.id)
    assert (body["band"], body["health_band"]) == ("low", "healthy")
    assert not any(r["code"].startswith("renewal") for r in body["reasons"])


# --- Pages --------------------------------------------------------------------------------------------------------


def _web(personas, name):
    web = HttpClient()
    web.force_login(personas[name].person.membership.user)
    return web


def test_contracts_section_adds_renews_and_churns_through_htmx(personas):
    web = _web(personas, "am")
    account = reverse("relationships:account", args=[personas.client_a.id])
    page = web.get(account)
    assert page.status_code == 200 and 'id="contracts"' in page.content.decode()
    added = web.post(
        reverse("relationships:engagement_new", args=[personas.client_a.id]),
        {
            "name": "Care plan",
            "service": "Support",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "renewal_date": "2027-01-01",
            "value": "6000.00",
            "recurring": "on",
            "notice_days": "30",
        },
        headers={"HX-Request": "true"},
    )
    assert added.status_code == 200 and "Care plan" in added.content.decode() and "500.00" in added.content.decode()
    e = Engagement.objects.get()
    renewed = web.post(
        reverse("relationships:engagement_action", args=[e.pk, "renew"]), {"value": "9000"}, headers={"HX-Request": "1"}
    )
    assert renewed.status_code == 200
    new = Engagement.objects.get(renewed_from=e)
    churned = web.post(reverse("relationships:engagement_action", args=[new.pk, "churn"]), {"reason": ""})
    assert churned.status_code == 302  # without htmx: back to the account page, the error as a message
    new.refresh_from_db()
    assert new.status == "active"
    web.post(reverse("relationships:engagement_action", args=[new.pk, "churn"]), {"reason": "Budget"})
    new.refresh_from_db()
    assert new.status == "churned"


def test_renewals_and_retention_pages_render_and_download(personas):
    system = Actor.system(personas.workspace)
    today = timezone.localdate()
    _retainer(system, personas.client_a, "Retainer A", today - timedelta(days=300), today + timedelta(days=30), "9000")
    web = _web(personas, "owner")
    renewals = web.get(reverse("relationships:renewals"))
    assert renewals.status_code == 200 and "Retainer A" in renewals.content.decode()
    assert web.get(reverse("relationships:renewals") + "?format=csv").status_code == 200
    report = web.get(reverse("relationships:retention"))
    assert report.status_code == 200 and "net revenue retention" in report.content.decode()
    for part in ("month", "account_manager", "service"):
        download = web.get(reverse("relationships:retention") + f"?format=xlsx&part={part}")
        assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd")
    assert _web(personas, "member").get(reverse("relationships:retention")).status_code == 403
