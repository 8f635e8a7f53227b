"""Background work for resourcing, on Huey. Tasks only call services."""

from __future__ import annotations

from huey import crontab

from baton.core.models import Workspace
from baton.core.periodic import periodic_task
from baton.resourcing.services import capacity_sync_today


@periodic_task(crontab(hour="0", minute="23"))
def sync_capacity_daily() -> int:
    """People whose capacity change takes effect today get their own fields updated."""
    return sum(capacity_sync_today(workspace=ws) for ws in Workspace.objects.all())
