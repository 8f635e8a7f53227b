"""Calendar months, the one place that cuts dates into them: a month is named by its first day."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return month_end(day) + timedelta(days=1)


def month_spans(start: date, end: date) -> list[tuple[date, date, date]]:
    """(month, first day, last day) of each month over [start, end], clipped to the range."""
    out = []
    month = month_start(start)
    while month <= end:
        following = next_month(month)
        out.append((month, max(month, start), min(following - timedelta(days=1), end)))
        month = following
    return out
