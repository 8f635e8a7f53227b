"""Deals, portfolio limit, touchpoints and cadence, weekly drafts, escalation rules, sweeps and portal isolation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Event
from baton.core.sweeps import run_sweep
from baton.crm.models import Client, Deal
from baton.crm.services import client_create, client_update, contact_create, deal_create
from baton.delivery import services as delivery
from baton.delivery.models import Project
from baton.knowledge.services import decision_create
from baton.relationships import services
from baton.relationships.models import Escalation, HealthSnapshot, RelationshipsSettings, StatusUpdate, Touchpoint
from baton.relationships.selectors import week_facts

JSON = "application/json"


@pytest.fixture
def system(personas):
    return Actor.system(personas.workspace)


def _deal(personas, **kw):
    return deal_create(
        actor=Actor.system(personas.workspace),
        client=personas.client_a,
        name="Website relaunch",
        value="24000.00",
        stage="negotiation",
        owner_id=personas["admin"].person.id,
        contact_ids=[personas.contact_a.id],
        primary_goals="Double inbound leads",
        objections="Worried about the timeline",
        sales_commitments="Launch before the trade fair",
        expected_effort_minutes=6000,
        **kw,
    )


# --- Deals --------------------------------------------------------------------------------------------------------


def test_deal_board_weights_value_by_probability(personas):
    am = personas["am"].api()
    made = am.post(
        "/api/v1/deals",
        {"client_id": personas.client_a.id, "name": "Retainer", "value": "10000.00", "stage": "proposal"},
        content_type=JSON,
    )
    assert made.status_code == 201
    body = made.json()
    assert (
        body["probability"] == 50
        and body["weighted_value"] == "5000.00"
        and body["owner_id"] == personas["am"].person.id
    )
    _deal(personas)
    board = am.get("/api/v1/deals/board").json()
    columns = {c["stage"]: c for c in board["columns"]}
    assert list(columns) == ["lead", "qualified", "proposal", "negotiation", "won", "lost"]
    assert columns["negotiation"]["weighted_value"] == "18000.00"
    assert board["weighted_open_value"] == "23000.00"
    assert columns["negotiation"]["weighted_effort_minutes"] == 4500
    bad = am.post(
        "/api/v1/deals", {"client_id": personas.client_a.id, "name": "X", "probability": 120}, content_type=JSON
    )
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["probability"]


def test_deal_win_creates_the_project_and_the_prefilled_handoff(personas):
    from baton.handoffs.models import Handoff

    deal = _deal(personas)
    response = personas["am"].api().post(f"/api/v1/deals/{deal.id}/win", {}, content_type=JSON)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["deal"]["stage"] == "won" and body["deal"]["probability"] == 100
    project = Project.objects.get(pk=body["project_id"])
    assert project.client_id == personas.client_a.id and project.name == "Website relaunch"
    handoff = Handoff.objects.get(pk=body["handoff_id"])
    assert handoff.kind == "sales_to_account"
    assert handoff.from_person_id == personas["admin"].person.id
    assert handoff.to_person_id == personas["am"].person.id
    assert handoff.fields["primary_goals"] == "Double inbound leads"
    assert handoff.fields["objections"] == "Worried about the timeline"
    assert "Cara Contact" in handoff.fields["stakeholder_contacts"]
    assert "cara@a.test" in handoff.fields["stakeholder_contacts"]
    won = Event.objects.get(verb="deal.won", target_id=deal.id)
    # issue 20 added what else the win made: the engagement, whether the client became active, the deal's recurrence
    assert won.data == {
        "project_id": project.id,
        "handoff_id": handoff.id,
        "owner_id": personas["admin"].person.id,
        "value": "24000.00",
        "recurring": False,
        "engagement_id": body["engagement_id"],
        "client_activated": False,
    }
    again = personas["am"].api().post(f"/api/v1/deals/{deal.id}/win", {}, content_type=JSON)
    assert again.status_code == 409


def test_deal_win_from_a_template(personas, system):
    template = delivery.project_template_create(
        actor=system,
        name="Launch kit",
        milestones=[{"ref": "m", "name": "Live", "due_offset_days": 10}],
        tasks=[{"title": "Plan", "milestone": "m"}],
    )
    deal = _deal(personas)
    body = (
        personas["owner"]
        .api()
        .post(
            f"/api/v1/deals/{deal.id}/win",
            {"template_id": template.id, "start_date": "2026-05-04"},
            content_type=JSON,
        )
        .json()
    )
    project = Project.objects.get(pk=body["project_id"])
    assert project.milestones.get().due_date == date(2026, 5, 14)
    assert project.tasks.count() == 1


def test_deal_win_gives_a_client_without_an_account_manager_its_seller(personas, system):
    # Until issue 20 this was a 422 ("assign an account manager first"). Won work is never left unmanaged: the deal's
    # owner becomes the client's AM (a founder who sells and manages), so nothing is handed over; another AM can be
    # named with `account_manager_id`, and the handoff then goes to them.
    orphan = client_create(actor=system, name="No AM")
    deal = deal_create(actor=system, client=orphan, name="D", owner_id=personas["admin"].person.id)
    response = personas["owner"].api().post(f"/api/v1/deals/{deal.id}/win", {}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["handoff_id"] is None
    assert Client.objects.get(pk=orphan.id).account_manager_id == personas["admin"].person.id
    other = client_create(actor=system, name="No AM either")
    deal = deal_create(actor=system, client=other, name="E", owner_id=personas["admin"].person.id)
    named = (
        personas["owner"]
        .api()
        .post(f"/api/v1/deals/{deal.id}/win", {"account_manager_id": personas["am"].person.id}, content_type=JSON)
    )
    assert named.status_code == 200 and named.json()["handoff_id"] is not None
    assert Client.objects.get(pk=other.id).account_manager_id == personas["am"].person.id
    taken = deal_create(actor=system, client=personas.client_a, name="F", owner_id=personas["admin"].person.id)
    refused = (
        personas["owner"]
        .api()
        .post(f"/api/v1/deals/{taken.id}/win", {"account_manager_id": personas["admin"].person.id}, content_type=JSON)
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "account_manager_id"
    assert Deal.objects.get(pk=taken.id).stage == "lead"


# --- Portfolio limit ----------------------------------------------------------------------------------------------


def test_portfolio_limit_warns_then_refuses(personas, system):
    ws = personas.workspace
    ws.max_portfolio_size = 2
    ws.save()
    am_id = personas["am"].person.id
    second = client_create(actor=system, name="Second", account_manager_id=am_id)  # the AM now has 2
    assert second.warnings == []
    third = client_create(actor=system, name="Third")
    response = (
        personas["owner"]
        .api()
        .patch(
            f"/api/v1/clients/{third.id}",
            {"account_manager_id": am_id},
            content_type=JSON,
            headers={"If-Match": str(third.version)},
        )
    )
    assert response.status_code == 200
    assert "maximum portfolio is 2" in response.json()["warnings"][0]
    event = Event.objects.get(verb="client.am_changed", target_id=third.id)
    assert event.data == {"from": None, "to": am_id}

    RelationshipsSettings.objects.create(workspace=ws, portfolio_mode="refuse")
    fourth = client_create(actor=system, name="Fourth")
    refused = (
        personas["owner"]
        .api()
        .patch(
            f"/api/v1/clients/{fourth.id}",
            {"account_manager_id": am_id},
            content_type=JSON,
            headers={"If-Match": str(fourth.version)},
        )
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "account_manager_id"
    assert Client.objects.get(pk=fourth.id).account_manager_id is None
    # Re-saving a client already in the portfolio is not "one more".
    client_update(actor=system, client=third, version=Client.objects.get(pk=third.id).version, notes="ok")


# --- Protocol, touchpoints, cadence -------------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 12, 2, 14, 0, tzinfo=UTC), tick=False)  # a Wednesday: an update falls due today
def test_new_client_gets_protocol_and_onboarding_plan(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client = client_create(actor=personas["am"].actor, name="Fresh")
    protocol = personas["am"].api().get(f"/api/v1/clients/{client.id}/protocol").json()
    assert protocol["onboarding_started_on"] == timezone.localdate().isoformat()
    assert client.onboarding_items.count() == len(services.DEFAULT_ONBOARDING)
    cadence = personas["am"].api().get(f"/api/v1/clients/{client.id}/cadence").json()
    assert cadence["phase"] == "onboarding" and cadence["onboarding_day"] == 1
    assert {i["item"] for i in cadence["items"]} >= {"update"}
    assert any(i["item"].startswith("onboarding:") for i in cadence["items"])


def test_touchpoint_satisfies_the_cadence_item(personas):
    am = personas["am"].api()
    start = timezone.localdate() - timedelta(days=60)
    put = am.put(
        f"/api/v1/clients/{personas.client_a.id}/protocol",
        {"channels": ["email", "video"], "update_every_days": 7, "onboarding_started_on": start.isoformat()},
        content_type=JSON,
    )
    assert put.status_code == 200 and put.json()["channels"] == ["email", "video"]
    before = am.get(f"/api/v1/clients/{personas.client_a.id}/cadence").json()
    update = next(i for i in before["items"] if i["item"] == "update")
    assert update["overdue"] and update["reason"] and update["due_date"]
    decision = decision_create(
        actor=personas["am"].actor,
        client=personas.client_a,
        title="Go with plan B",
        decision="B",
        decided_by=personas["am"].person.id,
    )
    logged = am.post(
        "/api/v1/touchpoints",
        {
            "client_id": personas.client_a.id,
            "kind": "call",
            "summary": "Weekly call",
            "contact_ids": [personas.contact_a.id],
            "attendees": ["Cara", "Alex"],
            "discussed": "Plan B",
            "decision_ids": [decision.id],
            "next_steps": [{"description": "Send plan", "owner_id": personas["am"].person.id, "due_on": "2030-01-01"}],
            "agenda_prepared": True,
            "sentiment": "positive",
        },
        content_type=JSON,
    )
    assert logged.status_code == 201, logged.content
    tp = logged.json()
    assert tp["decision_ids"] == [decision.id] and tp["next_steps"][0]["owner_id"] == personas["am"].person.id
    event = Event.objects.get(verb="touchpoint.logged", target_id=tp["id"])
    assert event.data["cadence_met"] is True and event.data["cadence_on_time"] is False
    assert event.data["agenda_prepared"] is True and event.data["sentiment"] == "positive"
    after = am.get(f"/api/v1/clients/{personas.client_a.id}/cadence").json()
    assert "update" not in {i["item"] for i in after["items"]}
    # A next step without owner or date is refused, naming both.
    bad = am.post(
        "/api/v1/touchpoints",
        {"client_id": personas.client_a.id, "kind": "call", "summary": "x", "next_steps": [{"description": "y"}]},
        content_type=JSON,
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"next_steps[0].owner_id", "next_steps[0].due_on"}


# --- Weekly status updates ----------------------------------------------------------------------------------------


def test_weekly_draft_contains_the_weeks_events(personas, system):
    project = delivery.project_create(
        actor=system, client_id=personas.client_a.id, name="Brand", start_date=date(2026, 3, 2), budget_minutes=600
    )
    delivery.project_change_status(actor=system, project=project, status="active")
    milestone = delivery.milestone_create(actor=system, project=project, name="Moodboard signed")
    task = delivery.task_create(actor=system, project=project, title="Logo sketches")
    delivery.task_change_status(actor=system, task=task, status="done")
    delivery.milestone_complete(actor=system, milestone=milestone)
    decision_create(
        actor=system,
        client=personas.client_a,
        title="Blue palette",
        decision="Blue",
        decided_by=personas["am"].person.id,
        decided_on=timezone.localdate(),
    )
    services.touchpoint_log(
        actor=personas["am"].actor,
        client=personas.client_a,
        kind="meeting",
        summary="Review",
        next_steps=[{"description": "Share fonts", "owner_id": personas["am"].person.id, "due_on": "2030-02-01"}],
    )
    draft = (
        personas["am"]
        .api()
        .post("/api/v1/status-updates/draft", {"client_id": personas.client_a.id}, content_type=JSON)
    )
    assert draft.status_code == 201
    body = draft.json()["body"]
    for text in ("Moodboard signed", "Logo sketches", "Brand", "Blue palette", "Share fonts"):
        assert text in body, text
    assert draft.json()["recipients"] == ["cara@a.test"]
    update_id = draft.json()["id"]
    edited = (
        personas["am"]
        .api()
        .patch(
            f"/api/v1/status-updates/{update_id}",
            {"body": body + "\nPS: great week."},
            content_type=JSON,
            headers={"If-Match": "1"},
        )
    )
    assert edited.status_code == 200
    with pytest.MonkeyPatch.context():
        sent = personas["am"].api().post(f"/api/v1/status-updates/{update_id}/send", {}, content_type=JSON)
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    touchpoint = Touchpoint.objects.get(pk=sent.json()["touchpoint_id"])
    assert touchpoint.kind == "status_update" and "great week" in touchpoint.discussed
    assert Event.objects.filter(verb="status_update.sent", target_id=update_id).exists()
    # The client's portal user reads the sent update.
    portal = personas["client_a"].api().get("/api/v1/status-updates").json()
    assert [r["id"] for r in portal["results"]] == [update_id]


def test_status_update_is_emailed(personas, system, django_capture_on_commit_callbacks):
    draft = services.status_update_draft(actor=system, client=personas.client_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.status_update_send(actor=personas["am"].actor, update=draft)
    assert mail.outbox[-1].to == ["cara@a.test"] and mail.outbox[-1].subject == draft.subject


def test_week_facts_only_the_week(personas, system):
    facts = week_facts(personas.client_a, date(2020, 1, 6))
    assert facts["milestones_reached"] == [] and facts["tasks_done"] == [] and facts["decisions"] == []


# --- Goals and report ---------------------------------------------------------------------------------------------


def test_goal_progress_and_report_pdf(personas):
    am = personas["am"].api()
    goal = am.post(
        "/api/v1/client-goals",
        {
            "client_id": personas.client_a.id,
            "title": "Leads",
            "metric": "Leads/month",
            "baseline": "100",
            "target": "200",
        },
        content_type=JSON,
    ).json()
    rec = am.post(
        f"/api/v1/client-goals/{goal['id']}/values", {"value": "150", "recorded_on": "2026-03-01"}, content_type=JSON
    )
    assert rec.status_code == 201 and rec.json()["progress_pct"] == "50.0" and rec.json()["latest_value"] == "150.00"
    assert (
        am.post(
            "/api/v1/client-goals",
            {"client_id": personas.client_a.id, "title": "x", "metric": "m", "baseline": "5", "target": "5"},
            content_type=JSON,
        ).status_code
        == 422
    )
    pdf = personas["client_a"].api().get(f"/api/v1/clients/{personas.client_a.id}/report/pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_goal_patch_with_a_null_baseline_or_target_names_the_field(personas):
    """A null baseline or target is 422 naming it (it was a 500: the target was compared with Decimal("None"))."""
    am = personas["am"].api()
    goal = am.post(
        "/api/v1/client-goals",
        {"client_id": personas.client_a.id, "title": "Leads", "metric": "Leads", "baseline": "1", "target": "2"},
        content_type=JSON,
    ).json()
    for field in ("baseline", "target"):
        response = am.patch(
            f"/api/v1/client-goals/{goal['id']}", {field: None}, content_type=JSON, headers={"If-Match": "1"}
        )
        assert response.status_code == 422, (field, response.content)
        assert [e["field"] for e in response.json()["errors"]] == [field]


# --- Escalations --------------------------------------------------------------------------------------------------


def test_cadence_overdue_rule_opens_one_escalation_to_the_ams_lead(personas, system):
    am = personas["am"].person
    am.lead = personas["admin"].person
    am.save()
    services.protocol_put(
        actor=system, client=personas.client_a, onboarding_started_on=timezone.localdate() - timedelta(days=80)
    )
    today = timezone.localdate()
    opened = services.escalation_rules_check(personas.workspace, today)
    mine = [e for e in opened if e.client_id == personas.client_a.id and e.rule == "cadence_overdue"]
    assert mine and all(e.assignee_id == personas["admin"].person.id for e in mine)
    assert Event.objects.filter(verb="escalation.opened", target_id=mine[0].id).get().data["before_client_complaint"]
    assert not [
        e
        for e in services.escalation_rules_check(personas.workspace, today)
        if e.rule == "cadence_overdue" and e.client_id == personas.client_a.id
    ]
    api = personas["am"].api()
    no_note = api.post(f"/api/v1/escalations/{mine[0].id}/resolve", {"note": " "}, content_type=JSON)
    assert no_note.status_code == 422 and no_note.json()["errors"][0]["field"] == "note"
    done = api.post(f"/api/v1/escalations/{mine[0].id}/resolve", {"note": "Called the client."}, content_type=JSON)
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert personas["pm"].api().post(
        f"/api/v1/escalations/{mine[1 if len(mine) > 1 else 0].id}/assign",
        {"assignee_id": personas["pm"].person.id},
        content_type=JSON,
    ).status_code in (403, 409)


def test_budget_over_rule(personas, system):
    from baton.relationships import selectors

    project = delivery.project_create(
        actor=system, client_id=personas.client_a.id, name="Tight", budget_amount="100.00", budget_minutes=60
    )
    delivery.project_change_status(actor=system, project=project, status="active")
    from baton.timesheets.services import time_entry_create

    time_entry_create(
        actor=personas["member"].actor, project_id=project.id, date=timezone.localdate(), minutes=240, billable=True
    )
    assert selectors.budget_overruns(personas.client_a, timezone.localdate())
    opened = services.escalation_rules_check(personas.workspace, timezone.localdate())
    assert any(e.rule == "budget_over" and e.source_key == f"project:{project.id}" for e in opened)


def test_open_escalation_action_opens_one(personas, system):
    import importlib

    from baton.core.registry import ActionContext, get_action
    from baton.relationships import automation

    if get_action("open_escalation") is None:  # another app's test may have swapped it out
        importlib.reload(automation)
    action = get_action("open_escalation")
    assert action is not None
    event = Event.objects.filter(client_id=personas.client_a.id).first()
    assert event is not None
    ctx = ActionContext(workspace=personas.workspace, actor=system, event=event, document={"verb": event.verb})
    assert "Opened escalation" in action.handler(ctx, {"title": "Rule says so"})
    assert Escalation.objects.get(client=personas.client_a, rule="automation").title == "Rule says so"


# --- Health, sweeps -----------------------------------------------------------------------------------------------


def test_health_endpoint_adds_up_and_reacts(personas, system):
    api = personas["am"].api()
    healthy = api.get(f"/api/v1/clients/{personas.client_a.id}/health").json()
    assert sum(s["contribution"] for s in healthy["signals"]) == healthy["score"]
    services.escalation_open(
        actor=system, client=personas.client_a, title="Unhappy about delays", client_complained=True
    )
    worse = api.get(f"/api/v1/clients/{personas.client_a.id}/health").json()
    assert worse["score"] < healthy["score"]
    assert sum(s["contribution"] for s in worse["signals"]) == worse["score"]


def test_sweeps(personas, system):
    services.protocol_put(
        actor=system, client=personas.client_a, onboarding_started_on=timezone.localdate() - timedelta(days=80)
    )
    now = timezone.now()
    first = run_sweep("cadence_due", now=now, workspaces=[personas.workspace])[personas.workspace.id]
    assert first >= 1
    assert run_sweep("cadence_due", now=now, workspaces=[personas.workspace])[personas.workspace.id] == 0
    event = Event.objects.filter(verb="cadence.overdue", client_id=personas.client_a.id).first()
    assert event.data["account_manager_id"] == personas["am"].person.id and event.data["days_overdue"] > 0
    run_sweep("health_snapshots", now=now, workspaces=[personas.workspace])
    assert HealthSnapshot.objects.filter(client=personas.client_a, taken_on=timezone.localdate()).exists()
    RelationshipsSettings.objects.update_or_create(
        workspace=personas.workspace, defaults={"status_update_weekday": timezone.localdate().isoweekday()}
    )
    made = run_sweep("weekly_status_drafts", now=now, workspaces=[personas.workspace])[personas.workspace.id]
    assert made >= 1 and StatusUpdate.objects.filter(client=personas.client_a, status="draft").exists()
    assert run_sweep("weekly_status_drafts", now=now, workspaces=[personas.workspace])[personas.workspace.id] == 0


def test_portfolio_sorted_by_risk(personas, system):
    services.escalation_open(actor=system, client=personas.client_b, title="x")
    services.escalation_open(actor=system, client=personas.client_b, title="y")
    rows = personas["owner"].api().get("/api/v1/portfolio").json()["results"]
    assert rows[0]["client_name"] == "Client B"
    assert [r["score"] for r in rows] == sorted(r["score"] for r in rows)
    mine = personas["am"].api().get("/api/v1/portfolio").json()["results"]
    assert {r["client_id"] for r in mine} == {personas.client_a.id}


# --- Portal isolation (API) ---------------------------------------------------------------------------------------


def test_client_user_gets_404_for_every_other_clients_ids(personas, system):
    other = personas.client_b
    contact_create(actor=system, client=other, name="Bo", email="bo@b.test")
    goal = services.goal_create(actor=system, client=other, title="B goal", metric="m", target="10")
    sent = services.status_update_draft(actor=system, client=other)
    services.status_update_send(actor=system, update=sent, recipients=["bo@b.test"])
    tp = services.touchpoint_log(actor=system, client=other, kind="call", summary="B call")
    esc = services.escalation_open(actor=system, client=other, title="B esc")
    opp = services.opportunity_create(actor=system, client=other, title="B upsell")
    deal = deal_create(actor=system, client=other, name="B deal")
    portal = personas["client_a"].api()
    for url in (
        f"/api/v1/clients/{other.id}/protocol",
        f"/api/v1/clients/{other.id}/cadence",
        f"/api/v1/clients/{other.id}/health",
        f"/api/v1/clients/{other.id}/report/pdf",
        f"/api/v1/client-goals/{goal.id}",
        f"/api/v1/status-updates/{sent.id}",
        f"/api/v1/touchpoints/{tp.id}",
        f"/api/v1/escalations/{esc.id}",
        f"/api/v1/growth-opportunities/{opp.id}",
        f"/api/v1/deals/{deal.id}",
    ):
        assert portal.get(url).status_code == 404, url
    assert portal.post(f"/api/v1/client-goals/{goal.id}/values", {"value": "1"}, content_type=JSON).status_code == 404
    assert portal.get(f"/api/v1/client-goals?client_id={other.id}").json()["count"] == 0
    assert portal.get(f"/api/v1/status-updates?client_id={other.id}").json()["count"] == 0
    assert "B goal" not in portal.get("/api/v1/client-goals").content.decode()


def test_naive_datetime_is_refused(personas):
    ok = (
        personas["am"]
        .api()
        .post(
            "/api/v1/touchpoints",
            {
                "client_id": personas.client_a.id,
                "kind": "email",
                "summary": "x",
                "occurred_at": datetime(2026, 3, 2, 9, tzinfo=UTC).isoformat(),
            },
            content_type=JSON,
        )
    )
    assert ok.status_code == 201
    assert Escalation.objects.count() == 0


def test_open_deals_feed_the_pipeline_demand(personas, system):
    from baton.resourcing.calendar import monday_of
    from baton.resourcing.reports import pipeline_demand

    close = date(2026, 6, 3)
    deal_create(
        actor=system,
        client=personas.client_a,
        name="Pipeline",
        stage="proposal",
        probability=50,
        expected_close=close,
        expected_effort_minutes=4800,
        effort_role="Design",
        effort_weeks=2,
    )
    demand = pipeline_demand(personas.workspace, date(2026, 6, 1), date(2026, 7, 31), "skill")
    first = monday_of(close + timedelta(days=7))
    assert demand == {(first, "design"): 1200, (first + timedelta(weeks=1), "design"): 1200}


def test_settings_patch_with_nulls_names_the_fields_instead_of_failing(personas):
    """A null where a number belongs is 422 naming the field (it was a 500: the bands compared None)."""
    owner = personas["owner"].api()
    for field in ("watch_from", "healthy_from", "status_update_weekday", "portfolio_mode"):
        response = owner.patch("/api/v1/relationships/settings", {field: None}, content_type=JSON)
        assert response.status_code == 422, (field, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert field in {e["field"] for e in response.json()["errors"]}
    assert not Event.objects.filter(verb="relationships_settings.updated").exists()
