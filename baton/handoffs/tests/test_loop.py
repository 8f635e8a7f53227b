"""The confirmation loop through the services and the API: send refuses empty required fields by name, only the
receiver confirms or raises gaps, only the owner answers, answered gaps return it to the receiver, every step is an
event and a notification; templates are snapshotted; another workspace's handoff is not found."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from baton.automation.models import Notification
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Event
from baton.devdata.testing.handoffs import FIELDS
from baton.handoffs import services
from baton.handoffs.models import Handoff, HandoffStatus, HandoffTemplate

pytestmark = pytest.mark.django_db


def _open(personas, **kw):
    am, member = personas["am"], personas["member"]
    data = {"kind": "sales_to_account", "from_person": am.person, "to_person": member.person} | kw
    return services.handoff_open(actor=am.actor, **data)


def test_builtin_templates_exist_with_the_contract_keys(personas):
    templates = {t.kind: t for t in HandoffTemplate.objects.none()}
    services.templates_ensure(personas.workspace)
    services.templates_ensure(personas.workspace)  # idempotent
    templates = {t.kind: t for t in HandoffTemplate.objects.filter(workspace=personas.workspace)}
    assert set(templates) == {
        "sales_to_account",
        "account_to_delivery",
        "brief_to_creative",
        "design_to_development",
        "delivery_to_qa",
        "account_transition",
    }
    keys = {k: [f["key"] for f in t.fields] for k, t in templates.items()}
    assert keys["sales_to_account"][:6] == [
        "primary_goals",
        "objections",
        "agreed_deliverables",
        "timeline_expectations",
        "stakeholder_contacts",
        "sales_commitments",
    ]
    assert keys["account_transition"] == [
        "campaign_history",
        "key_decisions",
        "client_preferences",
        "political_sensitivities",
        "open_action_items",
        "next_steps",
    ]
    assert {"approved_brief_version", "tone_of_voice_reference", "walkthrough_meeting"} <= set(
        templates["brief_to_creative"].required_keys
    )
    assert templates["brief_to_creative"].requires_walkthrough


def test_full_loop_through_the_services(personas, django_capture_on_commit_callbacks):
    am, member = personas["am"], personas["member"]
    with django_capture_on_commit_callbacks(execute=True):
        handoff = _open(personas, client=personas.client_a, fields={"primary_goals": "More leads"})
    assert handoff.status == HandoffStatus.DRAFT
    assert handoff.fields["primary_goals"] == "More leads"

    with pytest.raises(ValidationError) as exc:
        services.handoff_send(actor=am.actor, handoff=handoff)
    assert set(exc.value.message_dict) == {
        "fields.objections",
        "fields.agreed_deliverables",
        "fields.timeline_expectations",
        "fields.sales_commitments",
    } | ({"fields.stakeholder_contacts"} if not handoff.fields["stakeholder_contacts"] else set())
    handoff = services.handoff_update(actor=am.actor, handoff=handoff, version=handoff.version, fields=FIELDS)

    with pytest.raises(PermissionDenied):  # only the owner sends
        services.handoff_send(actor=member.actor, handoff=handoff)
    with django_capture_on_commit_callbacks(execute=True):
        handoff = services.handoff_send(actor=am.actor, handoff=handoff)
    assert handoff.status == HandoffStatus.SENT and handoff.sent_at is not None
    assert Notification.objects.filter(recipient=member.person, verb="handoff.sent").count() == 1

    for outsider in ("owner", "pm", "am"):  # a third person (and the owner) cannot raise gaps or confirm
        with pytest.raises(PermissionDenied):
            services.handoff_confirm(actor=personas[outsider].actor, handoff=handoff)
        with pytest.raises(PermissionDenied):
            services.handoff_raise_gaps(actor=personas[outsider].actor, handoff=handoff, gaps=["?"])

    with django_capture_on_commit_callbacks(execute=True):
        handoff = services.handoff_raise_gaps(
            actor=member.actor, handoff=handoff, gaps=["Which ROAS baseline?", {"question": "Who signs off?"}]
        )
    assert handoff.status == HandoffStatus.GAPS_RAISED and handoff.gap_rounds == 1
    assert Notification.objects.filter(recipient=am.person, verb="handoff.gaps_raised").count() == 1
    with pytest.raises(Conflict):  # not while gaps are open
        services.handoff_confirm(actor=member.actor, handoff=handoff)
    with pytest.raises(PermissionDenied):  # only the owner answers
        services.handoff_answer_gaps(actor=member.actor, handoff=handoff, answers={"x": "y"})

    gaps = list(handoff.gaps.order_by("id"))
    with pytest.raises(ValidationError) as exc:
        services.handoff_answer_gaps(actor=am.actor, handoff=handoff, answers={str(gaps[0].pk): "Their 2025 average."})
    assert "answers" in exc.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        handoff = services.handoff_answer_gaps(
            actor=am.actor,
            handoff=handoff,
            answers={str(gaps[0].pk): "Their 2025 average.", str(gaps[1].pk): "Cara."},
        )
    assert handoff.status == HandoffStatus.SENT  # back with the receiver
    assert Notification.objects.filter(recipient=member.person, verb="handoff.gaps_answered").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        handoff = services.handoff_confirm(actor=member.actor, handoff=handoff)
    assert handoff.status == HandoffStatus.CONFIRMED
    assert handoff.first_time is False and handoff.minutes_to_confirm == 0
    assert Notification.objects.filter(recipient=am.person, verb="handoff.confirmed").count() == 1

    verbs = list(
        Event.objects.filter(target_type="handoff", target_id=handoff.pk).order_by("id").values_list("verb", flat=True)
    )
    assert verbs == [
        "handoff.created",
        "handoff.updated",
        "handoff.sent",
        "handoff.gaps_raised",
        "handoff.gaps_answered",
        "handoff.confirmed",
    ]
    confirmed = Event.objects.get(verb="handoff.confirmed", target_id=handoff.pk)
    assert confirmed.data == {
        "kind": "sales_to_account",
        "from_person_id": am.person.id,
        "to_person_id": member.person.id,
        "first_time": False,
        "minutes_to_confirm": 0,
    }
    assert confirmed.client_id == personas.client_a.id
    raised = Event.objects.get(verb="handoff.gaps_raised", target_id=handoff.pk)
    assert raised.data["gap_count"] == 2 and raised.data["kind"] == "sales_to_account"
    with pytest.raises(Conflict):
        services.handoff_confirm(actor=member.actor, handoff=handoff)


def test_first_time_confirmation_and_minutes(personas):
    handoff = _open(personas, fields=FIELDS)
    handoff = services.handoff_send(actor=personas["am"].actor, handoff=handoff)
    Handoff.objects.filter(pk=handoff.pk).update(sent_at=timezone.now() - timedelta(minutes=95, seconds=20))
    handoff = services.handoff_confirm(actor=personas["member"].actor, handoff=handoff)
    assert handoff.first_time is True and handoff.minutes_to_confirm == 95


def test_template_edits_do_not_change_a_sent_handoff(personas):
    owner = personas["owner"].actor
    handoff = services.handoff_send(actor=personas["am"].actor, handoff=_open(personas, fields=FIELDS))
    template = HandoffTemplate.objects.get(workspace=personas.workspace, kind="sales_to_account")
    new_fields = [*template.fields, {"key": "margin_checked", "label": "Margin checked", "required": True}]
    services.template_update(actor=owner, template=template, version=template.version, fields=new_fields)
    handoff.refresh_from_db()
    assert "margin_checked" not in [f["key"] for f in handoff.field_spec]
    assert handoff.missing_required == []
    services.handoff_confirm(actor=personas["member"].actor, handoff=handoff)
    later = _open(personas, fields=FIELDS)
    assert later.missing_required == ["margin_checked"]
    with pytest.raises(ValidationError) as exc:  # a built-in kind keeps its contract keys
        services.template_update(
            actor=owner, template=template, version=template.version + 1, fields=[{"key": "other", "required": True}]
        )
    assert "fields" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.template_update(actor=personas["am"].actor, template=template, version=2, name="Mine")


def test_custom_kind_and_walkthrough(personas):
    owner = personas["owner"].actor
    services.template_create(
        actor=owner,
        kind="strategy_to_media",
        name="Strategy → media",
        fields=[{"key": "channel_plan", "label": "Channel plan", "required": True}],
        requires_walkthrough=True,
        confirmation_sla_hours=12,
    )
    handoff = _open(personas, kind="strategy_to_media", fields={"channel_plan": "Search first."})
    assert handoff.due_by - timezone.now() <= timedelta(hours=12)
    handoff = services.handoff_send(actor=personas["am"].actor, handoff=handoff)
    with pytest.raises(ValidationError) as exc:
        services.handoff_confirm(actor=personas["member"].actor, handoff=handoff, walkthrough_held=False)
    assert "walkthrough_held" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # issue 20: the attestation says when and how
        services.handoff_confirm(actor=personas["member"].actor, handoff=handoff, walkthrough_held=True)
    assert set(exc.value.message_dict) == {"walkthrough_at", "walkthrough_how"}
    handoff = services.handoff_confirm(
        actor=personas["member"].actor,
        handoff=handoff,
        walkthrough_held=True,
        walkthrough_at=timezone.now() - timedelta(minutes=30),
        walkthrough_how="in_person",
    )
    assert handoff.walkthrough_held is True
    assert handoff.walkthrough_attested_by_id == personas["member"].person.id
    assert handoff.walkthrough_attested_at is not None
    with pytest.raises(ValidationError) as exc:
        _open(personas, kind="nope")
    assert "kind" in exc.value.message_dict


def test_open_validates_people_and_fields(personas):
    with pytest.raises(ValidationError) as exc:
        services.handoff_open(
            actor=personas["am"].actor,
            kind="sales_to_account",
            from_person=personas["am"].person,
            to_person=personas["am"].person,
            fields={"unknown": "x", "objections": {"a": 1}},
        )
    assert set(exc.value.message_dict) == {"to_person_id", "fields.unknown", "fields.objections"}
    with pytest.raises(ValidationError) as exc:
        services.handoff_open(
            actor=personas["am"].actor,
            kind="sales_to_account",
            from_person=personas["am"].person,
            to_person=personas["client_a"].person,
        )
    assert "to_person_id" in exc.value.message_dict
    # a member opens its own handoffs, not someone else's
    with pytest.raises(PermissionDenied):
        services.handoff_open(
            actor=personas["member"].actor,
            kind="delivery_to_qa",
            from_person=personas["pm"].person,
            to_person=personas["admin"].person,
        )
    mine = services.handoff_open(
        actor=personas["member"].actor, kind="delivery_to_qa", from_person=None, to_person=personas["pm"].person
    )
    assert mine.from_person_id == personas["member"].person.id


def test_system_actor_opens_and_sends(personas):
    system = Actor.system(personas.workspace)
    handoff = services.handoff_open(
        actor=system,
        kind="sales_to_account",
        from_person=personas["am"].person,
        to_person=personas["pm"].person,
        fields=FIELDS,
        source="deal_won",
        source_ref="deal:1",
    )
    again = services.handoff_open(
        actor=system,
        kind="sales_to_account",
        from_person=personas["am"].person,
        to_person=personas["pm"].person,
        source="deal_won",
        source_ref="deal:1",
    )
    assert again.pk == handoff.pk and Handoff.objects.count() == 1
    assert services.handoff_send(actor=system, handoff=handoff).status == "sent"
    with pytest.raises(PermissionDenied):
        services.handoff_confirm(actor=system, handoff=handoff)


def test_cancel(personas):
    handoff = services.handoff_send(actor=personas["am"].actor, handoff=_open(personas, fields=FIELDS))
    with pytest.raises(PermissionDenied):
        services.handoff_cancel(actor=personas["member"].actor, handoff=handoff)
    handoff = services.handoff_cancel(actor=personas["admin"].actor, handoff=handoff, reason="Deal fell through")
    assert handoff.status == HandoffStatus.CANCELLED
    with pytest.raises(Conflict):
        services.handoff_cancel(actor=personas["am"].actor, handoff=handoff)
