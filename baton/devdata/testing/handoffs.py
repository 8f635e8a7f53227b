"""Handoff records for shared tests (the access matrix): in one workspace, a draft, a sent handoff and one with
gaps raised, each with the given owner and receiver, and a failure recorded against the sent one."""

from __future__ import annotations

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.handoffs import services
from baton.handoffs.models import Handoff
from baton.people.models import Person

FIELDS = {
    "primary_goals": "Grow qualified leads 30 % by Q3.",
    "objections": "Worried about ramp-up time; answered with the 30-day plan.",
    "agreed_deliverables": "Paid search and social, monthly report.",
    "timeline_expectations": "Live in four weeks.",
    "stakeholder_contacts": "Cara (marketing lead, decides).",
    "sales_commitments": "ROAS 4 after three months, validated against their margins.",
}


def make_sent_handoff(
    *, workspace: Workspace, owner: Person, receiver: Person, title: str = "Matrix handoff"
) -> Handoff:
    system = Actor.system(workspace)
    handoff = services.handoff_open(
        actor=system, kind="sales_to_account", from_person=owner, to_person=receiver, fields=FIELDS, title=title
    )
    return services.handoff_send(actor=system, handoff=handoff)


def make_handoff_records(
    *, workspace: Workspace, draft: tuple[Person, Person], sent: tuple[Person, Person], gaps: tuple[Person, Person]
) -> dict[str, int]:
    """Each pair is (owner, receiver). Returns ids by path-parameter name: `handoff_id` (the sent one),
    `draft_handoff_id`, `gaps_handoff_id`, `handoff_template_id` (sales → account)."""
    system = Actor.system(workspace)
    draft_handoff = services.handoff_open(
        actor=system,
        kind="sales_to_account",
        from_person=draft[0],
        to_person=draft[1],
        fields=FIELDS,
        title="Matrix draft",
    )
    sent_handoff = make_sent_handoff(workspace=workspace, owner=sent[0], receiver=sent[1])
    services.failure_record(
        actor=system,
        handoff=sent_handoff,
        description="Matrix failure",
        remediation_minutes=90,
        remediated_by_id=sent[1].pk,
    )
    gaps_handoff = make_sent_handoff(workspace=workspace, owner=gaps[0], receiver=gaps[1], title="Matrix gaps")
    services.handoff_raise_gaps(
        actor=Actor.for_membership(gaps[1].membership), handoff=gaps_handoff, gaps=["Which budget?"]
    )
    return {
        "handoff_id": sent_handoff.pk,
        "draft_handoff_id": draft_handoff.pk,
        "gaps_handoff_id": gaps_handoff.pk,
        "handoff_template_id": sent_handoff.template_id,
    }
