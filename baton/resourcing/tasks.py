"""Background work for resourcing, on Huey. Tasks only call services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from baton.core.models import Workspace
from baton.resourcing.services import capacity_sync_today


@db_periodic_task(crontab(hour="0", minute="23"))
def sync_capacity_daily() -> int:
    """People whose capacity change takes effect today get their own fields updated."""
    return sum(capacity_sync_today(workspace=ws) for ws in Workspace.objects.all())
