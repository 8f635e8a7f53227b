"""Rules: validation (422 naming the bad part), firing exactly once per matching event after commit, every action
type, all-or-nothing actions, the chain guard, the run log and the dry run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from baton.automation import services
from baton.automation.models import EventDispatch, Notification, Rule, RuleRun, WebhookDelivery
from baton.core.access import Actor
from baton.core.models import Event
from baton.core.registry import ActionError, Param, register_action
from baton.crm.models import Client
from baton.delivery import services as delivery
from baton.delivery.models import Task

DONE_RULE = {
    "name": "Tell the AM when a task is done",
    "trigger": "task.status_changed",
    "conditions": [{"field": "data.to", "op": "eq", "value": "done"}],
    "actions": [{"type": "notify", "params": {"to": "client_am", "title": "{target_label} is done"}}],
}


def make_rule(personas, **overrides):
    return services.rule_create(actor=personas["admin"].actor, **(DONE_RULE | overrides))


def move(personas, task, status, who="pm"):
    task.refresh_from_db()
    return delivery.task_change_status(actor=personas[who].actor, task=task, status=status, override=True)


# --- Validation -----------------------------------------------------------------------------------------------


def post_rule(personas, body, who="admin"):
    return personas[who].api().post("/api/v1/automation/rules", body, content_type="application/json")


def fields_of(response):
    return [e["field"] for e in response.json()["errors"]]


def test_unknown_action_type_is_422_naming_it(personas):
    body = DONE_RULE | {"actions": [{"type": "notify", "params": {"to": "actor"}}, {"type": "launch_rocket"}]}
    response = post_rule(personas, body)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert fields_of(response) == ["actions[1].type"]
    assert "launch_rocket" in response.json()["errors"][0]["message"]
    assert not Rule.objects.exists()


def test_an_action_type_nobody_registered_is_refused(personas):
    from baton.core.registry import action_types

    assert {"create_handoff", "open_escalation"} <= set(action_types())  # registered by their apps
    response = post_rule(personas, DONE_RULE | {"actions": [{"type": "open_ticket", "params": {}}]})
    assert response.status_code == 422
    assert fields_of(response) == ["actions[0].type"]


def test_every_bad_part_is_named_at_once(personas):
    body = {
        "name": "Bad",
        "trigger": "notification.read",
        "conditions": [
            {"field": "dta.to", "op": "eq", "value": "done"},
            {"field": "data.to", "op": "within", "value": 1},
            {"field": "data.to", "op": "in", "value": "done"},
        ],
        "actions": [
            {"type": "notify", "params": {}},
            {"type": "create_task", "params": {"project": 999999, "title": "x", "colour": "red"}},
            {"type": "set_field", "params": {"target_type": "task", "field": "title", "value": "x"}},
        ],
    }
    response = post_rule(personas, body)
    assert response.status_code == 422
    assert set(fields_of(response)) == {
        "trigger",
        "conditions[0].field",
        "conditions[1].op",
        "conditions[2].value",
        "actions[0].params.to",
        "actions[1].params",
        "actions[1].params.project",
        "actions[2].params.field",
    }


@pytest.mark.parametrize("verb", ["automation_rule.created", "notification.read", "webhook_delivery.failed"])
def test_rules_never_trigger_on_the_automations_own_verbs(personas, verb):
    with pytest.raises(ValidationError) as exc:
        make_rule(personas, trigger=verb, conditions=[])
    assert list(exc.value.message_dict) == ["trigger"]


def test_recipients_and_webhooks_must_exist_in_the_workspace(personas):
    outsider = personas["outsider"].person.id
    response = post_rule(
        personas,
        DONE_RULE
        | {
            "actions": [
                {"type": "notify", "params": {"to": outsider}},
                {"type": "post_webhook", "params": {"webhook_id": 1}},
            ]
        },
    )
    assert response.status_code == 422
    assert set(fields_of(response)) == {"actions[0].params.to", "actions[1].params.webhook_id"}


def test_crud_through_the_api_emits_events(personas):
    api = personas["admin"].api()
    created = post_rule(personas, DONE_RULE)
    assert created.status_code == 201, created.content
    rule = created.json()
    assert rule["conditions"] == DONE_RULE["conditions"] and rule["active"] is True
    patched = api.patch(
        f"/api/v1/automation/rules/{rule['id']}",
        {"active": False},
        content_type="application/json",
        headers={"If-Match": str(rule["version"])},
    )
    assert patched.status_code == 200 and patched.json()["active"] is False
    stale = api.patch(
        f"/api/v1/automation/rules/{rule['id']}",
        {"name": "x"},
        content_type="application/json",
        headers={"If-Match": str(rule["version"])},
    )
    assert stale.status_code == 409
    duplicate = post_rule(personas, DONE_RULE | {"name": DONE_RULE["name"].upper()})
    assert duplicate.status_code == 422 and fields_of(duplicate) == ["name"]
    assert api.delete(f"/api/v1/automation/rules/{rule['id']}").status_code == 204
    verbs = list(Event.objects.filter(target_type="automation_rule").order_by("id").values_list("verb", flat=True))
    assert verbs == ["automation_rule.created", "automation_rule.updated", "automation_rule.deleted"]


# --- Firing exactly once ----------------------------------------------------------------------------------------


def test_a_rule_fires_exactly_once_per_matching_event(personas, work, django_capture_on_commit_callbacks):
    rule = make_rule(personas)
    with django_capture_on_commit_callbacks(execute=True):
        move(personas, work.task, "done")
    event = Event.objects.get(verb="task.status_changed", target_id=work.task.id)
    run = RuleRun.objects.get(rule=rule)
    assert (run.event_id, run.status) == (event.id, "matched")
    assert run.actions_done == ["notify: notified Am Persona"]
    note = Notification.objects.get()
    assert note.recipient_id == personas["am"].person.id
    assert note.title == "Design home page is done"
    assert note.source == f"rule:{rule.id}" and note.event_id == event.id
    assert note.url == f"/projects/tasks/{work.task.id}/"
    assert EventDispatch.objects.get(pk=event.id).processed_at is not None

    # The same event again (a retried job, a duplicate from recovery, a second worker): nothing new.
    assert services.process_event(event.id) is False
    EventDispatch.objects.filter(pk=event.id).update(processed_at=None)
    assert services.process_event(event.id) is True
    assert services.rule_run_for_event(rule_id=rule.id, event=event) == run
    assert RuleRun.objects.count() == 1 and Notification.objects.count() == 1


def test_a_non_matching_event_is_logged_as_skipped_with_the_reason(personas, work, django_capture_on_commit_callbacks):
    rule = make_rule(personas)
    with django_capture_on_commit_callbacks(execute=True):
        move(personas, work.task, "in_progress")
    run = RuleRun.objects.get(rule=rule)
    assert run.status == "skipped"
    assert run.reason == "data.to is “in_progress” — wanted: equals “done” — no"
    assert not Notification.objects.exists()


def test_rules_run_only_after_commit(personas, work, django_capture_on_commit_callbacks):
    make_rule(personas)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        move(personas, work.task, "done")
    assert callbacks and not RuleRun.objects.exists()  # nothing until the transaction commits


def test_an_inactive_rule_or_one_for_another_verb_does_not_run(personas, work, django_capture_on_commit_callbacks):
    make_rule(personas, active=False)
    make_rule(personas, name="Other verb", trigger="task.created")
    with django_capture_on_commit_callbacks(execute=True):
        move(personas, work.task, "done")
    assert not RuleRun.objects.exists()


def test_a_rule_never_runs_for_events_from_before_it_existed(personas, work):
    move(personas, work.task, "done")  # on_commit not run: the job was "lost"
    make_rule(personas)
    assert services.recover(older_than=timedelta(0)) >= 1
    assert not RuleRun.objects.exists()


def test_the_run_log_api(personas, work, django_capture_on_commit_callbacks):
    rule = make_rule(personas)
    other = make_rule(personas, name="Other", conditions=[{"field": "data.to", "op": "eq", "value": "blocked"}])
    with django_capture_on_commit_callbacks(execute=True):
        move(personas, work.task, "done")
        move(personas, work.other_task, "in_progress")
    api = personas["owner"].api()
    mine = api.get(f"/api/v1/automation/runs?rule_id={rule.id}").json()
    assert mine["count"] == 2
    assert [r["status"] for r in mine["results"]] == ["skipped", "matched"]
    first = mine["results"][1]
    assert set(first) >= {"id", "rule_id", "event_id", "status", "reason", "actions_done", "error", "created_at"}
    assert first["verb"] == "task.status_changed" and first["actions_done"] == ["notify: notified Am Persona"]
    assert api.get(f"/api/v1/automation/runs?rule_id={other.id}&status=matched").json()["count"] == 0
    assert api.get("/api/v1/automation/runs").json()["count"] == 4


# --- Conditions -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"field": "data.to", "op": "eq", "value": "done"}, True),
        ({"field": "data.to", "op": "ne", "value": "done"}, False),
        ({"field": "data.to", "op": "in", "value": ["in_review", "done"]}, True),
        ({"field": "data.to", "op": "not_in", "value": ["done"]}, False),
        ({"field": "data.project_id", "op": "eq", "value": "PROJECT"}, True),
        ({"field": "data.project_id", "op": "gt", "value": 0}, True),
        ({"field": "data.project_id", "op": "lte", "value": 0}, False),
        ({"field": "target_type", "op": "eq", "value": "task"}, True),
        ({"field": "target_id", "op": "gte", "value": "TASK"}, True),
        ({"field": "target_id", "op": "lt", "value": "TASK"}, False),
        ({"field": "client_id", "op": "eq", "value": "CLIENT"}, True),
        ({"field": "actor_id", "op": "eq", "value": "PM"}, True),
        ({"field": "target_label", "op": "contains", "value": "home"}, True),
        ({"field": "data.from", "op": "exists", "value": True}, True),
        ({"field": "data.nothing", "op": "exists", "value": False}, True),
        ({"field": "data.nothing", "op": "eq", "value": "x"}, False),
        ({"field": "data.nothing", "op": "ne", "value": "x"}, True),
    ],
)
def test_each_condition_operator(personas, work, django_capture_on_commit_callbacks, condition, expected):
    value = condition["value"]
    substitutes = {
        "PROJECT": work.project.id,
        "TASK": work.task.id,
        "CLIENT": personas.client_a.id,
        "PM": personas["pm"].person.id,
    }
    condition = condition | {"value": substitutes.get(value, value) if isinstance(value, str) else value}
    rule = make_rule(personas, conditions=[condition])
    with django_capture_on_commit_callbacks(execute=True):
        move(personas, work.task, "done")
    assert RuleRun.objects.get(rule=rule).status == ("matched" if expected else "skipped")


def test_all_conditions_must_hold(personas, work, django_capture_on_commit_callbacks):
    rule = make_rule(
        personas,
        conditions=[
            {"field": "data.to", "op": "eq", "value": "done"},
            {"field": "client_id", "op": "eq", "value": personas.client_b.id},
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        move(personas, work.task, "done")
    run = RuleRun.objects.get(rule=rule)
    assert run.status == "skipped" and run.reason.startswith("client_id is")


# --- Each action type -----------------------------------------------------------------------------------------


def fire(personas, work, django_capture_on_commit_callbacks, actions, status="done"):
    rule = make_rule(personas, actions=actions)
    with django_capture_on_commit_callbacks(execute=True):
        move(personas, work.task, status)
    return RuleRun.objects.filter(rule=rule).order_by("id").first()  # the first: its own changes are guarded


def test_notify_resolves_roles_people_and_the_event(personas, work, django_capture_on_commit_callbacks):
    to = ["finance", "actor", "assignee", "project_manager", personas["owner"].person.id]
    run = fire(personas, work, django_capture_on_commit_callbacks, [{"type": "notify", "params": {"to": to}}])
    assert run.status == "matched"
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    p = personas
    assert recipients == {p["finance"].person.id, p["pm"].person.id, p["member"].person.id, p["owner"].person.id}


def test_send_email(personas, work, django_capture_on_commit_callbacks, mailoutbox):
    actions = [
        {
            "type": "send_email",
            "params": {
                "to": "client_am, ops@studio.test",
                "subject": "{target_label} moved to {data.to}",
                "body": "By {actor_name}.",
            },
        }
    ]
    run = fire(personas, work, django_capture_on_commit_callbacks, actions)
    assert run.status == "matched"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["am@studio.test", "ops@studio.test"]
    assert mailoutbox[0].subject == "Design home page moved to done"
    assert mailoutbox[0].body == "By Pm Persona."


def test_post_webhook(personas, work, django_capture_on_commit_callbacks, receiver):
    webhook = services.webhook_create(actor=personas["admin"].actor, url=receiver.url, events=["deal.won"])
    actions = [{"type": "post_webhook", "params": {"webhook_id": webhook.id}}]
    run = fire(personas, work, django_capture_on_commit_callbacks, actions)
    assert run.status == "matched"
    delivery_ = WebhookDelivery.objects.get(webhook=webhook)
    assert delivery_.status == "succeeded" and delivery_.verb == "task.status_changed"
    assert [r.json()["verb"] for r in receiver.requests] == ["task.status_changed"]


def test_create_task_through_the_delivery_service(personas, work, django_capture_on_commit_callbacks):
    actions = [
        {
            "type": "create_task",
            "params": {
                "project": "event",
                "title": "QA: {target_label}",
                "assignee": "project_manager",
                "due_in_days": 2,
            },
        }
    ]
    run = fire(personas, work, django_capture_on_commit_callbacks, actions)
    assert run.status == "matched", run.error
    task = Task.objects.get(title="QA: Design home page")
    assert task.project_id == work.project.id and task.assignee_id == personas["pm"].person.id
    assert task.due_date is not None
    created = Event.objects.get(verb="task.created", target_id=task.id)
    assert created.actor_id is None and created.actor_name == f"Automation: {DONE_RULE['name']}"


def test_set_field_through_registered_setters(personas, work, django_capture_on_commit_callbacks):
    actions = [
        {
            "type": "set_field",
            "params": {"target_type": "task", "field": "status", "value": "in_review", "target": "target_id"},
        },
        {
            "type": "set_field",
            "params": {"target_type": "client", "field": "status", "value": "paused", "target": "client_id"},
        },
    ]
    run = fire(personas, work, django_capture_on_commit_callbacks, actions, status="done")
    assert run.status == "matched", run.error
    work.task.refresh_from_db()
    assert work.task.status == "in_review"
    assert Client.objects.get(pk=personas.client_a.id).status == "paused"
    assert run.actions_done[0] == f"set_field: task #{work.task.id} status done → in_review"


def test_a_failing_action_rolls_every_action_back(personas, work, django_capture_on_commit_callbacks):
    actions = [
        {"type": "create_task", "params": {"project": work.project.id, "title": "Should vanish"}},
        {"type": "set_field", "params": {"target_type": "client", "field": "status", "value": "paused"}},
    ]
    run = fire(personas, work, django_capture_on_commit_callbacks, actions)
    assert run.status == "failed"
    assert "actions[1] (set_field) failed" in run.reason
    assert run.error == "the event's record is a task, not a client"
    assert run.actions_done == []
    assert not Task.objects.filter(title="Should vanish").exists()
    assert Client.objects.get(pk=personas.client_a.id).status == "active"


def test_a_registered_action_type(personas, work, django_capture_on_commit_callbacks):
    seen = []

    def escalate(ctx, params):
        if params.get("fail"):
            raise ActionError("nobody to escalate to")
        seen.append((ctx.event.verb, params["reason"]))
        return "escalated"

    from baton.core import registry as actions_registry

    previous = actions_registry.get_action("open_escalation")  # relationships registers the real one
    register_action(
        "open_escalation", escalate, params=[Param("reason", "Why", required=True), Param("fail", "Fail", "json")]
    )
    try:
        run = fire(
            personas,
            work,
            django_capture_on_commit_callbacks,
            [{"type": "open_escalation", "params": {"reason": "late"}}],
        )
        assert (run.status, run.actions_done, seen) == (
            "matched",
            ["open_escalation: escalated"],
            [("task.status_changed", "late")],
        )
    finally:
        from baton.core import registry

        registry._actions.pop("open_escalation", None)
        if previous is not None:
            registry._actions["open_escalation"] = previous


# --- The chain guard ------------------------------------------------------------------------------------------


def test_a_rule_does_not_retrigger_itself(personas, work, django_capture_on_commit_callbacks):
    """On any status change, move the task back to review: its own change must not loop."""
    rule = make_rule(
        personas,
        conditions=[],
        actions=[{"type": "set_field", "params": {"target_type": "task", "field": "status", "value": "in_review"}}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        move(personas, work.task, "done")
    runs = list(RuleRun.objects.filter(rule=rule).order_by("id"))
    assert [r.status for r in runs] == ["matched", "skipped"]
    assert runs[1].reason.startswith("Chain guard") and runs[1].depth == 1
    work.task.refresh_from_db()
    assert work.task.status == "in_review"


def test_two_rules_ping_ponging_stop(personas, work, django_capture_on_commit_callbacks):
    def setter(value):
        return [{"type": "set_field", "params": {"target_type": "task", "field": "status", "value": value}}]

    a = make_rule(
        personas, name="A", conditions=[{"field": "data.to", "op": "eq", "value": "done"}], actions=setter("in_review")
    )
    b = make_rule(
        personas, name="B", conditions=[{"field": "data.to", "op": "eq", "value": "in_review"}], actions=setter("done")
    )
    with django_capture_on_commit_callbacks(execute=True):
        move(personas, work.task, "done")
    # done → (A) in_review → (B) done → both are in the chain now: it stops.
    assert list(RuleRun.objects.filter(rule=a).order_by("id").values_list("status", flat=True)) == [
        "matched",
        "skipped",
        "skipped",
    ]
    assert list(RuleRun.objects.filter(rule=b).order_by("id").values_list("status", flat=True)) == [
        "skipped",
        "matched",
        "skipped",
    ]
    last = RuleRun.objects.filter(rule=b).order_by("id").last()
    assert last.reason.startswith("Chain guard") and last.depth == 2
    assert Event.objects.filter(verb="task.status_changed").count() == 3


# --- Dry run --------------------------------------------------------------------------------------------------


def test_dry_run_explains_which_recent_events_would_match(personas, work):
    move(personas, work.task, "in_progress")
    move(personas, work.task, "done")
    rule = make_rule(personas)
    response = personas["admin"].api().get(f"/api/v1/automation/rules/{rule.id}/dry-run?limit=5")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["matched"]) == (2, 1)
    assert [r["matched"] for r in body["results"]] == [True, False]
    assert body["results"][1]["checks"] == ["✗ data.to is “in_progress” — wanted: equals “done” — no"]
    assert not RuleRun.objects.exists()  # nothing ran


def test_dry_run_service_validates_conditions(personas):
    with pytest.raises(ValidationError) as exc:
        services.rule_dry_run(
            actor=personas["admin"].actor, trigger="task.status_changed", conditions=[{"field": "x", "op": "eq"}]
        )
    assert set(exc.value.message_dict) == {"conditions[0].field", "conditions[0].value"}


def test_system_actor_can_manage_rules(personas):
    rule = services.rule_create(actor=Actor.system(personas.workspace), **DONE_RULE)
    assert rule.created_by_id is None
