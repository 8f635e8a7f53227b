"""Template helpers for time and money: burn levels, bars, lookups; `hm`, `hours`, `money` and `pct` write figures
through baton.core.formats (the builtin filters `|hm`, `|duration`, `|amount`, `|percent`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from baton.core import formats

register = template.Library()


@register.filter
def hm(minutes: int | None) -> str:
    """Minutes for a table cell or the time grid's input, as core formats write them ("1:30", or "1.5" in the decimal
    style); 0 and None: empty (an empty grid cell)."""
    if not minutes:
        return ""
    return formats.hm(minutes)


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes for people, as core formats write them: 90 -> "1 h 30 min" (or "1.5 h" in the decimal style)."""
    return formats.duration(minutes)


@register.filter
def money(amount: Any, currency: str | None = None) -> str:
    """A Decimal with the locale's separators, 1,234.50, or with its currency, $1,234.50 (never through float): the
    builtin `|money` (templates that load this library get this one under that name)."""
    return formats.money(amount, currency)


@register.filter
def pct(value: Any) -> str:
    """A percentage to one place, in the locale: 73.5%."""
    return formats.percent(value, 1)


@register.filter
def burn_class(level: int | None) -> str:
    """The badge class of a burn level (0, 50, 80, 100)."""
    return {100: "burn-100", 80: "burn-80", 50: "burn-50"}.get(int(level or 0), "burn-0")


@register.filter
def bar_width(value: Any) -> str:
    """A percentage clamped to 0-100 for a bar's width (CSS class steps of 5; no inline style under the CSP)."""
    if value is None or value == "":
        return "w-0"
    number = max(0, min(100, int(Decimal(str(value)))))
    return f"w-{number - number % 5}"


@register.filter
def get(mapping: dict[Any, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key)


@register.filter
def at(sequence: list[Any] | None, index: int) -> Any:
    try:
        return (sequence or [])[int(index)]
    except (IndexError, ValueError, TypeError):
        return ""
