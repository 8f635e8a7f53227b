"""Handoffs Baton opens by itself: an AM change (account_transition, prefilled from the knowledge record), a task
entering a status (per template trigger), a rule's `create_handoff` action; each exactly once per transition. And
the unconfirmed sweep: a reminder, then an escalation to the owner's lead."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from baton.automation.models import Notification
from baton.automation.services import rule_create, rule_run_for_event
from baton.core.access import Actor
from baton.core.models import Event
from baton.core.sweeps import run_sweep
from baton.crm.services import client_update
from baton.delivery import services as delivery
from baton.devdata.testing.handoffs import make_sent_handoff
from baton.handoffs import services
from baton.handoffs.models import Handoff, HandoffTemplate
from baton.handoffs.subscribers import open_handoffs_for_event
from baton.knowledge import services as knowledge
from baton.people.services import person_update
from baton.relationships.services import goal_create

pytestmark = pytest.mark.django_db


def _knowledge(personas):
    am = personas["am"].actor
    client = personas.client_a
    project = delivery.project_create(
        actor=am, client_id=client.id, name="Spring campaign", start_date=date(2026, 3, 2), status="active"
    )
    delivery.milestone_create(actor=am, project=project, name="Launch", due_date=date(2026, 4, 1))
    delivery.task_create(
        actor=am, project=project, title="Write landing copy", assignee_id=personas["member"].person.id
    )
    knowledge.knowledge_update(
        actor=am,
        client=client,
        preferences="Weekly call on Tuesdays; no Slack.",
        sensitivities="Never mention the 2024 recall.",
    )
    goal_create(actor=am, client=client, title="More demos", metric="demos/month", target="40")
    knowledge.stakeholder_update(actor=am, contact=personas.contact_a, influence="high", attitude="skeptic")
    knowledge.decision_create(
        actor=am,
        client=client,
        title="Drop TikTok",
        decision="No TikTok this year.",
        rationale="Audience is 45+.",
        alternatives_rejected=["Test budget"],
        decided_by=personas["am"].person.id,
    )
    return project


def test_am_change_opens_a_prefilled_account_transition_once(personas, django_capture_on_commit_callbacks):
    _knowledge(personas)
    client = personas.client_a
    with django_capture_on_commit_callbacks(execute=True):
        client_update(
            actor=personas["owner"].actor,
            client=client,
            version=client.version,
            account_manager_id=personas["pm"].person.id,
        )
    handoff = Handoff.objects.get(kind="account_transition")
    assert handoff.from_person_id == personas["am"].person.id and handoff.to_person_id == personas["pm"].person.id
    assert handoff.status == "draft" and handoff.source == "am_changed" and handoff.client_id == client.id
    f = handoff.fields
    assert "Spring campaign" in f["campaign_history"] and "Launch" in f["campaign_history"]
    assert "Drop TikTok" in f["key_decisions"] and "Audience is 45+." in f["key_decisions"]
    assert "Test budget" in f["key_decisions"]
    assert "Weekly call on Tuesdays" in f["client_preferences"] and "More demos" in f["client_preferences"]
    assert "2024 recall" in f["political_sensitivities"] and "Cara Contact" in f["political_sensitivities"]
    assert "skeptic" in f["political_sensitivities"]
    assert "Write landing copy" in f["open_action_items"]
    assert "Launch" in f["next_steps"]
    # the outgoing AM is told there is a handoff to prepare
    assert Notification.objects.filter(recipient=personas["am"].person, verb="handoff.created").count() == 1
    # the same event again (a retried job) opens nothing new
    event = Event.objects.get(verb="client.am_changed")
    open_handoffs_for_event(event)
    assert Handoff.objects.filter(kind="account_transition").count() == 1
    # no outgoing AM: nothing to hand over
    with django_capture_on_commit_callbacks(execute=True):
        client_update(
            actor=personas["owner"].actor,
            client=personas.client_b,
            version=personas.client_b.version,
            account_manager_id=None,
        )
    assert Handoff.objects.filter(kind="account_transition").count() == 1


def test_task_trigger_fires_once_per_transition(personas, django_capture_on_commit_callbacks):
    pm = personas["pm"].actor
    project = delivery.project_create(
        actor=pm,
        client_id=personas.client_a.id,
        name="Site",
        start_date=date(2026, 3, 2),
        project_manager_id=personas["pm"].person.id,
        status="active",
    )
    design = delivery.task_create(
        actor=pm,
        project=project,
        title="Homepage design",
        tags=["design"],
        assignee_id=personas["member"].person.id,
        description="Figma: homepage v3",
    )
    build = delivery.task_create(
        actor=pm,
        project=project,
        title="Build homepage",
        depends_on=[design.id],
        assignee_id=personas["admin"].person.id,
    )
    other = delivery.task_create(actor=pm, project=project, title="Untagged", assignee_id=personas["member"].person.id)

    def move(task, status):
        task.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            delivery.task_change_status(actor=pm, task=task, status=status)

    move(design, "in_progress")
    move(design, "in_review")
    move(other, "in_progress")
    move(other, "in_review")  # no design tag: no handoff
    handoffs = list(Handoff.objects.filter(kind="design_to_development"))
    assert len(handoffs) == 1
    h = handoffs[0]
    assert h.from_person_id == personas["member"].person.id and h.to_person_id == personas["admin"].person.id
    assert h.task_id == design.id and h.source == "task_status" and h.trigger_key == "design-review"
    assert "Figma: homepage v3" in h.fields["design_files"]
    # replaying the event opens nothing; bouncing back while the first is open opens nothing either
    open_handoffs_for_event(Event.objects.filter(verb="task.status_changed", target_id=design.id).latest("id"))
    move(design, "in_progress")
    move(design, "in_review")
    assert Handoff.objects.filter(kind="design_to_development").count() == 1
    # once the first is confirmed, a new review is a new transition
    services.handoff_update(
        actor=personas["member"].actor,
        handoff=h,
        version=h.version,
        fields={"interactions": "Hover states in Figma", "assets": "Drive folder"},
    )
    services.handoff_send(actor=personas["member"].actor, handoff=h)
    services.handoff_confirm(actor=personas["admin"].actor, handoff=h)
    move(design, "in_progress")
    move(design, "in_review")
    assert Handoff.objects.filter(kind="design_to_development").count() == 2
    assert build.pk  # the receiver came from the dependent task


def test_trigger_filtered_by_project_template(personas, django_capture_on_commit_callbacks):
    owner = personas["owner"].actor
    services.templates_ensure(personas.workspace)
    template = HandoffTemplate.objects.get(workspace=personas.workspace, kind="delivery_to_qa")
    project_template = delivery.project_template_create(actor=owner, name="Launch kit", tasks=[{"title": "Ship"}])
    services.template_update(
        actor=owner,
        template=template,
        version=template.version,
        triggers=[
            {
                "key": "kit-done",
                "status": "done",
                "project_template_id": project_template.id,
                "receiver": f"person:{personas['finance'].person.id}",
            }
        ],
    )
    plain = delivery.project_create(
        actor=owner,
        client_id=personas.client_a.id,
        name="Plain",
        status="active",
        project_manager_id=personas["pm"].person.id,
    )
    task = delivery.task_create(actor=owner, project=plain, title="Ship", assignee_id=personas["member"].person.id)
    with django_capture_on_commit_callbacks(execute=True):
        delivery.task_change_status(actor=owner, task=task, status="done")
    assert not Handoff.objects.filter(kind="delivery_to_qa").exists()
    from_kit = delivery.project_create_from_template(
        actor=owner,
        template=project_template,
        client_id=personas.client_a.id,
        name="From kit",
        start_date=date(2026, 5, 4),
        status="active",
        project_manager_id=personas["pm"].person.id,
    )
    kit_task = from_kit.tasks.get()
    delivery.task_update(actor=owner, task=kit_task, version=kit_task.version, assignee_id=personas["member"].person.id)
    kit_task.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        delivery.task_change_status(actor=owner, task=kit_task, status="done")
    h = Handoff.objects.get(kind="delivery_to_qa")
    assert h.to_person_id == personas["finance"].person.id and h.trigger_key == "kit-done"


def test_rule_action_create_handoff(personas):
    owner = personas["owner"].actor
    event = Event.objects.filter(
        workspace=personas.workspace, verb="client.created", target_id=personas.client_a.id
    ).get()
    rule = rule_create(
        actor=owner,
        name="Brief on new clients",
        trigger="client.created",
        actions=[
            {
                "type": "create_handoff",
                "params": {"kind": "account_to_delivery", "from": "client_am", "to": str(personas["pm"].person.id)},
            }
        ],
    )
    run = rule_run_for_event(rule_id=rule.pk, event=event)
    assert run.status == "matched", run
    h = Handoff.objects.get(kind="account_to_delivery")
    assert h.from_person_id == personas["am"].person.id and h.client_id == personas.client_a.id
    assert h.source == "automation"
    rule_run_for_event(rule_id=rule.pk, event=event)
    assert Handoff.objects.filter(kind="account_to_delivery").count() == 1


def test_unconfirmed_sweep_reminds_then_escalates_to_the_lead(personas, django_capture_on_commit_callbacks):
    am = personas["am"].person
    person_update(actor=personas["owner"].actor, person=am, version=am.version, lead_id=personas["admin"].person.id)
    am.refresh_from_db()
    handoff = make_sent_handoff(workspace=personas.workspace, owner=am, receiver=personas["member"].person)
    now = handoff.due_by + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_sweep("handoffs_unconfirmed", now=now, workspaces=[personas.workspace]) == {personas.workspace.id: 1}
        assert run_sweep("handoffs_unconfirmed", now=now, workspaces=[personas.workspace]) == {personas.workspace.id: 0}
    overdue = Event.objects.get(verb="handoff.overdue")
    assert overdue.data["kind"] == "sales_to_account" and overdue.data["to_person_id"] == personas["member"].person.id
    assert Notification.objects.filter(recipient=personas["member"].person, verb="handoff.overdue").exists()
    later = handoff.due_by + timedelta(hours=25)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_sweep("handoffs_unconfirmed", now=later, workspaces=[personas.workspace]) == {
            personas.workspace.id: 1
        }
    escalated = Event.objects.get(verb="handoff.escalated")
    assert escalated.data["escalated_to_person_id"] == personas["admin"].person.id
    assert escalated.data["from_person_id"] == am.id
    assert Notification.objects.filter(recipient=personas["admin"].person, verb="handoff.escalated").count() == 1
    # no lead: the workspace's owner
    other = make_sent_handoff(workspace=personas.workspace, owner=personas["pm"].person, receiver=am, title="Second")
    run_sweep("handoffs_unconfirmed", now=other.due_by + timedelta(days=2), workspaces=[personas.workspace])
    esc = Event.objects.get(verb="handoff.escalated", target_id=other.pk)
    assert esc.data["escalated_to_person_id"] == personas["owner"].person.id
    # confirmed in time: nothing
    h3 = make_sent_handoff(workspace=personas.workspace, owner=am, receiver=personas["pm"].person, title="Third")
    services.handoff_confirm(actor=personas["pm"].actor, handoff=h3)
    run_sweep("handoffs_unconfirmed", now=timezone.now() + timedelta(days=30), workspaces=[personas.workspace])
    assert not Event.objects.filter(verb="handoff.overdue", target_id=h3.pk).exists()


def test_other_apps_selectors(personas):
    from baton.handoffs.selectors import handoff_failures_for_client, unconfirmed_handoffs

    h = make_sent_handoff(workspace=personas.workspace, owner=personas["am"].person, receiver=personas["pm"].person)
    Handoff.objects.filter(pk=h.pk).update(client=personas.client_a, due_by=timezone.now() - timedelta(hours=1))
    services.failure_record(
        actor=Actor.system(personas.workspace),
        handoff=h,
        description="x",
        remediation_minutes=10,
        remediated_by_id=personas["pm"].person.id,
    )
    assert list(unconfirmed_handoffs(personas.workspace, overdue_only=True, critical_only=True)) == [h]
    assert handoff_failures_for_client(personas.workspace, personas.client_a.id, date.today()).count() == 1
    assert handoff_failures_for_client(personas.workspace, personas.client_b.id, date.today()).count() == 0
