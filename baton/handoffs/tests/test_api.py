"""The loop through the HTTP API, as the contract names it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from baton.devdata.testing.handoffs import FIELDS
from baton.handoffs.models import Handoff

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_full_loop_over_http(personas):
    am, member, pm = personas["am"].api(), personas["member"].api(), personas["pm"].api()
    member_id = personas["member"].person.id
    created = _post(
        am,
        "/api/v1/handoffs",
        {
            "kind": "sales_to_account",
            "client_id": personas.client_a.id,
            "to_person_id": member_id,
            "fields": {"primary_goals": "Leads"},
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    hid = body["id"]
    assert body["status"] == "draft" and body["from_person_id"] == personas["am"].person.id
    assert body["to_person_id"] == member_id and body["version"] == 1
    assert {"id", "created_at", "updated_at", "version", "due_by", "sent_at", "confirmed_at"} <= set(body)
    assert [f["key"] for f in body["template_fields"]][:2] == ["primary_goals", "objections"]

    refused = _post(am, f"/api/v1/handoffs/{hid}/send")
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    named = {e["field"] for e in refused.json()["errors"]}
    assert {"fields.objections", "fields.agreed_deliverables", "fields.sales_commitments"} <= named
    assert "fields.primary_goals" not in named

    patched = am.patch(
        f"/api/v1/handoffs/{hid}", {"fields": FIELDS}, content_type="application/json", headers={"If-Match": "1"}
    )
    assert patched.status_code == 200 and patched.json()["missing_fields"] == []
    stale = am.patch(
        f"/api/v1/handoffs/{hid}", {"title": "x"}, content_type="application/json", headers={"If-Match": "1"}
    )
    assert stale.status_code == 409

    assert _post(member, f"/api/v1/handoffs/{hid}/send").status_code == 403
    sent = _post(am, f"/api/v1/handoffs/{hid}/send")
    assert sent.status_code == 200 and sent.json()["status"] == "sent" and sent.json()["sent_at"]

    assert _post(pm, f"/api/v1/handoffs/{hid}/confirm").status_code == 403  # a third person
    assert _post(am, f"/api/v1/handoffs/{hid}/raise-gaps", {"gaps": ["?"]}).status_code == 403
    assert _post(member, f"/api/v1/handoffs/{hid}/raise-gaps", {"gaps": []}).status_code == 422
    raised = _post(member, f"/api/v1/handoffs/{hid}/raise-gaps", {"gaps": ["What ROAS did sales promise?"]})
    assert raised.status_code == 200 and raised.json()["status"] == "gaps_raised"
    gap_id = raised.json()["gaps"][0]["id"]

    assert _post(member, f"/api/v1/handoffs/{hid}/answer-gaps", {"answers": {str(gap_id): "4"}}).status_code == 403
    answered = _post(am, f"/api/v1/handoffs/{hid}/answer-gaps", {"answers": {str(gap_id): "ROAS 4, on margin."}})
    assert answered.status_code == 200
    assert answered.json()["status"] == "sent"
    assert answered.json()["gaps"][0]["answer"] == "ROAS 4, on margin."

    confirmed = _post(member, f"/api/v1/handoffs/{hid}/confirm")
    assert confirmed.status_code == 200, confirmed.content
    data = confirmed.json()
    assert data["status"] == "confirmed" and data["confirmed_at"] and data["first_time"] is False
    assert _post(member, f"/api/v1/handoffs/{hid}/confirm").status_code == 409

    failure = _post(
        pm, f"/api/v1/handoffs/{hid}/failures", {"description": "Wrong ROAS set", "remediation_minutes": 180}
    )
    assert failure.status_code == 201
    assert failure.json()["remediation_cost"] == "150.00"  # 3 h at the receiver's (member's) 50.00 cost rate
    assert personas["member"].api().get(f"/api/v1/handoffs/{hid}").json()["failures"][0]["remediation_cost"] is None

    report = am.get("/api/v1/reports/handoffs").json()
    assert report["count"] == 1 and report["confirmed"] == 1 and report["first_time_confirmed_pct"] == 0.0
    assert report["gaps_per_handoff"] == 1.0 and report["failures"] == 1
    assert report["remediation_minutes"] == 180 and report["remediation_cost"] == "150.00"
    assert report["funnel"] == {"sent": 1, "gaps_raised": 1, "confirmed": 1}
    assert member.get("/api/v1/reports/handoffs").json()["remediation_cost"] is None


def test_confirm_with_a_json_body_and_validation(personas):
    am, member = personas["am"].api(), personas["member"].api()
    hid = _post(
        am,
        "/api/v1/handoffs",
        {"kind": "sales_to_account", "to_person_id": personas["member"].person.id, "fields": FIELDS},
    ).json()["id"]
    _post(am, f"/api/v1/handoffs/{hid}/send")
    bad = _post(member, f"/api/v1/handoffs/{hid}/confirm", {"walkthrough_held": "perhaps"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "walkthrough_held"
    ok = _post(member, f"/api/v1/handoffs/{hid}/confirm", {"note": "All clear"})
    assert ok.status_code == 200 and ok.json()["confirmation_note"] == "All clear" and ok.json()["first_time"] is True


def test_bad_references_and_other_workspaces(personas):
    am = personas["am"].api()
    bad = _post(
        am,
        "/api/v1/handoffs",
        {
            "kind": "sales_to_account",
            "to_person_id": personas["outsider"].person.id,
            "client_id": personas.other_client.id,
        },
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"to_person_id", "client_id"}
    unknown = _post(am, "/api/v1/handoffs", {"kind": "nope", "to_person_id": personas["member"].person.id})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "kind"

    hid = _post(
        am, "/api/v1/handoffs", {"kind": "sales_to_account", "to_person_id": personas["member"].person.id}
    ).json()["id"]
    outsider = personas["outsider"].api()
    assert outsider.get(f"/api/v1/handoffs/{hid}").status_code == 404
    assert _post(outsider, f"/api/v1/handoffs/{hid}/confirm").status_code == 404
    assert personas["client_a"].api().get(f"/api/v1/handoffs/{hid}").status_code == 404
    assert personas["client_a"].api().get("/api/v1/handoffs").status_code == 403
    assert outsider.get("/api/v1/handoffs").json()["count"] == 0
    assert Handoff.objects.count() == 1


def test_templates_over_http(personas):
    owner = personas["owner"].api()
    listing = owner.get("/api/v1/handoff-templates").json()
    assert listing["count"] == 6
    one = listing["results"][0]
    assert {"kind", "name", "fields"} <= set(one) and {"key", "label", "required"} <= set(one["fields"][0])
    made = _post(
        owner,
        "/api/v1/handoff-templates",
        {
            "kind": "seo_audit_to_content",
            "name": "SEO audit → content",
            "fields": [{"key": "keywords", "label": "Keywords", "required": True}],
            "triggers": [{"status": "done", "tag": "seo", "receiver": "title:Copywriter"}],
        },
    )
    assert made.status_code == 201, made.content
    assert made.json()["triggers"][0]["receiver"] == "title:Copywriter"
    dup = _post(
        owner, "/api/v1/handoff-templates", {"kind": "seo_audit_to_content", "name": "x", "fields": [{"key": "a"}]}
    )
    assert dup.status_code == 422 and dup.json()["errors"][0]["field"] == "kind"
    bad = _post(
        owner,
        "/api/v1/handoff-templates",
        {"kind": "x_y", "name": "x", "fields": [{"key": "Bad Key"}], "triggers": [{"status": "nope"}]},
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"fields[0].key", "triggers[0].status"}
    assert (
        _post(
            personas["am"].api(), "/api/v1/handoff-templates", {"kind": "zz", "name": "z", "fields": [{"key": "a"}]}
        ).status_code
        == 403
    )


def test_a_walkthrough_is_attested_never_assumed(personas):
    """Confirming a brief → creative handoff with `{}` used to record `walkthrough_held: true` that nobody attested.
    (Issue 20: the attestation also says when and how it took place, and records who attested it, so each missing
    part is named; the tone-of-voice reference is a link now, as its field demands.)"""
    am, member = personas["am"].api(), personas["member"].api()
    fields = {
        "approved_brief_version": "v3",
        "tone_of_voice_reference": "https://brand.example.com/book#p12",
        "walkthrough_meeting": "Monday 10:00",
        "deliverables": "Three banners",
    }
    hid = _post(
        am,
        "/api/v1/handoffs",
        {"kind": "brief_to_creative", "to_person_id": personas["member"].person.id, "fields": fields},
    ).json()["id"]
    assert _post(am, f"/api/v1/handoffs/{hid}/send").status_code == 200
    everything = ["walkthrough_held", "walkthrough_at", "walkthrough_how"]
    for body, named in (
        ({}, everything),
        ({"walkthrough_held": None}, everything),
        ({"walkthrough_held": False}, ["walkthrough_held"]),
        ({"walkthrough_held": True}, ["walkthrough_at", "walkthrough_how"]),
    ):
        refused = _post(member, f"/api/v1/handoffs/{hid}/confirm", body)
        assert refused.status_code == 422, body
        assert sorted(e["field"] for e in refused.json()["errors"]) == sorted(named), body
    assert Handoff.objects.get(pk=hid).status == "sent"
    when = (timezone.now() - timedelta(hours=2)).isoformat()
    ok = _post(
        member,
        f"/api/v1/handoffs/{hid}/confirm",
        {"walkthrough_held": True, "walkthrough_at": when, "walkthrough_how": "in_person"},
    )
    assert ok.status_code == 200 and ok.json()["walkthrough_held"] is True
    assert ok.json()["walkthrough_how"] == "in_person"
    assert ok.json()["walkthrough_attested_by_id"] == personas["member"].person.id


def test_a_kind_without_walkthrough_records_what_was_said(personas):
    am, member = personas["am"].api(), personas["member"].api()
    hid = _post(
        am,
        "/api/v1/handoffs",
        {"kind": "sales_to_account", "to_person_id": personas["member"].person.id, "fields": FIELDS},
    ).json()["id"]
    _post(am, f"/api/v1/handoffs/{hid}/send")
    ok = _post(member, f"/api/v1/handoffs/{hid}/confirm", {})
    assert ok.status_code == 200 and ok.json()["walkthrough_held"] is None
