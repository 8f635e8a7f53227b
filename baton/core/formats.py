"""How Baton writes figures for people: durations, money, numbers, dates and times in the workspace's locale.

One home for every format. Templates use the filters of `baton/core/templatetags/formats.py` (a builtin library,
no `{% load %}` needed); views, notifications and e-mails call these functions. Nothing formats a figure by hand.

The locale (the workspace's `locale`), the person's duration style (`User.duration_style`) and the workspace's time
zone are the *format context*, set per request by `ActorMiddleware` and by `using(...)` wherever Baton writes outside
a request (the worker's e-mails and notifications). Without one, en_US, hours and minutes, and the active time zone.

Babel (the CLDR data) does the locale work: "Dec 6, 2026" / "6 Dec 2026" / "06.12.2026", "$1,234.50" / "1.234,50 €".
Money stays Decimal all the way (Babel formats a Decimal without going through float).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.utils import timezone

DEFAULT_LOCALE = "en_US"
# The locales offered in the workspace settings (any CLDR locale is accepted through the API).
LOCALE_CHOICES = [
    ("en_US", "English (United States): Dec 6, 2026 · 1,234.50"),
    ("en_GB", "English (United Kingdom): 6 Dec 2026 · 1,234.50"),
    ("en_AU", "English (Australia): 6 Dec 2026 · 1,234.50"),
    ("de_DE", "Deutsch: 06.12.2026 · 1.234,50"),
    ("fr_FR", "Français: 6 déc. 2026 · 1 234,50"),
    ("nl_NL", "Nederlands: 6 dec 2026 · 1.234,50"),
    ("es_ES", "Español: 6 dic 2026 · 1234,50"),
]
DURATION_STYLES = ("hm", "decimal")
EMPTY = "—"


@dataclass(frozen=True)
class Style:
    locale: str = DEFAULT_LOCALE
    durations: str = "hm"  # "hm": 1 h 30 min; "decimal": 1.5 h
    tz: str | None = None  # None: Django's active time zone


_DEFAULT = Style()
_style: ContextVar[Style] = ContextVar("baton_format_style", default=_DEFAULT)


def valid_locale(code: str) -> str | None:
    """The locale code normalised (`de-DE` -> `de_DE`), or None when CLDR does not know it."""
    try:
        return str(Locale.parse(str(code or "").replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


@lru_cache(maxsize=32)
def _locale(code: str) -> Locale:
    return Locale.parse(valid_locale(code) or DEFAULT_LOCALE)


def current() -> Style:
    return _style.get()


def activate(style: Style) -> Any:
    """Set the format context; returns the token for `deactivate`."""
    return _style.set(style)


def deactivate(token: Any) -> None:
    _style.reset(token)


def style_for(workspace: Any = None, user: Any = None) -> Style:
    return Style(
        locale=getattr(workspace, "locale", None) or DEFAULT_LOCALE,
        durations=getattr(user, "duration_style", None) or "hm",
        tz=getattr(workspace, "timezone", None) or None,
    )


@contextlib.contextmanager
def using(workspace: Any = None, user: Any = None) -> Iterator[Style]:
    """Format as `workspace`'s locale and `user`'s duration style inside the block (e-mails, the worker)."""
    style = style_for(workspace, user)
    token = _style.set(style)
    try:
        yield style
    finally:
        _style.reset(token)


# --- durations ------------------------------------------------------------------------------------------------------
def duration(minutes: Any, style: str | None = None) -> str:
    """Minutes for a sentence: 90 -> "1 h 30 min", 1080 -> "18 h", 45 -> "45 min", -30 -> "-30 min".

    With the decimal style: "1.5 h". None -> "—"; 0 -> "0 h"."""
    if minutes is None or minutes == "":
        return EMPTY
    try:
        total = int(minutes)
    except (TypeError, ValueError):
        return EMPTY
    if (style or current().durations) == "decimal":
        return decimal_hours(total)
    sign = "-" if total < 0 else ""
    total = abs(total)
    h, m = divmod(total, 60)
    if h and m:
        return f"{sign}{number(h, 0)} h {m} min"
    if h:
        return f"{sign}{number(h, 0)} h"
    if m:
        return f"{sign}{m} min"
    return "0 h"


def hm(minutes: Any) -> str:
    """Minutes for a table cell: 90 -> "1:30" (the decimal style: "1.5"). None -> "—"; 0 -> "0:00"."""
    if minutes is None or minutes == "":
        return EMPTY
    try:
        total = int(minutes)
    except (TypeError, ValueError):
        return EMPTY
    if current().durations == "decimal":
        return number(Decimal(total) / Decimal(60), 2, trim=True)
    sign = "-" if total < 0 else ""
    h, m = divmod(abs(total), 60)
    return f"{sign}{h}:{m:02d}"


def decimal_hours(minutes: Any) -> str:
    """Minutes as decimal hours: 90 -> "1.5 h", 1080 -> "18 h"."""
    if minutes is None or minutes == "":
        return EMPTY
    return f"{number(Decimal(int(minutes)) / Decimal(60), 2, trim=True)} h"


def count(n: Any, singular: str, plural: str | None = None) -> str:
    """A count with its noun: (1, "day") -> "1 day", (3, "day") -> "3 days", (2, "reply", "replies") -> "2 replies"."""
    value = int(n or 0)
    return f"{number(value)} {singular if value == 1 else (plural or singular + 's')}"


# --- numbers and money ----------------------------------------------------------------------------------------------
def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def number(value: Any, places: int = 0, *, trim: bool = False) -> str:
    """A number with the locale's separators: 1234.5 -> "1,234.50" (places=2). `trim` drops trailing zeros."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    quantum = Decimal(1).scaleb(-places)
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + ("#" * places if trim else "0" * places) if places else "")
    return babel_numbers.format_decimal(
        amount, format=pattern, locale=_locale(current().locale), decimal_quantization=True
    )


def money(value: Any, currency: str | None = None) -> str:
    """Money with its currency: "$1,234.50", "€1,234.50", "1.234,50 €". Without a currency: "1,234.50"."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # MONEY.md: cents, half up
    if not currency:
        return number(amount, 2)
    return babel_numbers.format_currency(amount, str(currency).upper(), locale=_locale(current().locale))


def percent(value: Any, places: int = 0) -> str:
    """A percentage given as a number of percent: 73.46 -> "73%" (places=1: "73.5%")."""
    amount = _decimal(value)
    if amount is None:
        return EMPTY
    return f"{number(amount, places)}%"


# --- dates and times ------------------------------------------------------------------------------------------------
def _tzinfo() -> Any:
    tz = current().tz
    if tz:
        with contextlib.suppress(Exception):
            return _zone(tz)
    return timezone.get_current_timezone()


@lru_cache(maxsize=64)
def _zone(name: str) -> Any:
    return ZoneInfo(name)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return local(value).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        with contextlib.suppress(ValueError):
            # "2026-12-06", or a month key "2026-12" (its first day: what `month` writes)
            return date.fromisoformat(value[:10] if len(value) != 7 else f"{value}-01")
    return None


def local(moment: datetime) -> datetime:
    """A moment in the workspace's time zone (naive moments are taken as already local)."""
    if timezone.is_naive(moment):
        return moment
    return moment.astimezone(_tzinfo())


def day(value: Any) -> str:
    """A date as people write it: "Dec 6, 2026" (en_US), "6 Dec 2026" (en_GB), "06.12.2026" (de_DE)."""
    d = _as_date(value)
    if d is None:
        return EMPTY
    return babel_dates.format_date(d, format="medium", locale=_locale(current().locale))


def day_short(value: Any) -> str:
    """A date without its year: "Dec 6" (en_US), "6 Dec" (en_GB), "6. Dez." (de_DE)."""
    d = _as_date(value)
    if d is None:
        return EMPTY
    return babel_dates.format_skeleton("MMMd", d, locale=_locale(current().locale))


def month(value: Any) -> str:
    """A month: "Dec 2026"."""
    d = _as_date(value)
    if d is None:
        return EMPTY
    return babel_dates.format_skeleton("yMMM", d, locale=_locale(current().locale))


def when(value: Any) -> str:
    """A moment in the workspace's time zone: "Dec 6, 2026, 7:39 PM" (en_US), "06.12.2026, 19:39" (de_DE)."""
    if not isinstance(value, datetime):
        return day(value)
    loc = _locale(current().locale)
    moment = local(value)
    pattern = str(loc.datetime_formats["medium"])  # e.g. "{1}, {0}": the date, then the time
    return pattern.replace("{1}", babel_dates.format_date(moment, "medium", locale=loc)).replace(
        "{0}", babel_dates.format_time(moment, "short", locale=loc)
    )


def ago(value: Any, now: datetime | None = None) -> str:
    """A moment relative to now: "3 hours ago", "in 2 days", "just now" (under a minute)."""
    if not isinstance(value, datetime):
        d = _as_date(value)
        if d is None:
            return EMPTY
        today = timezone.localdate()
        delta_days = (d - today).days
        if delta_days == 0:
            return "today"
        if delta_days == -1:
            return "yesterday"
        if delta_days == 1:
            return "tomorrow"
        return babel_dates.format_timedelta(
            timedelta(days=delta_days), add_direction=True, threshold=1.5, locale=_locale(current().locale)
        )
    delta = value - (now or timezone.now())
    if abs(delta) < timedelta(minutes=1):
        return "just now"
    return babel_dates.format_timedelta(delta, add_direction=True, threshold=1.5, locale=_locale(current().locale))
