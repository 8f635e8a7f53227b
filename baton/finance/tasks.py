"""Background work for finance, on Huey. Tasks only call services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from baton.finance.services import sweep_budget_thresholds


@db_periodic_task(crontab(minute="*/30"))
def sweep_budget_thresholds_periodically() -> int:
    """Record and announce budget thresholds (50/80/100 %) that live projects have crossed; logging time and
    expenses checks too, this catches everything else (a budget lowered, a retainer's new period)."""
    return sweep_budget_thresholds()
