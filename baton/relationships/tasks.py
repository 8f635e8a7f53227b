"""Background work for account management, on Huey. Tasks only call services."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.relationships.services.health_backtest import health_backtest_run


@db_task(retries=0)
def health_backtest_task(workspace_id: int) -> int:
    """Recompute a workspace's health backtest (queued by the page's "Run again"); returns its point count."""
    workspace = Workspace.objects.get(pk=workspace_id)
    return int(health_backtest_run(actor=Actor.system(workspace)).result.get("points", 0))
