"""The profitability report and the margin trend: the rows by the report's key, labelled and sorted, and their totals
(the definitions: this package's docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.core.money import CENT
from baton.crm.models import Client
from baton.delivery.models import Billing, BudgetRevision, Project, ProjectStatusChange
from baton.finance.models import ChangeOrder, ChangeOrderStatus
from baton.finance.selectors.burn import month_start, next_month, pct
from baton.finance.selectors.profit._common import RECOGNISED, REPORT_PROJECT_FIELDS, ZERO, Facts
from baton.finance.selectors.profit.extras import apply_extras, read_extras
from baton.finance.selectors.profit.history import (
    AccountManagers,
    Terms,
    earning_intervals,
    fixed_fee_changes,
    pieces,
    steady,
)
from baton.finance.selectors.profit.read import by_key, fixed_fee_days, recognition_inputs
from baton.finance.selectors.profit.recognise import Context, Sums, WriteDown, recognise
from baton.finance.selectors.recognition import from_cents
from baton.people.models import Person
from baton.rates.selectors import missing_rate_warning, money_projects
from baton.timesheets import rollups

GROUPS = ("client", "project", "person", "month", "account_manager")
NO_PERSON = "Not by a person (expenses, credit notes, months without time)"


@dataclass
class Row:
    key: Any
    label: str
    minutes: int = 0
    billable_minutes: int = 0
    revenue: Decimal = ZERO
    labour_cost: Decimal = ZERO
    expense_cost: Decimal = ZERO

    @property
    def cost(self) -> Decimal:
        return self.labour_cost + self.expense_cost

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def margin_pct(self) -> Decimal | None:
        return pct(self.margin, self.revenue) if self.revenue else None

    def add(self, other: Row) -> None:
        self.minutes += other.minutes
        self.billable_minutes += other.billable_minutes
        self.revenue += other.revenue
        self.labour_cost += other.labour_cost
        self.expense_cost += other.expense_cost

    def as_dict(self) -> dict[str, Any]:
        margin_pct = self.margin_pct
        return {
            "key": self.key,
            "label": self.label,
            "minutes": self.minutes,
            "billable_minutes": self.billable_minutes,
            "revenue": self.revenue.quantize(CENT),
            "labour_cost": self.labour_cost.quantize(CENT),
            "expense_cost": self.expense_cost.quantize(CENT),
            "cost": self.cost.quantize(CENT),
            "margin": self.margin.quantize(CENT),
            "margin_pct": float(margin_pct) if margin_pct is not None else None,
        }

    def as_json(self) -> dict[str, Any]:
        """`as_dict` in JSON types, money as decimal strings (what ProfitRow serialises to)."""
        margin_pct = self.margin_pct
        return {
            "key": self.key,
            "label": self.label,
            "minutes": self.minutes,
            "billable_minutes": self.billable_minutes,
            "revenue": str(self.revenue.quantize(CENT)),
            "labour_cost": str(self.labour_cost.quantize(CENT)),
            "expense_cost": str(self.expense_cost.quantize(CENT)),
            "cost": str(self.cost.quantize(CENT)),
            "margin": str(self.margin.quantize(CENT)),
            "margin_pct": float(margin_pct) if margin_pct is not None else None,
        }


@dataclass
class Report:
    group_by: str
    currency: str
    date_from: date | None
    date_to: date | None
    rows: list[Row]
    totals: Row
    warnings: list[str] = field(default_factory=list)
    write_downs: list[dict[str, Any]] = field(default_factory=list)


def profitability(
    *,
    actor: Actor,
    group_by: str = "project",
    date_from: date | None = None,
    date_to: date | None = None,
    client_id: int | None = None,
    project_id: int | None = None,
    today: date | None = None,
) -> Report:
    """The profitability report (see the package docstring). Rows are limited to the projects whose money the actor
    sees; `totals` is the sum of the rows."""
    access.require(actor, "financials", "view")
    if group_by not in GROUPS:
        raise ValidationError({"group_by": f"Group by one of: {', '.join(GROUPS)}."})
    today = today or timezone.localdate()
    qs = money_projects(actor)
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if project_id is not None:
        qs = qs.filter(pk=project_id)
    base = actor.workspace.currency
    whole = actor.role in access.ALL_MONEY and client_id is None and project_id is None
    if group_by == "account_manager":
        found = _by_account_manager(actor, qs, base, whole, date_from, date_to, today)
    else:
        found = _sums(actor, group_by, qs, base, whole, date_from, date_to, today)
    rows = {
        key: Row(
            key=key,
            label="",
            minutes=m,
            billable_minutes=bm,
            revenue=from_cents(revenue),
            labour_cost=from_cents(labour),
            expense_cost=from_cents(expense),
        )
        for key, (m, bm, revenue, labour, expense) in found.sums.items()
    }
    names = found.names
    if group_by == "project" and names is None:
        names = dict(qs.values_list("id", "name").order_by())
    _label(group_by, rows, names or {})
    ordered = sorted(rows.values(), key=lambda r: (str(r.key) if group_by == "month" else r.label.lower(), str(r.key)))
    totals = Row(key=None, label="Total")
    for row in ordered:
        totals.add(row)
    warnings = [
        missing_rate_warning(code, day) if day is not None else no_rate_warning(code, base)
        for code, day in sorted(found.missing.items())
    ]
    return Report(
        group_by=group_by,
        currency=base,
        date_from=date_from,
        date_to=date_to,
        rows=ordered,
        totals=totals,
        warnings=warnings,
        write_downs=_write_downs(found.write_downs),
    )


class _Found:
    """The sums per key ([minutes, billable minutes, revenue, labour cost, expense cost], cents), the project names
    when they were read, the currencies without an exchange rate, and the write-downs."""

    def __init__(
        self,
        sums: Sums,
        names: dict[int, str] | None,
        missing: dict[str, date | None],
        write_downs: list[WriteDown],
    ):
        self.sums, self.names, self.missing, self.write_downs = sums, names, missing, write_downs


def _sums(
    actor: Actor,
    group_by: str,
    qs: QuerySet[Project],
    base: str,
    whole: bool,
    date_from: date | None,
    date_to: date | None,
    today: date,
) -> _Found:
    """The report's figures per key, by MONEY.md: time (rollup), recognised revenue, expenses and credit notes."""
    projects, names, scope, recognised_scope = _project_sets(actor, qs, base, whole=whole, date_from=date_from)
    cut = rollups.month_cut(date_from, date_to)
    sums = by_key(group_by, cut, scope, base)
    moved = [pk for pk, p in projects.items() if p.billing == Billing.RETAINER and p.moved]
    extras = read_extras(group_by, scope, date_from, date_to, actor.workspace.pk, base, moved)
    rates = extras.rates
    ctx = Context(
        group_by=group_by,
        rates=rates,
        date_from=date_from,
        date_to=date_to,
        today=today,
        base=base,
        intervals={},
        terms={},
        days={},
    )
    if projects:
        retainers = {pk: (p.status, p.end_date) for pk, p in projects.items() if p.billing == Billing.RETAINER}
        ctx.intervals = {
            pk: (steady(status, None) if projects[pk].kept else steady(status, end_date))
            for pk, (status, end_date) in retainers.items()
            if pk not in moved
        }
        if moved:
            ctx.intervals |= earning_intervals({pk: retainers[pk] for pk in moved}, extras.statuses)
        changed = {pk for pk, p in projects.items() if p.changed}
        changes = fixed_fee_changes(actor.workspace.pk, changed) if changed else {}
        ctx.terms = {pk: Terms(projects[pk].fee or ZERO, projects[pk].budget, c) for pk, c in changes.items()}
        ctx.days = fixed_fee_days(list(ctx.terms), date_to)
        inputs = recognition_inputs(
            cut, recognised_scope, base, projects, by_person=group_by == "person", by_month=group_by == "month"
        )
        recognise(projects, inputs, sums, ctx)
    waits: dict[str, date | None] = dict.fromkeys(rates.missing)
    for code, day in apply_extras(group_by, extras, base, sums, date_from, date_to).items():
        waits[code] = day
    return _Found(sums, names, waits, ctx.write_downs)


def _by_account_manager(
    actor: Actor,
    qs: QuerySet[Project],
    base: str,
    whole: bool,
    date_from: date | None,
    date_to: date | None,
    today: date,
) -> _Found:
    """The account-manager P&L (MONEY.md §4): each day's figures go to the AM responsible for the client that day.
    The report by client over the whole range gives each client that kept its AM to that AM; a client that changed
    hands inside the range is read again piece by piece (cut on its change days), each piece going to its AM then."""
    managers = AccountManagers(actor.workspace.pk)
    found = _sums(actor, "client", qs, base, whole, date_from, date_to, today)
    changed = set(managers.changed(date_from, date_to))
    total: Sums = {}
    missing = dict(found.missing)

    def add(am: int | None, values: list[int]) -> None:
        acc = total.get(am)
        if acc is None:
            total[am] = list(values)
        else:
            for i, value in enumerate(values):
                acc[i] += value

    for client_id, values in found.sums.items():
        if client_id not in changed:
            add(managers.on(client_id, date_from), values)
    for client_id in changed:
        for lo, hi in pieces(date_from, date_to, managers.cuts(client_id, date_from, date_to)):
            piece = _sums(actor, "client", qs.filter(client_id=client_id), base, False, lo, hi, today)
            missing.update({code: day for code, day in piece.missing.items() if code not in missing})
            if client_id in piece.sums:
                add(managers.on(client_id, lo), piece.sums[client_id])
    return _Found(total, None, missing, found.write_downs)


def _write_downs(found: list[WriteDown]) -> list[dict[str, Any]]:
    """The write-downs as the API and the page show them, each with its project and change orders named."""
    if not found:
        return []
    names = dict(Project.objects.filter(pk__in={w.project_id for w in found}).values_list("id", "name"))
    return [
        {
            "project_id": w.project_id,
            "project": names.get(w.project_id, "-"),
            "month": w.month,
            "month_label": date(int(w.month[:4]), int(w.month[5:7]), 1).strftime("%B %Y"),
            "amount": from_cents(w.cents),
            "change_orders": [
                {"id": c.change_order_id, "title": c.title} for c in w.change_orders if c.change_order_id is not None
            ],
        }
        | (
            {"budget_revisions": revisions}
            if (
                revisions := [
                    {"id": c.budget_revision_id, "title": c.title} for c in w.change_orders if c.budget_revision_id
                ]
            )
            else {}
        )
        for w in sorted(found, key=lambda w: (w.month, w.project_id))
    ]


def no_rate_warning(code: str, base: str) -> str:
    """A currency without any exchange rate: its fixed fees' and retainers' revenue is left out, never counted 1:1."""
    return (
        f"No exchange rate from {code} to {base}: the revenue of fixed fees and retainers in {code} is left out until "
        "finance adds one under Finance → Rates (the figures are then recomputed)."
    )


def _flagged(qs: QuerySet[Project], date_from: date | None) -> QuerySet[Project]:
    """The projects with the flags of `Facts` (`changed`, `moved`): the few whose history the report must read."""
    orders = ChangeOrder.objects.filter(project=OuterRef("pk"), status=ChangeOrderStatus.APPROVED).exclude(
        amount_delta=0, minutes_delta=0
    )
    if date_from is not None:
        orders = orders.filter(decided_at__gte=timezone.make_aware(datetime.combine(date_from, time.min)))
    revisions = BudgetRevision.objects.filter(project=OuterRef("pk")).filter(
        Q(new_budget_amount__isnull=False) | Q(new_budget_minutes__isnull=False)
    )
    if date_from is not None:
        revisions = revisions.filter(revised_on__gte=date_from)
    history = ProjectStatusChange.objects.filter(project=OuterRef("pk"))
    # A status that changed after the range began (or, over all time, ever differed from today's) must be read day by
    # day; otherwise the range sees today's status throughout.
    moved = history.filter(on__gt=date_from) if date_from is not None else history.exclude(status=OuterRef("status"))
    # Each EXISTS only where the billing needs it (CASE evaluates it for those rows alone).
    fixed, retainer = Q(billing=Billing.FIXED_FEE), Q(billing=Billing.RETAINER)
    return qs.annotate(
        _changed=Case(
            When(fixed & (Q(Exists(orders)) | Q(Exists(revisions))), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        _moved=Case(When(retainer, then=Exists(moved)), default=Value(False), output_field=BooleanField()),
        _kept=Case(When(retainer, then=Exists(history)), default=Value(False), output_field=BooleanField()),
    )


def _project_sets(
    actor: Actor, qs: QuerySet[Project], base: str, *, whole: bool, date_from: date | None
) -> tuple[dict[int, Facts], dict[int, str] | None, Q, Q]:
    """The recognised or foreign projects of the report (as `Facts`), the names of all its projects when they were
    read (None otherwise), and the scopes of the time read for every project and for the recognised ones."""
    if whole:  # the project sets as joins, not lists of thousands of ids; only the recognised projects loaded
        projects = {
            row[0]: Facts(row)
            for row in _flagged(qs.filter(Q(billing__in=RECOGNISED) | ~Q(currency=base)), date_from)
            .values_list(*REPORT_PROJECT_FIELDS, "_changed", "_moved", "_kept")
            .order_by()  # the order does not matter (rows are sorted at the end): no sort by name
        }
        scope = Q(workspace_id=actor.workspace.pk)
        return projects, None, scope, scope & (Q(project__billing__in=RECOGNISED) | ~Q(project__currency=base))
    projects, names = {}, {}
    for row in _flagged(qs, date_from).values_list(*REPORT_PROJECT_FIELDS, "_changed", "_moved", "_kept").order_by():
        names[row[0]] = row[1]
        if row[3] in RECOGNISED or row[4] != base:
            projects[row[0]] = Facts(row)
    return projects, names, Q(project_id__in=list(names)), Q(project_id__in=list(projects))


def _label(group_by: str, rows: dict[Any, Row], project_names: dict[int, str]) -> None:
    if group_by == "month":
        for key, row in rows.items():
            row.label = date(int(key[:4]), int(key[5:7]), 1).strftime("%B %Y")
        return
    if group_by == "project":
        for key, row in rows.items():
            row.label = project_names[key]
        return
    if group_by == "client":
        names = dict(Client.objects.filter(pk__in=list(rows)).values_list("id", "name"))
        for key, row in rows.items():
            row.label = names.get(key, "-")
        return
    names = dict(Person.objects.filter(pk__in=[k for k in rows if k is not None]).values_list("id", "name"))
    for key, row in rows.items():
        if key is None:
            row.label = (
                "Not by a person (expenses, credit notes, months without time)"
                if group_by == "person"
                else "Unassigned"
            )
        else:
            row.label = names.get(key, "-")


def margin_trend(*, actor: Actor, months: int = 12, today: date | None = None) -> dict[str, Any]:
    """The last `months` months of revenue, cost and margin (money as strings) for the margin trend chart."""
    today = today or timezone.localdate()
    start = month_start(today)
    for _ in range(months - 1):
        start = month_start(start - timedelta(days=1))
    report = profitability(actor=actor, group_by="month", date_from=start, date_to=today, today=today)
    by_month = {r.key: r for r in report.rows}
    labels, revenue, cost, margin, margin_pct = [], [], [], [], []
    month = start
    while month <= today:
        row = by_month.get(f"{month:%Y-%m}") or Row(key=None, label="")
        labels.append(f"{month:%b %Y}")
        revenue.append(str(row.revenue.quantize(CENT)))
        cost.append(str(row.cost.quantize(CENT)))
        margin.append(str(row.margin.quantize(CENT)))
        margin_pct.append(str(row.margin_pct) if row.margin_pct is not None else "")
        month = next_month(month)
    return {
        "labels": labels,
        "revenue": revenue,
        "cost": cost,
        "margin": margin,
        "margin_pct": margin_pct,
        "currency": report.currency,
    }
