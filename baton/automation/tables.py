"""The downloads of automation's pages (core/tables.py): a person's notifications."""

from __future__ import annotations

from collections.abc import Iterable

from baton.automation.models import Notification
from baton.core.tables import Column, Table


def notification_table(notifications: Iterable[Notification]) -> Table:
    return Table(
        "Notifications",
        [
            Column("When", "created_at", "datetime"),
            Column("Notification", "title"),
            Column("Detail", "body"),
            Column("Read", lambda n: n.read_at is not None, "bool"),
            Column("Link", "url"),
        ],
        notifications,
    )
