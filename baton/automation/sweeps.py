"""Automation's periodic sweep (the daily notification digest) and the sweeps still to come. The framework is core's
(`baton.core.sweeps`); every app registers its own sweeps there."""

from __future__ import annotations

from datetime import datetime

from huey import crontab

from baton.automation.services.notifications import digest_send
from baton.core.models import Workspace
from baton.core.sweeps import register_sweep

# Sweeps that belong to apps still to come: the name to register, the owning app, the verb to emit and a schedule.
# The automation page lists them as waiting until their app registers them.
PLANNED_SWEEPS: dict[str, tuple[str, str, str]] = {
    "retainer_rollover": ("finance", "retainer.rolled_over", "daily: close retainer periods, roll unused hours"),
    "invoice_reminders": ("finance", "invoice.overdue", "daily: sent invoices past their due date"),
}


def notification_digest(workspace: Workspace, now: datetime) -> int:
    """The daily e-mail digest of unread notifications, for people who chose it (once a day each)."""
    return digest_send(workspace, now)


register_sweep(
    "notification_digest",
    notification_digest,
    crontab(minute="12"),
    description="hourly: the daily e-mail digest of unread notifications, from 07:00 workspace time",
    app="automation",
)
