"""Template helpers for the delivery pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from baton.core import formats

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """Whole minutes for people, as core formats write them: 90 -> "1 h 30 min" (or "1.5 h"), None -> "—"."""
    return formats.duration(minutes)


@register.filter
def hours_input(minutes: int | None) -> str:
    """Whole minutes as the plain decimal hours a form field takes back: 90 -> "1.5", 6000 -> "100"."""
    if minutes is None:
        return ""
    return f"{Decimal(int(minutes)) / Decimal(60):.2f}".rstrip("0").rstrip(".")


@register.filter
def status_label(status: str) -> str:
    return status.replace("_", " ").capitalize()
