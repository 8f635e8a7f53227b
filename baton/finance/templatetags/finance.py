"""Template helpers for time and money: durations as hours, money with thousands separators, burn levels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def hm(minutes: int | None) -> str:
    """Minutes as h:mm (0 and None: empty)."""
    if not minutes:
        return ""
    sign = "-" if minutes < 0 else ""
    minutes = abs(int(minutes))
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes as decimal hours: 90 -> "1.5 h"."""
    if minutes is None:
        return "-"
    value = (Decimal(int(minutes)) / Decimal(60)).quantize(Decimal("0.01"))
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} h"


@register.filter
def money(amount: Any) -> str:
    """A Decimal as 1,234.50 (never through float)."""
    if amount is None or amount == "":
        return "-"
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    return f"{value:,.2f}"


@register.filter
def pct(value: Any) -> str:
    if value is None or value == "":
        return "-"
    return f"{Decimal(str(value)).quantize(Decimal('0.1'))}%"


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
