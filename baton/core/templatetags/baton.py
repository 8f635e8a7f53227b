"""Template helpers for the activity feed."""

from __future__ import annotations

from django import template

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
}
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


@register.filter
def words(key: str) -> str:
    """A snake_case key as words with a capital: "strategic_review" -> "Strategic review"."""
    text = str(key or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]
