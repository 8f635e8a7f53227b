"""Finance's periodic sweeps (registered in core's sweep framework, imported by `finance/wiring.py`)."""

from __future__ import annotations

from datetime import datetime

from huey import crontab

from baton.core.models import Workspace
from baton.core.sweeps import local_today, register_sweep
from baton.finance.services import budget_thresholds_check


def budget_thresholds(workspace: Workspace, now: datetime) -> int:
    """Live projects' budget burn against the 50/80/100 % thresholds (`budget_check`, which announces each threshold
    once per project and period as `budget.threshold_crossed`). Logging time and expenses checks too; this catches
    everything else (a budget lowered, a retainer's new period)."""
    return budget_thresholds_check(workspace=workspace, on=local_today(workspace, now))


# The one schedule of the budget check: its Huey periodic task (`sweep_budget_thresholds`) runs every workspace.
budget_thresholds_task = register_sweep(
    "budget_thresholds",
    budget_thresholds,
    crontab(minute="*/30"),
    description="every 30 min: budget burn of live projects -> budget.threshold_crossed (50/80/100 %, once each)",
    app="finance",
).task
