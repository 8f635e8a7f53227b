"""The scope baseline and the scope change log of a project.

The baseline is frozen when the project starts (its status becomes active), or at the first need after that (the
first time logged or change order on a started project): its budget and its tasks at that moment. Until then reads
use a derived one: today's budget less the approved change orders, and today's tasks. Tasks added after the baseline
that no (non-rejected) change order covers are unmanaged scope; time logged on them is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, Sum

from baton.core.models import Event
from baton.delivery.models import BudgetRevision, Project, ProjectStatus, Task
from baton.delivery.selectors import project_budget_revisions
from baton.finance.models import ChangeOrder, ChangeOrderStatus, ScopeBaseline
from baton.timesheets.models import TimeEntry

ZERO = Decimal("0.00")


def activated_at(project: Project) -> datetime | None:
    """When the project first became active (from the event log), or its creation when it was created started."""
    if project.status == ProjectStatus.PLANNED:
        return None
    event = (
        Event.objects.filter(
            workspace_id=project.workspace_id,
            target_type="project",
            target_id=project.pk,
            verb="project.status_changed",
            data__to=ProjectStatus.ACTIVE,
        )
        .order_by("occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return event or project.created_at


def derived_baseline(project: Project) -> ScopeBaseline | None:
    """The baseline a started project would have frozen (unsaved); None before it starts."""
    started = activated_at(project)
    if started is None:
        return None
    approved = ChangeOrder.objects.filter(project_id=project.pk, status=ChangeOrderStatus.APPROVED).aggregate(
        amount=Sum("amount_delta"), minutes=Sum("minutes_delta")
    )
    # Frozen at first need: the tasks it has then are the sold scope (a project is often set up after it starts).
    task_ids = sorted(Task.objects.filter(project_id=project.pk).values_list("id", flat=True))
    return ScopeBaseline(
        workspace_id=project.workspace_id,
        project=project,
        budget_amount=max(ZERO, project.budget_amount - (approved["amount"] or ZERO)),
        budget_minutes=max(0, project.budget_minutes - (approved["minutes"] or 0)),
        end_date=project.end_date,
        task_ids=task_ids,
        frozen_at=started,
    )


def baseline_for(project: Project) -> tuple[ScopeBaseline | None, bool]:
    """(baseline, frozen): the frozen one when there is one, else the derived one (frozen False)."""
    frozen = ScopeBaseline.objects.filter(project_id=project.pk).first()
    if frozen is not None:
        return frozen, True
    return derived_baseline(project), False


def managed_task_ids(project: Project) -> set[int]:
    """Tasks a change order (other than a rejected one) covers."""
    return set(
        ChangeOrder.tasks.through.objects.filter(changeorder__project_id=project.pk)
        .exclude(changeorder__status=ChangeOrderStatus.REJECTED)
        .values_list("task_id", flat=True)
    )


def unmanaged_task_ids(project: Project, baseline: ScopeBaseline | None = None) -> set[int]:
    if baseline is None:
        baseline, _ = baseline_for(project)
    if baseline is None:
        return set()
    in_baseline = set(baseline.task_ids or [])
    later = Task.objects.filter(project_id=project.pk).exclude(id__in=in_baseline)
    return set(later.values_list("id", flat=True)) - managed_task_ids(project)


def task_is_unmanaged(project: Project, baseline: ScopeBaseline, task_id: int) -> bool:
    """Whether `task_id` is in `unmanaged_task_ids(project, baseline)`, in at most one query (none for a task in the
    baseline): the hot path of logging time asks about one task only."""
    if task_id in set(baseline.task_ids or []):
        return False
    managed = ChangeOrder.tasks.through.objects.filter(
        changeorder__project_id=project.pk, task_id=OuterRef("pk")
    ).exclude(changeorder__status=ChangeOrderStatus.REJECTED)
    return Task.objects.filter(~Exists(managed), project_id=project.pk, pk=task_id).exists()


@dataclass
class ScopeLog:
    project: Project
    baseline: ScopeBaseline | None
    frozen: bool
    change_orders: list[ChangeOrder]
    approved_amount: Decimal = ZERO
    approved_minutes: int = 0
    pending_amount: Decimal = ZERO
    pending_minutes: int = 0
    unexplained_amount: Decimal = ZERO
    unexplained_minutes: int = 0
    revisions: list[BudgetRevision] = field(default_factory=list)
    revised_amount: Decimal = ZERO
    revised_minutes: int = 0
    unmanaged: list[dict[str, Any]] = field(default_factory=list)
    unmanaged_minutes: int = 0
    unmanaged_amount: Decimal = ZERO


def scope_log(project: Project) -> ScopeLog:
    """Baseline, every change order (newest first), what the approved ones add, the budget revisions since the
    freeze, any budget change neither explains, and the unmanaged scope with the time logged on it."""
    baseline, frozen = baseline_for(project)
    orders = list(
        ChangeOrder.objects.filter(project_id=project.pk)
        .select_related("requested_by", "requested_by_contact", "decided_by")
        .prefetch_related("tasks")
        .order_by("-requested_on", "-id")
    )
    log = ScopeLog(project=project, baseline=baseline, frozen=frozen, change_orders=orders)
    for order in orders:
        if order.status == ChangeOrderStatus.APPROVED:
            log.approved_amount += order.amount_delta
            log.approved_minutes += order.minutes_delta
        elif order.status in (ChangeOrderStatus.DRAFT, ChangeOrderStatus.SUBMITTED):
            log.pending_amount += order.amount_delta
            log.pending_minutes += order.minutes_delta
    if baseline is not None and frozen:
        # Budget revisions since the freeze (delivery's BudgetRevision: owner/finance, with a reason) explain too.
        log.revisions = [r for r in project_budget_revisions(project) if r.created_at >= baseline.frozen_at]
        for revision in log.revisions:
            if revision.new_budget_amount is not None and revision.old_budget_amount is not None:
                log.revised_amount += revision.new_budget_amount - revision.old_budget_amount
            if revision.new_budget_minutes is not None and revision.old_budget_minutes is not None:
                log.revised_minutes += revision.new_budget_minutes - revision.old_budget_minutes
        log.unexplained_amount = (
            project.budget_amount - baseline.budget_amount - log.approved_amount - log.revised_amount
        )
        log.unexplained_minutes = (
            project.budget_minutes - baseline.budget_minutes - log.approved_minutes - log.revised_minutes
        )
    ids = unmanaged_task_ids(project, baseline)
    if ids:
        logged = {
            row["task_id"]: row
            for row in TimeEntry.objects.filter(task_id__in=ids)
            .values("task_id")
            .annotate(total_minutes=Sum("minutes"), amount=Sum("bill_amount", filter=Q(billable=True)))
        }
        for task in Task.objects.filter(id__in=ids).order_by("created_at", "id"):
            row = logged.get(task.pk, {})
            minutes = row.get("total_minutes") or 0
            amount = row.get("amount") or ZERO
            log.unmanaged.append(
                {
                    "task_id": task.pk,
                    "title": task.title,
                    "created_at": task.created_at,
                    "minutes": minutes,
                    "amount": Decimal(amount).quantize(Decimal("0.01")),
                }
            )
            log.unmanaged_minutes += minutes
            log.unmanaged_amount += amount
    return log
