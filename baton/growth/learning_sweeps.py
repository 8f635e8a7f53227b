"""Learning's periodic sweep (registered in core's sweep framework, imported by growth's `wiring.py`): onboarding items
past their due date -> `onboarding_item.overdue`, once per item and due date; `learning_automation` notifies."""

from __future__ import annotations

from datetime import datetime

from huey import crontab

from baton.core.models import Workspace
from baton.core.sweeps import local_today, register_sweep, sweep_emit_once
from baton.growth.models import OnboardingItem


def onboarding_items_overdue(workspace: Workspace, now: datetime) -> int:
    """Open items of active hires' plans whose due date has passed."""
    today = local_today(workspace, now)
    items = OnboardingItem.objects.filter(
        workspace=workspace, completed_at__isnull=True, due_on__lt=today, plan__person__active=True
    ).select_related("plan", "plan__person")
    emitted = 0
    for item in items:
        plan = item.plan
        data = {
            "plan_id": plan.pk,
            "person_id": plan.person_id,
            "buddy_id": plan.buddy_id,
            "lead_id": plan.person.lead_id,
            "owner": item.owner,
            "due_on": item.due_on,
            "days_overdue": (today - item.due_on).days,
        }
        if sweep_emit_once(
            workspace=workspace,
            sweep="onboarding_items_overdue",
            verb="onboarding_item.overdue",
            target=item,
            period=item.due_on.isoformat(),
            data=data,
        ):
            emitted += 1
    return emitted


register_sweep(
    "onboarding_items_overdue",
    onboarding_items_overdue,
    crontab(minute="23"),
    description="hourly: open onboarding items past their due date -> onboarding_item.overdue (once per due date)",
    app="growth",
)
