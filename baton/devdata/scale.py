"""The scale generator behind `manage.py generate_agency`: a large agency with years of history, for the benchmarks.

Unlike the demo (`load_demo`, through the services), this writes in bulk (`bulk_create` in batches) so agency-L
(200 people, 400 clients, 3,000 projects, 1,000,000 time entries over 5 years, 50,000 bookings) loads in minutes.
The figures still follow the rules the services enforce: rates resolved with finance's `RateBook` and amounts with
`amount_for`, at most a day's capacity-ish per person and day, invoices whose lines sum their entries, and the time
rollups rebuilt at the end. Each app is one step (`STEPS`); apps built later add theirs at the end.

Distributions: seasonality (quiet Augusts and the last fortnight of December), part-timers (20 %, three days a
week), overbooked weeks (booking pairs that overlap), fixed-fee overruns (a third log 105-140 % of their budget),
T&M, fixed-fee, retainer and non-billable projects, a few foreign-currency clients.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Membership, User
from baton.crm.models import Client
from baton.delivery.models import Milestone, Project, Task
from baton.finance.models import Invoice, InvoiceCounter, InvoiceLine
from baton.handoffs.models import Handoff, HandoffFailure, HandoffGap, HandoffTemplate
from baton.handoffs.services import templates_ensure
from baton.people.models import Person
from baton.people.services import workspace_create
from baton.rates.models import BillRate, CostRate, ExchangeRate
from baton.rates.resolution import RateBook, amount_for
from baton.relationships.models import Touchpoint
from baton.resourcing.models import Booking
from baton.timesheets import rollups
from baton.timesheets.models import TimeEntry, Timesheet

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Size:
    people: int
    clients: int
    projects: int
    entries: int
    bookings: int
    years: int
    handoffs: int
    touchpoints: int


SIZES = {
    "S": Size(
        people=20, clients=20, projects=60, entries=10_000, bookings=500, years=2, handoffs=200, touchpoints=1000
    ),
    "M": Size(
        people=60, clients=100, projects=600, entries=150_000, bookings=8_000, years=3, handoffs=3000, touchpoints=15000
    ),
    "L": Size(
        people=200,
        clients=400,
        projects=3_000,
        entries=1_000_000,
        bookings=50_000,
        years=5,
        handoffs=20_000,
        touchpoints=100_000,
    ),
}

TITLES = [
    ("Designer", ["design", "ui", "branding"], 130, 55),
    ("Senior Designer", ["design", "ux", "research"], 160, 68),
    ("Developer", ["frontend", "react", "python"], 140, 60),
    ("Senior Developer", ["backend", "python", "devops"], 175, 75),
    ("Copywriter", ["copy", "content", "seo"], 110, 45),
    ("Strategist", ["strategy", "research", "analytics"], 165, 70),
    ("Producer", ["video", "production"], 125, 52),
]
FIRST = "Maya Jonah Priya Lucas Amara Theo Sofia Kenji Leila Marcus Ines Felix Hana Oscar Zara Mateo Nora".split()
LAST = "Okafor Lindqvist Moreau Tanaka Haddad Novak Reyes Brennan Kowalski Osei Varga Ibarra Sato Quinn Adler".split()
INDUSTRIES = ["Retail", "Fintech", "Healthcare", "Education", "Hospitality", "Logistics", "Media", "Non-profit"]
WORDS = "Website Rebrand Campaign App Launch Audit Portal Retainer Content Research Platform Shop".split()


@dataclass
class World:
    size: Size
    rng: random.Random
    workspace: Any
    today: date
    start: date
    people: list[Any] = field(default_factory=list)
    staff: list[Any] = field(default_factory=list)  # who logs time
    clients: list[Any] = field(default_factory=list)
    projects: list[Any] = field(default_factory=list)
    tasks: dict[int, list[int]] = field(default_factory=dict)
    teams: dict[int, list[int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


Progress = Callable[[str, int], Any]


def _batched(items: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


# --- Steps -----------------------------------------------------------------------------------------------------------


def step_people(w: World, advance: Progress) -> None:
    rng = w.rng
    owner = Person.objects.get(workspace=w.workspace, membership__role="owner")
    password = make_password("baton-bench")
    domain = f"{w.workspace.slug}.baton.test"
    n = w.size.people - 1
    ams = max(2, n // 10)
    pms = max(2, n // 10)
    roles = ["admin", "finance"] + ["account_manager"] * ams + ["project_manager"] * pms
    roles += ["member"] * (n - len(roles))
    specs = []
    for i, role in enumerate(roles):
        title, skills, bill, cost = TITLES[i % len(TITLES)]
        if role != "member":
            title = {"admin": "Operations", "finance": "Finance", "account_manager": "Account Manager"}.get(
                role, "Project Manager"
            )
        part_time = role == "member" and rng.random() < 0.2
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i + 1}"
        email = f"{role.replace('_', '')}{i + 1}@{domain}"
        specs.append((role, title, skills, bill, cost, part_time, name, email))
    users = User.objects.bulk_create([User(email=s[7], name=s[6], password=password) for s in specs])
    members = Membership.objects.bulk_create(
        [Membership(workspace=w.workspace, user=u, role=s[0]) for u, s in zip(users, specs, strict=True)]
    )
    people = Person.objects.bulk_create(
        [
            Person(
                workspace=w.workspace,
                membership=m,
                name=s[6],
                email=s[7],
                title=s[1],
                skills=rng.sample(s[2], k=2),
                bill_rate=Decimal(s[3]),
                cost_rate=Decimal(s[4]),
                weekly_capacity_minutes=1440 if s[5] else 2400,
                working_days=[1, 2, 3] if s[5] else [1, 2, 3, 4, 5],
            )
            for m, s in zip(members, specs, strict=True)
        ]
    )
    # Who reports to whom: AMs and PMs to the owner, members to a PM.
    leads = [p for p in people if p.membership.role == "project_manager"] or [owner]
    for i, p in enumerate(people):
        p.lead_id = owner.pk if p.membership.role != "member" else leads[i % len(leads)].pk
    Person.objects.bulk_update(people, ["lead"], batch_size=1000)
    w.people = [owner, *people]
    w.staff = [p for p in people if p.membership.role in ("member", "project_manager", "account_manager")]
    w.counts["people"] = len(w.people)
    advance("people", len(w.people))


def step_rates(w: World, advance: Progress) -> None:
    """Dated cost rates (a raise every January), role bill rates, a client rate card for one client in ten."""
    rows = []
    for person in w.people:
        for k in range(w.size.years + 1):
            rows.append(
                CostRate(
                    workspace=w.workspace,
                    person=person,
                    rate=(person.cost_rate * Decimal("1.03") ** k).quantize(Decimal("0.01")),
                    effective_from=date(w.start.year + k, 1, 1),
                )
            )
    CostRate.objects.bulk_create(rows, batch_size=2000)
    bills = [BillRate(workspace=w.workspace, scope="workspace", rate=Decimal("120.00"), effective_from=None)]
    for title, _, bill, _ in TITLES:
        for k in range(w.size.years + 1):
            bills.append(
                BillRate(
                    workspace=w.workspace,
                    scope="role",
                    role=title.lower(),
                    rate=(Decimal(bill) * Decimal("1.04") ** k).quantize(Decimal("0.01")),
                    effective_from=date(w.start.year + k, 1, 1),
                )
            )
    BillRate.objects.bulk_create(bills)
    w.counts["rates"] = len(rows) + len(bills)
    advance("rates", len(rows) + len(bills))


def step_clients(w: World, advance: Progress) -> None:
    rng = w.rng
    ams = [p for p in w.people if p.membership.role == "account_manager"]
    clients = []
    for i in range(w.size.clients):
        status = "active" if i % 7 else "paused" if i % 2 else "churned"
        currency = "EUR" if i % 25 == 3 else "USD"
        clients.append(
            Client(
                workspace=w.workspace,
                name=f"{rng.choice(LAST)} {rng.choice(INDUSTRIES)} {i + 1}",
                status=status,
                account_manager=ams[i % len(ams)],
                currency=currency,
                industry=INDUSTRIES[i % len(INDUSTRIES)],
            )
        )
    w.clients = Client.objects.bulk_create(clients, batch_size=1000)
    BillRate.objects.bulk_create(
        [
            BillRate(
                workspace=w.workspace,
                scope="client",
                client=c,
                rate=Decimal(rng.choice([150, 165, 180])),
                effective_from=None,
            )
            for c in w.clients[::10]
        ]
    )
    ExchangeRate.objects.bulk_create(
        [
            ExchangeRate(
                workspace=w.workspace, currency="EUR", rate=Decimal("1.08"), effective_on=date(w.start.year, 1, 1)
            )
        ]
    )
    w.counts["clients"] = len(w.clients)
    advance("clients", len(w.clients))


# Complexity: one generator step over the shared seeded random sequence (same draws, same data).
def step_projects(w: World, advance: Progress) -> None:
    """Projects spread over the years, each 1-9 months, with milestones, tasks and a team of 2-6."""
    rng = w.rng
    pms = [p for p in w.people if p.membership.role == "project_manager"]
    span_days = (w.today - w.start).days
    projects = []
    for i in range(w.size.projects - 1):
        client = w.clients[int(rng.paretovariate(1.2) * 7) % len(w.clients)]
        start = w.start + timedelta(days=int(span_days * (i / w.size.projects)) + rng.randint(-20, 20))
        start = max(w.start, min(start, w.today))
        length = rng.choice([30, 45, 60, 90, 120, 180, 270])
        end = start + timedelta(days=length)
        billing = rng.choices(
            ["time_and_materials", "fixed_fee", "retainer", "non_billable"], weights=[50, 25, 15, 10]
        )[0]
        status = "done" if end < w.today else "active"
        if status == "active" and rng.random() < 0.05:
            status = "on_hold"
        minutes = rng.choice([3000, 6000, 12000, 24000, 48000])
        fields: dict[str, Any] = {}
        if billing == "retainer":
            fields = {
                "retainer_period": "month",
                "period_budget_minutes": 2400 * rng.choice([1, 2, 3]),
                "period_budget_amount": Decimal(rng.choice([6000, 12000, 20000])),
                "budget_amount": Decimal(0),
                "budget_minutes": 0,
            }
            end = start + timedelta(days=rng.choice([365, 540, 730]))
            status = "done" if end < w.today else "active"
        else:
            fields = {
                "budget_minutes": minutes,
                "budget_amount": Decimal(minutes * 2) if billing != "non_billable" else 0,
            }
        projects.append(
            Project(
                workspace=w.workspace,
                client=client,
                name=f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i + 1}",
                status=status,
                billing=billing,
                currency=client.currency,
                start_date=start,
                end_date=end,
                project_manager=pms[i % len(pms)],
                **fields,
            )
        )
    # The agency's own time (internal, non-billable) lands here when nobody is staffed.
    projects.append(
        Project(
            workspace=w.workspace,
            client=w.clients[0],
            name="Internal: agency time",
            status="active",
            billing="non_billable",
            currency="USD",
            start_date=w.start,
        )
    )
    w.projects = Project.objects.bulk_create(projects, batch_size=1000)
    advance("projects", len(projects))
    milestones, tasks = [], []
    for p in w.projects:
        first, end = p.start_date or w.today, p.end_date or w.today
        for k in range(3):
            milestones.append(
                Milestone(
                    workspace=w.workspace,
                    project=p,
                    name=f"Phase {k + 1}",
                    due_date=first + (end - first) * (k + 1) // 3,
                    status="done" if p.status == "done" else "open",
                )
            )
    Milestone.objects.bulk_create(milestones, batch_size=2000)
    staff = w.staff
    for p in w.projects:
        team = rng.sample(staff, k=min(len(staff), rng.randint(2, 6)))
        w.teams[p.pk] = [t.pk for t in team]
        for k in range(rng.randint(6, 14)):
            done = p.status == "done" or rng.random() < 0.4
            tasks.append(
                Task(
                    workspace=w.workspace,
                    project=p,
                    title=f"Task {k + 1} of {p.name}",
                    status="done" if done else rng.choice(["todo", "in_progress", "in_review", "blocked"]),
                    assignee_id=rng.choice(w.teams[p.pk]),
                    estimate_minutes=rng.choice([120, 240, 480, 960, 1920]),
                    position=k,
                )
            )
    created = Task.objects.bulk_create(tasks, batch_size=2000)
    for t in created:
        w.tasks.setdefault(t.project_id, []).append(t.pk)
    w.counts |= {"projects": len(w.projects), "milestones": len(milestones), "tasks": len(created)}
    advance("tasks", len(created))


def _busy_factor(day: date) -> float:
    """Seasonality: quiet August and Christmas, busy autumn."""
    if day.month == 8:
        return 0.55
    if day.month == 12 and day.day >= 18:
        return 0.3
    if day.month in (9, 10, 11):
        return 1.1
    return 1.0


# Complexity: one pass by person and day, for speed at agency-L, over the seeded random sequence.
def step_time(w: World, advance: Progress) -> None:
    """Time entries person by person and day by day on the projects they are staffed on, invoiced monthly for T&M
    (older than the last two months), weeks approved up to a fortnight ago; timesheets for every logged week."""
    rng = w.rng
    book = RateBook.load(w.workspace.pk)
    by_id = {p.pk: p for p in w.projects}
    internal = w.projects[-1]
    staffed: dict[int, list[Any]] = defaultdict(list)
    for pid, team in w.teams.items():
        for person_id in team:
            staffed[person_id].append(by_id[pid])
    # Fixed fees: a third overrun their budget.
    overrun = {p.pk: rng.uniform(1.05, 1.4) if rng.random() < 0.33 else rng.uniform(0.6, 1.0) for p in w.projects}
    person_days = 0
    for person in w.staff:
        person_days += sum(1 for _ in _workdays(person, w.start, w.today))
    per_day = w.size.entries / max(1, person_days * 0.8)
    rates: dict[tuple[int, int, int], Any] = {}
    approved_before = w.today - timedelta(days=w.today.weekday() + 14)
    invoice_before = (w.today.replace(day=1) - timedelta(days=32)).replace(day=1)
    used_minutes: dict[int, int] = defaultdict(int)
    pending: list[Any] = []
    weeks: set[tuple[int, date]] = set()
    total = 0
    target = w.size.entries
    people = list(w.staff)
    for n, person in enumerate(people):
        left_people = len(people) - n
        quota = (target - total) // left_people
        mine = 0
        for day in _workdays(person, w.start, w.today):
            if mine >= quota:
                break
            if rng.random() > _busy_factor(day) * 0.97:
                continue  # holiday, sick, quiet day
            live = [
                p
                for p in staffed[person.pk]
                if p.start_date <= day <= (p.end_date or w.today)
                and not (p.billing == "fixed_fee" and used_minutes[p.pk] > p.budget_minutes * overrun[p.pk])
            ]
            count = max(1, int(per_day + rng.random()))
            capacity = person.weekly_capacity_minutes // len(person.working_days)
            if rng.random() < 0.05:
                capacity = int(capacity * 1.3)  # a crunch day
            for _ in range(count):
                if mine >= quota:
                    break
                project = rng.choice(live) if live else internal
                minutes = max(15, int(capacity / count * rng.uniform(0.6, 1.15)) // 15 * 15)
                key = (person.pk, project.pk, day.year)
                resolved = rates.get(key)
                if resolved is None:
                    resolved = rates[key] = book.resolve(
                        person_id=person.pk,
                        person_bill_rate=person.bill_rate,
                        person_cost_rate=person.cost_rate,
                        person_title=person.title,
                        person_role=person.membership.role,
                        project_id=project.pk,
                        client_id=project.client_id,
                        on=day,
                    )
                billable = project.billing != "non_billable" and rng.random() > 0.06
                tasks = w.tasks.get(project.pk)
                pending.append(
                    TimeEntry(
                        workspace_id=w.workspace.pk,
                        person_id=person.pk,
                        project_id=project.pk,
                        task_id=rng.choice(tasks) if tasks and rng.random() < 0.85 else None,
                        date=day,
                        minutes=minutes,
                        billable=billable,
                        bill_rate=resolved.bill_rate,
                        cost_rate=resolved.cost_rate,
                        bill_rate_source=resolved.bill_source,
                        bill_amount=amount_for(minutes, resolved.bill_rate),
                        cost_amount=amount_for(minutes, resolved.cost_rate),
                        currency=project.currency,
                        approved=day < approved_before,
                    )
                )
                used_minutes[project.pk] += minutes
                weeks.add((person.pk, day - timedelta(days=day.weekday())))
                mine += 1
                total += 1
        if len(pending) >= 20_000 or n == len(people) - 1:
            TimeEntry.objects.bulk_create(pending, batch_size=5000)
            advance("time entries", len(pending))
            pending = []
    w.counts["time entries"] = total
    # Timesheets: approved up to a fortnight ago, the last two weeks open or submitted.
    now = timezone.now()
    sheets = [
        Timesheet(
            workspace=w.workspace,
            person_id=pid,
            week_start=monday,
            status="approved" if monday < approved_before else rng.choice(["draft", "submitted"]),
            submitted_at=now if monday < approved_before else None,
            decided_at=now if monday < approved_before else None,
        )
        for pid, monday in weeks
    ]
    Timesheet.objects.bulk_create(sheets, batch_size=5000)
    w.counts["timesheets"] = len(sheets)
    advance("timesheets", len(sheets))
    # Invoices: one per T&M project and month before the last two, issued, most paid; entries linked to the line.
    tm = {p.pk: p for p in w.projects if p.billing == "time_and_materials"}
    cells = (
        TimeEntry.objects.filter(workspace=w.workspace, billable=True, project_id__in=list(tm), date__lt=invoice_before)
        .annotate(m=TruncMonth("date"))
        .values("project_id", "m")
        .annotate(total=Sum("bill_amount", filter=Q(billable=True)))
        .order_by("m", "project_id")
    )
    invoices, lines = [], []
    number = 0
    for cell in cells:
        month = cell["m"].date() if hasattr(cell["m"], "date") and callable(cell["m"].date) else cell["m"]
        project = tm[cell["project_id"]]
        number += 1
        end = (month + timedelta(days=32)).replace(day=1) - DAY
        amount = cell["total"] or Decimal(0)
        paid = end < w.today - timedelta(days=75) or rng.random() < 0.5
        invoices.append(
            Invoice(
                workspace=w.workspace,
                client_id=project.client_id,
                project=project,
                number=f"INV-{number:05d}",
                issue_date=end + DAY,
                due_date=end + timedelta(days=31),
                status="paid" if paid else "sent",
                currency=project.currency,
                subtotal=amount,
                total=amount,
                amount_paid=amount if paid else Decimal(0),
                source="time",
                period_start=month,
                period_end=end,
            )
        )
        lines.append((project.pk, month, end, amount))
    invoices = Invoice.objects.bulk_create(invoices, batch_size=2000)
    line_rows = InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(invoice=inv, position=1, kind="time", description="Time", quantity=1, unit_price=a, amount=a)
            for inv, (_, _, _, a) in zip(invoices, lines, strict=True)
        ],
        batch_size=2000,
    )
    for line, (pid, month, end, _) in zip(line_rows, lines, strict=True):
        TimeEntry.objects.filter(project_id=pid, billable=True, date__gte=month, date__lte=end).update(
            invoice_line=line, invoiced=True
        )
    InvoiceCounter.objects.update_or_create(workspace=w.workspace, kind="invoice", defaults={"next_number": number + 1})
    w.counts["invoices"] = len(invoices)
    advance("invoices", len(invoices))


def _workdays(person: Any, start: date, end: date) -> Iterator[date]:
    days = set(person.working_days or [1, 2, 3, 4, 5])
    day = start
    while day <= end:
        if day.isoweekday() in days:
            yield day
        day += DAY


def step_bookings(w: World, advance: Progress) -> None:
    """Bookings of one to four weeks on a person's projects; one in eight overlaps another (an overbooked week)."""
    rng = w.rng
    by_person: dict[int, list[Any]] = defaultdict(list)
    by_id = {p.pk: p for p in w.projects}
    for pid, team in w.teams.items():
        for person_id in team:
            by_person[person_id].append(by_id[pid])
    rows: list[Any] = []
    staff = [p for p in w.staff if by_person[p.pk]]
    horizon = w.today + timedelta(days=84)
    while len(rows) < w.size.bookings:
        person = rng.choice(staff)
        project = rng.choice(by_person[person.pk])
        first = project.start_date
        last = min(project.end_date or horizon, horizon)
        if last < first:
            continue
        start = first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
        end = start + timedelta(days=7 * rng.randint(1, 4) - 3)
        per_day = rng.choice([120, 240, 240, 360, 480]) if rng.random() > 0.125 else 480
        rows.append(
            Booking(
                workspace=w.workspace,
                person=person,
                project=project,
                start_date=start,
                end_date=end,
                minutes_per_day=per_day,
                tentative=start > w.today and rng.random() < 0.3,
            )
        )
    Booking.objects.bulk_create(rows, batch_size=5000)
    w.counts["bookings"] = len(rows)
    advance("bookings", len(rows))


def step_rollups(w: World, advance: Progress) -> None:
    w.counts["rollup cells"] = rollups.rebuild(w.workspace.pk)
    advance("rollups", w.counts["rollup cells"])


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL's autovacuum would take its time, or may be off as on
    the CI machine; SQLite has none until asked), so the first queries do not plan for empty tables. On PostgreSQL,
    outside a transaction, VACUUM as well: the rollup rebuild and the generator's updates leave dead rows (356k in
    the entries at L), and the visibility map lets the reports use index-only scans."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")


def step_touchpoints(w: World, advance: Progress) -> None:
    """Client touchpoints (relationships app): calls, e-mails, meetings, status updates, reviews by the account
    managers, spread over the years (100,000 at L)."""
    rng = w.rng
    span = (w.today - w.start).days
    ams = {p.pk for p in w.people if p.membership.role == "account_manager"}
    kinds = ["call", "email", "meeting", "status_update", "strategic_review"]
    rows = []
    for i in range(w.size.touchpoints):
        client = w.clients[i % len(w.clients)]
        day = w.start + timedelta(days=rng.randint(0, span))
        rows.append(
            Touchpoint(
                workspace=w.workspace,
                client=client,
                kind=rng.choices(kinds, weights=[30, 35, 20, 12, 3])[0],
                occurred_at=timezone.make_aware(datetime(day.year, day.month, day.day, rng.randint(8, 17))),
                summary="Weekly check-in" if i % 3 else "Review of the month's results",
                person_id=client.account_manager_id if client.account_manager_id in ams else None,
                agenda_prepared=rng.random() < 0.7,
                goal_report=rng.random() < 0.3,
                sentiment=rng.choice(["positive", "neutral", "neutral", "negative", ""]),
            )
        )
        if len(rows) >= 10_000:
            Touchpoint.objects.bulk_create(rows)
            advance("touchpoints", len(rows))
            rows = []
    Touchpoint.objects.bulk_create(rows)
    advance("touchpoints", len(rows))
    w.counts["touchpoints"] = w.size.touchpoints


# Complexity: one generator step over the shared seeded random sequence (same draws, same data).
def step_handoffs(w: World, advance: Progress) -> None:
    """Handoffs of every kind (handoffs app; 20,000 at L) from each client's AM or a lead to someone on the work,
    spread over the years: most confirmed (a quarter after gaps were raised), some waiting, drafts and cancellations,
    and downstream failures on about one in sixteen, costed at the fixer's cost rate."""
    if not w.size.handoffs:
        return
    templates_ensure(w.workspace)
    templates = list(HandoffTemplate.objects.filter(workspace=w.workspace, active=True).order_by("kind"))
    weights = {"account_to_delivery": 30, "brief_to_creative": 25, "design_to_development": 20, "delivery_to_qa": 15}
    rng = w.rng
    span_minutes = (w.today - w.start).days * 24 * 60
    origin = timezone.make_aware(datetime(w.start.year, w.start.month, w.start.day, 9))
    staff = [p for p in w.people if p.membership.role != "client"]
    by_id = {p.pk: p for p in staff}
    statuses = ["confirmed"] * 75 + ["sent"] * 8 + ["gaps_raised"] * 5 + ["draft"] * 7 + ["cancelled"] * 5
    made: list[Handoff] = []
    for i in range(w.size.handoffs):
        template = rng.choices(templates, weights=[weights.get(t.kind, 5) for t in templates])[0]
        client = w.clients[i % len(w.clients)]
        sender = by_id.get(client.account_manager_id) or rng.choice(staff)
        receiver = rng.choice(staff)
        while receiver.pk == sender.pk:
            receiver = rng.choice(staff)
        status = rng.choice(statuses)
        sent_at = origin + timedelta(minutes=rng.randint(0, max(span_minutes - 1, 0)))
        first_time = rng.random() < 0.75
        minutes = rng.randint(30, 600) if first_time else rng.randint(600, 4000)
        made.append(
            Handoff(
                workspace=w.workspace,
                template=template,
                kind=template.kind,
                title=f"{template.name}: {client.name}",
                client=client,
                from_person=sender,
                to_person=receiver,
                due_by=sent_at + timedelta(hours=template.confirmation_sla_hours),
                field_spec=template.fields,
                fields={f["key"]: f"{f['label']} for {client.name}." for f in template.fields},
                requires_walkthrough=template.requires_walkthrough,
                status=status,
                sent_at=None if status == "draft" else sent_at,
                confirmed_at=sent_at + timedelta(minutes=minutes) if status == "confirmed" else None,
                cancelled_at=sent_at + timedelta(days=1) if status == "cancelled" else None,
                gap_rounds=0 if first_time and status != "gaps_raised" else rng.randint(1, 2),
                first_time=first_time if status == "confirmed" else None,
                minutes_to_confirm=minutes if status == "confirmed" else None,
                created_by=sender,
            )
        )
    failures: list[HandoffFailure] = []
    gaps: list[HandoffGap] = []
    for batch in _batched(made, 5_000):
        Handoff.objects.bulk_create(batch)
        advance("handoffs", len(batch))
        for handoff in batch:
            for n in range(1, handoff.gap_rounds + 1):
                key = rng.choice(handoff.field_spec)["key"] if handoff.field_spec else ""
                answered = handoff.status != "gaps_raised" or n < handoff.gap_rounds
                raised_at = (handoff.sent_at or handoff.due_by) + timedelta(hours=4 * n)
                gaps.append(
                    HandoffGap(
                        handoff=handoff,
                        round=n,
                        question=f"What exactly is meant by {key.replace('_', ' ') or 'this'}?",
                        field_key=key,
                        raised_by=handoff.to_person,
                        raised_at=raised_at,
                        answer="Answered on the call." if answered else "",
                        answered_by=handoff.from_person if answered else None,
                        answered_at=raised_at + timedelta(hours=2) if answered else None,
                    )
                )
            if handoff.status != "confirmed" or rng.random() >= 1 / 16:
                continue
            fixer = handoff.to_person
            remediation = rng.choice([60, 120, 180, 180, 240, 360])
            rate = fixer.cost_rate
            failures.append(
                HandoffFailure(
                    workspace=w.workspace,
                    handoff=handoff,
                    category=rng.choice(["rework", "wrong_messaging", "client_repeated", "missed_deadline"]),
                    description="Rework traced to a field the receiver had to guess.",
                    remediation_minutes=remediation,
                    remediated_by=fixer,
                    occurred_on=min(
                        w.today, (handoff.confirmed_at or handoff.due_by).date() + timedelta(rng.randint(3, 20))
                    ),
                    cost_rate=rate,
                    remediation_cost=(rate * remediation / 60).quantize(Decimal("0.01"), ROUND_HALF_UP),
                )
            )
    HandoffGap.objects.bulk_create(gaps, batch_size=5_000)
    HandoffFailure.objects.bulk_create(failures, batch_size=5_000)
    w.counts["handoffs"] = len(made)
    w.counts["handoff failures"] = len(failures)


STEPS: list[tuple[str, Callable[[World, Progress], None]]] = [
    ("people", step_people),
    ("rates", step_rates),
    ("clients", step_clients),
    ("projects", step_projects),
    ("time", step_time),
    ("bookings", step_bookings),
    ("rollups", step_rollups),
    ("touchpoints", step_touchpoints),
    ("handoffs", step_handoffs),
]


def generate(size: str | Size, seed: int, slug: str, progress: Progress | None = None) -> World:
    spec = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data
    today = timezone.localdate()
    workspace = workspace_create(
        slug=slug,
        name=f"Agency {slug}",
        currency="USD",
        owner_email=f"owner@{slug}.baton.test",
        owner_password="baton-bench",
        owner_name="Dana Whitfield",
    )
    Actor.system(workspace)
    w = World(size=spec, rng=rng, workspace=workspace, today=today, start=date(today.year - spec.years, today.month, 1))
    advance = progress or (lambda label, n: None)
    for _, func in STEPS:
        with transaction.atomic():
            func(w, advance)
    analyze()
    return w
