"""Writes for growth: the framework and its mapping, evidence (from events and by hand), assessments, development
plans, practice and project reviews. Every write checks access first and emits its event in the same transaction.

Personal records' events carry ids and kinds only, never scores or notes: every staff member reads the event log,
and a member must never see another person's assessment.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Event, Workspace
from baton.core.services import bump_version, check_version, validate
from baton.delivery.models import Project
from baton.growth import defaults
from baton.growth import evidence as matching
from baton.growth.models import (
    Assessment,
    AssessmentKind,
    Behaviour,
    DevelopmentGoal,
    Evidence,
    EvidenceRule,
    EvidenceSource,
    GoalAction,
    GoalCheckIn,
    GoalStatus,
    GrowthSetup,
    Polarity,
    PracticeRating,
    PracticeScenario,
    PracticeSession,
    ProjectReview,
    ReviewStatus,
    Trait,
)
from baton.people.models import Person
from baton.people.validators import NO_SUCH_PERSON, person_of_workspace

logger = logging.getLogger(__name__)

PERIOD_RE = re.compile(r"^(\d{4})-(H[12]|Q[1-4])$")


# --- The framework ------------------------------------------------------------------------------------------------


def framework_ensure(workspace: Workspace) -> None:
    """Seed the default traits, behaviours, evidence mapping and practice library once per workspace (lazily, so
    existing workspaces and the demo get them on first use). Safe to call from anywhere, any number of times."""
    if GrowthSetup.objects.filter(workspace=workspace).exists():
        return
    try:
        with transaction.atomic():
            GrowthSetup.objects.create(workspace=workspace)
            traits = {}
            for position, (key, name, description) in enumerate(defaults.TRAITS):
                traits[key], _ = Trait.objects.get_or_create(
                    workspace=workspace,
                    key=key,
                    defaults={"name": name, "description": description, "position": position},
                )
            behaviours = {}
            for position, (key, trait, name, description, levels) in enumerate(defaults.BEHAVIOURS):
                behaviours[key], _ = Behaviour.objects.get_or_create(
                    workspace=workspace,
                    key=key,
                    defaults={
                        "trait": traits[trait],
                        "name": name,
                        "description": description,
                        "levels": levels,
                        "position": position,
                    },
                )
            for rule in defaults.RULES:
                EvidenceRule.objects.create(
                    workspace=workspace,
                    name=rule["name"],
                    verb=rule["verb"],
                    conditions=rule["conditions"],
                    credit=rule["credit"],
                    behaviour=behaviours[rule["behaviour"]],
                    polarity=rule["polarity"],
                    summary_template=rule["summary_template"],
                )
            for position, (title, situation, rubric) in enumerate(defaults.SCENARIOS):
                PracticeScenario.objects.create(
                    workspace=workspace, title=title, situation=situation, rubric=rubric, position=position
                )
    except IntegrityError:
        pass  # seeded by a concurrent request


@transaction.atomic
def trait_update(
    *, actor: Actor, trait: Trait, version: int | None, name: str | None = None, description: str | None = None
) -> Trait:
    """Rename or re-describe a trait (its key stays)."""
    access.require(actor, "growth_framework", "update")
    trait = Trait.objects.select_for_update().get(pk=trait.pk)
    check_version(trait, version)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = name.strip()
    if description is not None:
        changes["description"] = description
    errors = {"name": "Give the trait a name."} if "name" in changes and not changes["name"] else {}
    changed = events.diff(trait, changes)
    validate(trait, errors)
    if changed:
        bump_version(trait)
        trait.save()
        events.emit(actor, "trait.updated", trait, data={"changes": changed})
    return trait


def _levels(levels: Any, errors: dict[str, str]) -> dict[str, str]:
    if levels is None:
        return {}
    if not isinstance(levels, dict) or any(str(k) not in {"1", "2", "3", "4", "5"} for k in levels):
        errors["levels"] = 'Describe levels 1-5 as {"1": "...", ..., "5": "..."}.'
        return {}
    return {str(k): str(v) for k, v in sorted(levels.items(), key=lambda kv: str(kv[0]))}


@transaction.atomic
def behaviour_create(
    *,
    actor: Actor,
    trait_id: int,
    key: str,
    name: str,
    description: str = "",
    levels: dict[str, str] | None = None,
) -> Behaviour:
    """Add an observable behaviour to a trait. Its key is `<trait>.<name>` (the trait prefix is added if missing)."""
    access.require(actor, "growth_framework", "update")
    errors: dict[str, str] = {}
    trait = Trait.objects.filter(workspace=actor.workspace, pk=trait_id).first()
    if trait is None:
        errors["trait_id"] = "No such trait in this workspace."
    key = (key or "").strip().lower()
    if trait is not None and key and not key.startswith(f"{trait.key}."):
        key = f"{trait.key}.{key}"
    if not re.match(r"^[a-z_]+\.[a-z][a-z0-9_]*$", key):
        errors["key"] = "Use a short snake_case key, e.g. listening (stored as trust.listening)."
    elif Behaviour.objects.filter(workspace=actor.workspace, key=key).exists():
        errors["key"] = "This workspace already has a behaviour with this key."
    if not (name or "").strip():
        errors["name"] = "Give the behaviour a name."
    clean_levels = _levels(levels, errors)
    if errors or trait is None:
        raise ValidationError(errors)
    behaviour = Behaviour(
        workspace=actor.workspace,
        trait=trait,
        key=key,
        name=name.strip(),
        description=description,
        levels=clean_levels,
        position=trait.behaviours.count() + 100,
    )
    validate(behaviour)
    behaviour.save()
    events.emit(actor, "behaviour.created", behaviour, data={"key": key, "trait": trait.key})
    return behaviour


@transaction.atomic
def behaviour_update(*, actor: Actor, behaviour: Behaviour, version: int | None, **fields: Any) -> Behaviour:
    """Change a behaviour's name, description, level descriptions or whether it is assessed (`active`)."""
    access.require(actor, "growth_framework", "update")
    behaviour = Behaviour.objects.select_for_update().get(pk=behaviour.pk)
    check_version(behaviour, version)
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    for field in ("name", "description", "active"):
        if fields.get(field) is not None:
            changes[field] = fields[field].strip() if field == "name" else fields[field]
    if "name" in changes and not changes["name"]:
        errors["name"] = "Give the behaviour a name."
    if fields.get("levels") is not None:
        changes["levels"] = _levels(fields["levels"], errors)
    changed = events.diff(behaviour, changes)
    validate(behaviour, errors)
    if changed:
        bump_version(behaviour)
        behaviour.save()
        events.emit(actor, "behaviour.updated", behaviour, data={"changes": changed, "key": behaviour.key})
    return behaviour


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


def _creditable(workspace_id: int, person_id: int | None) -> Person | None:
    """Evidence only for people of the event's workspace (staff, not a client's portal user)."""
    if person_id is None:
        return None
    return Person.objects.filter(workspace_id=workspace_id, pk=person_id).exclude(membership__role="client").first()


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


def _growth_person(actor: Actor, person_id: Any, errors: dict[str, str], field: str = "person_id") -> Person | None:
    if person_id is None:
        errors[field] = NO_SUCH_PERSON
        return None
    return person_of_workspace(actor.workspace, person_id, field, errors, staff=True)


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


# --- Assessments --------------------------------------------------------------------------------------------------


def period_bounds(period: str) -> tuple[date, date]:
    """`2026-H1` → (2026-01-01, 2026-06-30); `2026-Q3` → (2026-07-01, 2026-09-30)."""
    match = PERIOD_RE.match(period)
    if match is None:
        raise ValueError(period)
    year, part = int(match.group(1)), match.group(2)
    first_month = {"H1": 1, "H2": 7, "Q1": 1, "Q2": 4, "Q3": 7, "Q4": 10}[part]
    months = 6 if part.startswith("H") else 3
    start = date(year, first_month, 1)
    end_month = first_month + months
    end = date(year + 1, 1, 1) if end_month > 12 else date(year, end_month, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def current_period(today: date | None = None) -> str:
    today = today or timezone.localdate()
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def _scores(workspace: Workspace, scores: Any, errors: dict[str, str]) -> dict[str, int]:
    """Scores are 1-5 per behaviour key of the framework; every bad one is named `scores.<key>`."""
    if not isinstance(scores, dict) or not scores:
        errors["scores"] = 'Score at least one behaviour from 1 to 5, e.g. {"trust.clarity": 3}.'
        return {}
    known = set(Behaviour.objects.filter(workspace=workspace, active=True).values_list("key", flat=True))
    clean: dict[str, int] = {}
    for key, value in scores.items():
        if key not in known:
            errors[f"scores.{key}"] = f"“{key}” is not a behaviour of this workspace's framework."
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors[f"scores.{key}"] = "A score is a whole number from 1 to 5."
        else:
            clean[key] = value
    return clean


@transaction.atomic
def assessment_create(
    *,
    actor: Actor,
    person_id: int,
    kind: str,
    period: str,
    scores: dict[str, Any],
    note: str = "",
) -> Assessment:
    """A self-assessment (by the person) or a manager assessment (by their manager or an owner/admin, never of
    oneself) for one period."""
    access.require(actor, "growth_record", "create")
    framework_ensure(actor.workspace)
    errors: dict[str, str] = {}
    person = _growth_person(actor, person_id, errors)
    if person is not None:
        access.require(actor, "growth_record", "create", person)
        own = person.id == actor.person_id
        if kind == AssessmentKind.SELF and not own:
            raise PermissionDenied("Only the person themselves writes their self-assessment.")
        if kind == AssessmentKind.MANAGER and own:
            raise PermissionDenied("A manager assessment is written by someone's manager, not by them.")
    if kind not in AssessmentKind.values:
        errors["kind"] = "Kind is self or manager."
    if not isinstance(period, str) or not PERIOD_RE.match(period):
        errors["period"] = "Name the period as a half or a quarter: 2026-H1, 2026-Q3."
    clean = _scores(actor.workspace, scores, errors)
    if (
        person is not None
        and not errors
        and Assessment.objects.filter(person=person, kind=kind, period=period).exists()
    ):
        errors["period"] = f"There is already a {kind} assessment of {person.name} for {period}; edit it instead."
    if errors or person is None:
        raise ValidationError(errors)
    assessment = Assessment(
        workspace=actor.workspace,
        person=person,
        assessor_id=actor.person_id,
        kind=kind,
        period=period,
        scores=clean,
        note=note or "",
    )
    validate(assessment)
    assessment.save()
    events.emit(actor, "assessment.created", assessment, data={"person_id": person.id, "kind": kind, "period": period})
    return assessment


@transaction.atomic
def assessment_update(
    *,
    actor: Actor,
    assessment: Assessment,
    version: int | None,
    scores: dict[str, Any] | None = None,
    note: str | None = None,
) -> Assessment:
    """Change scores (merged over the existing ones) or the note; by whoever wrote it, or an owner/admin."""
    assessment = Assessment.objects.select_for_update().select_related("person").get(pk=assessment.pk)
    access.require(actor, "growth_record", "update", assessment.person)
    if not actor.is_leader and assessment.assessor_id != actor.person_id:
        raise PermissionDenied("Only whoever wrote this assessment may change it.")
    check_version(assessment, version)
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    if scores is not None:
        changes["scores"] = {**assessment.scores, **_scores(actor.workspace, scores, errors)}
    if note is not None:
        changes["note"] = note
    if errors:
        raise ValidationError(errors)
    changed = events.diff(assessment, changes)
    validate(assessment)
    if changed:
        bump_version(assessment)
        assessment.save()
        events.emit(
            actor,
            "assessment.updated",
            assessment,
            data={"person_id": assessment.person_id, "kind": assessment.kind, "period": assessment.period},
        )
    return assessment


# --- Development plans --------------------------------------------------------------------------------------------


def _plan_person(actor: Actor, person_id: Any) -> Person:
    errors: dict[str, str] = {}
    access.require(actor, "growth_record", "create")
    person = _growth_person(actor, person_id, errors)
    if person is None:
        raise ValidationError(errors)
    access.require(actor, "growth_record", "create", person)
    return person


@transaction.atomic
def goal_create(
    *,
    actor: Actor,
    person_id: int,
    trait: str,
    title: str,
    description: str = "",
    due_on: date | None = None,
    actions: list[str] | None = None,
) -> DevelopmentGoal:
    """A development goal for one trait, set by the person or their manager, with its first actions."""
    person = _plan_person(actor, person_id)
    framework_ensure(actor.workspace)
    errors: dict[str, str] = {}
    found = Trait.objects.filter(workspace=actor.workspace, key=trait).first()
    if found is None:
        errors["trait"] = "Choose one of the five traits."
    if not (title or "").strip():
        errors["title"] = "Name the goal."
    if errors or found is None:
        raise ValidationError(errors)
    goal = DevelopmentGoal(
        workspace=actor.workspace,
        person=person,
        trait=found,
        title=title.strip(),
        description=description or "",
        due_on=due_on,
        created_by_id=actor.person_id,
    )
    validate(goal)
    goal.save()
    for text in actions or []:
        if text.strip():
            GoalAction.objects.create(workspace=actor.workspace, goal=goal, text=text.strip()[:300])
    events.emit(actor, "development_goal.created", goal, data={"person_id": person.id, "trait": found.key})
    return goal


@transaction.atomic
def goal_set_status(*, actor: Actor, goal: DevelopmentGoal, status: str) -> DevelopmentGoal:
    goal = DevelopmentGoal.objects.select_for_update().select_related("person").get(pk=goal.pk)
    access.require(actor, "growth_record", "update", goal.person)
    if status not in GoalStatus.values:
        raise ValidationError({"status": "Status is open, done or dropped."})
    changed = events.diff(goal, {"status": status})
    if changed:
        bump_version(goal)
        goal.save()
        events.emit(actor, "development_goal.updated", goal, data={"changes": changed, "person_id": goal.person_id})
    return goal


@transaction.atomic
def goal_action_add(*, actor: Actor, goal: DevelopmentGoal, text: str, due_on: date | None = None) -> GoalAction:
    access.require(actor, "growth_record", "update", goal.person)
    if not (text or "").strip():
        raise ValidationError({"text": "Say what you will do."})
    action = GoalAction(workspace=actor.workspace, goal=goal, text=text.strip(), due_on=due_on)
    validate(action)
    action.save()
    events.emit(actor, "goal_action.created", action, data={"goal_id": goal.id, "person_id": goal.person_id})
    return action


@transaction.atomic
def goal_action_toggle(*, actor: Actor, action: GoalAction) -> GoalAction:
    action = GoalAction.objects.select_for_update().select_related("goal__person").get(pk=action.pk)
    access.require(actor, "growth_record", "update", action.goal.person)
    action.done_at = None if action.done_at else timezone.now()
    bump_version(action)
    action.save()
    verb = "goal_action.completed" if action.done_at else "goal_action.reopened"
    events.emit(actor, verb, action, data={"goal_id": action.goal_id, "person_id": action.goal.person_id})
    return action


@transaction.atomic
def goal_check_in(*, actor: Actor, goal: DevelopmentGoal, note: str, on_track: bool = True) -> GoalCheckIn:
    """A check-in on a goal by the person or their manager."""
    access.require(actor, "growth_record", "update", goal.person)
    if not (note or "").strip():
        raise ValidationError({"note": "Say how it is going."})
    check_in = GoalCheckIn(
        workspace=actor.workspace, goal=goal, author_id=actor.person_id, note=note.strip(), on_track=on_track
    )
    validate(check_in)
    check_in.save()
    events.emit(actor, "goal_check_in.created", check_in, data={"goal_id": goal.id, "person_id": goal.person_id})
    return check_in


# --- Practice -----------------------------------------------------------------------------------------------------


def _trait_scores(workspace: Workspace, scores: Any, errors: dict[str, str]) -> dict[str, int]:
    if not isinstance(scores, dict):
        errors["scores"] = "Rate each trait from 1 to 5."
        return {}
    known = set(Trait.objects.filter(workspace=workspace).values_list("key", flat=True))
    clean: dict[str, int] = {}
    for key, value in scores.items():
        if value in (None, ""):
            continue
        if key not in known:
            errors[f"scores.{key}"] = f"“{key}” is not a trait."
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors[f"scores.{key}"] = "A rating is a whole number from 1 to 5."
        else:
            clean[key] = value
    if not clean and not errors:
        errors["scores"] = "Rate at least one trait."
    return clean


@transaction.atomic
def practice_log(
    *,
    actor: Actor,
    scenario_id: int,
    person_id: int | None = None,
    practised_on: date | None = None,
    reflection: str = "",
    partner_id: int | None = None,
) -> PracticeSession:
    """Record a practice of a scenario (one's own, or a report's by their manager), with the peer who played the
    client (who may then rate it)."""
    person = _plan_person(actor, person_id if person_id is not None else actor.person_id)
    errors: dict[str, str] = {}
    scenario = PracticeScenario.objects.filter(workspace=actor.workspace, pk=scenario_id).first()
    if scenario is None:
        errors["scenario_id"] = "No such scenario in the practice library."
    partner = _growth_person(actor, partner_id, errors, "partner_id") if partner_id is not None else None
    if partner is not None and partner.id == person.id:
        errors["partner_id"] = "Practise with someone else."
    if errors or scenario is None:
        raise ValidationError(errors)
    session = PracticeSession(
        workspace=actor.workspace,
        scenario=scenario,
        person=person,
        practised_on=practised_on or timezone.localdate(),
        reflection=reflection or "",
        partner=partner,
    )
    validate(session)
    session.save()
    events.emit(actor, "practice_session.created", session, data={"person_id": person.id, "scenario_id": scenario.id})
    return session


@transaction.atomic
def practice_rate(
    *, actor: Actor, session: PracticeSession, scores: dict[str, Any], feedback: str = ""
) -> PracticeRating:
    """A rating of someone's practice by the peer who practised with them, their manager or an owner/admin."""
    access.require(actor, "growth_record", "create")
    if actor.person_id is None or session.person_id == actor.person_id:
        raise PermissionDenied("Practice is rated by a peer or a manager, not by the person who practised.")
    if session.partner_id != actor.person_id and not access.allowed(actor, "growth_record", "view", session.person):
        raise PermissionDenied("Only the practice partner or the person's manager rates this session.")
    errors: dict[str, str] = {}
    clean = _trait_scores(actor.workspace, scores, errors)
    if PracticeRating.objects.filter(session=session, rater_id=actor.person_id).exists():
        raise Conflict("You already rated this practice session.")
    if errors:
        raise ValidationError(errors)
    rating = PracticeRating(
        workspace=actor.workspace, session=session, rater_id=actor.person_id, scores=clean, feedback=feedback or ""
    )
    validate(rating, exclude=["session", "rater"])
    rating.save()
    events.emit(
        actor, "practice_rating.created", rating, data={"session_id": session.id, "person_id": session.person_id}
    )
    return rating


@transaction.atomic
def scenario_save(
    *,
    actor: Actor,
    scenario: PracticeScenario | None,
    title: str,
    situation: str,
    rubric: dict[str, str],
    active: bool = True,
) -> PracticeScenario:
    """Add a practice scenario, or change one (owners/admins): a situation and what good looks like per trait."""
    access.require(actor, "growth_framework", "update")
    framework_ensure(actor.workspace)
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = "Name the scenario."
    if not (situation or "").strip():
        errors["situation"] = "Describe the situation to role-play."
    known = set(Trait.objects.filter(workspace=actor.workspace).values_list("key", flat=True))
    clean = {k: v.strip() for k, v in (rubric or {}).items() if k in known and isinstance(v, str) and v.strip()}
    if not clean:
        errors["rubric"] = "Say what good looks like for at least one trait."
    if errors:
        raise ValidationError(errors)
    created = scenario is None
    if scenario is None:
        scenario = PracticeScenario(
            workspace=actor.workspace, position=PracticeScenario.objects.filter(workspace=actor.workspace).count()
        )
    else:
        scenario = PracticeScenario.objects.select_for_update().get(pk=scenario.pk)
        bump_version(scenario)
    scenario.title, scenario.situation = title.strip(), situation.strip()
    scenario.rubric, scenario.active = clean, active
    validate(scenario)
    scenario.save()
    events.emit(actor, "practice_scenario.created" if created else "practice_scenario.updated", scenario)
    return scenario


# --- Project reviews ----------------------------------------------------------------------------------------------


def review_open_for_event(event: Event) -> ProjectReview | None:
    """A project that went to done opens a review for its client's AM (once per project x AM)."""
    project = (
        Project.objects.select_related("client", "workspace")
        .filter(pk=event.target_id, workspace_id=event.workspace_id)
        .first()
    )
    if project is None or not project.client.account_manager_id:
        return None
    person = _creditable(event.workspace_id, project.client.account_manager_id)
    if person is None:
        return None
    return review_open(project=project, person=person)


@transaction.atomic
def review_open(*, project: Any, person: Person) -> ProjectReview:
    """Open the review of `person` (the client's AM) on a finished project, once."""
    review, created = ProjectReview.objects.get_or_create(
        project=project, person=person, defaults={"workspace_id": project.workspace_id}
    )
    if created:
        events.emit(
            Actor.system(project.workspace),
            "project_review.opened",
            review,
            data={"project_id": project.id, "person_id": person.id},
            client_id=project.client_id,
        )
    return review


@transaction.atomic
def review_complete(*, actor: Actor, review: ProjectReview, feedback: dict[str, str]) -> ProjectReview:
    """The AM's manager (or an owner/admin) writes the review: feedback per trait."""
    review = ProjectReview.objects.select_for_update().select_related("person").get(pk=review.pk)
    access.require(actor, "growth_record", "update", review.person)
    if review.person_id == actor.person_id and not actor.is_leader:
        raise PermissionDenied("A project review is written by the AM's manager.")
    if review.status == ReviewStatus.DONE:
        raise Conflict("This review is complete already.")
    known = set(Trait.objects.filter(workspace=actor.workspace).values_list("key", flat=True))
    clean = {k: v.strip() for k, v in (feedback or {}).items() if k in known and isinstance(v, str) and v.strip()}
    if not clean:
        raise ValidationError({"feedback": "Give feedback on at least one trait."})
    review.feedback = clean
    review.status = ReviewStatus.DONE
    review.reviewer_id = actor.person_id
    review.completed_at = timezone.now()
    bump_version(review)
    review.save()
    events.emit(
        actor,
        "project_review.completed",
        review,
        data={"project_id": review.project_id, "person_id": review.person_id},
    )
    return review
