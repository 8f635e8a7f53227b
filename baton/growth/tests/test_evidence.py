"""Evidence from events: every default mapping rule produces evidence exactly once per event (delivered twice,
replayed, rebuilt), counter-evidence, whom each rule credits, and edited rules. Events are emitted with the contract's
data shapes, so these tests do not depend on the apps that emit them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from baton.core import events
from baton.core.access import Actor
from baton.core.models import Event
from baton.delivery import services as delivery
from baton.devdata.testing.personas import Personas
from baton.growth import services
from baton.growth.models import Evidence, EvidenceRule

pytestmark = pytest.mark.django_db


def _emit(personas: Personas, verb: str, data: dict, *, actor: str = "am", capture=None) -> Event:
    """An event of `verb` about client A, by `actor`, delivered to the subscribers (after commit)."""
    who = personas[actor].actor if actor != "system" else Actor.system(personas.workspace)
    assert capture is not None
    with capture(execute=True):
        return events.emit(who, verb, personas.client_a, data=data, client_id=personas.client_a.id)


def _evidence(event: Event) -> list[tuple[str, int, str]]:
    return sorted(Evidence.objects.filter(event=event).values_list("behaviour__key", "person_id", "polarity"))


# (verb, data builder(personas) -> data, expected [(behaviour, persona credited, polarity)])
CASES = [
    (
        "touchpoint.logged cadence met on time",
        "touchpoint.logged",
        lambda p: {
            "kind": "call",
            "person_id": p["am"].person.id,
            "agenda_prepared": False,
            "goal_report": False,
            "cadence_met": True,
            "cadence_on_time": True,
            "sentiment": "positive",
        },
        [("trust.reliability", "am", "positive")],
    ),
    (
        "touchpoint.logged with an agenda",
        "touchpoint.logged",
        lambda p: {
            "kind": "meeting",
            "person_id": p["am"].person.id,
            "agenda_prepared": True,
            "goal_report": False,
            "cadence_met": False,
            "cadence_on_time": None,
            "sentiment": "neutral",
        },
        [("trust.preparation", "am", "positive")],
    ),
    (
        "strategic review with a goal report (and on time, prepared)",
        "touchpoint.logged",
        lambda p: {
            "kind": "strategic_review",
            "person_id": p["am"].person.id,
            "agenda_prepared": True,
            "goal_report": True,
            "cadence_met": True,
            "cadence_on_time": True,
            "sentiment": "positive",
        },
        [
            ("strategic_thinking.connection_making", "am", "positive"),
            ("trust.preparation", "am", "positive"),
            ("trust.reliability", "am", "positive"),
        ],
    ),
    (
        "a goal report at a plain meeting is not a strategic review",
        "touchpoint.logged",
        lambda p: {"kind": "meeting", "person_id": p["am"].person.id, "goal_report": True, "cadence_on_time": False},
        [],
    ),
    (
        "status update sent",
        "status_update.sent",
        lambda p: {"person_id": p["am"].person.id},
        [("alignment.communication", "am", "positive")],
    ),
    (
        "handoff confirmed first time credits the owner",
        "handoff.confirmed",
        lambda p: {
            "kind": "account_to_delivery",
            "from_person_id": p["am"].person.id,
            "to_person_id": p["pm"].person.id,
            "first_time": True,
            "minutes_to_confirm": 30,
        },
        [("alignment.shared_understanding", "am", "positive")],
    ),
    (
        "handoff confirmed after gaps is no evidence",
        "handoff.confirmed",
        lambda p: {
            "kind": "account_to_delivery",
            "from_person_id": p["am"].person.id,
            "to_person_id": p["pm"].person.id,
            "first_time": False,
            "minutes_to_confirm": 300,
        },
        [],
    ),
    (
        "growth opportunity logged",
        "growth_opportunity.logged",
        lambda p: {"person_id": p["am"].person.id, "value": "5000.00"},
        [("growth.curiosity", "am", "positive")],
    ),
    (
        "escalation raised before the client complained credits who raised it",
        "escalation.opened",
        lambda p: {
            "rule": "manual",
            "assignee_id": p["admin"].person.id,
            "raised_by_person_id": p["am"].person.id,
            "before_client_complaint": True,
        },
        [("growth.anticipation", "am", "positive")],
    ),
    (
        "escalation after a complaint is no anticipation",
        "escalation.opened",
        lambda p: {
            "rule": "manual",
            "assignee_id": p["admin"].person.id,
            "raised_by_person_id": p["am"].person.id,
            "before_client_complaint": False,
        },
        [],
    ),
    (
        "escalation resolved credits the resolver",
        "escalation.resolved",
        lambda p: {"resolved_by_person_id": p["pm"].person.id, "assignee_id": p["am"].person.id},
        [("leadership.decision_making", "pm", "positive")],
    ),
    (
        "cadence overdue is counter-evidence for the client's AM",
        "cadence.overdue",
        lambda p: {
            "item": "status_update",
            "due_on": "2026-03-02",
            "days_overdue": 4,
            "account_manager_id": p["am"].person.id,
        },
        [("trust.reliability", "am", "negative")],
    ),
    (
        "handoff gaps are counter-evidence for the owner",
        "handoff.gaps_raised",
        lambda p: {
            "kind": "sales_to_account",
            "from_person_id": p["admin"].person.id,
            "to_person_id": p["am"].person.id,
            "gap_count": 2,
        },
        [("alignment.shared_understanding", "admin", "negative")],
    ),
    (
        "a failure traced to a handoff is counter-evidence for its owner",
        "handoff_failure.recorded",
        lambda p: {
            "handoff_id": 1,
            "from_person_id": p["am"].person.id,
            "remediation_minutes": 90,
            "remediation_cost": "75.00",
            "kind": "account_to_delivery",
        },
        [("alignment.shared_understanding", "am", "negative")],
    ),
]


@pytest.mark.parametrize(("name", "verb", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_gives_evidence_exactly_once_per_event(
    personas, django_capture_on_commit_callbacks, name, verb, data, expected
):
    event = _emit(personas, verb, data(personas), capture=django_capture_on_commit_callbacks)
    want = sorted((key, personas[who].person.id, polarity) for key, who, polarity in expected)
    assert _evidence(event) == want

    # Delivered again, replayed by hand, rebuilt from the log: still one row per (rule, event).
    services.evidence_for_event(event)
    services.evidence_for_event(event)
    services.evidence_rebuild(workspace=personas.workspace)
    call_command("rebuild_evidence", workspace=personas.workspace.slug, stdout=open("/dev/null", "w"))
    assert _evidence(event) == want
    for evidence in Evidence.objects.filter(event=event):
        assert evidence.source == "event"
        assert evidence.occurred_at == event.occurred_at
        assert evidence.summary and "{" not in evidence.summary


def test_every_default_rule_is_covered_by_a_case(personas):
    services.framework_ensure(personas.workspace)
    covered = {c[1] for c in CASES} | {"change_order.created", "task.scope_flagged"}
    assert set(EvidenceRule.objects.filter(workspace=personas.workspace).values_list("verb", flat=True)) <= covered


def test_summary_is_filled_from_the_event(personas, django_capture_on_commit_callbacks):
    event = _emit(
        personas,
        "cadence.overdue",
        {
            "item": "status update",
            "due_on": "2026-03-02",
            "days_overdue": 4,
            "account_manager_id": personas["am"].person.id,
        },
        actor="system",
        capture=django_capture_on_commit_callbacks,
    )
    assert Evidence.objects.get(event=event).summary == "The status update for Client A is 4 days overdue."


def test_no_evidence_for_people_outside_the_workspace_or_unknown(personas, django_capture_on_commit_callbacks):
    outsider = personas["outsider"].person.id
    portal = personas["client_a"].person.id
    for pid in (outsider, portal, 999_999, None, "x"):
        event = _emit(personas, "status_update.sent", {"person_id": pid}, capture=django_capture_on_commit_callbacks)
        assert not Evidence.objects.filter(event=event).exists()


def test_change_order_logged_before_the_work_is_clarity(personas, django_capture_on_commit_callbacks):
    from baton.finance.services import change_order_create
    from baton.timesheets.services import time_entry_create

    owner = personas["owner"].actor
    project = delivery.project_create(actor=owner, client_id=personas.client_a.id, name="Site", status="active")
    task = delivery.task_create(actor=owner, project=project, title="Extra page", assignee_id=personas["am"].person.id)
    with django_capture_on_commit_callbacks(execute=True):
        before = change_order_create(
            actor=personas["am"].actor,
            project_id=project.id,
            title="Extra page",
            amount_delta="500",
            task_ids=[task.id],
        )
    created = Event.objects.get(verb="change_order.created", target_id=before.id)
    assert _evidence(created) == [("trust.clarity", personas["am"].person.id, "positive")]

    # Work logged first, the change order after: no clarity evidence.
    late_task = delivery.task_create(actor=owner, project=project, title="Late page")
    time_entry_create(
        actor=personas["am"].actor, project_id=project.id, task_id=late_task.id, date=date.today(), minutes=60
    )
    with django_capture_on_commit_callbacks(execute=True):
        after = change_order_create(
            actor=personas["am"].actor,
            project_id=project.id,
            title="Late page",
            amount_delta=Decimal("100"),
            task_ids=[late_task.id],
        )
    assert _evidence(Event.objects.get(verb="change_order.created", target_id=after.id)) == []


def test_unagreed_scope_is_counter_evidence_for_the_clients_am(personas, django_capture_on_commit_callbacks):
    event = _emit(
        personas,
        "task.scope_flagged",
        {"project_id": 1, "time_entry_id": 1, "reason": "..."},
        actor="member",
        capture=django_capture_on_commit_callbacks,
    )
    assert _evidence(event) == [("trust.clarity", personas["am"].person.id, "negative")]


def test_edited_and_new_rules_are_data(personas, django_capture_on_commit_callbacks):
    owner = personas["owner"].actor
    services.framework_ensure(personas.workspace)
    rule = EvidenceRule.objects.get(workspace=personas.workspace, verb="status_update.sent")
    services.evidence_rule_update(actor=owner, rule=rule, version=rule.version, active=False)
    custom = services.evidence_rule_create(
        actor=owner,
        name="Decision recorded",
        verb="decision.created",
        behaviour="leadership.decision_making",
        conditions=[{"field": "data.decided_by", "op": "exists", "value": True}],
        credit="data.decided_by",
        summary_template="Recorded the decision {target_label}.",
    )
    silent = _emit(
        personas,
        "status_update.sent",
        {"person_id": personas["am"].person.id},
        capture=django_capture_on_commit_callbacks,
    )
    assert _evidence(silent) == []
    decided = _emit(
        personas,
        "decision.created",
        {"decided_by": personas["pm"].person.id},
        capture=django_capture_on_commit_callbacks,
    )
    assert _evidence(decided) == [("leadership.decision_making", personas["pm"].person.id, "positive")]
    assert Evidence.objects.get(event=decided).rule == custom


def test_rule_validation_names_each_bad_field(personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.evidence_rule_create(
            actor=personas["owner"].actor,
            name="",
            verb="not a verb",
            behaviour="trust.nothing",
            conditions=[{"field": "facts.unknown", "op": "eq", "value": 1}, {"field": "data.x", "op": "zz"}],
            credit="somebody",
            polarity="sideways",
        )
    assert set(exc.value.message_dict) == {
        "name",
        "verb",
        "behaviour",
        "conditions[0].field",
        "conditions[1].op",
        "credit",
        "polarity",
    }


def test_other_workspace_rules_do_not_apply(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = events.emit(
            Actor.system(personas.other_workspace),
            "status_update.sent",
            personas.other_client,
            data={"person_id": personas["am"].person.id},  # a person of the *first* workspace
        )
    assert not Evidence.objects.filter(event=event).exists()
