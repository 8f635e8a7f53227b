"""Finance reads for the role homes (leadership, finance): what is ready to invoice, what is overdue, which budgets
burn ahead of their project's progress, which change orders wait for a decision. Each is the one source of its
figure; the pages that list the same records link here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet, Sum

from baton.core.access import Actor
from baton.core.money import CENT
from baton.delivery.models import Billing
from baton.delivery.selectors import progress_of
from baton.finance.models import ChangeOrder, ChangeOrderStatus, Invoice, InvoiceKind, InvoiceStatus
from baton.finance.selectors.records import change_order_list, invoice_list
from baton.rates.selectors import money_projects
from baton.timesheets.models import TimeEntry

ZERO = Decimal("0.00")
AHEAD_BY = 15  # percentage points of budget burnt beyond the share of tasks done


def ready_to_invoice(*, actor: Actor, today: date) -> list[dict[str, Any]]:
    """Approved, billable time on no invoice, up to `today`, of the time-and-materials projects whose money the actor
    sees — what `invoice_draft_from_time` would put on a draft now — by client (largest first), each with its
    projects. Amounts in the workspace's base currency (`bill_amount_base`); one query."""
    projects = money_projects(actor).filter(billing=Billing.TIME_AND_MATERIALS, archived_at__isnull=True)
    rows = (
        TimeEntry.objects.filter(
            project__in=projects,
            billable=True,
            approved=True,
            invoiced=False,
            invoice_line__isnull=True,
            date__lte=today,
        )
        .values("project_id", "project__name", "project__client_id", "project__client__name")
        .annotate(minutes=Sum("minutes"), amount=Sum("bill_amount_base"))
        .order_by()
    )
    clients: dict[int, dict[str, Any]] = {}
    for row in rows:
        client = clients.setdefault(
            row["project__client_id"],
            {
                "client_id": row["project__client_id"],
                "client_name": row["project__client__name"],
                "minutes": 0,
                "amount": ZERO,
                "projects": [],
            },
        )
        amount = Decimal(row["amount"] or 0).quantize(CENT)
        client["minutes"] += int(row["minutes"] or 0)
        client["amount"] += amount
        client["projects"].append(
            {
                "project_id": row["project_id"],
                "project_name": row["project__name"],
                "minutes": int(row["minutes"] or 0),
                "amount": amount,
            }
        )
    for client in clients.values():
        client["projects"].sort(key=lambda p: (-p["amount"], p["project_name"].lower()))
    return sorted(clients.values(), key=lambda c: (-c["amount"], c["client_name"].lower()))


def overdue_invoices(*, actor: Actor, today: date) -> QuerySet[Invoice]:
    """Issued invoices with a balance past their due date, most overdue first: the invoices that `receivables`
    counts as `overdue_invoices`, annotated with `balance`."""
    balance = ExpressionWrapper(
        F("total") - F("amount_paid") - F("amount_credited"), output_field=DecimalField(max_digits=14, decimal_places=2)
    )
    return (
        invoice_list(actor=actor, kind=InvoiceKind.INVOICE)
        .prefetch_related(None)
        .filter(status__in=[InvoiceStatus.SENT, InvoiceStatus.PAID], due_date__lt=today)
        .annotate(balance=balance)
        .filter(balance__gt=0)
        .order_by("due_date", "id")
    )


def burning_ahead(projects: list[Any], burns: dict[int, Any], *, ahead_by: int = AHEAD_BY) -> list[dict[str, Any]]:
    """The budgets (of `current_burns`' projects and burns) whose burn runs `ahead_by` points or more ahead of their
    project's progress (% of tasks done, delivery's `progress_pct`), furthest ahead first. Retainers are measured
    by the month, not by progress, and are left out. One query (the task counts)."""
    candidates = [p for p in projects if p.billing != Billing.RETAINER and burns[p.pk].level_pct is not None]
    progress = progress_of([p.pk for p in candidates])
    out = []
    for project in candidates:
        burn = burns[project.pk]
        done = progress.get(project.pk, 0)
        gap = Decimal(burn.level_pct) - done
        if gap >= ahead_by:
            out.append({"project": project, "burn": burn, "burn_pct": burn.level_pct, "progress_pct": done, "gap": gap})
    return sorted(out, key=lambda r: (-r["gap"], r["project"].name.lower()))


def change_orders_to_decide(*, actor: Actor) -> QuerySet[ChangeOrder]:
    """Submitted change orders waiting for a decision, oldest request first."""
    return (
        change_order_list(actor=actor, status=ChangeOrderStatus.SUBMITTED)
        .prefetch_related(None)
        .order_by("requested_on", "id")
    )
