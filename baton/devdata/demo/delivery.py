"""Demo data for delivery: three project templates and one to three projects per client, most started from a template
(so dependencies exist), in every state: finished, under way (some tasks overdue, some blocked), planned, on hold.

Everything goes through the services, so statuses pass the dependency gate exactly as in real use. Dates are relative
to today, so the board and the timeline always look current.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import AccountManagerChange, Client
from baton.crm.services import client_update
from baton.delivery import services
from baton.delivery.models import (
    Billing,
    Project,
    ProjectStatus,
    ProjectStatusChange,
    ProjectTemplate,
    Task,
    TaskStatus,
)
from baton.devdata.demo import history
from baton.people.models import Person

H = 60  # minutes in an hour

# (ref, title, start day, due day, estimate hours, role, milestone ref, depends on refs, tags)
Plan = list[tuple[str, str, int, int, int, str, str | None, list[str], list[str]]]

TEMPLATES: list[dict[str, Any]] = [
    {
        "name": "Website build",
        "description": "Discovery to launch of a marketing website on a CMS: content, design, build, QA.",
        "billing": Billing.FIXED_FEE,
        "duration_days": 56,
        "milestones": [
            ("discovery", "Discovery complete", 7, "4000.00"),
            ("design", "Design signed off", 21, "8000.00"),
            ("build", "Build complete", 42, "10000.00"),
            ("launch", "Launch", 56, "6000.00"),
        ],
        "tasks": [
            ("kickoff", "Kickoff workshop", 0, 1, 4, "project management", "discovery", [], ["workshop"]),
            ("audit", "Content audit", 1, 6, 12, "content strategy", "discovery", ["kickoff"], ["content"]),
            ("ia", "Sitemap and information architecture", 2, 7, 10, "ui design", "discovery", ["kickoff"], []),
            ("wires", "Wireframes", 7, 13, 20, "ui design", "design", ["ia"], ["ux"]),
            ("visual", "Visual design", 12, 20, 30, "Senior Designer", "design", ["wires"], ["design"]),
            ("copy", "Page copy", 8, 24, 24, "copywriting", "design", ["audit", "ia"], ["content"]),
            ("fe", "Front-end build", 21, 36, 60, "react", "build", ["visual"], ["dev"]),
            ("cms", "CMS integration", 24, 38, 40, "django", "build", ["visual"], ["dev"]),
            ("entry", "Content entry", 36, 42, 15, "content strategy", "build", ["cms", "copy"], ["content"]),
            ("qa", "QA and accessibility testing", 40, 48, 20, "testing", "launch", ["fe", "entry"], ["qa"]),
            ("golive", "Launch and handover", 52, 56, 8, "devops", "launch", ["qa"], ["dev"]),
        ],
    },
    {
        "name": "Paid media campaign",
        "description": "A six-week paid social and search campaign: plan, creative, build, optimise, report.",
        "billing": Billing.TIME_AND_MATERIALS,
        "duration_days": 42,
        "milestones": [
            ("strategy", "Media plan approved", 7, None),
            ("live", "Campaign live", 14, None),
            ("mid", "Mid-flight review", 28, None),
            ("final", "Final report", 42, None),
        ],
        "tasks": [
            ("research", "Audience research", 0, 4, 8, "analytics", "strategy", [], ["research"]),
            ("plan", "Media plan and budget split", 3, 7, 10, "Paid Media Specialist", "strategy", ["research"], []),
            ("tracking", "Tracking and pixel setup", 5, 10, 6, "analytics", "live", [], ["tracking"]),
            ("adcopy", "Ad copy", 6, 10, 8, "copywriting", "live", ["plan"], ["content"]),
            ("creative", "Creative assets", 6, 12, 15, "Designer", "live", ["plan"], ["design"]),
            ("build", "Campaign build", 10, 13, 10, "google ads", "live", ["adcopy", "creative", "tracking"], []),
            ("launch", "Launch campaign", 14, 14, 2, "paid social", "live", ["build"], []),
            ("optimise", "Optimisation, weeks 1 and 2", 15, 28, 15, "paid social", "mid", ["launch"], ["optimise"]),
            ("midreport", "Mid-flight report", 27, 28, 4, "Data Analyst", "mid", ["optimise"], ["report"]),
            ("optimise2", "Optimisation, weeks 3 and 4", 29, 40, 15, "paid social", "final", ["midreport"], []),
            ("finalreport", "Final report and learnings", 40, 42, 8, "Data Analyst", "final", ["optimise2"], []),
        ],
    },
    {
        "name": "Brand identity",
        "description": "Research, strategy, identity concepts, refinement and brand guidelines.",
        "billing": Billing.FIXED_FEE,
        "duration_days": 49,
        "milestones": [
            ("research", "Research done", 10, "5000.00"),
            ("concepts", "Concepts presented", 24, "7500.00"),
            ("approved", "Identity approved", 38, "7500.00"),
            ("guidelines", "Guidelines delivered", 49, "5000.00"),
        ],
        "tasks": [
            ("interviews", "Stakeholder interviews", 0, 5, 10, "Content Strategist", "research", [], ["research"]),
            ("competitors", "Competitor review", 0, 6, 8, "Content Strategist", "research", [], ["research"]),
            (
                "strategy",
                "Brand strategy and positioning",
                6,
                10,
                12,
                "Content Strategist",
                "research",
                ["interviews", "competitors"],
                ["strategy"],
            ),
            ("mood", "Moodboards", 10, 14, 10, "Senior Designer", "concepts", ["strategy"], ["design"]),
            ("logo", "Logo concepts", 12, 22, 30, "Senior Designer", "concepts", ["mood"], ["design"]),
            ("voice", "Tone of voice", 10, 18, 12, "copywriting", "concepts", ["strategy"], ["content"]),
            ("present", "Concept presentation", 23, 24, 4, "Senior Designer", "concepts", ["logo"], ["workshop"]),
            ("refine", "Refinement rounds", 25, 35, 20, "Designer", "approved", ["present"], ["design"]),
            ("guide", "Brand guidelines", 35, 47, 25, "Designer", "guidelines", ["refine", "voice"], ["design"]),
            ("export", "Asset export and handover", 45, 49, 8, "Designer", "guidelines", ["guide"], []),
        ],
    },
]

SUPPORT_TASKS = [
    ("Monthly performance report", 6, "analytics"),
    ("Security and plugin updates", 4, "devops"),
    ("Landing page refresh", 10, "ui design"),
    ("Newsletter template tweaks", 5, "css"),
    ("Quarterly roadmap call", 2, "project management"),
]


def _template(actor: Actor, spec: dict[str, Any]) -> ProjectTemplate:
    milestones = [
        {"ref": ref, "name": name, "due_offset_days": day, "amount": Decimal(amount) if amount else None}
        for ref, name, day, amount in spec["milestones"]
    ]
    tasks = [
        {
            "ref": ref,
            "title": title,
            "start_offset_days": start,
            "due_offset_days": due,
            "estimate_minutes": hours * H,
            "assignee_role": role,
            "milestone": milestone,
            "depends_on": depends,
            "tags": tags,
        }
        for ref, title, start, due, hours, role, milestone, depends, tags in spec["tasks"]
    ]
    return services.project_template_create(
        actor=actor,
        name=spec["name"],
        description=spec["description"],
        billing=spec["billing"],
        duration_days=spec["duration_days"],
        milestones=milestones,
        tasks=tasks,
    )


def _progress(actor: Actor, project: Project, today: date, rng: random.Random, *, finished: bool) -> None:
    """Move the project's tasks as a real team would have by today: past work done (a few late), current work in
    progress or review, a task waiting on a late dependency blocked."""
    tasks = list(project.tasks.prefetch_related("depends_on").order_by("start_date", "position", "id"))
    status: dict[int, str] = {}
    for task in tasks:
        deps = [d.pk for d in task.depends_on.all()]
        deps_done = all(status.get(d) == TaskStatus.DONE for d in deps)
        start, due = task.start_date or today, task.due_date or today
        if finished:
            wanted = TaskStatus.DONE
        elif due < today - timedelta(days=2):
            wanted = (
                TaskStatus.DONE if rng.random() > 0.2 else rng.choice([TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW])
            )
        elif start <= today:
            wanted = rng.choice([TaskStatus.IN_PROGRESS, TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW, TaskStatus.TODO])
        else:
            wanted = TaskStatus.TODO
        if wanted != TaskStatus.TODO and not deps_done:
            # A dependency runs late: starting would need an override, so it waits, visibly blocked when that
            # dependency is already under way (further down the chain it simply has not started).
            late = any(status.get(d) in (TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW) for d in deps)
            wanted = TaskStatus.BLOCKED if late and start <= today else TaskStatus.TODO
        status[task.pk] = wanted
        if wanted == TaskStatus.TODO:
            continue
        path = [TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW, TaskStatus.DONE]
        steps = [TaskStatus.BLOCKED] if wanted == TaskStatus.BLOCKED else path[: path.index(wanted) + 1]
        for step in steps:
            task = services.task_change_status(actor=actor, task=task, status=step)


# Complexity: a generator of many steps over one seeded random sequence (same draws, same data).
def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    """Add delivery data to the demo agency."""
    today = timezone.localdate()
    templates = [_template(actor, spec) for spec in TEMPLATES]
    pms = list(
        Person.objects.filter(workspace=workspace, membership__role="project_manager", active=True).order_by("id")
    )
    members = list(Person.objects.filter(workspace=workspace, membership__role="member").order_by("id"))
    counter = 0
    used: set[str] = set()
    for index, client in enumerate(clients):
        if client.status == "prospect":
            plans = [("planned", rng.choice(templates))]
        elif client.status == "paused":
            plans = [("on_hold", rng.choice(templates))]
        else:
            count = rng.choice([1, 2, 2, 3])
            kinds = ["active", "done", "planned", "retainer"]
            plans = [(kinds[(index + i) % len(kinds)] if i else "active", rng.choice(templates)) for i in range(count)]
        for kind, template in plans:
            counter += 1
            pm = pms[counter % len(pms)] if pms else None
            if kind == "retainer":
                _retainer(actor, client, pm, members, today, rng)
                continue
            offset = {
                "active": -rng.randint(12, 35),
                "done": -rng.randint(90, 160),
                "planned": rng.randint(5, 30),
                "on_hold": -rng.randint(20, 40),
            }[kind]
            start = today + timedelta(days=offset)
            estimate = sum(t.estimate_minutes for t in template.tasks.all())
            budget = (Decimal(estimate) / H * Decimal(rng.choice([140, 150, 160]))).quantize(Decimal("1"))
            budget = max(Decimal("500"), (budget / 500).quantize(Decimal("1")) * 500)
            name = f"{client.name.split()[0]} {template.name.lower()}" + (f" {start:%b %Y}" if kind == "done" else "")
            while name in used:
                name += " (phase 2)" if not name.endswith(")") else "+"
            used.add(name)
            project = services.project_create_from_template(
                actor=actor,
                template=template,
                client_id=client.pk,
                name=name,
                start_date=start,
                project_manager_id=pm.pk if pm else None,
                budget_amount=budget,
            )
            if kind in ("active", "done", "on_hold"):
                project = services.project_change_status(actor=actor, project=project, status=ProjectStatus.ACTIVE)
                _progress(
                    actor,
                    project,
                    today if kind != "on_hold" else start + timedelta(days=12),
                    rng,
                    finished=kind == "done",
                )
            if kind == "done":
                for milestone in project.milestones.all():
                    services.milestone_complete(actor=actor, milestone=milestone)
                services.project_change_status(actor=actor, project=project, status=ProjectStatus.DONE)
            elif kind == "on_hold":
                services.project_change_status(actor=actor, project=project, status=ProjectStatus.ON_HOLD)
            elif kind == "active":
                for milestone in project.milestones.filter(due_date__lt=today - timedelta(days=3)):
                    if rng.random() < 0.8:
                        services.milestone_complete(actor=actor, milestone=milestone)
    history.past_projects(actor, clients, templates, pms, today)  # a year of engagements before today's work
    _money_history(actor, clients, pms, members, today)
    history.date_as_it_happened(workspace.pk, today)


def _retainer(
    actor: Actor, client: Client, pm: Person | None, members: list[Person], today: date, rng: random.Random
) -> None:
    start = today.replace(day=1) - timedelta(days=rng.choice([60, 90, 120]))
    start = start.replace(day=1)
    project = services.project_create(
        actor=actor,
        client_id=client.pk,
        name=f"{client.name.split()[0]} support retainer",
        billing=Billing.RETAINER,
        retainer_period="month",
        period_budget_amount=Decimal("4500.00"),
        period_budget_minutes=30 * H,
        budget_amount=Decimal("54000.00"),
        budget_minutes=360 * H,
        start_date=start,
        end_date=start + timedelta(days=364),
        project_manager_id=pm.pk if pm else None,
        member_ids=[m.pk for m in rng.sample(members, k=min(3, len(members)))],
        status=ProjectStatus.ACTIVE,
    )
    previous: Task | None = None
    for i, (title, hours, skill) in enumerate(SUPPORT_TASKS):
        assignee = next((m for m in members if skill in (m.skills or [])), None)
        due = today + timedelta(days=rng.randint(-6, 20))
        task = services.task_create(
            actor=actor,
            project=project,
            title=title,
            assignee_id=assignee.pk if assignee else None,
            estimate_minutes=hours * H,
            start_date=due - timedelta(days=rng.randint(2, 6)),
            due_date=due,
            tags=["retainer"],
            depends_on=[previous.pk] if previous is not None and i == 3 else [],
        )
        if i == 0:
            services.task_change_status(actor=actor, task=task, status=TaskStatus.IN_PROGRESS)
        previous = task


def _months_back(today: date, months: int, day: int = 1) -> date:
    """The `day` of the month `months` before today's."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, day)


def _money_history(
    actor: Actor,
    clients: list[Client],
    pms: list[Person],
    members: list[Person],
    today: date,
) -> None:
    """The money rules' history cases (MONEY.md §2-§3), no random draws: a retainer active for months and then
    cancelled (its client changes account manager mid-year in `am_change`, after every other demo), and a project
    billed in euros. Each goes through the
    services (their events are written today); the history rows the services date today are then dated as it
    happened, as if each change had been made on its day."""
    active = [c for c in clients if c.status == "active"]
    if len(active) < 2 or not pms:
        return
    client, euro_client = active[1], active[-1]
    # A retainer signed for a year eight months ago, cancelled on the 15th four months ago: it earns its active days.
    start, cancelled_on = _months_back(today, 8), _months_back(today, 4, 15)
    retainer = services.project_create(
        actor=actor,
        client_id=client.pk,
        name=f"{client.name.split()[0]} content retainer",
        description="Monthly content and SEO support; cancelled by the client after a budget freeze.",
        billing=Billing.RETAINER,
        retainer_period="month",
        period_budget_amount=Decimal("3000.00"),
        period_budget_minutes=20 * H,
        budget_amount=Decimal("36000.00"),
        budget_minutes=240 * H,
        start_date=start,
        end_date=start + timedelta(days=364),
        project_manager_id=pms[0].pk,
        member_ids=[m.pk for m in members[:3]],
        status=ProjectStatus.ACTIVE,
    )
    services.project_change_status(actor=actor, project=retainer, status=ProjectStatus.CANCELLED)
    rows = list(ProjectStatusChange.objects.filter(project=retainer).order_by("id"))
    rows[0].on, rows[-1].on = start, cancelled_on
    ProjectStatusChange.objects.bulk_update([rows[0], rows[-1]], ["on"])
    # A campaign billed in euros (rate card row and exchange rates: finance's demo), under way for three months.
    euro = services.project_create(
        actor=actor,
        client_id=euro_client.pk,
        name=f"{euro_client.name.split()[0]} European launch",
        description="Campaign for the European market, billed in euros.",
        billing=Billing.TIME_AND_MATERIALS,
        currency="EUR",
        budget_amount=Decimal("40000.00"),
        budget_minutes=300 * H,
        start_date=today - timedelta(days=95),
        end_date=today + timedelta(days=45),
        project_manager_id=pms[-1].pk,
        member_ids=[m.pk for m in members[3:6]],
        status=ProjectStatus.ACTIVE,
    )
    ProjectStatusChange.objects.filter(project=euro).update(on=euro.start_date)


def am_change(workspace: Workspace, actor: Actor, clients: list[Client]) -> None:
    """The client of the cancelled retainer moved to another account manager on the 1st six months ago (MONEY.md §4:
    the AM P&L splits its year): through the service, the change then dated as it happened. Runs after every other
    demo, which act as each client's AM of today."""
    today = timezone.localdate()
    active = [c for c in clients if c.status == "active"]
    ams = list(
        Person.objects.filter(workspace=workspace, membership__role="account_manager", active=True).order_by("id")
    )
    if len(active) < 2:
        return
    client = Client.objects.get(pk=active[1].pk)
    others = [am for am in ams if am.pk != client.account_manager_id]
    if not others:
        return
    client_update(actor=actor, client=client, version=client.version, account_manager_id=others[0].pk)
    rows = list(AccountManagerChange.objects.filter(client=client).order_by("id"))
    rows[0].on, rows[-1].on = today - timedelta(days=730), _months_back(today, 6)  # the first AM from the start
    AccountManagerChange.objects.bulk_update([rows[0], rows[-1]], ["on"])
