"""Helpers the team homes share: the recent-activity feed with repeated system events folded, and JSON-able values
for `figures` (dates as ISO strings, money as strings, minutes as ints)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from baton.core.models import Event


@dataclass
class FeedLine:
    """One line of the feed: an event, or a run of the same system event folded into one (`count` of them)."""

    event: Event
    count: int = 1

    @property
    def folded(self) -> bool:
        return self.count > 1


def fold_events(events: list[Event], limit: int = 12) -> list[FeedLine]:
    """People's actions line by line; the events Baton did by itself (no acting person) fold by verb into the line of
    the newest of them, which says how many more there are ("added handoff X and 4 more like it"). At most `limit`
    lines, newest first as given."""
    lines: list[FeedLine] = []
    system: dict[str, FeedLine] = {}
    for event in events:
        if event.actor_id is None and event.verb in system:
            system[event.verb].count += 1
            continue
        if len(lines) == limit:
            continue  # later system events may still fold into the lines shown
        line = FeedLine(event)
        lines.append(line)
        if event.actor_id is None:
            system[event.verb] = line
    return lines


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def money_str(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None
