"""Automation's periodic sweep (the daily notification digest). The framework is core's (`baton.core.sweeps`); every
app registers its own sweeps there, and the automation page lists them all."""

from __future__ import annotations

from datetime import datetime

from huey import crontab

from baton.automation.services.notifications import digest_send
from baton.core.models import Workspace
from baton.core.sweeps import register_sweep


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
