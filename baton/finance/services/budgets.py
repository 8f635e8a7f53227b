"""Writes about budgets: rollover settings, threshold alerts, and moving a project's budget (approved change orders
only), plus the scope baseline freeze and the unmanaged-scope flag on logged time."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from baton.core import access, events, formats
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Workspace
from baton.core.services import bump_version, check_version, validate
from baton.core.sweeps import local_today
from baton.delivery.models import Billing, Project, ProjectStatus
from baton.delivery.selectors import visible_projects
from baton.finance.models import BudgetAlert, ChangeOrder, ProjectBudget, ScopeBaseline
from baton.finance.selectors.burn import budget_burn
from baton.finance.selectors.scope import derived_baseline, task_is_unmanaged
from baton.finance.services._common import whole_minutes
from baton.timesheets.models import TimeEntry


def project_budget_settings(project: Project) -> ProjectBudget:
    """The project's budget settings (unsaved defaults when it has none yet)."""
    found = ProjectBudget.objects.filter(project_id=project.pk).first()
    return found or ProjectBudget(workspace_id=project.workspace_id, project=project)


@transaction.atomic
def project_budget_update(
    *,
    actor: Actor,
    project: Project,
    version: int | None = None,
    **changes: Any,
) -> ProjectBudget:
    """Set a project's budget settings (retainer rollover on/off and its cap, notes)."""
    access.require(actor, "budget", "update", project)
    unknown = set(changes) - {"retainer_rollover", "rollover_cap_minutes", "notes"}
    if unknown:
        raise ValidationError({f: "This field cannot be changed here." for f in sorted(unknown)})
    settings = ProjectBudget.objects.select_for_update().filter(project_id=project.pk).first()
    created = settings is None
    if settings is None:
        settings = ProjectBudget(workspace=actor.workspace, project=project)
    elif version is not None:
        check_version(settings, version)
    errors: dict[str, str] = {}
    if changes.get("rollover_cap_minutes") is not None:
        changes["rollover_cap_minutes"] = whole_minutes(changes["rollover_cap_minutes"], "rollover_cap_minutes", errors)
    if changes.get("retainer_rollover") and project.billing != "retainer":
        errors["retainer_rollover"] = "Only a retainer rolls unused time over."
    if errors:
        raise ValidationError(errors)
    changed = events.diff(settings, changes)
    if not changed and not created:
        return settings
    validate(settings)
    if not created:
        bump_version(settings)
    settings.save()
    events.emit(
        actor,
        "project_budget.updated",
        settings,
        data={"project_id": project.pk, "changes": changed},
        client_id=project.client_id,
    )
    return settings


def budget_check(*, actor: Actor, project: Project, on: date | None = None) -> list[BudgetAlert]:
    """Record and announce (`budget.threshold_crossed`) each 50/80/100 % threshold the project has newly reached;
    each is announced once (per period for a retainer: the period of `on`, today by default). Called when time or
    expenses land and by the sweep."""
    if project.billing != Billing.RETAINER and not project.budget_amount and not project.budget_minutes:
        return []  # no budget in money or time: no percentage, so no threshold can be reached (no query)
    burn = budget_burn(project, period=on, forecast=False)  # thresholds need the spend only
    if not burn.thresholds_crossed:
        return []
    period = burn.period or ""
    known = set(BudgetAlert.objects.filter(project_id=project.pk, period=period).values_list("threshold", flat=True))
    fresh: list[BudgetAlert] = []
    for threshold in burn.thresholds_crossed:
        if threshold in known:
            continue
        try:
            with transaction.atomic():  # a concurrent logger may record it first: then it is not ours to announce
                alert = BudgetAlert.objects.create(
                    workspace_id=project.workspace_id,
                    project=project,
                    threshold=threshold,
                    period=period,
                    pct=burn.level_pct or Decimal("0"),
                )
        except IntegrityError:
            continue
        events.emit(
            actor,
            "budget.threshold_crossed",
            alert,
            data={
                "project_id": project.pk,
                "threshold": threshold,
                "pct": burn.level_pct,
                "period": period or None,
                "budget_amount": burn.budget_amount,
                "spent_amount": burn.spent_amount,
                "budget_minutes": burn.budget_minutes,
                "spent_minutes": burn.spent_minutes,
            },
            client_id=project.client_id,
        )
        fresh.append(alert)
    return fresh


def budget_thresholds_check(*, workspace: Workspace, on: date) -> int:
    """`budget_check` every live project of the workspace (what the `budget_thresholds` sweep runs, with `on` the
    workspace's own today); returns how many alerts were raised."""
    actor = Actor.system(workspace)
    projects = (
        visible_projects(actor)
        .filter(archived_at__isnull=True, status__in=[ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD])
        .select_related("client", "workspace")
    )
    raised = 0
    for project in projects:
        with transaction.atomic():
            raised += len(budget_check(actor=actor, project=project, on=on))
    return raised


def sweep_budget_thresholds(now: datetime | None = None) -> int:
    """`budget_thresholds_check` every workspace now, by hand (the worker runs it per workspace as the
    `budget_thresholds` sweep); returns how many alerts were raised."""
    now = now or timezone.now()
    return sum(
        budget_thresholds_check(workspace=workspace, on=local_today(workspace, now))
        for workspace in Workspace.objects.all()
    )


def _loaded_baseline(project: Project) -> ScopeBaseline | None:
    """The baseline when the project was read with `select_related("scope_baseline")` and has one (no query)."""
    if not Project.scope_baseline.is_cached(project):
        return None
    try:
        return project.scope_baseline
    except ScopeBaseline.DoesNotExist:
        return None  # none when the project was read: look again, a concurrent request may have frozen it


def baseline_freeze(*, actor: Actor, project: Project) -> ScopeBaseline | None:
    """Freeze the project's scope baseline once it has started (idempotent). Returns None before it starts."""
    existing = _loaded_baseline(project)
    if existing is None:
        existing = ScopeBaseline.objects.filter(project_id=project.pk).first()
    if existing is not None:
        return existing
    derived = derived_baseline(project)
    if derived is None:
        return None
    try:
        with transaction.atomic():
            derived.save()
    except IntegrityError:
        return ScopeBaseline.objects.filter(project_id=project.pk).first()
    events.emit(
        actor,
        "scope_baseline.frozen",
        derived,
        data={
            "project_id": project.pk,
            "budget_amount": derived.budget_amount,
            "budget_minutes": derived.budget_minutes,
            "task_count": len(derived.task_ids),
        },
        client_id=project.client_id,
    )
    return derived


def scope_check_entry(*, actor: Actor, entry: Any, project: Project) -> bool:
    """Flag (`task.scope_flagged`, once per task) time logged on a task added after the baseline without a change
    order. Returns whether the entry is on unmanaged scope."""
    if project.status == ProjectStatus.PLANNED:
        return False
    baseline = baseline_freeze(actor=actor, project=project)  # time on a started project: freeze at first need
    if baseline is None or entry.task_id is None or not task_is_unmanaged(project, baseline, entry.task_id):
        return False

    if TimeEntry.objects.filter(task_id=entry.task_id).exclude(pk=entry.pk).exists():
        return True  # flagged when the first time landed on it
    events.emit(
        actor,
        "task.scope_flagged",
        entry.task,
        data={
            "project_id": project.pk,
            "time_entry_id": entry.pk,
            "reason": "Time was logged on a task added after the scope baseline without a change order.",
        },
        client_id=project.client_id,
    )
    return True


def project_budget_move(
    *, actor: Actor, project: Project, amount_delta: Decimal, minutes_delta: int, change_order: ChangeOrder
) -> Project:
    """Move the project's budget by an approved change order, in the caller's transaction; emits
    `project.budget_changed`. The delivery model is updated here (and only here) so budgets move only through
    approved change orders."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    new_amount = locked.budget_amount + amount_delta
    new_minutes = locked.budget_minutes + minutes_delta
    if new_amount < 0 or new_minutes < 0:
        raise Conflict(
            f"This change order would make the budget of “{locked.name}” negative "
            f"({formats.money(new_amount, locked.currency)}, {formats.duration(new_minutes)}).",
            field="amount_delta" if new_amount < 0 else "minutes_delta",
        )
    before = (locked.budget_amount, locked.budget_minutes)
    locked.budget_amount = new_amount
    locked.budget_minutes = new_minutes
    bump_version(locked)
    locked.save(update_fields=["budget_amount", "budget_minutes", "version", "updated_at"])
    events.emit(
        actor,
        "project.budget_changed",
        locked,
        data={
            "budget_amount": [before[0], new_amount],
            "budget_minutes": [before[1], new_minutes],
            "change_order_id": change_order.pk,
        },
        client_id=locked.client_id,
    )
    return locked


def project_budget_rebaseline(
    *,
    actor: Actor,
    project: Project,
    quote: Any,
    billing: str,
    budget_amount: Decimal,
    budget_minutes: int,
    retainer_period: str = "",
    period_budget_amount: Decimal | None = None,
    period_budget_minutes: int | None = None,
) -> Project:
    """Set a project's billing and budget from an accepted quote, in the caller's transaction (the quote is the
    agreed scope: it replaces the budget rather than adding to it). A frozen scope baseline moves with it, less the
    change orders approved so far, so the scope log shows nothing unexplained. Emits `project.budget_changed`."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    before = (locked.budget_amount, locked.budget_minutes)
    locked.billing = billing
    locked.budget_amount = budget_amount
    locked.budget_minutes = budget_minutes
    if billing == Billing.RETAINER:
        locked.retainer_period = retainer_period or "month"
        locked.period_budget_amount = period_budget_amount
        locked.period_budget_minutes = period_budget_minutes
    bump_version(locked)
    locked.save()
    baseline = ScopeBaseline.objects.select_for_update().filter(project_id=locked.pk).first()
    if baseline is not None:
        approved = [o for o in ChangeOrder.objects.filter(project_id=locked.pk, status="approved")]
        baseline.budget_amount = max(
            Decimal("0.00"), budget_amount - sum((o.amount_delta for o in approved), Decimal(0))
        )
        baseline.budget_minutes = max(0, budget_minutes - sum(o.minutes_delta for o in approved))
        baseline.frozen_at = timezone.now()
        baseline.save()
    events.emit(
        actor,
        "project.budget_changed",
        locked,
        data={
            "budget_amount": [before[0], locked.budget_amount],
            "budget_minutes": [before[1], locked.budget_minutes],
            "quote_id": quote.pk,
            "billing": billing,
        },
        client_id=locked.client_id,
    )
    return locked
