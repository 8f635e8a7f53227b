"""Demo data for handoffs: every kind in every state (draft, sent, gaps raised, confirmed first time and after gaps,
cancelled) spread over the last four months, failures traced to some of them, and one clearly weak point — briefs
handed to creative by hand fail often — that the handoff map puts at the top. The demo logins each have something
in their inbox. Everything goes through the services; only the timestamps are moved into the past afterwards."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.delivery.models import Project
from baton.handoffs import services
from baton.handoffs.kinds import BUILTIN_KINDS
from baton.handoffs.models import Handoff, HandoffStatus
from baton.people.models import Person

SAMPLES = {
    "primary_goals": "Double qualified demo requests by Q3 without raising cost per lead.",
    "objections": "Worried we are too small for their volume; answered with the ramp-up plan and references.",
    "agreed_deliverables": "Paid search, paid social, monthly performance report, quarterly review.",
    "timeline_expectations": "Campaigns live four weeks after kickoff; first report after six.",
    "stakeholder_contacts": "Marketing lead decides; CFO signs off on budget above 20k.",
    "sales_commitments": "ROAS of 4 after three months — checked against their 38 % gross margin.",
    "scope_summary": "Website redesign, 12 templates; copywriting out of scope.",
    "success_measures": "Conversion rate on product pages up 15 %.",
    "deadlines": "Design sign-off in week 4, launch in week 10.",
    "budget": "Fixed fee, 240 hours.",
    "client_contacts": "Day-to-day: the digital manager; approvals: the marketing lead.",
    "approved_brief_version": "Spring campaign brief v2, approved last Tuesday.",
    "tone_of_voice_reference": "https://brand.example.com/voice — brand book p. 12-18 and the three reference ads.",
    "walkthrough_meeting": "Monday 10:00, 30 minutes, with the strategist.",
    "deliverables": "Six landing pages, desktop and mobile.",
    "design_files": "Figma: final frames in “Ready for dev”.",
    "interactions": "Hover and focus states in the component page; no animations.",
    "assets": "Icons and photos exported in the Drive folder.",
    "what_changed": "Checkout flow: new address step.",
    "acceptance_criteria": "All five payment methods complete an order.",
    "test_environment": "staging, test cards in the vault.",
    "campaign_history": "Two years of search and social; the 2025 relaunch lifted leads 40 %.",
    "key_decisions": "Dropped display in 2025 (poor lead quality).",
    "client_preferences": "Weekly call on Tuesdays; written summaries, no decks.",
    "political_sensitivities": "The CFO was against hiring an agency; keep her informed.",
    "open_action_items": "Q3 budget proposal due; two landing pages in review.",
    "next_steps": "Introduce yourself at the next weekly call; review the Q3 proposal.",
}
# The receiver's attestation of the walkthrough (when and how), for the kinds that require one.
WALKED: dict[str, Any] = {"walkthrough_held": True, "walkthrough_how": "video_call"}
GAPS = [
    "Which ROAS baseline did sales use?",
    "What does “refreshed brand voice” mean exactly — is there a reference?",
    "Who approves the final designs on their side?",
    "Is the budget monthly or for the whole quarter?",
    "Where are the final design files?",
]
FAILURES = [
    ("rework", "Copy written in the default tone; client rejected all pages.", 360),
    ("wrong_messaging", "Campaign launched with last season's offer.", 180),
    ("client_repeated", "Client had to explain their approval process again.", 90),
    ("expectations", "ROAS target promised without checking margins.", 240),
    ("missed_deadline", "Developer started late: designs were not where expected.", 120),
]


def _fields(kind: str, rng: random.Random, complete: bool = True) -> dict[str, str]:
    keys = [f["key"] for f in BUILTIN_KINDS[kind]["fields"] if f["required"]]
    values = {k: SAMPLES.get(k, "See the shared folder.") for k in keys}
    if not complete:
        values.pop(rng.choice(keys))
    return values


def _age(handoff: Handoff, *, days_ago: float, confirm_after_min: int | None = None) -> None:
    sent = timezone.now() - timedelta(days=days_ago)
    values: dict[str, Any] = {"sent_at": sent, "created_at": sent - timedelta(hours=2)}
    if handoff.due_by_auto:
        values["due_by"] = sent + timedelta(hours=handoff.template.confirmation_sla_hours)
    if confirm_after_min is not None:
        values["confirmed_at"] = sent + timedelta(minutes=confirm_after_min)
        values["minutes_to_confirm"] = confirm_after_min
    Handoff.objects.filter(pk=handoff.pk).update(**values)


# Complexity: a generator of many steps over one seeded random sequence (same draws, same data).
def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    """Add handoffs to the demo agency (runs after delivery, knowledge and finance)."""
    system = Actor.system(workspace)
    services.templates_ensure(workspace)
    staff = list(
        Person.objects.filter(workspace=workspace, active=True)
        .exclude(membership__role="client")
        .select_related("membership")
        .order_by("id")
    )
    by_role: dict[str, list[Person]] = {}
    for person in staff:
        by_role.setdefault(person.membership.role, []).append(person)
    ams = by_role.get("account_manager") or staff
    pms = by_role.get("project_manager") or staff
    members = by_role.get("member") or staff
    leaders = (by_role.get("owner") or []) + (by_role.get("admin") or []) or staff
    projects = list(Project.objects.filter(workspace=workspace).select_related("client").order_by("id"))

    def actor_of(person: Person) -> Actor:
        return Actor.for_membership(person.membership)

    pairs = {
        "sales_to_account": (leaders, ams),
        "account_to_delivery": (ams, pms),
        "brief_to_creative": (pms, members),
        "design_to_development": (members, members),
        "delivery_to_qa": (members, pms),
        "account_transition": (ams, ams),
    }

    def open_one(kind: str, *, complete: bool = True, index: int = 0) -> Handoff:
        owners, receivers = pairs[kind]
        owner = owners[index % len(owners)]
        receiver = next(p for p in receivers[index % len(receivers) :] + receivers + staff if p.pk != owner.pk)
        project = projects[(index * 7 + len(kind)) % len(projects)] if projects else None
        client = project.client if project else (clients[index % len(clients)] if clients else None)
        return services.handoff_open(
            actor=system,
            kind=kind,
            client=client,
            project=project if kind not in ("sales_to_account", "account_transition") else None,
            from_person=owner,
            to_person=receiver,
            fields=_fields(kind, rng, complete),
        )

    def record_failure(handoff: Handoff, days_ago: int) -> None:
        category, text, minutes = rng.choice(FAILURES)
        services.failure_record(
            actor=system,
            handoff=handoff,
            description=text,
            remediation_minutes=minutes,
            remediated_by_id=rng.choice(members + pms).pk,
            occurred_on=timezone.localdate() - timedelta(days=days_ago),
            category=category,
        )

    # Every kind in every state.
    for kind in BUILTIN_KINDS:
        for i in range(6):
            state = i % 6
            h = open_one(kind, complete=state != 0, index=i + len(kind))
            if state == 0:
                continue  # a draft with a field still to fill
            h = services.handoff_send(actor=system, handoff=h)
            days = rng.uniform(1, 110)
            if state == 1:  # sent, waiting (some overdue)
                _age(h, days_ago=rng.choice([0.2, 4, 9]))
            elif state == 2:  # gaps raised
                services.handoff_raise_gaps(actor=actor_of(h.to_person), handoff=h, gaps=rng.sample(GAPS, k=2))
                _age(h, days_ago=rng.uniform(0.5, 3))
            elif state == 3:  # confirmed first time
                services.handoff_confirm(
                    actor=actor_of(h.to_person), handoff=h, walkthrough_at=timezone.now() - timedelta(hours=1), **WALKED
                )
                _age(h, days_ago=days, confirm_after_min=rng.randint(20, 600))
            elif state == 4:  # confirmed after a gap round
                h = services.handoff_raise_gaps(actor=actor_of(h.to_person), handoff=h, gaps=rng.sample(GAPS, k=1))
                gap = h.gaps.get()
                h = services.handoff_answer_gaps(
                    actor=actor_of(h.from_person),
                    handoff=h,
                    answers={str(gap.pk): "Answered in the shared folder; see the link."},
                )
                services.handoff_confirm(
                    actor=actor_of(h.to_person), handoff=h, walkthrough_at=timezone.now() - timedelta(hours=1), **WALKED
                )
                _age(h, days_ago=days, confirm_after_min=rng.randint(300, 3000))
                if rng.random() < 0.4:
                    record_failure(h, max(0, int(days) - 5))
            else:  # cancelled
                services.handoff_cancel(actor=system, handoff=h, reason="The work was re-scoped.")
                _age(h, days_ago=days)

    # Volume on the healthy points, and the weak one: briefs handed to creative by hand, with no walkthrough
    # culture yet — most come back as rework (the seeds' "creative brief breakdown").
    for i in range(10):
        h = services.handoff_send(actor=system, handoff=open_one("sales_to_account", index=i + 20))
        services.handoff_confirm(actor=actor_of(h.to_person), handoff=h)
        days = rng.uniform(3, 85)
        _age(h, days_ago=days, confirm_after_min=rng.randint(30, 900))
        if i == 0:
            record_failure(h, int(days) - 2)
    for i in range(14):
        h = services.handoff_send(actor=system, handoff=open_one("brief_to_creative", index=i + 40))
        services.handoff_confirm(
            actor=actor_of(h.to_person), handoff=h, walkthrough_at=timezone.now() - timedelta(hours=1), **WALKED
        )
        days = rng.uniform(3, 85)
        _age(h, days_ago=days, confirm_after_min=rng.randint(5, 60))
        if i % 3 != 2:
            record_failure(h, max(0, int(days) - rng.randint(3, 10)))

    # The demo logins' inboxes: the AM has a draft to send and gaps to answer, the member a handoff to confirm.
    logins = {p.email: p for p in staff}
    am = logins.get("am@demo.baton.test")
    member = logins.get("member@demo.baton.test")
    pm = logins.get("pm@demo.baton.test")
    if am and member and pm:
        client = next((c for c in clients if c.account_manager_id == am.pk), clients[0] if clients else None)
        services.handoff_open(
            actor=actor_of(am),
            kind="account_to_delivery",
            client=client,
            from_person=am,
            to_person=pm,
            fields={"scope_summary": SAMPLES["scope_summary"]},
        )
        h = services.handoff_send(
            actor=system,
            handoff=services.handoff_open(
                actor=system,
                kind="sales_to_account",
                client=client,
                from_person=am,
                to_person=pm,
                fields=_fields("sales_to_account", rng),
            ),
        )
        services.handoff_raise_gaps(actor=actor_of(pm), handoff=h, gaps=[GAPS[0], GAPS[3]])
        services.handoff_send(
            actor=system,
            handoff=services.handoff_open(
                actor=system,
                kind="brief_to_creative",
                client=client,
                from_person=pm,
                to_person=member,
                fields=_fields("brief_to_creative", rng),
            ),
        )
    assert Handoff.objects.filter(workspace=workspace, status=HandoffStatus.CONFIRMED).exists()
