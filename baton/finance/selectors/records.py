"""Reads of finance records, always through the acting membership (an invisible record is not found: 404)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
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


def invoice_get(*, actor: Actor, invoice_id: int) -> Invoice:
    if not access.allowed(actor, "invoice", "view"):
        raise Http404("No such invoice.")  # a role that sees none of them learns nothing about an id
    return one_or_404(invoice_list(actor=actor).filter(pk=invoice_id), "invoice")


def receivables(*, actor: Actor) -> dict[str, Any]:
    """Open invoices (sent, unpaid): count and what is owed per currency; overdue ones."""
    today = timezone.localdate()
    qs = invoice_list(actor=actor, status=InvoiceStatus.SENT, kind=InvoiceKind.INVOICE)
    rows = list(qs.values("currency", "total", "amount_paid", "amount_credited", "due_date"))
    owed: dict[str, Any] = {}
    overdue = 0
    for row in rows:
        balance = row["total"] - row["amount_paid"] - row["amount_credited"]
        owed[row["currency"]] = owed.get(row["currency"], 0) + balance
        if row["due_date"] and row["due_date"] < today:
            overdue += 1
    return {"count": len(rows), "owed": sorted(owed.items()), "overdue": overdue}


def money_project_table(*, actor: Actor, include_done: bool = False) -> QuerySet[Project]:
    """Current projects whose money the actor sees, for the finance overview."""
    qs = money_projects(actor).filter(archived_at__isnull=True).select_related("client", "project_manager")
    if not include_done:
        qs = qs.exclude(status__in=["done", "cancelled"])
    return qs.annotate(
        open_change_orders=Count("change_orders", filter=Q(change_orders__status__in=["draft", "submitted"]))
    ).order_by("client__name", "name")
