"""Assessments: periods (`2025-H1`, `2025-Q3`) and their bounds, creating and editing an assessment's scores."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.services import bump_version, check_version, validate
from baton.growth.models import (
    Assessment,
    AssessmentKind,
    Behaviour,
)
from baton.growth.services._common import _growth_person
from baton.growth.services.framework import framework_ensure

PERIOD_RE = re.compile(r"^(\d{4})-(H[12]|Q[1-4])$")


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
