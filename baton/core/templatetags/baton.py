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
}
TARGETS = {"api_token": "API token", "person": "person", "client": "client", "contact": "contact"}


@register.filter
def event_sentence(verb: str) -> str:
    """`client.am_changed` -> `changed the account manager of client`."""
    target, _, action = verb.partition(".")
    return f"{ACTIONS.get(action, action.replace('_', ' '))} {TARGETS.get(target, target.replace('_', ' '))}"
