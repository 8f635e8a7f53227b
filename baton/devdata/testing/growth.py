"""Records for the access matrix (baton/core/tests/test_access_matrix.py): the framework, evidence and a
self-assessment for every staff person of a workspace, so each one's own lists have rows; `lead` becomes the
member's manager (Person.lead), so the matrix covers a manager seeing a report's record."""

from __future__ import annotations

from django.utils import timezone

from baton.core.models import Workspace
from baton.growth.models import Assessment, Behaviour, Evidence, EvidenceRule, Trait
from baton.growth.services import framework_ensure
from baton.people.models import Person

MATRIX_PERIOD = "2030-H1"


def make_growth_records(*, workspace: Workspace, member: Person, lead: Person | None = None) -> dict[str, int]:
    framework_ensure(workspace)
    if lead is not None:
        Person.objects.filter(pk=member.pk).update(lead=lead)
    behaviour = Behaviour.objects.get(workspace=workspace, key="trust.clarity")
    target = None
    for person in Person.objects.filter(workspace=workspace).exclude(membership__role="client"):
        Evidence.objects.create(
            workspace=workspace,
            person=person,
            behaviour=behaviour,
            source="manual",
            occurred_at=timezone.now(),
            summary="Explained the change order before starting.",
        )
        assessment = Assessment.objects.create(
            workspace=workspace,
            person=person,
            assessor=person,
            kind="self",
            period=MATRIX_PERIOD,
            scores={"trust.clarity": 3, "leadership.tone": 4},
        )
        if person.pk == member.pk:
            target = assessment
    assert target is not None
    return {
        "trait_id": Trait.objects.get(workspace=workspace, key="trust").id,
        "behaviour_id": behaviour.id,
        "evidence_rule_id": EvidenceRule.objects.filter(workspace=workspace).order_by("id").first().id,  # type: ignore[union-attr]
        "assessment_id": target.id,
    }
