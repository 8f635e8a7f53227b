"""Steps: time (entries, weeks, invoices), bookings, the rollup rebuild and the closing ANALYZE."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from baton.devdata.scale._common import DAY, Progress, World
from baton.finance.models import Invoice, InvoiceCounter, InvoiceLine
from baton.rates.resolution import RateBook, entry_figures
from baton.resourcing.models import Booking
from baton.timesheets import rollups
from baton.timesheets.models import TimeEntry, Timesheet


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
    rates: dict[tuple[int, int, int], Any] = {}
    approved_before = w.today - timedelta(days=w.today.weekday() + 14)
    invoice_before = (w.today.replace(day=1) - timedelta(days=32)).replace(day=1)
    used_minutes: dict[int, int] = defaultdict(int)
    last = {p.pk: w.stopped.get(p.pk) or p.end_date or w.today for p in w.projects}  # no time after a cancellation
    pending: list[Any] = []
    weeks: set[tuple[int, date]] = set()
    total = 0
    target = w.size.entries
    people = list(w.staff)
    # Evenly dense (issue 21): everyone logs from the start to today, less holidays, sick and quiet days
    # (seasonality); each person's share of the entries is in proportion to their days and spread evenly over
    # them, so every year and quarter holds about the same entries and the same people log time in each.
    days_of = [[d for d in _workdays(p, w.start, w.today) if rng.random() <= _busy_factor(d) * 0.97] for p in people]
    all_days = max(1, sum(len(days) for days in days_of))
    seen_days = 0
    for n, (person, days) in enumerate(zip(people, days_of, strict=True)):
        seen_days += len(days)
        quota = target * seen_days // all_days - total
        for i, day in enumerate(days):
            count = (i + 1) * quota // len(days) - i * quota // len(days)
            if not count:
                continue
            live = [
                p
                for p in staffed[person.pk]
                if p.start_date <= day <= last[p.pk]
                and not (p.billing == "fixed_fee" and used_minutes[p.pk] > p.budget_minutes * overrun[p.pk])
            ]
            capacity = person.weekly_capacity_minutes // len(person.working_days)
            if rng.random() < 0.05:
                capacity = int(capacity * 1.3)  # a crunch day
            for _ in range(count):
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
                        currency=project.currency,
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
                        currency=project.currency,
                        **entry_figures(resolved, minutes),
                        approved=day < approved_before,
                    )
                )
                used_minutes[project.pk] += minutes
                weeks.add((person.pk, day - timedelta(days=day.weekday())))
                total += 1
        if len(pending) >= 20_000 or n == len(people) - 1:
            TimeEntry.objects.bulk_create(pending, batch_size=5000)
            advance("time entries", len(pending))
            pending = []
    w.counts["time entries"] = total
    # Timesheets: approved up to a fortnight ago, the last two weeks open or submitted (in chunks: 260,000 at XL).
    now = timezone.now()
    sheets: list[Timesheet] = []
    for pid, monday in sorted(weeks):
        sheets.append(
            Timesheet(
                workspace=w.workspace,
                person_id=pid,
                week_start=monday,
                status="approved" if monday < approved_before else rng.choice(["draft", "submitted"]),
                submitted_at=now if monday < approved_before else None,
                decided_at=now if monday < approved_before else None,
            )
        )
        if len(sheets) >= 20_000:
            Timesheet.objects.bulk_create(sheets, batch_size=5000)
            advance("timesheets", len(sheets))
            sheets = []
    Timesheet.objects.bulk_create(sheets, batch_size=5000)
    w.counts["timesheets"] = len(weeks)
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
    made = 0
    staff = [p for p in w.staff if by_person[p.pk]]
    horizon = w.today + timedelta(days=84)
    while made < w.size.bookings:
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
        made += 1
        if len(rows) >= 20_000:
            Booking.objects.bulk_create(rows, batch_size=5000)
            advance("bookings", len(rows))
            rows = []
    Booking.objects.bulk_create(rows, batch_size=5000)
    w.counts["bookings"] = made
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
