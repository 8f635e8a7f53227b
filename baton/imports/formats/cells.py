"""Turning one cell's text into a value, or a `Bad` naming the value in plain words.

Shared by every format: dates (ISO or a/b/yyyy in a known order), clock times (24- or 12-hour), durations
(`hh:mm[:ss]`, decimal hours, seconds), locale numbers (`2.000,0`, `1,234.50`), yes/no words. Each parser is small and
allocation-light: it runs once per cell of a million-row file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
DAY_SECONDS = 24 * 3600
MONEY_STRIP = " \u00a0\u202f$€£¥₹CHF"


class Bad(ValueError):
    """A cell that cannot be read: the column (as the file names it) and the reason, naming the value."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


# --- dates -----------------------------------------------------------------------------------------------------------

ORDERS = ("ymd", "mdy", "dmy")


def split_date(text: str) -> tuple[int, int, int, bool] | None:
    """The three numbers of a date written with `-`, `/` or `.` (a trailing time is ignored) and whether the year
    comes first (a four-digit first part), or None."""
    text = text.strip().split(" ", 1)[0].split("T", 1)[0].rstrip(".")
    for sep in ("-", "/", "."):
        if sep in text:
            parts = text.split(sep)
            if len(parts) == 3 and all(p.isdigit() for p in parts):
                return int(parts[0]), int(parts[1]), int(parts[2]), len(parts[0]) == 4
            return None
    return None


def guess_date_order(values: Iterable[str], default: str = "mdy") -> tuple[str, bool]:
    """Month- or day-first from a sample of dates: a first part above 12 means day-first, a second above 12 means
    month-first; a four-digit first part is ISO. Returns (order, decided) — decided False when the sample never
    tells (every day was 12 or less), and the default was taken."""
    for value in values:
        parts = split_date(value)
        if parts is None:
            continue
        a, b, _, year_first = parts
        if year_first or a > 31:
            return "ymd", True
        if a > 12:
            return "dmy", True
        if b > 12:
            return "mdy", True
    return default, False


def parse_date(column: str, text: str, order: str = "ymd") -> dt.date:
    """A date in 1900-01-01..2999-12-31: ISO `2024-03-05` always, else `a/b/yyyy`, `a.b.yyyy` or `a-b-yyyy` read in
    `order` (`mdy` or `dmy`)."""
    text = text.strip()
    value = None
    if len(text) == 10 and text[4] == "-":
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            value = None
    if value is None:
        parts = split_date(text)
        if parts is not None:
            a, b, c, year_first = parts
            if year_first:
                y, m, d = a, b, c
            elif order == "ymd":
                raise Bad(column, f'"{text}" is not a date (expected YYYY-MM-DD)')
            elif order == "dmy":
                d, m, y = a, b, c
            else:
                m, d, y = a, b, c
            if y < 100:
                y += 2000
            try:
                value = dt.date(y, m, d)
            except ValueError:
                value = None
    if value is None:
        expected = {"ymd": "YYYY-MM-DD", "dmy": "DD/MM/YYYY", "mdy": "MM/DD/YYYY"}[order]
        raise Bad(column, f'"{text}" is not a date (expected {expected})')
    return check_date(column, value, text)


def check_date(column: str, value: dt.date, text: str = "") -> dt.date:
    if value < FIRST_DAY or value > LAST_DAY:
        raise Bad(column, f'"{text or value.isoformat()}" lies outside 1900-01-01 to 2999-12-31')
    return value


# --- clock times -----------------------------------------------------------------------------------------------------


def parse_time(column: str, text: str) -> dt.time:
    """`09:05`, `09:05:30`, `9:05 AM`, `09:05:30 pm`, `21.05` (a date in front, as some exports write, is dropped)."""
    raw = text
    text = text.strip()
    if len(text) == 8 and text[2] == ":" and text[5] == ":":
        try:
            return dt.time.fromisoformat(text)
        except ValueError:
            raise Bad(column, f'"{raw}" is not a time of day') from None
    upper = text.upper()
    meridiem = ""
    if upper.endswith(("AM", "PM")):
        meridiem = upper[-2:]
        upper = upper[:-2].strip()
    if " " in upper:  # "2024-03-05 09:00"
        upper = upper.rsplit(" ", 1)[1]
    parts = upper.replace(".", ":").split(":")
    try:
        if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
            raise ValueError
        hour, minute = int(parts[0]), int(parts[1])
        second = int(parts[2]) if len(parts) == 3 else 0
        if meridiem:
            if not 1 <= hour <= 12:
                raise ValueError
            hour = hour % 12 + (12 if meridiem == "PM" else 0)
        return dt.time(hour, minute, second)
    except ValueError:
        raise Bad(column, f'"{raw}" is not a time of day') from None


# --- durations -------------------------------------------------------------------------------------------------------


def clock_seconds(column: str, text: str) -> int:
    """`hh:mm:ss` or `h:mm` (hours may pass 24, so a 25-hour entry is named as such) → seconds, sign kept."""
    body = text.strip()
    sign = 1
    if body.startswith("-"):
        sign, body = -1, body[1:]
    parts = body.split(":")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise Bad(column, f'"{text}" is not a duration (expected hh:mm:ss)')
    seconds = int(parts[0]) * 3600 + int(parts[1]) * 60 + (int(parts[2]) if len(parts) == 3 else 0)
    return sign * seconds


def clock_text(seconds: int) -> str:
    """Seconds as `hh:mm:ss`, for naming a duration that came as a number."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def hours_seconds(column: str, text: str, decimal: str = ".") -> int:
    """Decimal hours in the file's locale (`1.5`, `1,5`, `2.000,0`) → seconds."""
    try:
        hours = parse_number(text, decimal)
    except InvalidOperation:
        raise Bad(column, f'"{text}" is not a number of hours') from None
    return int((hours * 3600).to_integral_value(ROUND_HALF_UP))


def minutes_of(column: str, text: str, seconds: int) -> int:
    """Seconds → whole minutes (half up), refusing what is not a positive duration of at most 24 hours."""
    if seconds <= 0:
        raise Bad(column, f'"{text}" is not a positive duration')
    if seconds > DAY_SECONDS:
        raise Bad(column, f'"{text}" is more than 24 hours')
    minutes = (seconds + 30) // 60
    if minutes == 0:
        raise Bad(column, f'"{text}" is less than half a minute')
    return minutes


# --- numbers and money -----------------------------------------------------------------------------------------------


def guess_decimal(values: Iterable[str]) -> tuple[str, bool]:
    """The decimal mark of a sample of locale numbers: the last of `,`/`.` when a value has both (`2.000,0`); a
    comma followed by other than three digits (`1,5`); a dot likewise. Returns (mark, decided); `.` by default."""
    for value in values:
        v = value.strip()
        comma, dot = v.rfind(","), v.rfind(".")
        if comma >= 0 and dot >= 0:
            return ("," if comma > dot else "."), True
        if comma >= 0 and len(v) - comma - 1 != 3:
            return ",", True
        if dot >= 0 and len(v) - dot - 1 != 3:
            return ".", True
    return ".", False


def parse_number(text: str, decimal: str = ".") -> Decimal:
    """A locale number → Decimal; raises InvalidOperation when it is not one."""
    if decimal == "." and text and text[-1].isdigit() and text[0] in "0123456789-" and "," not in text:
        try:  # the common case, straight to the C constructor
            number = Decimal(text)
        except InvalidOperation:
            pass
        else:
            if number.is_finite():
                return number
    v = text.strip(MONEY_STRIP)
    if decimal == ",":
        v = v.replace(".", "").replace("\u00a0", "").replace(" ", "").replace("'", "").replace(",", ".")
    else:
        v = v.replace(",", "").replace("\u00a0", "").replace(" ", "").replace("'", "")
    if not v or v[-1] not in "0123456789":
        raise InvalidOperation(text)
    number = Decimal(v)
    if not number.is_finite():
        raise InvalidOperation(text)
    return number


def parse_amount(column: str, text: str, decimal: str = ".") -> Decimal | None:
    """A money cell: empty → None, else a Decimal (refusing what does not parse)."""
    if not text or not text.strip():
        return None
    try:
        return parse_number(text, decimal)
    except InvalidOperation:
        raise Bad(column, f'"{text}" is not an amount') from None


# --- words -----------------------------------------------------------------------------------------------------------

YES = frozenset({"yes", "y", "true", "1", "x", "ja", "oui", "sí", "si", "sì", "wahr", "vrai", "verdadero", "vero"})
NO = frozenset({"no", "n", "false", "0", "nein", "non", "nee", "falsch", "faux", "falso"})


def parse_bool(column: str, text: str) -> bool | None:
    """Yes/No in the tools' languages; empty → None (the project's default)."""
    v = text.strip().casefold()
    if not v:
        return None
    if v in YES:
        return True
    if v in NO:
        return False
    raise Bad(column, f'"{text}" is neither yes nor no')


def split_tags(text: str, sep: str = ",") -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(t for t in (p.strip() for p in text.split(sep)) if t)


def currency_code(text: str) -> str:
    """`Euro - EUR` → `EUR`, `usd` → `USD`; the last three-letter word when it is one, else the text upper-cased."""
    v = text.strip()
    if not v:
        return ""
    last = v.replace("(", " ").replace(")", " ").replace("-", " ").split()[-1]
    if len(last) == 3 and last.isalpha():
        return last.upper()
    return v.upper()[:3]
