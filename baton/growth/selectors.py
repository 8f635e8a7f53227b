"""Reads for growth. A person's growth record is visible to them, their manager (Person.lead, up the chain) and
owners/admins; everything else answers 404 (a record) or 403 (naming a person whose record you may not see)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.core.selectors import one_or_404
from baton.growth.models import (
    Assessment,
    Behaviour,
    DevelopmentGoal,
    Evidence,
    EvidenceRule,
    Polarity,
    PracticeScenario,
    PracticeSession,
    ProjectReview,
    Trait,
)
from baton.growth.services import PERIOD_RE, framework_ensure, period_bounds
from baton.people.models import Person


def require_framework_view(actor: Actor) -> None:
    access.require(actor, "growth_framework", "view")
    framework_ensure(actor.workspace)


def require_record_view(actor: Actor) -> None:
    access.require(actor, "growth_record", "view")
    framework_ensure(actor.workspace)


# --- Who sees whom ------------------------------------------------------------------------------------------------


def report_ids(actor: Actor) -> set[int]:
    """The people who report to the actor, directly or further down (one query)."""
    if not actor.person_id:
        return set()
    children: dict[int, list[int]] = defaultdict(list)
    for pid, lead_id in Person.objects.filter(workspace=actor.workspace, lead__isnull=False).values_list(
        "id", "lead_id"
    ):
        children[lead_id].append(pid)
    found: set[int] = set()
    todo = list(children.get(actor.person_id, []))
    while todo:
        pid = todo.pop()
        if pid in found or pid == actor.person_id:
            continue
        found.add(pid)
        todo.extend(children.get(pid, []))
    return found


def visible_people(actor: Actor) -> QuerySet[Person]:
    """Whose growth record the actor sees: everyone on staff (owner/admin), else itself and its reports."""
    qs = (
        Person.objects.filter(workspace=actor.workspace).exclude(membership__role="client").select_related("membership")
    )
    if actor.is_leader:
        return qs
    return qs.filter(pk__in={actor.person_id or 0} | report_ids(actor))


def growth_person(actor: Actor, person_id: int) -> Person:
    """A person whose growth record the actor may see: another workspace's or unknown → 404; a known person whose
    record the actor may not see → 403."""
    require_record_view(actor)
    person = one_or_404(
        (
            Person.objects.select_related("membership")
            .filter(workspace=actor.workspace, pk=person_id)
            .exclude(membership__role="client")
        ),
        "person",
    )
    if not access.allowed(actor, "growth_record", "view", person):
        raise PermissionDenied("You may see only your own growth record and your reports'.")
    return person


def team(actor: Actor) -> list[Person]:
    """The people a manager looks after (not itself): its reports; owners/admins everyone with growth data or an AM."""
    require_record_view(actor)
    if actor.is_leader:
        qs = visible_people(actor).filter(
            Q(membership__role="account_manager") | Q(pk__in=report_ids(actor)) | Q(growth_assessments__isnull=False)
        )
    else:
        qs = visible_people(actor)
    return list(qs.exclude(pk=actor.person_id or 0).filter(active=True).distinct().order_by("name"))


# --- The framework ------------------------------------------------------------------------------------------------


def traits(actor: Actor) -> list[Trait]:
    require_framework_view(actor)
    return list(
        Trait.objects.filter(workspace=actor.workspace).prefetch_related("behaviours").order_by("position", "id")
    )


def trait_get(actor: Actor, trait_id: int) -> Trait:
    if actor.is_client:
        raise Http404("No such trait.")
    require_framework_view(actor)
    return one_or_404(Trait.objects.filter(workspace=actor.workspace, pk=trait_id), "trait")


def behaviour_get(actor: Actor, behaviour_id: int) -> Behaviour:
    if actor.is_client:
        raise Http404("No such behaviour.")
    require_framework_view(actor)
    behaviour = one_or_404(
        Behaviour.objects.select_related("trait").filter(workspace=actor.workspace, pk=behaviour_id), "behaviour"
    )
    return behaviour


def behaviours(actor: Actor, *, active_only: bool = True) -> list[Behaviour]:
    require_framework_view(actor)
    qs = Behaviour.objects.filter(workspace=actor.workspace).select_related("trait")
    if active_only:
        qs = qs.filter(active=True)
    return list(qs.order_by("trait__position", "position", "id"))


def rules(actor: Actor) -> QuerySet[EvidenceRule]:
    require_framework_view(actor)
    return EvidenceRule.objects.filter(workspace=actor.workspace).select_related("behaviour").order_by("verb", "id")


def rule_get(actor: Actor, rule_id: int) -> EvidenceRule:
    if actor.is_client:
        raise Http404("No such rule.")
    return one_or_404(rules(actor).filter(pk=rule_id), "rule")


def scenarios(actor: Actor) -> list[PracticeScenario]:
    require_framework_view(actor)
    return list(PracticeScenario.objects.filter(workspace=actor.workspace, active=True).order_by("position", "id"))


def scenario_get(actor: Actor, scenario_id: int) -> PracticeScenario:
    require_framework_view(actor)
    return one_or_404(PracticeScenario.objects.filter(workspace=actor.workspace, pk=scenario_id), "scenario")


# --- Evidence -----------------------------------------------------------------------------------------------------


def _day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def evidence_list(
    actor: Actor,
    *,
    person_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    trait: str | None = None,
    behaviour: str | None = None,
    source: str | None = None,
    polarity: str | None = None,
) -> QuerySet[Evidence]:
    require_record_view(actor)
    qs = Evidence.objects.filter(workspace=actor.workspace).select_related("behaviour", "person", "author")
    if person_id is not None:
        qs = qs.filter(person=growth_person(actor, person_id))
    elif not actor.is_leader:
        qs = qs.filter(person_id__in={actor.person_id or 0} | report_ids(actor))
    if start is not None:
        qs = qs.filter(occurred_at__gte=_day_start(start))
    if end is not None:
        qs = qs.filter(occurred_at__lt=_day_start(date.fromordinal(end.toordinal() + 1)))
    if trait:
        qs = qs.filter(behaviour__key__startswith=f"{trait}.")
    if behaviour:
        qs = qs.filter(behaviour__key=behaviour)
    if source:
        qs = qs.filter(source=source)
    if polarity:
        qs = qs.filter(polarity=polarity)
    return qs.order_by("-occurred_at", "-id")


# --- Assessments --------------------------------------------------------------------------------------------------


def assessment_list(
    actor: Actor, *, person_id: int | None = None, period: str | None = None, kind: str | None = None
) -> QuerySet[Assessment]:
    require_record_view(actor)
    qs = Assessment.objects.filter(workspace=actor.workspace).select_related("person", "assessor")
    if person_id is not None:
        qs = qs.filter(person=growth_person(actor, person_id))
    elif not actor.is_leader:
        qs = qs.filter(person_id__in={actor.person_id or 0} | report_ids(actor))
    if period:
        qs = qs.filter(period=period)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-period", "person__name", "kind", "id")


def assessment_get(actor: Actor, assessment_id: int) -> Assessment:
    if actor.is_client:
        raise Http404("No such assessment.")
    return one_or_404(assessment_list(actor).filter(pk=assessment_id), "assessment")


# --- The profile --------------------------------------------------------------------------------------------------


def _mean(values: list[int]) -> float | None:
    """The mean score, one decimal rounded half up (scores are not money; a float is fine in the API)."""
    if not values:
        return None
    mean = Decimal(sum(values)) / Decimal(len(values))
    return float(mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _framework_rows(actor: Actor) -> tuple[list[Trait], list[Behaviour]]:
    trait_rows = list(Trait.objects.filter(workspace=actor.workspace).order_by("position", "id"))
    behaviour_rows = list(
        Behaviour.objects.filter(workspace=actor.workspace, active=True).order_by("trait__position", "position", "id")
    )
    return trait_rows, behaviour_rows


def _in_period(occurred_at: datetime, period: str | None) -> bool:
    if period is None:
        return True
    start, end = period_bounds(period)
    return _day_start(start) <= occurred_at < _day_start(date.fromordinal(end.toordinal() + 1))


def _build_profile(
    person: Person,
    trait_rows: list[Trait],
    behaviour_rows: list[Behaviour],
    assessments: list[Assessment],
    evidence_rows: list[tuple[str, str, datetime]],
    period: str | None,
) -> dict[str, Any]:
    """The profile arithmetic, from rows already read (so a team costs the same few queries as one person)."""
    trait_of = {b.key: b.key.split(".", 1)[0] for b in behaviour_rows}
    periods = sorted({a.period for a in assessments})
    chosen = period or (periods[-1] if periods else None)

    def scores_of(kind: str, p: str | None) -> dict[str, int]:
        return dict(next((a.scores for a in assessments if a.kind == kind and a.period == p), {}))

    def means(kind: str, p: str | None) -> dict[str, float | None]:
        per_trait: dict[str, list[int]] = defaultdict(list)
        for key, value in scores_of(kind, p).items():
            if key in trait_of:
                per_trait[trait_of[key]].append(int(value))
        return {t.key: _mean(per_trait.get(t.key, [])) for t in trait_rows}

    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"positive": 0, "negative": 0})
    for key, polarity, occurred_at in evidence_rows:
        if _in_period(occurred_at, chosen):
            counts[key]["positive" if polarity == Polarity.POSITIVE else "negative"] += 1
    self_means, manager_means = means("self", chosen), means("manager", chosen)
    self_scores, manager_scores = scores_of("self", chosen), scores_of("manager", chosen)
    traits_out = []
    for t in trait_rows:
        keys = [b for b in behaviour_rows if trait_of[b.key] == t.key]
        positive = sum(counts[b.key]["positive"] for b in keys)
        negative = sum(counts[b.key]["negative"] for b in keys)
        traits_out.append(
            {
                "trait": t.key,
                "name": t.name,
                "self": self_means[t.key],
                "manager": manager_means[t.key],
                "evidence_positive": positive,
                "evidence_negative": negative,
                "evidence": {"positive": positive, "negative": negative, "net": positive - negative},
                "behaviours": [
                    {
                        "key": b.key,
                        "name": b.name,
                        "self": self_scores.get(b.key),
                        "manager": manager_scores.get(b.key),
                        "evidence_positive": counts[b.key]["positive"],
                        "evidence_negative": counts[b.key]["negative"],
                    }
                    for b in keys
                ],
            }
        )
    trend = [{"period": p, "self": means("self", p), "manager": means("manager", p)} for p in periods]
    return {
        "person_id": person.id,
        "person_name": person.name,
        "period": chosen,
        "periods": periods,
        "traits": traits_out,
        "trend": trend,
    }


def profile(actor: Actor, person_id: int, *, period: str | None = None) -> dict[str, Any]:
    """Per trait: the mean self and manager score of its behaviours in the period (default: the latest assessed),
    and the evidence (positive, negative) within the period's dates (all time when nothing is assessed yet).
    `trend` has the self and manager means of every assessed period, oldest first."""
    person = growth_person(actor, person_id)
    if period is not None and not PERIOD_RE.match(period):
        raise ValidationError({"period": "Name the period as a half or a quarter: 2026-H1, 2026-Q3."})
    trait_rows, behaviour_rows = _framework_rows(actor)
    assessments = list(Assessment.objects.filter(person=person).order_by("period", "kind"))
    evidence = Evidence.objects.filter(person=person)
    if period is not None:  # else the latest assessed period, decided once the assessments are read
        start, end = period_bounds(period)
        evidence = evidence.filter(
            occurred_at__gte=_day_start(start), occurred_at__lt=_day_start(date.fromordinal(end.toordinal() + 1))
        )
    rows = list(evidence.values_list("behaviour__key", "polarity", "occurred_at"))
    return _build_profile(person, trait_rows, behaviour_rows, assessments, rows, period)


def team_profiles(actor: Actor, people: list[Person]) -> dict[int, dict[str, Any]]:
    """Each person's profile for their latest assessed period, in a fixed number of queries."""
    trait_rows, behaviour_rows = _framework_rows(actor)
    ids = [p.id for p in people]
    assessments: dict[int, list[Assessment]] = defaultdict(list)
    for a in Assessment.objects.filter(person_id__in=ids).order_by("period", "kind"):
        assessments[a.person_id].append(a)
    evidence: dict[int, list[tuple[str, str, datetime]]] = defaultdict(list)
    for pid, key, polarity, occurred_at in Evidence.objects.filter(person_id__in=ids).values_list(
        "person_id", "behaviour__key", "polarity", "occurred_at"
    ):
        evidence[pid].append((key, polarity, occurred_at))
    return {
        p.id: _build_profile(p, trait_rows, behaviour_rows, assessments[p.id], evidence[p.id], None) for p in people
    }


SUPPORT_BELOW = 2.5


def support_needed(profile_data: dict[str, Any]) -> list[str]:
    """Traits where someone needs support: scored below 2.5 (manager's score, else their own), or more
    counter-evidence than evidence."""
    flagged = []
    for row in profile_data["traits"]:
        score = row["manager"] if row["manager"] is not None else row["self"]
        if (score is not None and score < SUPPORT_BELOW) or row["evidence_negative"] > row["evidence_positive"]:
            flagged.append(row["trait"])
    return flagged


# --- Plans, practice, reviews -------------------------------------------------------------------------------------


def goals(actor: Actor, person: Person) -> list[DevelopmentGoal]:
    return list(
        DevelopmentGoal.objects.filter(person=person)
        .select_related("trait", "created_by")
        .prefetch_related("actions", "check_ins__author")
        .order_by("status", "due_on", "id")
    )


def goal_get(actor: Actor, goal_id: int) -> DevelopmentGoal:
    goal = (
        DevelopmentGoal.objects.select_related("person", "trait").filter(workspace=actor.workspace, pk=goal_id).first()
    )
    if goal is None or not access.allowed(actor, "growth_record", "view", goal.person):
        raise Http404("No such goal.")
    return goal


def practice_sessions(actor: Actor, person: Person) -> list[PracticeSession]:
    return list(
        PracticeSession.objects.filter(person=person)
        .select_related("scenario")
        .prefetch_related("ratings__rater")
        .order_by("-practised_on", "-id")
    )


def practice_session_get(actor: Actor, session_id: int) -> PracticeSession:
    """A practice session: seen by its person, their managers, owners/admins and the peer who practised with them."""
    require_record_view(actor)
    session = (
        PracticeSession.objects.select_related("person", "scenario", "partner")
        .filter(workspace=actor.workspace, pk=session_id)
        .first()
    )
    partner = session is not None and actor.person_id is not None and session.partner_id == actor.person_id
    if session is None or not (partner or access.allowed(actor, "growth_record", "view", session.person)):
        raise Http404("No such practice session.")
    return session


def practice_to_rate(actor: Actor) -> list[PracticeSession]:
    """Sessions the actor practised with someone (as the peer partner) and has not rated yet."""
    if not actor.person_id:
        return []
    return list(
        PracticeSession.objects.filter(workspace=actor.workspace, partner_id=actor.person_id)
        .exclude(ratings__rater_id=actor.person_id)
        .select_related("person", "scenario")
        .order_by("-practised_on")
    )


def reviews(actor: Actor, person: Person) -> list[ProjectReview]:
    return list(ProjectReview.objects.filter(person=person).select_related("project", "reviewer"))


def review_get(actor: Actor, review_id: int) -> ProjectReview:
    review = (
        ProjectReview.objects.select_related("person", "project")
        .filter(workspace=actor.workspace, pk=review_id)
        .first()
    )
    if review is None or not access.allowed(actor, "growth_record", "view", review.person):
        raise Http404("No such review.")
    return review


def open_reviews_to_write(actor: Actor) -> list[ProjectReview]:
    """Open reviews of the actor's reports (all, for owners/admins)."""
    qs = ProjectReview.objects.filter(workspace=actor.workspace, status="open").select_related("person", "project")
    if not actor.is_leader:
        qs = qs.filter(person_id__in=report_ids(actor))
    return list(qs.order_by("created_at"))
