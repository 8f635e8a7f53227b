"""How a person's weekly capacity is split over the days of a week (MONEY.md §1 and §6).

Resourcing's calendar (`baton/resourcing/calendar.py`) is the one place that turns this into a day's capacity (with
holidays, time off and capacity history); this module holds only the split, so the person's own page can show it.
"""

from __future__ import annotations

from collections.abc import Iterable


def split_week(weekly: int, working_days: Iterable[int]) -> dict[int, int]:
    """Weekly minutes split over the working days (ISO weekdays) by the largest-remainder method (MONEY.md §1): each
    day gets the whole minutes of its equal share and the minutes left over go one each to the days with the largest
    remainders; every share has the same remainder, so the tie goes to the earliest days of the week. The parts add
    up to `weekly` exactly (2,000 over three days: 667, 667, 666). {} without working days."""
    days = sorted(set(working_days))
    if not days:
        return {}
    share, left = divmod(int(weekly), len(days))
    return {d: share + (1 if i < left else 0) for i, d in enumerate(days)}
