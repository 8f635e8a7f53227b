"""Activity feeds, read for people: what people did comes first, and what Baton did by itself (sweeps, rules,
imports: events without an acting person) is folded by kind, so fifteen "Baton escalated handoff" lines become one
"Baton escalated 15 handoffs" that opens to list them. Every feed (the activity page, homes, client, project, task
and person pages) goes through here: `activity_feed` for a page's feed, `fold` for events already fetched (the
feed partial folds whatever it is given)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from baton.core.access import Actor
from baton.core.models import Event
from baton.core.selectors import event_list

FEED_LIMIT = 15  # people's actions on a page's feed
SYSTEM_WINDOW = 200  # Baton's own events read to fold (the newest)
SYSTEM_LINES = 8  # Baton's lines on a page's feed (the activity page has them all)
GROUP_SHOWN = 30  # events listed when a folded line opens


@dataclass
class FeedItem:
    """One line of a feed: a person's event, or Baton's events of one kind (`events`, newest first)."""

    events: list[Event] = field(default_factory=list)
    by_person: bool = True

    @property
    def event(self) -> Event:
        return self.events[0]

    @property
    def verb(self) -> str:
        return self.events[0].verb

    @property
    def count(self) -> int:
        return len(self.events)

    @property
    def folded(self) -> bool:
        return len(self.events) > 1

    @property
    def one_target(self) -> bool:
        """All of them about one record (a project's own feed): "changed the status of project X x2"."""
        return len({(e.target_type, e.target_id) for e in self.events}) == 1

    @property
    def occurred_at(self) -> datetime:
        return self.events[0].occurred_at

    @property
    def shown(self) -> list[Event]:
        return self.events[:GROUP_SHOWN]

    @property
    def more(self) -> int:
        return max(0, len(self.events) - GROUP_SHOWN)


def by_person(event: Event) -> bool:
    return event.actor_id is not None


def fold(events: Iterable[Event | FeedItem]) -> list[FeedItem]:
    """People's events first, each on its line, newest first; then Baton's, one line per kind of event (its verb),
    the kind that happened last first. Items already folded pass through."""
    people: list[FeedItem] = []
    system: list[FeedItem] = []
    groups: dict[str, FeedItem] = {}
    for e in events:
        if isinstance(e, FeedItem):
            (people if e.by_person else system).append(e)
        elif by_person(e):
            people.append(FeedItem(events=[e]))
        else:
            groups.setdefault(e.verb, FeedItem(by_person=False)).events.append(e)
    for group in groups.values():
        group.events.sort(key=_newest, reverse=True)
    system += groups.values()
    people.sort(key=lambda i: _newest(i.event), reverse=True)
    system.sort(key=lambda i: _newest(i.event), reverse=True)
    return people + system


def _newest(event: Event) -> tuple[datetime, int]:
    return event.occurred_at, event.pk or 0


def activity_feed(
    *, actor: Actor, limit: int = FEED_LIMIT, client_ids: list[int] | None = None, **filters: Any
) -> list[FeedItem]:
    """A page's feed (`event_list`'s filters: client_id, target_type and target_id, verb, since; or several clients'):
    the latest `limit` actions of people, then Baton's latest events folded by kind (`SYSTEM_LINES` kinds at most)."""
    events = event_list(actor=actor, **filters)
    if client_ids is not None:
        events = events.filter(client_id__in=client_ids)
    people = [FeedItem(events=[e]) for e in events.filter(actor_id__isnull=False)[:limit]]
    system = fold(events.filter(actor_id__isnull=True)[:SYSTEM_WINDOW])
    return people + system[:SYSTEM_LINES]
