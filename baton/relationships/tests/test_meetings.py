"""Meeting preparation: the pre-meeting brief (each section from real records), the QBR pack (each figure equal to
the selector it comes from; the client-facing version without internal text), the recap e-mail (nothing sent before
confirmation, no internal text) and who may see what."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta

import time_machine
from django.core import mail
from django.test import Client as WebClient

from baton.core.access import Actor
from baton.core.models import Event
from baton.delivery import services as delivery
from baton.devdata.demo.meetings import extend_demo as meetings_demo
from baton.devdata.demo.relationships import extend_demo as relationships_demo
from baton.finance.selectors.burn import budget_burn
from baton.knowledge.services import decision_create
from baton.relationships import selectors, services
from baton.relationships.models import TouchpointRecap
from baton.relationships.tests.test_client_view import pdf_text
from baton.timesheets.services import time_entry_create

JSON = "application/json"
NOW = datetime(2026, 8, 12, 12, 0, tzinfo=UTC)  # in 2026Q3
ESCALATION = "Sponsor threatens to walk"


def web(persona) -> WebClient:
    client = WebClient()
    client.force_login(persona.person.membership.user)
    return client


def seed(personas) -> dict:
    """Client A: a project with time in Q2 and Q3, a goal with a Q2 and a Q3 value, a past meeting with an overdue
    next step, decisions before and after it (one internal), an open escalation and a meeting in two days."""
    system = Actor.system(personas.workspace)
    am = personas["am"]
    member = personas["member"].person
    client = personas.client_a
    project = delivery.project_create(
        actor=system,
        client_id=client.id,
        name="Rebrand",
        start_date=date(2026, 4, 1),
        budget_amount="9000.00",
        budget_minutes=6000,
        member_ids=[member.id],
    )
    delivery.project_change_status(actor=system, project=project, status="active")
    milestone = delivery.milestone_create(actor=system, project=project, name="Logo signed off")
    delivery.milestone_complete(actor=system, milestone=milestone)
    time_entry_create(actor=system, person_id=member.id, project_id=project.id, date=date(2026, 5, 4), minutes=300)
    time_entry_create(actor=system, person_id=member.id, project_id=project.id, date=date(2026, 8, 3), minutes=150)
    time_entry_create(actor=system, person_id=member.id, project_id=project.id, date=date(2026, 8, 4), minutes=45)
    goal = services.goal_create(
        actor=system, client=client, title="Grow qualified leads", metric="Leads a month", baseline="100", target="300"
    )
    services.goal_value_record(actor=system, goal=goal, value="150", recorded_on=date(2026, 6, 1))
    services.goal_value_record(actor=system, goal=goal, value="250", recorded_on=date(2026, 8, 1))
    decision_create(
        actor=system,
        client=client,
        title="Old palette",
        decision="x",
        decided_by=am.person.id,
        decided_on=date(2026, 6, 2),
    )
    last = services.touchpoint_log(
        actor=am.actor,
        client=client,
        kind="meeting",
        summary="Monthly review",
        occurred_at=NOW - timedelta(days=20),
        contact_ids=[personas.contact_a.id],
        next_steps=[{"description": "Send the media plan", "owner_id": am.person.id, "due_on": date(2026, 8, 5)}],
    )
    shown = decision_create(
        actor=system,
        client=client,
        title="Green launch date",
        decision="x",
        decided_by=am.person.id,
        decided_on=date(2026, 8, 6),
    )
    hidden = decision_create(
        actor=system,
        client=client,
        title="Quietly cut the blog budget",
        decision="x",
        decided_by=am.person.id,
        decided_on=date(2026, 8, 7),
        internal=True,
    )
    services.escalation_open(actor=system, client=client, title=ESCALATION)
    meeting = services.meeting_schedule(
        actor=am.actor,
        client=client,
        title="Q3 planning",
        starts_at=NOW + timedelta(days=2),
        contact_ids=[personas.contact_a.id],
    )
    return {
        "project": project,
        "goal": goal,
        "last": last,
        "shown": shown,
        "hidden": hidden,
        "meeting": meeting,
        "milestone": milestone,
    }


@time_machine.travel(NOW, tick=False)
def test_the_brief_reads_each_section_from_the_records(personas):
    s = seed(personas)
    am = personas["am"].api()
    response = am.get(f"/api/v1/meetings/{s['meeting'].id}/brief")
    assert response.status_code == 200, response.content
    brief = response.json()
    assert {a["name"] for a in brief["attendees"]} == {personas["am"].person.name, "Cara Contact"}
    assert brief["last_meeting_id"] == s["last"].id
    assert [n["description"] for n in brief["next_steps"]] == ["Send the media plan"]
    progress = selectors.goal_progress(s["goal"])
    assert brief["goals"][0]["value"] == str(progress["latest_value"]) == "250.00"
    assert brief["goals"][0]["progress_pct"] == str(progress["progress_pct"])
    health = selectors.client_health(personas.client_a, NOW.date())
    assert brief["health"]["score"] == health["score"] and brief["health"]["band"] == health["band"]
    # Decisions since the last meeting (20 days ago): not the one of June.
    assert [d["title"] for d in brief["decisions"]] == ["Green launch date", "Quietly cut the blog budget"]
    assert brief["decisions"][1]["internal"] is True
    burn = budget_burn(s["project"], today=NOW.date(), forecast=False)
    assert brief["budgets"] == [
        {
            "project_id": s["project"].id,
            "project": "Rebrand",
            "spent_minutes": burn.spent_minutes,
            "budget_minutes": 6000,
            "minutes_pct": str(burn.minutes_pct),
            "currency": burn.currency,
            "spent_amount": str(burn.spent_amount),
            "budget_amount": "9000.00",
            "burn_pct": str(burn.burn_pct) if burn.burn_pct is not None else None,
        }
    ]
    assert burn.spent_minutes == 495
    assert any("Send the media plan" in r for r in brief["risks"])
    assert any(ESCALATION in r for r in brief["risks"])
    pdf = am.get(f"/api/v1/meetings/{s['meeting'].id}/brief.pdf")
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "Client A" in text and "Grow qualified leads" in text and ESCALATION in text
    page = web(personas["am"]).get(f"/relationships/meetings/{s['meeting'].id}/brief/")
    assert page.status_code == 200 and b"Send the media plan" in page.content and b"Green launch date" in page.content
    # Linked from the account page and the AM's home.
    brief_url = f"/relationships/meetings/{s['meeting'].id}/brief/".encode()
    assert brief_url in web(personas["am"]).get(f"/relationships/accounts/{personas.client_a.id}/").content
    assert brief_url in web(personas["am"]).get("/").content


@time_machine.travel(NOW, tick=False)
def test_qbr_figures_equal_their_selectors(personas):
    s = seed(personas)
    client = personas.client_a
    start, end = selectors.quarter_bounds("2026Q3")
    assert (start, end) == (date(2026, 7, 1), date(2026, 9, 30))
    qbr = personas["am"].api().get(f"/api/v1/clients/{client.id}/qbr?quarter=2026Q3").json()
    goal = selectors.goal_in_period(s["goal"], start, end)
    assert qbr["goals"][0]["value"] == str(goal["value"]) == "250.00"  # the quarter's latest, not June's 150
    assert qbr["goals"][0]["progress_pct"] == str(goal["progress_pct"]) == "75.0"
    assert qbr["minutes_by_project"] == selectors.minutes_by_project(client, start, end)
    assert qbr["total_minutes"] == 195  # 2:30 + 0:45, the May entry is Q2's
    delivered = selectors.delivered_between(client, start, end)
    assert [m["id"] for m in qbr["milestones"]] == [m.id for m in delivered["milestones"]] == [s["milestone"].id]
    assert [d["id"] for d in qbr["decisions"]] == [d.id for d in selectors.decisions_between(client, start, end)]
    burn = budget_burn(s["project"], today=NOW.date(), forecast=False)
    assert qbr["budgets"][0]["spent_minutes"] == burn.spent_minutes
    assert qbr["budgets"][0]["spent_amount"] == str(burn.spent_amount)
    assert "Grow qualified leads" in qbr["proposal"]
    q2 = personas["am"].api().get(f"/api/v1/clients/{client.id}/qbr?quarter=2026Q2").json()
    assert q2["goals"][0]["value"] == "150.00" and q2["total_minutes"] == 300
    bad = personas["am"].api().get(f"/api/v1/clients/{client.id}/qbr?quarter=2026-3")
    assert bad.status_code == 422 and "quarter" in bad.content.decode()
    page = web(personas["am"]).get(f"/relationships/accounts/{client.id}/qbr/?quarter=2026Q3")
    assert page.status_code == 200 and b"3:15" in page.content  # hours:minutes


@time_machine.travel(NOW, tick=False)
def test_the_client_facing_qbr_leaves_internal_text_out(personas):
    seed(personas)
    am = personas["am"].api()
    url = f"/api/v1/clients/{personas.client_a.id}/qbr?quarter=2026Q3"
    internal = am.get(url).content.decode()
    assert ESCALATION in internal and "Quietly cut the blog budget" in internal
    facing = am.get(url + "&client_facing=true")
    body = facing.json()
    assert body["health_score"] is None and body["escalations"] is None
    assert body["budgets"] == []  # the protocol does not share budgets
    text = facing.content.decode()
    assert ESCALATION not in text and "Quietly cut the blog budget" not in text and "Green launch date" in text
    pdf = am.get(f"/api/v1/clients/{personas.client_a.id}/qbr.pdf?quarter=2026Q3&client_facing=true")
    pdf_body = pdf_text(b"".join(pdf.streaming_content))
    assert "Client A" in pdf_body and "Grow qualified leads" in pdf_body
    assert ESCALATION not in pdf_body and "Quietly cut" not in pdf_body and "Health" not in pdf_body
    # An edited proposal naming an escalation is refused for the client's version; a clean one downloads.
    page = web(personas["am"])
    refused = page.post(
        f"/relationships/accounts/{personas.client_a.id}/qbr/?quarter=2026Q3",
        {"proposal": f"About: {ESCALATION}", "client_facing": "on"},
    )
    assert refused["Content-Type"].startswith("text/html")
    ok = page.post(
        f"/relationships/accounts/{personas.client_a.id}/qbr/?quarter=2026Q3",
        {"proposal": "Launch the spring campaign", "client_facing": "on"},
    )
    assert ok["Content-Type"] == "application/pdf" and "Launch the spring campaign" in pdf_text(ok.content)


@time_machine.travel(NOW, tick=False)
def test_the_recap_is_sent_only_on_confirmation_and_without_internal_text(personas, django_capture_on_commit_callbacks):
    s = seed(personas)
    system = Actor.system(personas.workspace)
    touchpoint = services.touchpoint_log(
        actor=personas["am"].actor,
        client=personas.client_a,
        kind="meeting",
        summary="We agreed the Q3 plan.",
        discussed="kestrel: the sponsor is unhappy",
        contact_ids=[personas.contact_a.id],
        decision_ids=[s["shown"].id, s["hidden"].id],
        next_steps=[
            {"description": "Book the shoot", "owner_contact_id": personas.contact_a.id, "due_on": date(2026, 8, 20)}
        ],
    )
    services.escalation_open(actor=system, client=personas.client_a, title="We agreed the Q3 plan.")  # a clash
    am = personas["am"].api()
    with django_capture_on_commit_callbacks(execute=True):
        draft = am.post(f"/api/v1/touchpoints/{touchpoint.id}/recap", {}, content_type=JSON)
    assert draft.status_code == 200, draft.content
    recap = draft.json()
    assert mail.outbox == [] and recap["status"] == "draft" and recap["recipients"] == ["cara@a.test"]
    assert "Book the shoot" in recap["body"] and "Green launch date" in recap["body"]
    for internal in ("kestrel", "Quietly cut the blog budget", "We agreed the Q3 plan."):
        assert internal not in recap["body"]  # notes, an internal decision, a line naming an escalation
    # An edit that pastes an escalation in is refused at sending: nothing sent, still a draft.
    am.post(f"/api/v1/touchpoints/{touchpoint.id}/recap", {"body": f"Note: {ESCALATION}"}, content_type=JSON)
    with django_capture_on_commit_callbacks(execute=True):
        refused = am.post(f"/api/v1/touchpoints/{touchpoint.id}/recap/send", {}, content_type=JSON)
    assert refused.status_code == 422 and "body" in json.dumps(refused.json())
    assert mail.outbox == [] and TouchpointRecap.objects.get(touchpoint=touchpoint).status == "draft"
    am.post(f"/api/v1/touchpoints/{touchpoint.id}/recap", {"body": recap["body"]}, content_type=JSON)
    with django_capture_on_commit_callbacks(execute=True):
        sent = am.post(f"/api/v1/touchpoints/{touchpoint.id}/recap/send", {}, content_type=JSON)
    assert sent.status_code == 200, sent.content
    assert sent.json()["sent_at"] and sent.json()["recipients"] == ["cara@a.test"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["cara@a.test"]
    assert "Book the shoot" in mail.outbox[0].body and "kestrel" not in mail.outbox[0].body
    assert Event.objects.filter(verb="touchpoint_recap.sent", workspace=personas.workspace).count() == 1
    again = am.post(f"/api/v1/touchpoints/{touchpoint.id}/recap/send", {}, content_type=JSON)
    assert again.status_code == 409


@time_machine.travel(NOW, tick=False)
def test_the_recap_page_drafts_then_sends(personas, django_capture_on_commit_callbacks):
    seed(personas)
    touchpoint = services.touchpoint_log(
        actor=personas["am"].actor,
        client=personas.client_a,
        kind="call",
        summary="Quick call",
        contact_ids=[personas.contact_a.id],
    )
    page = web(personas["am"])
    url = f"/relationships/touchpoints/{touchpoint.id}/recap/"
    assert url.encode() in page.get(f"/relationships/touchpoints/{touchpoint.id}/").content
    page.post(url, {"action": "draft"})
    assert mail.outbox == [] and b"Quick call" in page.get(url).content
    with django_capture_on_commit_callbacks(execute=True):
        page.post(
            url,
            {"action": "send", "subject": "Recap", "body": "Thanks for the quick call.", "recipients": "cara@a.test"},
        )
    assert len(mail.outbox) == 1 and mail.outbox[0].body == "Thanks for the quick call."


@time_machine.travel(NOW, tick=False)
def test_who_may_prepare_a_meeting(personas):
    s = seed(personas)
    system = Actor.system(personas.workspace)
    other = services.meeting_schedule(
        actor=system, client=personas.client_b, title="B review", starts_at=NOW + timedelta(days=1)
    )
    client_user = personas["client_a"].api()
    assert client_user.get(f"/api/v1/meetings/{s['meeting'].id}/brief").status_code == 404
    assert client_user.get(f"/api/v1/clients/{personas.client_a.id}/qbr").status_code == 403
    assert client_user.get("/api/v1/meetings").status_code == 403
    assert web(personas["client_a"]).get(f"/relationships/meetings/{s['meeting'].id}/brief/").status_code in (403, 404)
    am = personas["am"].api()
    assert am.get(f"/api/v1/meetings/{other.id}/brief").status_code == 403
    assert am.get(f"/api/v1/clients/{personas.client_b.id}/qbr").status_code == 403
    assert [m["id"] for m in am.get("/api/v1/meetings").json()["results"]] == [s["meeting"].id]
    assert personas["admin"].api().get(f"/api/v1/meetings/{other.id}/brief").status_code == 200
    # A member and finance do not prepare meetings; finance reads a QBR pack but no brief.
    assert personas["member"].api().get(f"/api/v1/meetings/{s['meeting'].id}/brief").status_code == 403
    assert personas["finance"].api().get(f"/api/v1/clients/{personas.client_a.id}/qbr").status_code == 200


def test_a_meeting_in_the_past_or_future_is_validated(personas):
    am = personas["am"].api()
    bad = am.post(
        "/api/v1/meetings",
        {"client_id": personas.client_a.id, "title": "x", "starts_at": "2026-09-01T10:00:00Z", "colour": "red"},
        content_type=JSON,
    )
    assert bad.status_code == 422 and "colour" in bad.content.decode()
    foreign = am.post(
        "/api/v1/meetings",
        {"client_id": personas.client_a.id, "title": "x", "starts_at": "2026-09-01T10:00:00Z", "contact_ids": [999999]},
        content_type=JSON,
    )
    assert foreign.status_code == 422 and "contact_ids" in foreign.content.decode()


def test_demo_meetings(personas):
    system = Actor.system(personas.workspace)
    clients = [personas.client_a, personas.client_b]
    relationships_demo(personas.workspace, system, random.Random(3), clients)
    meetings_demo(personas.workspace, system, random.Random(3), clients)
    meetings = list(selectors.meeting_list(actor=personas["am"].actor))
    assert [m.client_id for m in meetings] == [personas.client_a.id]
    assert personas["am"].api().get(f"/api/v1/meetings/{meetings[0].id}/brief").status_code == 200
    assert TouchpointRecap.objects.filter(client=personas.client_a, status="draft").count() == 1
