"""Demo data for time and money, on the projects the demo already has (none: nothing is added).

- Rate cards: a workspace default, a role rate, a client rate, a project x person rate; dated cost rates (raises), so
  older time carries older cost rates.
- Time: up to two years of entries (each project's own span, never before it starts), bulk-created with rates and
  amounts from the very functions the service uses (`RateBook.resolve`, `amount_for`), so it stays fast. Burn is
  steered per project so budgets land in every band (under half, past 80 %, over).
- Timesheets: past weeks approved, last week submitted (one rejected), this week open.
- Change orders in every status (approval through the service, so budgets move and events are written), expenses,
  budget alerts, and invoices in every status: drafts, sent, partly and fully paid, void, and a credit note.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Event, Workspace
from baton.crm.models import Client
from baton.delivery.models import Billing, Project, ProjectStatus, ProjectStatusChange, Task
from baton.finance import services
from baton.finance.models import Invoice
from baton.finance.selectors.burn import month_end, month_start
from baton.people.models import Person
from baton.rates.models import BillRate, BillRateScope, CostRate, ExchangeRate
from baton.rates.resolution import RateBook, entry_figures
from baton.timesheets import rollups
from baton.timesheets.models import TimeEntry, Timesheet, TimesheetStatus

HISTORY_DAYS = 730
DAY_CAP = 8 * 60

NOTES = [
    "",
    "",
    "Client call",
    "Review feedback",
    "Internal review",
    "Fixes after QA",
    "Planning",
    "Working session",
]


def _workdays(start: date, end: date) -> list[date]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _rates(workspace: Workspace, actor: Actor, projects: list[Project], people: list[Person], today: date) -> None:
    base = workspace.currency
    rows = [
        BillRate(
            workspace=workspace, scope=BillRateScope.WORKSPACE, rate=Decimal("125.00"), currency=base, note="Default"
        )
    ]
    rows.append(
        BillRate(
            workspace=workspace, scope=BillRateScope.ROLE, role="QA Engineer", rate=Decimal("110.00"), currency=base
        )
    )
    clients = sorted({p.client_id for p in projects})
    if clients:
        rows.append(
            BillRate(
                workspace=workspace,
                scope=BillRateScope.CLIENT,
                client_id=clients[0],
                currency=Client.objects.get(pk=clients[0]).currency,
                rate=Decimal("135.00"),
                effective_from=today - timedelta(days=HISTORY_DAYS),
                note="Framework agreement",
            )
        )
    staffed = [p for p in projects if p.project_manager_id]
    if staffed:
        rows.append(
            BillRate(
                workspace=workspace,
                scope=BillRateScope.PROJECT_PERSON,
                project=staffed[0],
                person_id=staffed[0].project_manager_id,
                currency=staffed[0].currency,
                rate=Decimal("175.00"),
                note="Senior lead on this engagement",
            )
        )
    for euro in [p for p in projects if p.currency == "EUR"]:
        rows.append(
            BillRate(
                workspace=workspace,
                scope=BillRateScope.PROJECT,
                project=euro,
                currency="EUR",
                rate=Decimal("140.00"),
                note="Euro rate card for this engagement",
            )
        )
    BillRate.objects.bulk_create(rows)
    raises = []
    for person in people[::4]:
        if person.cost_rate:
            raises.append(
                CostRate(
                    workspace=workspace,
                    person=person,
                    rate=(person.cost_rate * Decimal("0.92")).quantize(Decimal("0.01")),
                    effective_from=today - timedelta(days=HISTORY_DAYS),
                    note="Before the annual review",
                )
            )
            raises.append(
                CostRate(
                    workspace=workspace,
                    person=person,
                    rate=person.cost_rate,
                    effective_from=today - timedelta(days=180),
                    note="Annual review",
                )
            )
    CostRate.objects.bulk_create(raises)
    ExchangeRate.objects.bulk_create(
        [
            ExchangeRate(
                workspace=workspace,
                currency="EUR",
                rate=Decimal("1.08"),
                effective_on=today - timedelta(days=HISTORY_DAYS),
            ),
            ExchangeRate(
                workspace=workspace,
                currency="EUR",
                rate=Decimal("1.1150"),
                effective_on=today - timedelta(days=45),
            ),
            ExchangeRate(
                workspace=workspace,
                currency="GBP",
                rate=Decimal("1.27"),
                effective_on=today - timedelta(days=HISTORY_DAYS),
            ),
        ]
    )


def _team(project: Project, tasks: list[Task], members: list[Person], rng: random.Random) -> list[Person]:
    ids = {t.assignee_id for t in tasks if t.assignee_id} | set(project.members.values_list("id", flat=True))
    team = [m for m in members if m.pk in ids]
    if not team:
        team = rng.sample(members, k=min(3, len(members)))
    return team


# Complexity: one pass by day and person over one seeded random sequence (same draws, same data).
def _time(workspace: Workspace, projects: list[Project], people: list[Person], rng: random.Random, today: date) -> None:
    """Bulk-created entries with rates resolved and amounts computed exactly as the service does."""
    book = RateBook.load(workspace.pk)
    by_id = {p.pk: p for p in people}
    members = [p for p in people if p.membership.role in ("member", "project_manager")]
    day_load: dict[tuple[int, date], int] = defaultdict(int)
    entries: list[TimeEntry] = []
    stopped = _stopped(projects)
    for project in projects:
        if project.status == ProjectStatus.PLANNED or not project.start_date:
            continue
        tasks = list(project.tasks.all())
        start = max(project.start_date, today - timedelta(days=HISTORY_DAYS))
        end = min(project.end_date or today, today, stopped.get(project.pk, today))
        days = _workdays(start, end)
        if not days:
            continue
        team = _team(project, tasks, members, rng)
        if project.project_manager_id and project.project_manager_id in by_id:
            team.append(by_id[project.project_manager_id])
        if project.billing == Billing.RETAINER:
            per_month = project.period_budget_minutes or 1800
            target = int(per_month * len(days) / 21 * rng.uniform(0.7, 1.1))
        else:
            budget = project.budget_minutes or sum(t.estimate_minutes for t in tasks) or 6000
            span = max(1, ((project.end_date or end) - project.start_date).days)
            elapsed = min(1.0, max(0.05, (end - project.start_date).days / span))
            ratio = rng.choice([0.35, 0.6, 0.85, 0.95, 1.1]) if project.status != ProjectStatus.DONE else 1.0
            target = int(budget * elapsed * ratio)
        logged = 0
        attempts = 0
        while logged < target and attempts < target // 30 + 200:
            attempts += 1
            day = rng.choice(days)
            person = rng.choice(team)
            minutes = rng.choice([30, 45, 60, 90, 120, 150, 180, 240])
            room = DAY_CAP - day_load[(person.pk, day)]
            minutes = min(minutes, room, target - logged)
            if minutes < 15:
                continue
            task = rng.choice(tasks) if tasks and rng.random() < 0.85 else None
            billable = project.billing != Billing.NON_BILLABLE and rng.random() > 0.08
            resolved = book.resolve(
                person_id=person.pk,
                person_bill_rate=person.bill_rate,
                person_cost_rate=person.cost_rate,
                person_title=person.title,
                person_role=person.membership.role,
                project_id=project.pk,
                client_id=project.client_id,
                on=day,
                currency=project.currency,
            )
            entries.append(
                TimeEntry(
                    workspace=workspace,
                    person=person,
                    project=project,
                    task=task,
                    date=day,
                    minutes=minutes,
                    note=rng.choice(NOTES),
                    billable=billable,
                    currency=project.currency,
                    **entry_figures(resolved, minutes),
                )
            )
            day_load[(person.pk, day)] += minutes
            logged += minutes
    TimeEntry.objects.bulk_create(entries, batch_size=2000)
    rollups.rebuild(workspace.pk)  # bulk-loaded entries bypass the services that keep the rollup current


def _stopped(projects: list[Project]) -> dict[int, date]:
    """The last working day of each cancelled project (the day before its cancellation): no time after it."""
    cancelled = [p.pk for p in projects if p.status == ProjectStatus.CANCELLED]
    rows = ProjectStatusChange.objects.filter(project_id__in=cancelled, status=ProjectStatus.CANCELLED)
    return {pk: on - timedelta(days=1) for pk, on in rows.values_list("project_id", "on")}


def _timesheets(workspace: Workspace, today: date, rng: random.Random, approver: Person | None) -> None:
    this_week = today - timedelta(days=today.weekday())
    last_week = this_week - timedelta(days=7)
    weeks = (
        TimeEntry.objects.filter(workspace=workspace, date__lt=this_week).values_list("person_id", "date").distinct()
    )
    keys = {(person_id, day - timedelta(days=day.weekday())) for person_id, day in weeks}
    now = timezone.now()
    sheets = []
    rejected_done = False
    for person_id, monday in sorted(keys, key=lambda k: (k[1], k[0])):
        if monday < last_week:
            status = TimesheetStatus.APPROVED
        elif not rejected_done:
            status, rejected_done = TimesheetStatus.REJECTED, True
        else:
            status = TimesheetStatus.SUBMITTED if rng.random() < 0.7 else TimesheetStatus.DRAFT
        # Submitted on the week's Friday afternoon, decided the Monday after (never later than now).
        submitted = min(now, timezone.make_aware(datetime.combine(monday + timedelta(days=4), time(17))))
        decided = min(now, timezone.make_aware(datetime.combine(monday + timedelta(days=7), time(10))))
        sheets.append(
            Timesheet(
                workspace=workspace,
                person_id=person_id,
                week_start=monday,
                status=status,
                submitted_at=submitted if status != TimesheetStatus.DRAFT else None,
                decided_at=decided if status in (TimesheetStatus.APPROVED, TimesheetStatus.REJECTED) else None,
                decided_by=approver if status in (TimesheetStatus.APPROVED, TimesheetStatus.REJECTED) else None,
                reason="Wednesday's hours look doubled; please check." if status == TimesheetStatus.REJECTED else "",
            )
        )
    Timesheet.objects.bulk_create(sheets, batch_size=2000)
    TimeEntry.objects.filter(workspace=workspace, date__lt=last_week).update(approved=True)


def _change_orders(actor: Actor, projects: list[Project], rng: random.Random, today: date) -> None:
    live = [p for p in projects if p.status in (ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD)]
    for i, project in enumerate(live[:8]):
        services.baseline_freeze(actor=actor, project=project)
        contact = project.client.contacts.order_by("-is_primary", "id").first()
        extra = rng.choice([6, 10, 16, 24]) * 60
        rate = Decimal("150.00")
        order = services.change_order_create(
            actor=actor,
            project_id=project.pk,
            title=rng.choice(
                ["Extra landing page", "Additional ad set", "Second round of revisions", "Newsletter template"]
            ),
            description="Asked for on the weekly call; not in the original scope.",
            amount_delta=(rate * extra / 60).quantize(Decimal("0.01")),
            minutes_delta=extra,
            requested_by_contact_id=contact.pk if contact else None,
            requested_on=today - timedelta(days=rng.randint(3, 40)),
            status="submitted",
        )
        if i % 4 == 0:
            services.change_order_approve(actor=actor, order=order, reason="Agreed with the client by email.")
        elif i % 4 == 1:
            services.change_order_reject(actor=actor, order=order, reason="Covered by the existing budget.")
        elif i % 4 == 2:
            services.change_order_approve(actor=actor, order=order)
        if i % 3 == 0:
            services.change_order_create(
                actor=actor,
                project_id=project.pk,
                title="Informal request: extra export format",
                amount_delta="0.00",
                minutes_delta=120,
                status="draft",
            )


def _expenses(actor: Actor, projects: list[Project], rng: random.Random, today: date) -> None:
    for project in [p for p in projects if p.status != ProjectStatus.PLANNED][:10]:
        start = project.start_date or today
        for description, category, amount, markup in rng.sample(
            [
                ("Stock photography licence", "assets", "240.00", "15"),
                ("User testing incentives", "research", "600.00", "10"),
                ("Train to client workshop", "travel", "186.40", "0"),
                ("Font licence", "assets", "129.00", "15"),
                ("Paid social test budget", "media", "1500.00", "10"),
            ],
            k=2,
        ):
            day = min(today, start + timedelta(days=rng.randint(3, 40)))
            services.expense_create(
                actor=actor,
                project_id=project.pk,
                description=description,
                category=category,
                amount=amount,
                markup_pct=markup,
                date=day,
                billable=project.billing != Billing.NON_BILLABLE and category != "travel",  # travel is on us
            )


def _write_down(actor: Actor, projects: list[Project], today: date) -> None:
    """A finished fixed fee whose fee is cut this month, below what it had earned by last month (MONEY.md §3): the
    profitability report by month shows this month's negative revenue as a write-down naming the change order."""
    this_month = month_start(today)
    for project in projects:
        if project.billing != Billing.FIXED_FEE or project.status != ProjectStatus.DONE or not project.budget_amount:
            continue
        if not TimeEntry.objects.filter(project=project, date__lt=this_month).exists():
            continue
        project.refresh_from_db()
        cut = (project.budget_amount * Decimal("0.3")).quantize(Decimal("1"))
        order = services.change_order_create(
            actor=actor,
            project_id=project.pk,
            title="Fee settled lower after the late launch",
            description="Agreed with the client: the launch slipped, the fee drops by 30 % (no scope removed).",
            amount_delta=-cut,
            requested_on=today,
            status="submitted",
        )
        services.change_order_approve(actor=actor, order=order, reason="Settlement agreed by the owner.")
        return


# Complexity: cases per billing type, then payments, over one seeded random sequence (same data).
def _invoices(actor: Actor, projects: list[Project], rng: random.Random, today: date) -> None:
    this_month = month_start(today)
    stopped = _stopped(projects)
    due: list[tuple[date, Invoice]] = []  # drafts to issue on their day, issued in date order (numbers follow dates)
    for project in projects:
        if project.status == ProjectStatus.PLANNED or not project.start_date:
            continue
        if project.billing == Billing.TIME_AND_MATERIALS:
            month = month_start(max(project.start_date, today - timedelta(days=HISTORY_DAYS)))
            while month < this_month:
                try:
                    invoice = services.invoice_draft_from_time(
                        actor=actor,
                        project_id=project.pk,
                        period_start=month,
                        period_end=month_end(month),
                        tax_rate="20.00",
                    )
                except ValidationError:  # a month without billable time: nothing to invoice
                    month = month_start(month_end(month) + timedelta(days=1))
                    continue
                due.append((month_end(month) + timedelta(days=1), invoice))
                month = month_start(month_end(month) + timedelta(days=1))
            try:  # this month so far: a draft
                services.invoice_draft_from_time(
                    actor=actor, project_id=project.pk, period_start=this_month, period_end=today, tax_rate="20.00"
                )
            except ValidationError:  # nothing logged yet this month
                pass
        elif project.billing == Billing.FIXED_FEE:
            for milestone in project.milestones.filter(status="done", amount__isnull=False):
                invoice = services.invoice_draft_from_fee(actor=actor, project_id=project.pk, milestone_id=milestone.pk)
                reached = timezone.localdate(milestone.completed_at) if milestone.completed_at else today
                due.append((min(reached + timedelta(days=1), today), invoice))  # billed the day after it was reached
        elif project.billing == Billing.RETAINER:
            month = month_start(project.start_date)
            last = month_start(stopped[project.pk]) if project.pk in stopped else this_month
            while month <= last:
                invoice = services.invoice_draft_from_retainer(
                    actor=actor, project_id=project.pk, period=month, tax_rate="20.00"
                )
                if month < this_month or project.pk in stopped:
                    due.append((month, invoice))
                month = month_start(month_end(month) + timedelta(days=1))
    due.sort(key=lambda d: (d[0], d[1].pk))
    issued = [services.invoice_issue(actor=actor, invoice=invoice, issue_date=day) for day, invoice in due]
    # Payments: the older invoices are paid, one partly; the newest stay open; one is voided, one credited.
    for index, invoice in enumerate(issued):
        invoice.refresh_from_db()
        age = (today - (invoice.issue_date or today)).days
        if index == len(issued) - 1 and invoice.status == "sent":
            services.invoice_void(actor=actor, invoice=invoice, reason="Issued against the wrong purchase order.")
        elif age > 45 and invoice.total > 0:
            services.payment_record(
                actor=actor,
                invoice=invoice,
                amount=invoice.total,
                paid_on=(invoice.issue_date or today) + timedelta(days=rng.randint(12, 40)),
                method="bank transfer",
            )
        elif age > 20 and invoice.total > 0 and rng.random() < 0.5:
            half = (invoice.total / 2).quantize(Decimal("0.01"))
            services.payment_record(actor=actor, invoice=invoice, amount=half, method="bank transfer")
    paid = [i for i in issued if Invoice.objects.filter(pk=i.pk, status="paid").exists()]
    if paid:
        target = paid[-1]
        target.refresh_from_db()
        first = target.lines.first()
        if first is not None:
            note = services.credit_note_create(
                actor=actor,
                invoice=target,
                lines=[
                    {
                        "description": f"Goodwill credit: {first.description}"[:400],
                        "quantity": "1",
                        "unit_price": (min(first.amount, Decimal("250.00"))).quantize(Decimal("0.01")),
                    }
                ],
                notes="Goodwill credit after a delayed launch.",
            )
            services.invoice_issue(actor=actor, invoice=note)


def _date_invoice_events(workspace: Workspace, today: date) -> None:
    """The services wrote the invoices' events today: each on its day instead (drafted and issued on the issue date,
    paid on the day of the payment that settled it, a payment on the day it was received)."""
    issued = dict(Invoice.objects.filter(workspace=workspace, issue_date__isnull=False).values_list("pk", "issue_date"))
    events = list(Event.objects.filter(workspace=workspace, target_type__in=["invoice", "payment"]))
    for event in events:
        day = None
        paid_on = (event.data or {}).get("paid_on")
        if event.target_type == "payment" and paid_on:
            day = date.fromisoformat(paid_on)
        elif event.verb in ("invoice.created", "invoice.issued") and event.target_id in issued:
            day = issued[event.target_id]
        if day is not None and day < today:
            event.occurred_at = timezone.make_aware(datetime.combine(day, time(11)))
    paid = {e.data.get("invoice_id"): e.occurred_at for e in events if e.target_type == "payment" and e.data}
    for event in events:
        if event.verb == "invoice.paid" and event.target_id in paid:
            event.occurred_at = paid[event.target_id]
    Event.objects.bulk_update(events, ["occurred_at"], batch_size=1000)


def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    """Add time and money to the demo agency's projects."""
    today = timezone.localdate()
    projects = list(Project.objects.filter(workspace=workspace).select_related("client").order_by("id"))
    if not projects:
        return
    people = list(
        Person.objects.filter(workspace=workspace, active=True)
        .exclude(membership__role="client")
        .select_related("membership")
        .order_by("id")
    )
    finance_person = next((p for p in people if p.membership.role == "finance"), None)
    _rates(workspace, actor, projects, people, today)
    _time(workspace, projects, people, rng, today)
    _timesheets(workspace, today, rng, finance_person)
    _change_orders(actor, projects, rng, today)
    _expenses(actor, projects, rng, today)
    _write_down(actor, projects, today)
    _invoices(
        actor, [p for p in Project.objects.filter(pk__in=[p.pk for p in projects]).select_related("client")], rng, today
    )
    for project in (
        Project.objects.filter(workspace=workspace)
        .exclude(status=ProjectStatus.PLANNED)
        .filter(Q(archived_at__isnull=True))
        .select_related("client")
    ):
        services.budget_check(actor=actor, project=project)
    _date_invoice_events(workspace, today)
