"""Retainer rollover at period end: when a retainer's month is over, the unused minutes carried into the next month
by the project's rule (`ProjectBudget.retainer_rollover` on, at most `rollover_cap_minutes`; an overrun carries
nothing; MONEY.md §3: minutes only, never revenue) are recorded once per project and period (`RetainerRollover`,
unique per project and period) and announced as `retainer.rolled_over`. The figure is the one budget burn reads
(`selectors.burn.rollover_into`), so the record and the report cannot disagree."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction

from baton.core import events
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.months import month_start, next_month
from baton.delivery.models import Billing, Project, ProjectStatus
from baton.finance.models import ProjectBudget, RetainerRollover
from baton.finance.selectors.burn import retainer_minutes_by_month_of, rollover_into


def retainers_roll_over(workspace: Workspace, today: date) -> int:
    """Close the month before `today`'s for every live retainer with rollover on; returns how many were closed now."""
    closed = month_start(month_start(today) - timedelta(days=1))
    projects = list(
        Project.objects.filter(
            workspace=workspace,
            billing=Billing.RETAINER,
            status__in=(ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD),
            finance_budget__retainer_rollover=True,
        )
        .exclude(start_date__gt=next_month(closed) - timedelta(days=1))
        .exclude(retainer_rollovers__period_start=closed)
        .select_related("client")
    )
    if not projects:
        return 0
    used = retainer_minutes_by_month_of([p.pk for p in projects])
    settings = {b.project_id: b for b in ProjectBudget.objects.filter(project__in=projects)}
    made = 0
    for project in projects:
        rule = settings.get(project.pk)
        minutes = used.get(project.pk, {})
        per_period = project.period_budget_minutes or project.budget_minutes or 0
        carried_in = rollover_into(project, closed, rule, minutes)
        carried = rollover_into(project, next_month(closed), rule, minutes)
        try:
            with transaction.atomic():
                record = RetainerRollover.objects.create(
                    workspace=workspace,
                    project=project,
                    period_start=closed,
                    available_minutes=per_period + carried_in,
                    used_minutes=minutes.get(closed, 0),
                    carried_minutes=carried,
                )
                events.emit(
                    Actor.system(workspace),
                    "retainer.rolled_over",
                    record,
                    data={
                        "project_id": project.pk,
                        "period": closed,
                        "available_minutes": record.available_minutes,
                        "used_minutes": record.used_minutes,
                        "carried_minutes": carried,
                        "cap_minutes": rule.rollover_cap_minutes if rule else None,
                    },
                    client_id=project.client_id,
                )
        except IntegrityError:  # another run closed it first
            continue
        made += 1
    return made
