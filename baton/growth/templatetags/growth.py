from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def dict_get(value: Any, key: Any) -> Any:
    """`{{ mapping|dict_get:key }}` (None when absent)."""
    return value.get(key) if isinstance(value, dict) else None


@register.filter
def key_label(key: str) -> str:
    """`strategic_thinking` → `Strategic thinking`."""
    return str(key).replace("_", " ").capitalize()
