"""Reads of quotes, scoped by the actor, and a project's scope baseline with the lines of the quote it was sold by."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.http import Http404

from baton.core import access
from baton.core.access import Actor
from baton.core.selectors import one_or_404
from baton.delivery.models import Project, Task
from baton.finance.models import ChangeOrder, ChangeOrderStatus, Quote, QuoteLine, QuoteStatus
from baton.finance.selectors.scope import baseline_for
from baton.rates.selectors import money_project_get

ZERO = Decimal("0.00")


def quote_list(
    *,
    actor: Actor,
    client_id: int | None = None,
    project_id: int | None = None,
    deal_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Quote]:
    """Quotes the actor may see: all for owner/admin/finance; an AM its clients'; a client-role user its own
    client's once sent (never a draft)."""
    access.require(actor, "quote", "view")
    qs = Quote.objects.filter(workspace=actor.workspace)
    if actor.is_client:
        qs = qs.filter(client_id=actor.client_id or 0).exclude(status=QuoteStatus.DRAFT)
    elif actor.role == access.AM:
        qs = qs.filter(client__account_manager_id=actor.person_id or 0)
    lines = QuoteLine.objects.select_related("person").order_by("position", "id")
    qs = qs.select_related("client", "client__account_manager", "project", "deal", "workspace").prefetch_related(
        Prefetch("lines", queryset=lines)
    )
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if deal_id is not None:
        qs = qs.filter(deal_id=deal_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def quote_get(*, actor: Actor, quote_id: int) -> Quote:
    if not access.allowed(actor, "quote", "view"):
        raise Http404("No such quote.")  # a role that sees none of them learns nothing about an id
    return one_or_404(quote_list(actor=actor).filter(pk=quote_id), "quote")


def accepted_quote(project: Project) -> Quote | None:
    """The quote the project was last sold by (the latest accepted one)."""
    return (
        Quote.objects.filter(project_id=project.pk, status=QuoteStatus.ACCEPTED)
        .prefetch_related(Prefetch("lines", queryset=QuoteLine.objects.order_by("position", "id")))
        .order_by("-decided_at", "-id")
        .first()
    )


@dataclass
class BaselineView:
    project: Project
    frozen: bool
    frozen_at: datetime | None
    budget_amount: Decimal
    budget_minutes: int
    end_date: date | None
    task_ids: list[int]
    quote: Quote | None
    lines: list[QuoteLine] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return self.project.currency


def scope_baseline(*, actor: Actor, project_id: int) -> BaselineView:
    """What the project was sold as: the frozen baseline once it started (else the one it would freeze: today's
    budget less approved change orders, today's tasks), and the lines of the quote it was accepted from."""
    project = money_project_get(actor=actor, project_id=project_id)
    baseline, frozen = baseline_for(project)
    quote = accepted_quote(project)
    lines = [line for line in quote.lines.all() if line.counts] if quote else []
    if baseline is not None:
        return BaselineView(
            project=project,
            frozen=frozen,
            frozen_at=baseline.frozen_at if frozen else None,
            budget_amount=baseline.budget_amount,
            budget_minutes=baseline.budget_minutes,
            end_date=baseline.end_date,
            task_ids=list(baseline.task_ids or []),
            quote=quote,
            lines=lines,
        )
    approved: dict[str, Any] = ChangeOrder.objects.filter(
        project_id=project.pk, status=ChangeOrderStatus.APPROVED
    ).aggregate(amount=Sum("amount_delta"), minutes=Sum("minutes_delta"))
    return BaselineView(  # not started yet: what it would freeze
        project=project,
        frozen=False,
        frozen_at=None,
        budget_amount=max(ZERO, project.budget_amount - (approved["amount"] or ZERO)),
        budget_minutes=max(0, project.budget_minutes - (approved["minutes"] or 0)),
        end_date=project.end_date,
        task_ids=sorted(Task.objects.filter(project_id=project.pk).values_list("id", flat=True)),
        quote=quote,
        lines=lines,
    )
