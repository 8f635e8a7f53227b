"""The format filters, a builtin library (every template has them without `{% load %}`); see baton/core/formats.py.

{{ minutes|duration }}   1 h 30 min        {{ minutes|hm }}          1:30
{{ amount|money:cur }}   $1,234.50         {{ amount|amount }}       1,234.50
{{ value|number }}       12,345            {{ value|percent }}       73%
{{ d|day }}              Dec 6, 2026       {{ d|day_short }}         Dec 6
{{ d|month }}            Dec 2026          {{ moment|when }}         Dec 6, 2026, 7:39:00 PM
{{ moment|ago }}         3 hours ago
"""

from __future__ import annotations

from typing import Any

from django import template

from baton.core import formats

register = template.Library()


@register.filter
def duration(minutes: Any) -> str:
    return formats.duration(minutes)


@register.filter
def hm(minutes: Any) -> str:
    return formats.hm(minutes)


@register.filter
def money(value: Any, currency: str | None = None) -> str:
    return formats.money(value, currency)


@register.filter
def amount(value: Any) -> str:
    return formats.money(value)


@register.filter
def number(value: Any, places: int = 0) -> str:
    return formats.number(value, int(places))


@register.filter
def percent(value: Any, places: int = 0) -> str:
    return formats.percent(value, int(places))


@register.filter
def day(value: Any) -> str:
    return formats.day(value)


@register.filter
def day_short(value: Any) -> str:
    return formats.day_short(value)


@register.filter
def month(value: Any) -> str:
    return formats.month(value)


@register.filter
def when(value: Any) -> str:
    return formats.when(value)


@register.filter
def ago(value: Any) -> str:
    return formats.ago(value)
