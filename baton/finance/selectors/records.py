"""Reads of finance records, always through the acting membership (an invisible record is not found: 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.core.money import CENT
from baton.core.selectors import one_or_404
from baton.delivery.models import Project
from baton.finance.models import (
    ChangeOrder,
    Expense,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    ProjectBudget,
)
from baton.finance.selectors.burn import Burn, budget_burn
from baton.finance.selectors.scope import ScopeLog, scope_log
from baton.rates.selectors import money_project_get, money_projects, own_or_money
from baton.timesheets.models import TimeEntry


def budget_burn_for(*, actor: Actor, project_id: int, period: date | None = None) -> Burn:
    return budget_burn(money_project_get(actor=actor, project_id=project_id), period=period)


def scope_log_for(*, actor: Actor, project_id: int) -> ScopeLog:
    return scope_log(money_project_get(actor=actor, project_id=project_id))


def project_budget_list(*, actor: Actor, project_id: int | None = None) -> QuerySet[ProjectBudget]:
    access.require(actor, "budget", "view")
    qs = ProjectBudget.objects.filter(
        workspace=actor.workspace, project_id__in=money_projects(actor).values("id")
    ).select_related("project")
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    return qs.order_by("project_id")


def change_order_list(
    *, actor: Actor, project_id: int | None = None, status: str | None = None, client_id: int | None = None
) -> QuerySet[ChangeOrder]:
    access.require(actor, "change_order", "view")
    qs = (
        ChangeOrder.objects.filter(workspace=actor.workspace, project_id__in=money_projects(actor).values("id"))
        .select_related("project", "project__client", "requested_by", "requested_by_contact", "decided_by")
        .prefetch_related("tasks")
    )
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if status:
        qs = qs.filter(status=status)
    if client_id is not None:
        qs = qs.filter(project__client_id=client_id)
    return qs.order_by("-requested_on", "-id")


def change_order_get(*, actor: Actor, change_order_id: int) -> ChangeOrder:
    if not access.allowed(actor, "change_order", "view"):
        raise Http404("No such change order.")  # a role that sees none of them learns nothing about an id
    return one_or_404(change_order_list(actor=actor).filter(pk=change_order_id), "change order")


def expense_list(
    *,
    actor: Actor,
    project_id: int | None = None,
    person_id: int | None = None,
    billable: bool | None = None,
    invoiced: bool | None = None,
) -> QuerySet[Expense]:
    access.require(actor, "expense", "view")
    qs = Expense.objects.filter(workspace=actor.workspace).filter(own_or_money(actor))
    qs = qs.select_related("project", "project__client", "person")
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if billable is not None:
        qs = qs.filter(billable=billable)
    if invoiced is not None:
        qs = qs.filter(invoiced=invoiced)
    return qs.order_by("-date", "-id")


def expense_get(*, actor: Actor, expense_id: int) -> Expense:
    if not access.allowed(actor, "expense", "view"):
        raise Http404("No such expense.")  # a role that sees none of them learns nothing about an id
    return one_or_404(expense_list(actor=actor).filter(pk=expense_id), "expense")


def invoice_list(
    *,
    actor: Actor,
    client_id: int | None = None,
    project_id: int | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> QuerySet[Invoice]:
    """Invoices the actor may see: all for owner/admin/finance; an AM its clients', a PM its projects'; a client-role
    user its own client's issued ones (sent or paid)."""
    access.require(actor, "invoice", "view")
    qs = Invoice.objects.filter(workspace=actor.workspace)
    if actor.is_client:
        qs = qs.filter(client_id=actor.client_id or 0, status__in=[InvoiceStatus.SENT, InvoiceStatus.PAID])
    elif actor.role == access.AM:
        qs = qs.filter(client__account_manager_id=actor.person_id or 0)
    elif actor.role == access.PM:
        qs = qs.filter(project__project_manager_id=actor.person_id or 0)
    elif actor.role not in access.ALL_MONEY:
        raise PermissionDenied("Your role may not view invoices.")
    lines = InvoiceLine.objects.order_by("position", "id").prefetch_related(
        Prefetch("time_entries", queryset=TimeEntry.objects.only("id", "invoice_line_id"))
    )
    qs = qs.select_related("client", "project", "credit_for", "workspace").prefetch_related(
        Prefetch("lines", queryset=lines), "payments"
    )
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-id")


def overdue_invoices(*, actor: Actor, today: date) -> QuerySet[Invoice]:
    """Sent invoices with a balance still owed past their due date (`receivables`' "overdue"), oldest due first."""
    balance = ExpressionWrapper(
        F("total") - F("amount_paid") - F("amount_credited"), output_field=DecimalField(max_digits=14, decimal_places=2)
    )
    return (
        invoice_list(actor=actor, kind=InvoiceKind.INVOICE, status=InvoiceStatus.SENT)
        .annotate(balance=balance)
        .filter(balance__gt=0, due_date__lt=today)
        .order_by("due_date", "id")
    )


def invoice_get(*, actor: Actor, invoice_id: int) -> Invoice:
    if not access.allowed(actor, "invoice", "view"):
        raise Http404("No such invoice.")  # a role that sees none of them learns nothing about an id
    return one_or_404(invoice_list(actor=actor).filter(pk=invoice_id), "invoice")


@dataclass(frozen=True)
class Receivable:
    """What clients owe in one currency, and what is owed back to them (never netted)."""

    currency: str
    receivable: Decimal  # Σ positive balances
    credits_owed: Decimal  # Σ negative balances, as a positive amount
    open_invoices: int
    overdue_invoices: int
    refunds_owed: int


@dataclass(frozen=True)
class Receivables:
    """Accounts receivable and credits owed, per invoice currency; `base` is the workspace currency's row."""

    currency: str
    rows: list[Receivable]

    @property
    def base(self) -> Receivable:
        zero = Decimal("0.00")
        found = [r for r in self.rows if r.currency == self.currency]
        return found[0] if found else Receivable(self.currency, zero, zero, 0, 0, 0)

    @property
    def receivable_rows(self) -> list[Receivable]:
        """The currencies with something receivable (the base currency's zero row when none): what pages show."""
        return [r for r in self.rows if r.receivable] or [self.base]

    @property
    def credit_rows(self) -> list[Receivable]:
        """The currencies with credits owed to clients (the base currency's zero row when none)."""
        return [r for r in self.rows if r.credits_owed] or [self.base]

    @property
    def count(self) -> int:
        return sum(r.open_invoices for r in self.rows)

    @property
    def overdue(self) -> int:
        return sum(r.overdue_invoices for r in self.rows)

    @property
    def refunds(self) -> int:
        return sum(r.refunds_owed for r in self.rows)

    @property
    def any_credits(self) -> bool:
        return any(r.credits_owed for r in self.rows)

    def as_api(self) -> dict[str, Any]:
        base = self.base
        return {
            "currency": self.currency,
            "receivable": base.receivable,
            "credits_owed": base.credits_owed,
            "by_currency": [r.__dict__ for r in self.rows],
        }


def receivables(*, actor: Actor, client_id: int | None = None, today: date | None = None) -> Receivables:
    """Accounts receivable (Σ positive balances of issued invoices) and credits owed to clients (Σ negative
    balances, as positive amounts) per currency, of the invoices the actor sees; balance = total - payments -
    issued credit notes (`Invoice.balance_due`). The one source of these figures for pages and the API."""
    if actor.is_client:
        raise PermissionDenied("Receivables are the agency's view.")
    today = today or timezone.localdate()
    balance = ExpressionWrapper(
        F("total") - F("amount_paid") - F("amount_credited"), output_field=DecimalField(max_digits=14, decimal_places=2)
    )
    rows = (
        invoice_list(actor=actor, client_id=client_id, kind=InvoiceKind.INVOICE)
        .filter(status__in=[InvoiceStatus.SENT, InvoiceStatus.PAID])
        .order_by()
        .annotate(balance=balance)
        .exclude(balance=0)
        .values("currency")
        .annotate(
            owed=Sum("balance", filter=Q(balance__gt=0)),
            credits=Sum("balance", filter=Q(balance__lt=0)),
            open=Count("id", filter=Q(balance__gt=0)),
            overdue=Count("id", filter=Q(balance__gt=0, due_date__lt=today)),
            refunds=Count("id", filter=Q(balance__lt=0)),
        )
        .order_by("currency")
    )
    zero = Decimal("0.00")
    return Receivables(
        currency=actor.workspace.currency,
        rows=[
            Receivable(
                currency=row["currency"],
                receivable=Decimal(row["owed"] or zero).quantize(CENT),
                credits_owed=-Decimal(row["credits"] or zero).quantize(CENT),
                open_invoices=row["open"],
                overdue_invoices=row["overdue"],
                refunds_owed=row["refunds"],
            )
            for row in rows
        ],
    )


def money_project_table(*, actor: Actor, include_done: bool = False) -> QuerySet[Project]:
    """Current projects whose money the actor sees, for the finance overview."""
    qs = money_projects(actor).filter(archived_at__isnull=True).select_related("client", "project_manager")
    if not include_done:
        qs = qs.exclude(status__in=["done", "cancelled"])
    return qs.annotate(
        open_change_orders=Count("change_orders", filter=Q(change_orders__status__in=["draft", "submitted"]))
    ).order_by("client__name", "name")
