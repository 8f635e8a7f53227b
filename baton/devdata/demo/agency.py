"""The demo agency generator: a believable agency built through the service layer, from a fixed random seed.

`generate(size="demo")` is what `manage.py load_demo` and `make run` use (about 25 people, 12 clients). The sizes
table is the hook for the benchmarks' larger agencies; each app's module beside this one adds its data in `_extend`.
Everything goes through services, so the demo obeys the same rules (and leaves the same events) as real use.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.crm.services import client_create, contact_create
from baton.devdata.demo import (
    approvals,
    automation,
    churn_history,
    deals,
    delivery,
    engagements,
    finance,
    gates,
    growth,
    handoffs,
    history,
    knowledge,
    learning,
    meetings,
    portal,
    relationships,
    resourcing,
)
from baton.knowledge.services import search_index_rebuild
from baton.people.models import Person
from baton.people.services import person_create, person_update, workspace_create

DEMO_SLUG = "demo"
DEMO_PASSWORD = "baton-demo"
DEMO_OWNER_EMAIL = "owner@demo.baton.test"


@dataclass(frozen=True)
class Size:
    account_managers: int
    project_managers: int
    members: int
    clients: int


SIZES: dict[str, Size] = {
    "demo": Size(account_managers=4, project_managers=4, members=14, clients=12),
    "S": Size(account_managers=3, project_managers=3, members=10, clients=10),
    "M": Size(account_managers=12, project_managers=10, members=60, clients=80),
    "L": Size(account_managers=40, project_managers=30, members=127, clients=400),
}

FIRST = [
    "Maya",
    "Jonah",
    "Priya",
    "Lucas",
    "Amara",
    "Theo",
    "Sofia",
    "Kenji",
    "Leila",
    "Marcus",
    "Ines",
    "Felix",
    "Hana",
    "Oscar",
    "Zara",
    "Mateo",
    "Nora",
    "Elias",
    "Chloe",
    "Ravi",
    "Freya",
    "Diego",
    "Aisha",
    "Tomas",
    "Yuki",
    "Samir",
    "Lena",
    "Owen",
    "Clara",
    "Idris",
    "Mila",
    "Arjun",
    "Elena",
    "Victor",
    "Nadia",
    "Hugo",
]
LAST = [
    "Okafor",
    "Lindqvist",
    "Raman",
    "Moreau",
    "Castillo",
    "Brennan",
    "Nakamura",
    "Haddad",
    "Fischer",
    "Silva",
    "Kowalski",
    "Adeyemi",
    "Larsen",
    "Duarte",
    "Novak",
    "Chen",
    "Ferreira",
    "Walsh",
    "Ibrahim",
    "Rossi",
    "Jensen",
    "Mbeki",
    "Ortega",
    "Petrov",
    "Sato",
    "Keane",
    "Varga",
    "Abbott",
    "Quinn",
    "Hale",
]

# (title, skills pool, bill rate, cost rate)
MEMBER_PROFILES: list[tuple[str, list[str], int, int]] = [
    ("Senior Designer", ["ui design", "brand identity", "figma", "illustration"], 150, 62),
    ("Designer", ["ui design", "figma", "motion"], 120, 48),
    ("Senior Developer", ["python", "django", "react", "devops"], 165, 70),
    ("Front-end Developer", ["react", "css", "accessibility", "typescript"], 140, 55),
    ("Copywriter", ["copywriting", "tone of voice", "seo"], 110, 42),
    ("Content Strategist", ["content strategy", "seo", "analytics"], 130, 50),
    ("Paid Media Specialist", ["paid social", "google ads", "analytics"], 125, 47),
    ("QA Engineer", ["testing", "accessibility", "automation"], 105, 40),
    ("Data Analyst", ["analytics", "sql", "looker"], 135, 52),
]

CLIENTS: list[tuple[str, str, str]] = [
    ("Northwind Outdoor", "Retail", "https://northwind.example"),
    ("Helio Energy", "Renewables", "https://helio.example"),
    ("Brightline Dental", "Healthcare", "https://brightline.example"),
    ("Copperleaf Coffee", "Food & beverage", "https://copperleaf.example"),
    ("Atlas Freight", "Logistics", "https://atlasfreight.example"),
    ("Lumen Fintech", "Financial services", "https://lumen.example"),
    ("Verde Living", "Real estate", "https://verde.example"),
    ("Kite Learning", "Education", "https://kite.example"),
    ("Orchid Hotels", "Hospitality", "https://orchid.example"),
    ("Pulse Fitness", "Health & fitness", "https://pulse.example"),
    ("Harbor Legal", "Professional services", "https://harbor.example"),
    ("Nimbus Software", "SaaS", "https://nimbus.example"),
]
CONTACT_ROLES = [
    "CMO",
    "Marketing Director",
    "Head of Digital",
    "Brand Manager",
    "CEO",
    "Procurement",
    "Product Owner",
    "Communications Lead",
]

Progress = Callable[[str, int, int], None]


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name not in used:
            used.add(name)
            return name


def _email(name: str, domain: str) -> str:
    return f"{name.lower().replace(' ', '.')}@{domain}"


# Complexity: the demo's one script: each app's step in order over one seeded random sequence.
@transaction.atomic
def generate(
    *,
    size: str = "demo",
    seed: int = 42,
    slug: str = DEMO_SLUG,
    name: str = "Lighthouse Studio",
    progress: Progress | None = None,
) -> Workspace:
    """Create the demo workspace with its people, clients and contacts. Deterministic for a given seed."""
    spec = SIZES[size]
    rng = random.Random(seed)
    step = progress or (lambda label, done, total: None)
    domain = f"{slug}.baton.test"
    workspace = workspace_create(
        slug=slug,
        name=name,
        currency="USD",
        owner_email=f"owner@{domain}",
        owner_password=DEMO_PASSWORD,
        owner_name="Dana Whitfield",
    )
    actor = Actor.system(workspace)
    used = {"Dana Whitfield"}
    Person.objects.filter(workspace=workspace).update(
        title="Founder & CEO", cost_rate=Decimal("95.00"), bill_rate=Decimal("220.00"), skills=["strategy", "sales"]
    )

    def add(
        role: str,
        title: str,
        skills: list[str],
        bill: int,
        cost: int,
        email: str | None = None,
        capacity: int = 2400,
        days: list[int] | None = None,
    ) -> Person:
        person_name = _name(rng, used)
        return person_create(
            actor=actor,
            name=person_name,
            email=email or _email(person_name, domain),
            role=role,
            title=title,
            skills=skills,
            bill_rate=Decimal(bill),
            cost_rate=Decimal(cost),
            weekly_capacity_minutes=capacity,
            working_days=days or [1, 2, 3, 4, 5],
            password=DEMO_PASSWORD,
        )

    total_people = 3 + spec.account_managers + spec.project_managers + spec.members
    add("admin", "Operations Manager", ["operations", "resourcing"], 140, 60, email=f"ops@{domain}")
    add("finance", "Finance Manager", ["finance", "invoicing"], 130, 58, email=f"finance@{domain}")
    ams = [
        add(
            "account_manager",
            "Account Director" if i == 0 else "Account Manager",
            ["account management", "strategy", "negotiation"],
            160,
            64,
            email=f"am@{domain}" if i == 0 else None,
        )
        for i in range(spec.account_managers)
    ]
    pms: list[Person] = []
    for i in range(spec.project_managers):
        pm = add(
            "project_manager",
            "Delivery Lead" if i == 0 else "Project Manager",
            ["project management", "agile"],
            145,
            58,
            email=f"pm@{domain}" if i == 0 else None,
        )
        pms.append(pm)
    members: list[Person] = []
    for i in range(spec.members):
        title, pool, bill, cost = MEMBER_PROFILES[i % len(MEMBER_PROFILES)]
        part_time = rng.random() < 0.2
        member = add(
            "member",
            title,
            rng.sample(pool, k=min(len(pool), rng.randint(2, 3))),
            bill,
            cost,
            email=f"member@{domain}" if i == 0 else None,
            capacity=1440 if part_time else 2400,
            days=[1, 2, 3] if part_time else None,
        )
        members.append(member)
        step("people", 3 + spec.account_managers + spec.project_managers + i + 1, total_people)

    # Who reports to whom: the account director leads the AMs, the delivery lead the PMs, PMs their members.
    owner = Person.objects.get(workspace=workspace, membership__role="owner")
    ops = Person.objects.get(workspace=workspace, email=f"ops@{domain}")
    lines = [(ams[0], owner), (pms[0], ops)] if pms else [(ams[0], owner)]
    lines += [(am, ams[0]) for am in ams[1:]] + [(pm, pms[0]) for pm in pms[1:]]
    lines += [(member, pms[i % len(pms)]) for i, member in enumerate(members)] if pms else []
    for person, lead in lines:
        person_update(actor=actor, person=person, version=person.version, lead_id=lead.id)
    if len(members) > 1:  # a team lead who plans the team's time: the resource-manager capability (resources home)
        lead_rm = Person.objects.get(pk=members[1].pk)
        person_update(
            actor=actor, person=lead_rm, version=lead_rm.version, resource_manager=True, email=f"resources@{domain}"
        )

    clients: list[Client] = []
    for i in range(spec.clients):
        base_name, industry, website = CLIENTS[i % len(CLIENTS)]
        client_name = base_name if i < len(CLIENTS) else f"{base_name} {i // len(CLIENTS) + 1}"
        status = "active"
        if i % 6 == 4:
            status = "prospect"
        elif i % 11 == 7:
            status = "paused"
        client = client_create(
            actor=actor,
            name=client_name,
            status=status,
            industry=industry,
            website=website,
            account_manager_id=ams[i % len(ams)].id,
        )
        clients.append(client)
        contact_domain = website.split("//")[1]
        used_contacts: set[str] = set()
        for c in range(rng.randint(2, 4)):
            contact_name = _name(rng, used_contacts)
            contact_create(
                actor=actor,
                client=client,
                name=contact_name,
                email=_email(contact_name, contact_domain),
                role=CONTACT_ROLES[(i + c) % len(CONTACT_ROLES)],
                is_primary=c == 0,
                phone=f"+1 555 01{rng.randint(10, 99)}",
            )
        step("clients", i + 1, spec.clients)

    # One client's portal login, so the client view can be tried.
    person_create(
        actor=actor,
        name="Robin Portal",
        email=f"client@{domain}",
        role="client",
        client_id=clients[0].id,
        password=DEMO_PASSWORD,
    )
    _extend(workspace, actor, rng, clients)
    search_index_rebuild(workspace=workspace)  # what the demo wrote in bulk (touchpoints, time...) is findable too
    return workspace


def _extend(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    """Each capability adds its demo data, in dependency order."""
    delivery.extend_demo(workspace, actor, rng, clients)
    knowledge.extend_demo(workspace, actor, rng, clients)
    resourcing.extend_demo(workspace, actor, rng, clients)
    finance.extend_demo(workspace, actor, rng, clients)
    handoffs.extend_demo(workspace, actor, rng, clients)
    relationships.extend_demo(workspace, actor, rng, clients)
    deals.extend_demo(workspace, actor, rng, clients)  # after the opportunities it turns into a deal
    meetings.extend_demo(workspace, actor, rng, clients)
    portal.extend_demo(workspace, actor, rng, clients)
    history.date_clients(workspace.pk, timezone.localdate())  # clients since their first project or onboarding
    engagements.extend_demo(workspace, actor, rng, clients)
    churn_history.extend_demo(workspace, actor, rng, clients)  # past clients and months of health, after dating
    automation.extend_demo(workspace, actor, rng, clients)
    approvals.extend_demo(workspace, actor, rng, clients)
    learning.extend_demo(workspace, actor, rng, clients, password=DEMO_PASSWORD)
    gates.extend_demo(workspace, actor, rng, clients)  # scope reviews at milestones (issue 20)
    # Growth goes last: every other demo's events become evidence too.
    growth.extend_demo(workspace, actor, rng, clients)
    delivery.am_change(workspace, actor, clients)


DEMO_LOGINS = [
    ("owner", f"owner@{DEMO_SLUG}.baton.test"),
    ("admin", f"ops@{DEMO_SLUG}.baton.test"),
    ("finance", f"finance@{DEMO_SLUG}.baton.test"),
    ("account manager", f"am@{DEMO_SLUG}.baton.test"),
    ("project manager", f"pm@{DEMO_SLUG}.baton.test"),
    ("team member", f"member@{DEMO_SLUG}.baton.test"),
    ("resource manager", f"resources@{DEMO_SLUG}.baton.test"),
    ("client portal", f"client@{DEMO_SLUG}.baton.test"),
    ("new hire", f"newhire@{DEMO_SLUG}.baton.test"),
]
