"""Field checks every app shares, each rule once. A check adds its message to `errors` under the caller's field name
and returns the clean value, or None when the value is bad (so a service collects every bad field before it raises).
"""

from __future__ import annotations

from typing import Any

import pycountry

MAX_MINUTES = 2_000_000_000  # what a 32-bit column holds, with room to spare


def whole_minutes(
    value: Any, field: str, errors: dict[str, str], *, low: int = 0, high: int = MAX_MINUTES
) -> int | None:
    """Durations are whole minutes (an int, never a bool or a float) in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = "Durations are whole minutes."
        return None
    if low <= value <= high:
        return value
    if abs(value) > MAX_MINUTES:
        errors[field] = "This is too many minutes."
    elif value < 0 <= low:
        errors[field] = "Minutes cannot be negative."
    else:
        errors[field] = f"Use between {low} and {high} minutes."
    return None


def is_currency(code: str) -> bool:
    """True when `code` is an ISO 4217 currency code (three capitals listed by ISO 4217, e.g. USD, EUR, GBP)."""
    return len(code) == 3 and code.isalpha() and code.isupper() and pycountry.currencies.get(alpha_3=code) is not None


def currency_code(value: Any, field: str, errors: dict[str, str]) -> str:
    """The one currency check: an ISO 4217 code (case-insensitive, returned upper-cased). Anything else - a
    three-letter word that is no currency, like "ABC", included - is a field error under `field`."""
    code = str(value or "").strip().upper()
    if not is_currency(code):
        shown = str(value or "").strip()[:10]
        errors[field] = (
            f"“{shown}” is not an ISO 4217 currency code; use one like USD, EUR or GBP."
            if shown
            else "Enter an ISO 4217 currency code, like USD."
        )
    return code
