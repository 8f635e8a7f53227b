"""Practice: logged sessions, their ratings and saved scenarios."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Workspace
from baton.core.services import bump_version, validate
from baton.growth.models import (
    PracticeRating,
    PracticeScenario,
    PracticeSession,
    Trait,
)
from baton.growth.services._common import _growth_person, _plan_person
from baton.growth.services.framework import framework_ensure

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
