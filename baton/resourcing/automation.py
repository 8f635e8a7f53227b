"""What resourcing plugs into automation through core's registries: the missing-time reminder (`person.time_missing`,
emitted by the `missing_time` sweep) becomes the person's own notification, e-mailed by their preference."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from baton.core import formats
from baton.core.models import Event
from baton.core.registry import NotificationSpec, register_notifier
from baton.resourcing.missing_time import VERB


def _when(iso: str) -> date:
    return date.fromisoformat(iso)


def notify_time_missing(event: Event) -> list[NotificationSpec]:
    """ "You logged 5 h of 8 h on Fri, Dec 4" (and the week's total on the first working morning after it)."""
    data = event.data or {}
    if not data.get("date"):
        return []
    checked = _when(data["date"])
    lines = []
    if data.get("day_below"):
        lines.append(
            f"{formats.day(checked)}: {formats.duration(data.get('logged_minutes', 0))} logged of "
            f"{formats.duration(data.get('capacity_minutes', 0))}."
        )
    if data.get("week_below") and data.get("week_start"):
        lines.append(
            f"Week of {formats.day(_when(data['week_start']))}: {formats.duration(data.get('week_logged_minutes', 0))}"
            f" logged of {formats.duration(data.get('week_capacity_minutes', 0))}."
        )
    week = data.get("week_start") if data.get("week_below") and not data.get("day_below") else data["date"]
    return [
        NotificationSpec(
            recipient_id=event.target_id,
            title="Missing time: please complete your timesheet",
            body=" ".join(lines),
            url=f"{reverse('timesheets:grid')}?week={week}",
            source="missing_time",
        )
    ]


register_notifier(VERB, notify_time_missing)
