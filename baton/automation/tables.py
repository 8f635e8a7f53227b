"""The downloads of automation's pages (core/tables.py): a person's notifications, the rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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


def rule_table(rules: Iterable[Any]) -> Table:
    return Table(
        "Automation rules",
        [
            Column("Rule", "name"),
            Column("Active", "active", "bool"),
            Column("When", "trigger"),
            Column("When: conditions", lambda r: len(r.conditions or []), "number"),
            Column("Then", lambda r: ", ".join(str(a.get("type", "")) for a in r.actions or [])),
            Column("Runs: matched", "matched_count", "number"),
            Column("Runs: failed", "failed_count", "number"),
            Column("Runs: all", "run_count", "number"),
            Column("Last run", "last_run_at", "datetime"),
        ],
        rules,
    )
