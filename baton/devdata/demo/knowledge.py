"""Demo data for client knowledge: for every client its preferences, sensitivities, goals and stakeholder map, a
few decisions with their rationale and rejected alternatives; approved briefs for some projects (one re-opened as
a v2 draft), tasks already started linked to them, and comments with @mentions.

Works with whatever delivery data exists (projects and tasks are optional). Everything goes through the services,
acting as each client's account manager, so the demo leaves the same events as real use.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client, Contact
from baton.delivery.models import Project, Task, TaskStatus
from baton.knowledge import services
from baton.knowledge.models import Brief
from baton.people.models import Person

PREFERENCES = [
    "Prefers a short written summary after every call, sent the same day.",
    "Wants to see work in progress early: rough drafts beat polished surprises.",
    "Email for decisions, Slack for quick questions; no calls on Fridays.",
    "Likes options: always show two directions, with a recommendation.",
    "Reads reports on mobile: keep them to one screen and lead with the numbers.",
    "Approvals go through the marketing director; the CEO only sees final work.",
    "Monthly steering call on the first Tuesday; agenda two days ahead.",
    "Invoices must quote the purchase order number or finance rejects them.",
]
SENSITIVITIES = [
    "Never mention the competitor by name in any copy, even comparatively.",
    "The rebrand of two years ago went badly: avoid the word “refresh”.",
    "Legal reviews every claim about results; no superlatives without a source.",
    "The founder is attached to the original logo; propose changes to it carefully.",
    "Recent layoffs: keep internal-facing messaging sober, no celebratory tone.",
    "Sustainability claims are under regulatory scrutiny; only verified figures.",
    "Do not use stock photography of people; they have been criticised for it.",
]
GOALS = [
    ("Grow inbound leads", "Marketing-qualified leads per month", "120 by end of Q3"),
    ("Lower cost per acquisition", "Blended CPA", "Under $45 by year end"),
    ("Raise brand awareness in the new region", "Aided awareness (survey)", "25% by next spring"),
    ("Improve website conversion", "Checkout conversion rate", "From 1.8% to 2.5%"),
    ("Build an owned audience", "Newsletter subscribers", "10,000 within 12 months"),
    ("Shorten the sales cycle", "Days from first call to signature", "Below 45 days"),
]
ATTITUDES = ["champion", "supporter", "supporter", "neutral", "neutral", "skeptic", "blocker"]
INFLUENCE_BY_ROLE = {"CEO": "high", "CMO": "high", "Marketing Director": "high", "Procurement": "medium"}
STAKEHOLDER_NOTES = {
    "champion": "Sponsors our work internally; loop them in on wins first.",
    "supporter": "Positive and responsive; likes being asked for input.",
    "neutral": "Cares about timelines more than ideas; keep updates factual.",
    "skeptic": "Questions agency costs; bring numbers, not adjectives.",
    "blocker": "Prefers the previous agency's approach; involve early to avoid late vetoes.",
}
DECISIONS = [
    (
        "Lead with performance, not brand, this quarter",
        "Shift 70% of the media budget to performance channels until the pipeline target is met.",
        "The pipeline is behind plan and the board reviews leads, not awareness, this quarter.",
        ["Keep the 50/50 split", "Pause brand spend entirely"],
    ),
    (
        "One landing page per audience",
        "Build separate landing pages for buyers and for partners instead of one page with tabs.",
        "Test data showed tabbed pages halved conversion for the smaller audience.",
        ["A single page with tabs", "A microsite per audience"],
    ),
    (
        "Monthly reporting, with a weekly one-line pulse",
        "Replace the weekly report with a monthly deep-dive plus a one-line weekly pulse by email.",
        "Nobody read the weekly reports; the client asked for fewer, better updates.",
        ["Keep weekly reports", "A live dashboard only"],
    ),
    (
        "Illustration instead of photography",
        "Use a commissioned illustration style for the campaign visuals.",
        "Avoids stock photography of people (a known sensitivity) and stands out in the category.",
        ["Commissioned photo shoot", "Stock photography"],
    ),
    (
        "Launch in two waves",
        "Launch the new site to 20% of traffic first, then to everyone after two weeks of monitoring.",
        "Reduces the risk of a conversion drop during peak season.",
        ["Big-bang launch", "Delay the launch until after peak"],
    ),
    (
        "Tone of voice: plain and warm",
        "Adopt the plain, warm tone from the brand workshop for all new copy.",
        "The old, formal tone tested poorly with younger customers.",
        ["Keep the formal tone", "A playful, informal tone"],
    ),
]
BRIEF = {
    "objective": "Increase qualified demo requests from mid-size companies by 30% within the campaign period.",
    "audience": "Operations leaders at companies of 50 to 500 people who run the process on spreadsheets today.",
    "deliverables": "Three landing pages, six paid social ads in two formats, one nurture email sequence (4 mails).",
    "tone_of_voice_reference": "Brand book v3, section 2 (plain, warm, confident). Examples in the shared folder.",
    "constraints": "No competitor names. Legal must approve every numeric claim. Launch before the trade show.",
    "success_measures": "Demo requests per week; cost per demo under $120; landing page conversion above 4%.",
    "references": "Last year's campaign debrief; customer interview notes from March.",
}
COMMENTS = [
    "@{pm} can we still make the launch date with this scope? Worried about the legal review.",
    "Agreed with the client on the call today. @{member} please use the approved tone for the ads.",
    "Looks good to me. @{pm} flagging the legal review before it goes out.",
]
INTERNAL_COMMENT = "Client asked for a fourth email; I said we would check capacity first. @{am} can you confirm scope?"


def _person_actor(person: Person | None, fallback: Actor) -> Actor:
    return Actor.for_membership(person.membership) if person is not None else fallback


# Complexity: a generator of many steps over one seeded random sequence (same draws, same data).
def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    """Add knowledge data to the demo agency (runs after delivery's)."""
    today = timezone.localdate()
    staff = list(
        Person.objects.filter(workspace=workspace, active=True)
        .exclude(membership__role="client")
        .select_related("membership__workspace", "membership__user")
    )
    by_role: dict[str, list[Person]] = {}
    for person in staff:
        by_role.setdefault(person.membership.role, []).append(person)
    pms = by_role.get("project_manager") or staff
    members = by_role.get("member") or staff
    projects_by_client: dict[int, list[Project]] = {}
    for project in Project.objects.filter(workspace=workspace).order_by("id"):
        projects_by_client.setdefault(project.client_id, []).append(project)
    reopened = False

    for index, client in enumerate(clients):
        am = next((p for p in staff if p.pk == client.account_manager_id), None)
        am_actor = _person_actor(am, actor)
        services.knowledge_update(
            actor=am_actor,
            client=client,
            preferences="\n".join(rng.sample(PREFERENCES, k=rng.randint(2, 3))),
            sensitivities="\n".join(rng.sample(SENSITIVITIES, k=rng.randint(1, 2))),
        )
        # A client's goals are relationships' client goals (its demo gives each client some); the draw stays, so
        # the rest of the demo's seeded draws are the same.
        rng.sample(GOALS, k=2)
        contacts = list(Contact.objects.filter(client=client).order_by("id"))
        for contact in contacts:
            attitude = rng.choice(ATTITUDES)
            services.stakeholder_update(
                actor=am_actor,
                contact=contact,
                influence=INFLUENCE_BY_ROLE.get(contact.role, rng.choice(["low", "medium"])),
                attitude=attitude,
                notes=STAKEHOLDER_NOTES[attitude],
            )
        projects = projects_by_client.get(client.pk, [])
        decisions = []
        for title, decision, rationale, rejected in rng.sample(DECISIONS, k=rng.randint(2, 4)):
            decider = contacts[0] if contacts and rng.random() < 0.5 else None
            decisions.append(
                services.decision_create(
                    actor=am_actor,
                    client=client,
                    title=title,
                    decision=decision,
                    rationale=rationale,
                    alternatives_rejected=list(rejected),
                    decided_by=am.pk if am else staff[0].pk,
                    decided_by_contact_id=decider.pk if decider else None,
                    decided_on=today - timedelta(days=rng.randint(3, 120)),
                    project_id=projects[0].pk if projects and rng.random() < 0.5 else None,
                )
            )
        pm = rng.choice(pms)
        member = rng.choice(members)
        names = {"pm": pm.name, "member": member.name, "am": am.name if am else pm.name}
        if index % 3 == 0 and decisions:
            author = _person_actor(pm if am is None else am, actor)
            services.comment_create(
                actor=author,
                target_type="decision",
                target_id=decisions[0].pk,
                body=rng.choice(COMMENTS).format(**names),
            )
        # Approved briefs for the first project of two clients in three.
        if not projects or index % 3 == 2:
            continue
        project = projects[0]
        if Brief.objects.filter(project=project, task__isnull=True).exists():
            continue
        sections: dict[str, Any] = {k: v.replace("mid-size", client.industry or "mid-size") for k, v in BRIEF.items()}
        brief = services.brief_create(
            actor=am_actor, project_id=project.pk, title=f"Campaign brief: {project.name}", **sections
        )
        brief = services.brief_approve(actor=am_actor, brief=brief)
        services.comment_create(
            actor=am_actor,
            target_type="brief",
            target_id=brief.pk,
            body=COMMENTS[1].format(**names),
        )
        for task in Task.objects.filter(project=project, status__in=[TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW]):
            services.task_brief_link_record(actor=am_actor, task=task)
        if not reopened:
            reopened = True
            services.brief_update(
                actor=am_actor,
                brief=brief,
                version=brief.version,
                deliverables=BRIEF["deliverables"] + " Added after the steering call: a fourth nurture email.",
            )
            services.comment_create(
                actor=_person_actor(pm, actor),
                target_type="brief",
                target_id=brief.pk,
                body=INTERNAL_COMMENT.format(**names),
                internal=True,
            )
