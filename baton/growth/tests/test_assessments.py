"""Assessments (validation, who may write and read them), the profile arithmetic, manual evidence and the API."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from baton.devdata.testing.personas import Personas
from baton.growth import selectors, services
from baton.growth.models import Assessment, Behaviour, Evidence
from baton.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(personas: Personas) -> Personas:
    """The am reports to the pm; the member reports to the am (so the pm manages both, up the chain)."""
    Person.objects.filter(pk=personas["am"].person.pk).update(lead=personas["pm"].person)
    Person.objects.filter(pk=personas["member"].person.pk).update(lead=personas["am"].person)
    services.framework_ensure(personas.workspace)
    return personas


def _at(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T12:00:00"))


def _evidence(p: Personas, who: str, key: str, polarity: str, day: str) -> Evidence:
    return Evidence.objects.create(
        workspace=p.workspace,
        person=p[who].person,
        behaviour=Behaviour.objects.get(workspace=p.workspace, key=key),
        polarity=polarity,
        source="manual",
        occurred_at=_at(day),
        summary="seen",
    )


def test_framework_is_seeded_once_with_five_traits(personas):
    services.framework_ensure(personas.workspace)
    services.framework_ensure(personas.workspace)
    traits = selectors.traits(personas["member"].actor)
    assert [t.key for t in traits] == ["trust", "alignment", "growth", "strategic_thinking", "leadership"]
    keys = {b.key for t in traits for b in t.behaviours.all()}
    assert {"trust.clarity", "alignment.shared_understanding", "leadership.emotional_steadiness"} <= keys
    assert len(keys) == 13
    assert all(set(b.levels) == {"1", "2", "3", "4", "5"} for t in traits for b in t.behaviours.all())


def test_scores_are_validated_per_behaviour_key(team):
    with pytest.raises(ValidationError) as exc:
        services.assessment_create(
            actor=team["am"].actor,
            person_id=team["am"].person.id,
            kind="self",
            period="2026-H3",
            scores={"trust.clarity": 6, "trust.reliability": 0, "trust.nothing": 3, "leadership.tone": True},
        )
    assert set(exc.value.message_dict) == {
        "period",
        "scores.trust.clarity",
        "scores.trust.reliability",
        "scores.trust.nothing",
        "scores.leadership.tone",
    }
    assert not Assessment.objects.exists()


def test_self_and_manager_assessments_are_written_by_the_right_people(team):
    am, pm, member, finance = team["am"], team["pm"], team["member"], team["finance"]
    services.assessment_create(
        actor=am.actor, person_id=am.person.id, kind="self", period="2026-H1", scores={"trust.clarity": 3}
    )
    with pytest.raises(PermissionDenied):  # someone else's self-assessment
        services.assessment_create(
            actor=pm.actor, person_id=am.person.id, kind="self", period="2026-H1", scores={"trust.clarity": 3}
        )
    with pytest.raises(PermissionDenied):  # one's own manager assessment
        services.assessment_create(
            actor=am.actor, person_id=am.person.id, kind="manager", period="2026-H1", scores={"trust.clarity": 5}
        )
    with pytest.raises(PermissionDenied):  # not the manager
        services.assessment_create(
            actor=finance.actor, person_id=am.person.id, kind="manager", period="2026-H1", scores={"trust.clarity": 2}
        )
    with pytest.raises(PermissionDenied):  # a member about its manager
        services.assessment_create(
            actor=member.actor, person_id=am.person.id, kind="manager", period="2026-H1", scores={"trust.clarity": 2}
        )
    services.assessment_create(
        actor=pm.actor, person_id=am.person.id, kind="manager", period="2026-H1", scores={"trust.clarity": 4}
    )
    # The pm manages the member too (the member reports to the am, who reports to the pm).
    services.assessment_create(
        actor=pm.actor, person_id=member.person.id, kind="manager", period="2026-H1", scores={"trust.clarity": 2}
    )
    with pytest.raises(ValidationError) as exc:  # one per kind and period
        services.assessment_create(
            actor=am.actor, person_id=am.person.id, kind="self", period="2026-H1", scores={"trust.clarity": 3}
        )
    assert "period" in exc.value.message_dict


def test_a_member_never_sees_another_persons_assessments(team):
    am, pm, member, finance = team["am"], team["pm"], team["member"], team["finance"]
    mine = services.assessment_create(
        actor=am.actor, person_id=am.person.id, kind="self", period="2026-H1", scores={"trust.clarity": 3}
    )
    services.assessment_create(
        actor=member.actor, person_id=member.person.id, kind="self", period="2026-H1", scores={"trust.clarity": 4}
    )
    assert [a.person_id for a in selectors.assessment_list(member.actor)] == [member.person.id]
    assert {a.person_id for a in selectors.assessment_list(am.actor)} == {am.person.id, member.person.id}
    assert {a.person_id for a in selectors.assessment_list(pm.actor)} == {am.person.id, member.person.id}
    assert list(selectors.assessment_list(finance.actor)) == []
    assert {a.person_id for a in selectors.assessment_list(team["admin"].actor)} == {am.person.id, member.person.id}
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.assessment_get(member.actor, mine.id)
    with pytest.raises(PermissionDenied):
        selectors.profile(member.actor, am.person.id)
    with pytest.raises(PermissionDenied):
        selectors.assessment_list(finance.actor, person_id=am.person.id)
    # Nor through the event log: assessment events carry no scores.
    from baton.core.models import Event

    data = Event.objects.get(verb="assessment.created", target_id=mine.id).data
    assert data == {"person_id": am.person.id, "kind": "self", "period": "2026-H1"}


def test_only_the_author_or_an_owner_edits_an_assessment(team):
    am, pm = team["am"], team["pm"]
    own = services.assessment_create(
        actor=am.actor, person_id=am.person.id, kind="self", period="2026-H1", scores={"trust.clarity": 3}
    )
    with pytest.raises(PermissionDenied):
        services.assessment_update(actor=pm.actor, assessment=own, version=own.version, note="changed by the manager")
    updated = services.assessment_update(
        actor=am.actor, assessment=own, version=own.version, scores={"leadership.tone": 5}
    )
    assert updated.scores == {"trust.clarity": 3, "leadership.tone": 5}
    assert updated.version == 2


def test_profile_arithmetic(team):
    am, pm = team["am"], team["pm"]
    services.assessment_create(
        actor=am.actor,
        person_id=am.person.id,
        kind="self",
        period="2026-H1",
        scores={"trust.clarity": 4, "trust.reliability": 3, "trust.preparation": 4, "leadership.tone": 2},
    )
    services.assessment_create(
        actor=pm.actor,
        person_id=am.person.id,
        kind="manager",
        period="2026-H1",
        scores={"trust.clarity": 3, "trust.reliability": 2, "alignment.communication": 5},
    )
    services.assessment_create(
        actor=am.actor, person_id=am.person.id, kind="self", period="2025-H2", scores={"trust.clarity": 1}
    )
    _evidence(team, "am", "trust.clarity", "positive", "2026-02-01")
    _evidence(team, "am", "trust.reliability", "positive", "2026-03-01")
    _evidence(team, "am", "trust.reliability", "negative", "2026-06-30")
    _evidence(team, "am", "leadership.tone", "negative", "2026-04-01")
    _evidence(team, "am", "trust.clarity", "positive", "2026-07-01")  # H2: outside the period
    _evidence(team, "am", "trust.clarity", "positive", "2025-12-31")  # H2 of 2025
    _evidence(team, "member", "trust.clarity", "positive", "2026-02-01")  # someone else

    profile = selectors.profile(pm.actor, am.person.id)
    assert profile["period"] == "2026-H1" and profile["periods"] == ["2025-H2", "2026-H1"]
    by = {t["trait"]: t for t in profile["traits"]}
    assert by["trust"]["self"] == 3.7  # (4 + 3 + 4) / 3 = 3.67, one decimal half up
    assert by["trust"]["manager"] == 2.5  # (3 + 2) / 2
    assert by["trust"]["evidence_positive"] == 2 and by["trust"]["evidence_negative"] == 1
    assert by["trust"]["evidence"] == {"positive": 2, "negative": 1, "net": 1}
    assert by["alignment"]["self"] is None and by["alignment"]["manager"] == 5.0
    assert by["leadership"]["self"] == 2.0 and by["leadership"]["evidence_negative"] == 1
    assert by["growth"] == by["growth"] | {
        "self": None,
        "manager": None,
        "evidence_positive": 0,
        "evidence_negative": 0,
    }
    clarity = next(b for b in by["trust"]["behaviours"] if b["key"] == "trust.clarity")
    assert clarity == clarity | {"self": 4, "manager": 3, "evidence_positive": 1, "evidence_negative": 0}
    assert profile["trend"][0] == {
        "period": "2025-H2",
        "self": {"trust": 1.0, "alignment": None, "growth": None, "strategic_thinking": None, "leadership": None},
        "manager": {"trust": None, "alignment": None, "growth": None, "strategic_thinking": None, "leadership": None},
    }
    assert selectors.support_needed(profile) == ["leadership"]  # self 2.0 (no manager score), more counter-evidence

    older = selectors.profile(pm.actor, am.person.id, period="2025-H2")
    assert {t["trait"]: t["evidence_positive"] for t in older["traits"]}["trust"] == 1
    # Nothing assessed: evidence counts cover all time.
    member_profile = selectors.profile(pm.actor, team["member"].person.id)
    assert member_profile["period"] is None
    assert {t["trait"]: t["evidence_positive"] for t in member_profile["traits"]}["trust"] == 1


def test_period_bounds():
    from datetime import date

    assert services.period_bounds("2026-H1") == (date(2026, 1, 1), date(2026, 6, 30))
    assert services.period_bounds("2026-H2") == (date(2026, 7, 1), date(2026, 12, 31))
    assert services.period_bounds("2026-Q1") == (date(2026, 1, 1), date(2026, 3, 31))
    assert services.period_bounds("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))


def test_manual_evidence_by_the_person_or_their_manager(team):
    am, pm, finance = team["am"], team["pm"], team["finance"]
    note = services.evidence_create(
        actor=pm.actor, person_id=am.person.id, behaviour="leadership.emotional_steadiness", summary="Calm call."
    )
    assert note.source == "manual" and note.author_id == pm.person.id
    services.evidence_create(actor=am.actor, person_id=am.person.id, behaviour="growth.curiosity", summary="Asked.")
    with pytest.raises(PermissionDenied):
        services.evidence_create(actor=finance.actor, person_id=am.person.id, behaviour="growth.curiosity", summary="x")
    with pytest.raises(ValidationError) as exc:
        services.evidence_create(actor=am.actor, person_id=am.person.id, behaviour="nope", summary=" ", polarity="odd")
    assert set(exc.value.message_dict) == {"behaviour", "summary", "polarity"}
    with pytest.raises(ValidationError):
        services.evidence_create(
            actor=am.actor, person_id=team["client_a"].person.id, behaviour="growth.curiosity", summary="x"
        )


# --- Through the API ------------------------------------------------------------------------------------------------


def test_api_assessment_round_trip_and_errors(team):
    api = team["am"].api()
    bad = api.post(
        "/api/v1/growth/assessments",
        {"person_id": team["am"].person.id, "kind": "self", "period": "2026-H1", "scores": {"trust.clarity": 9}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in bad.json()["errors"]] == ["scores.trust.clarity"]

    created = api.post(
        "/api/v1/growth/assessments",
        {"person_id": team["am"].person.id, "kind": "self", "period": "2026-H1", "scores": {"trust.clarity": 4}},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body | {"scores": {"trust.clarity": 4}, "kind": "self", "assessor_id": team["am"].person.id} == body
    assert {"id", "created_at", "updated_at", "version"} <= set(body)

    stale = api.patch(
        f"/api/v1/growth/assessments/{body['id']}",
        {"note": "x"},
        content_type="application/json",
        headers={"If-Match": "7"},
    )
    assert stale.status_code == 409
    profile = api.get(f"/api/v1/growth/profile?person_id={team['am'].person.id}").json()
    trust = next(t for t in profile["traits"] if t["trait"] == "trust")
    assert trust["self"] == 4.0 and trust["manager"] is None

    traits = api.get("/api/v1/growth/traits").json()
    assert traits["count"] == 5
    assert (
        traits["results"][0]["behaviours"][0] | {"key": "trust.clarity", "trait": "trust"}
        == traits["results"][0]["behaviours"][0]
    )

    note = api.post(
        "/api/v1/growth/evidence",
        {"person_id": team["am"].person.id, "behaviour": "trust.preparation", "summary": "Agenda sent a day early."},
        content_type="application/json",
    )
    assert note.status_code == 201
    listed = api.get(f"/api/v1/growth/evidence?person_id={team['am'].person.id}&from=2000-01-01").json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert row | {"trait": "trust", "behaviour": "trust.preparation", "source": "manual", "event_id": None} == row

    member_api = team["member"].api()
    assert member_api.get(f"/api/v1/growth/profile?person_id={team['am'].person.id}").status_code == 403
    assert member_api.get(f"/api/v1/growth/assessments/{body['id']}").status_code == 404
    assert member_api.get(f"/api/v1/growth/evidence?person_id={team['am'].person.id}").status_code == 403
    assert member_api.get(f"/api/v1/growth/profile?person_id={team['outsider'].person.id}").status_code == 404
