"""Template helpers for the activity feed."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from baton.core.feed import FeedItem, fold

register = template.Library()

# How an action reads in a sentence; anything unlisted reads as its words ("status_changed" -> "status changed").
ACTIONS = {
    "created": "added",
    "updated": "updated",
    "archived": "archived",
    "unarchived": "restored",
    "deleted": "removed",
    "status_changed": "changed the status of",
    "am_changed": "changed the account manager of",
    "role_changed": "changed the role of",
    "revoked": "revoked",
    "version_created": "drafted a new version of",
    "approved": "approved",
    "submitted": "submitted",
    "rejected": "rejected",
    "issued": "issued",
    "paid": "recorded full payment of",
    "voided": "voided",
    "confirmed": "confirmed",
    "completed": "completed",
    "assigned": "assigned",
    "moved": "moved",
    "split": "split",
    "staffed": "staffed",
    "requested": "requested",
    "threshold_crossed": "crossed a threshold of",
    "dependency_overridden": "overrode the dependencies of",
    "budget_changed": "changed the budget of",
    "scope_flagged": "flagged unmanaged scope on",
    "frozen": "froze",
    "applied": "applied",
    "overdue": "noted overdue",
    "escalated": "escalated",
    "sent": "sent",
    "logged": "logged",
    "recorded": "recorded",
    "opened": "opened",
    "value_recorded": "recorded a value of",
}
# How a folded line of many reads, where the one-event words do not fit ("recorded values of 12 client goals").
GROUP_ACTIONS = {"value_recorded": "recorded values of", "threshold_crossed": "crossed thresholds of"}
# Plurals that adding an "s" gets wrong.
PLURALS = {"time off": "time-off requests", "brief link of a task": "brief links of tasks", "status": "statuses"}
TARGETS = {
    "api_token": "API token",
    "time_entry": "time entry",
    "change_order": "change order",
    "project_template": "project template",
    "time_off": "time off",
    "task_brief_link": "brief link of a task",
    "client_knowledge": "client knowledge record",
    "scope_baseline": "scope baseline",
    "automation_rule": "automation rule",
}


@register.filter
def event_sentence(verb: str) -> str:
    """`client.am_changed` -> `changed the account manager of client`."""
    target, _, action = verb.partition(".")
    return f"{ACTIONS.get(action, action.replace('_', ' '))} {TARGETS.get(target, target.replace('_', ' '))}"


def _plural(noun: str) -> str:
    if noun in PLURALS:
        return PLURALS[noun]
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun if noun.endswith("s") else noun + "s"


@register.filter
def group_sentence(item: FeedItem) -> str:
    """A folded feed line's words: `handoff.escalated` x 15 -> `escalated 15 handoffs` (about one record: the
    one event's words, the template adds the record and how many times)."""
    if not item.folded or item.one_target:
        return event_sentence(item.verb)
    target, _, action = item.verb.partition(".")
    noun = TARGETS.get(target, target.replace("_", " "))
    words_ = GROUP_ACTIONS.get(action) or ACTIONS.get(action, action.replace("_", " "))
    return f"{words_} {item.count} {_plural(noun)}"


@register.filter
def folded(events: Iterable[object] | None) -> list[FeedItem]:
    """A feed's lines (`core.feed.fold`): people's actions first, Baton's repeated events folded by kind."""
    return fold(events or [])  # type: ignore[arg-type]


@register.filter
def words(key: str) -> str:
    """A snake_case key as words with a capital: "strategic_review" -> "Strategic review"."""
    text = str(key or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]
