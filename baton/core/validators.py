"""Field checks every app shares, each rule once. A check adds its message to `errors` under the caller's field name
and returns the clean value, or None when the value is bad (so a service collects every bad field before it raises).
"""

from __future__ import annotations

from datetime import date, datetime
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


# One accepted range for every date Baton takes, in the API, the web and imports: wide enough for any real record,
# and far from the year-1/9999 edges where month and week arithmetic (and reports over them) would overflow.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)
DATE_RANGE_MESSAGE = f"Use a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."


def date_in_range(value: date) -> bool:
    """True when `value` (a date, or a datetime's date) lies in EARLIEST_DATE..LATEST_DATE."""
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST_DATE <= day <= LATEST_DATE


def accepted_date(value: Any, field: str, errors: dict[str, str]) -> date | None:
    """A date (or datetime) in the accepted range, or a field error under `field` and None."""
    if isinstance(value, date) and not date_in_range(value):
        errors[field] = DATE_RANGE_MESSAGE
        return None
    return value if isinstance(value, date) else None


def parse_day(text: str | None) -> date | None:
    """A `YYYY-MM-DD` query parameter of a web page: the date, or None when it is missing, malformed or outside the
    accepted range (the page then falls back to its default instead of failing)."""
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if date_in_range(day) else None


def clamp_day(day: date) -> date:
    """`day` moved into the accepted range: for internal arithmetic (a week's end, a month's start) near its edges."""
    return min(max(day, EARLIEST_DATE), LATEST_DATE)
