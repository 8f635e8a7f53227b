"""Template helpers for the delivery pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """Whole minutes as hours for people: 90 -> "1.5 h", 0 -> "0 h", None -> "—"."""
    if minutes is None:
        return "—"
    value = minutes / 60
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} h"


@register.filter
def status_label(status: str) -> str:
    return status.replace("_", " ").capitalize()
