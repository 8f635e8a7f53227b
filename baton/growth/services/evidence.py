"""Evidence: the rules that map events to behaviours, evidence credited from events (and rebuilt), and evidence
noted by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.models import Event, Workspace
from baton.core.services import bump_version, check_version, validate
from baton.growth import evidence as matching
from baton.growth.models import (
    Behaviour,
    Evidence,
    EvidenceRule,
    EvidenceSource,
    Polarity,
)
from baton.growth.services._common import _creditable, _growth_person
from baton.growth.services.framework import framework_ensure

# --- The evidence mapping -----------------------------------------------------------------------------------------


def _behaviour_by_key(workspace: Workspace, key: Any, field: str, errors: dict[str, str]) -> Behaviour | None:
    behaviour = Behaviour.objects.select_related("trait").filter(workspace=workspace, key=str(key or "")).first()
    if behaviour is None:
        errors[field] = f"No behaviour “{key}” in this workspace's framework (e.g. trust.clarity)."
    return behaviour


def _rule_fields(actor: Actor, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    errors |= matching.rule_errors(verb=values["verb"], conditions=values["conditions"], credit=values["credit"])
    if values["polarity"] not in Polarity.values:
        errors["polarity"] = "Polarity is positive (evidence) or negative (counter-evidence)."
    if not str(values["name"] or "").strip():
        errors["name"] = "Give the rule a name."
    behaviour = _behaviour_by_key(actor.workspace, values["behaviour"], "behaviour", errors)
    return {**values, "behaviour": behaviour, "name": str(values["name"] or "").strip()}


@transaction.atomic
def evidence_rule_create(
    *,
    actor: Actor,
    name: str,
    verb: str,
    behaviour: str,
    conditions: list[dict[str, Any]] | None = None,
    credit: str = "actor",
    polarity: str = Polarity.POSITIVE,
    summary_template: str = "",
    active: bool = True,
) -> EvidenceRule:
    """Map an event verb (with conditions) to a behaviour. Only events after this apply, unless evidence is rebuilt."""
    access.require(actor, "growth_framework", "update")
    framework_ensure(actor.workspace)
    errors: dict[str, str] = {}
    values = _rule_fields(
        actor,
        {
            "name": name,
            "verb": verb,
            "conditions": conditions if conditions is not None else [],
            "credit": credit,
            "behaviour": behaviour,
            "polarity": polarity,
            "summary_template": summary_template or "",
            "active": active,
        },
        errors,
    )
    if errors:
        raise ValidationError(errors)
    rule = EvidenceRule(workspace=actor.workspace, **values)
    validate(rule)
    rule.save()
    events.emit(actor, "evidence_rule.created", rule, data={"verb": rule.verb, "behaviour": rule.behaviour.key})
    return rule


@transaction.atomic
def evidence_rule_update(*, actor: Actor, rule: EvidenceRule, version: int | None, **fields: Any) -> EvidenceRule:
    access.require(actor, "growth_framework", "update")
    rule = EvidenceRule.objects.select_for_update().select_related("behaviour").get(pk=rule.pk)
    check_version(rule, version)
    current = {
        "name": rule.name,
        "verb": rule.verb,
        "conditions": rule.conditions,
        "credit": rule.credit,
        "behaviour": rule.behaviour.key,
        "polarity": rule.polarity,
        "summary_template": rule.summary_template,
        "active": rule.active,
    }
    merged = current | {k: v for k, v in fields.items() if k in current and v is not None}
    errors: dict[str, str] = {}
    values = _rule_fields(actor, merged, errors)
    if errors:
        raise ValidationError(errors)
    changed = events.diff(rule, values)
    validate(rule)
    if changed:
        bump_version(rule)
        rule.save()
        events.emit(actor, "evidence_rule.updated", rule, data={"changes": changed})
    return rule


# --- Evidence -----------------------------------------------------------------------------------------------------


def evidence_for_event(event: Event) -> list[Evidence]:
    """Apply the workspace's active rules for this event's verb: one Evidence per matching rule, at most once per
    (rule, event) — replays and duplicate deliveries find the existing row (and the unique constraint holds it)."""
    rules = list(
        EvidenceRule.objects.filter(workspace_id=event.workspace_id, verb=event.verb, active=True).select_related(
            "behaviour"
        )
    )
    if not rules:
        return []
    document = matching.document_for(event, [(r.conditions, r.summary_template) for r in rules])
    written = []
    for rule in rules:
        if not matching.matches(rule.conditions, document):
            continue
        person = _creditable(event.workspace_id, matching.credited_person_id(rule.credit, event, document))
        if person is None:
            continue
        try:
            with transaction.atomic():
                evidence, _ = Evidence.objects.get_or_create(
                    rule=rule,
                    event=event,
                    defaults={
                        "workspace_id": event.workspace_id,
                        "person": person,
                        "behaviour": rule.behaviour,
                        "polarity": rule.polarity,
                        "source": EvidenceSource.EVENT,
                        "occurred_at": event.occurred_at,
                        "summary": matching.render_summary(rule.summary_template, document, rule.name),
                        "client_id": event.client_id,
                    },
                )
        except IntegrityError:  # a concurrent delivery of the same event won
            evidence = Evidence.objects.get(rule=rule, event=event)
        written.append(evidence)
    return written


def evidence_rebuild(*, workspace: Workspace, since: datetime | None = None) -> int:
    """Replay the event log through the rules (after a rule changed, or for history before growth existed).
    Existing evidence is kept; each (rule, event) still yields one row. Returns how many rows exist afterwards."""
    framework_ensure(workspace)
    verbs = set(EvidenceRule.objects.filter(workspace=workspace, active=True).values_list("verb", flat=True))
    qs = Event.objects.filter(workspace=workspace, verb__in=verbs).order_by("id")
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    for event in qs.iterator(chunk_size=500):
        evidence_for_event(event)
    return Evidence.objects.filter(workspace=workspace, source=EvidenceSource.EVENT).count()


@transaction.atomic
def evidence_create(
    *,
    actor: Actor,
    person_id: int,
    behaviour: str,
    summary: str,
    polarity: str = Polarity.POSITIVE,
    occurred_at: datetime | None = None,
) -> Evidence:
    """A note of evidence by the person themselves or their manager (owner/admin too)."""
    access.require(actor, "growth_record", "create")
    framework_ensure(actor.workspace)
    errors: dict[str, str] = {}
    person = _growth_person(actor, person_id, errors)
    if person is not None:
        access.require(actor, "growth_record", "create", person)
    found = _behaviour_by_key(actor.workspace, behaviour, "behaviour", errors)
    if polarity not in Polarity.values:
        errors["polarity"] = "Polarity is positive (evidence) or negative (counter-evidence)."
    if not (summary or "").strip():
        errors["summary"] = "Say what happened."
    if errors or person is None or found is None:
        raise ValidationError(errors)
    evidence = Evidence(
        workspace=actor.workspace,
        person=person,
        behaviour=found,
        polarity=polarity,
        source=EvidenceSource.MANUAL,
        author_id=actor.person_id,
        occurred_at=occurred_at or timezone.now(),
        summary=summary.strip(),
    )
    validate(evidence)
    evidence.save()
    events.emit(actor, "evidence.created", evidence, data={"person_id": person.id, "source": "manual"})
    return evidence
