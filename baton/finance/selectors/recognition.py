"""Revenue recognition in integer cents for the profitability report, identical to the cent to its Decimal
definition (see the `profit` package's docstring).

The Decimal definitions divide at 28 significant digits and then round half up to the cent. In integer arithmetic the
same figures are exact divisions with a remainder, and the two agree whenever the exact value is not a tie: a
non-tie is at least 1 / (2 x divisor) cent away from the half cent, far more than the Decimal division's error
(~1e-27 of the amount). At an exact tie (a half cent, or two people with the same remainder on either side of the
cut in a largest-remainder split) the Decimal arithmetic may land either way, so the helpers hand those rare cases
to the Decimal code, which then decides exactly as before. `baton/finance/tests/test_profitability_fast.py` checks
both against the Decimal versions, ties included.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Hashable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter
from typing import TypeVar

from baton.core.money import CENT

K = TypeVar("K", bound=Hashable)
_REMAINDER = itemgetter(0)


def to_cents(amount: Decimal | None) -> int:
    """An amount of whole cents (a money field, or a sum of them) as an integer."""
    return int((amount or Decimal(0)).scaleb(2).to_integral_value(rounding=ROUND_HALF_UP))


def from_cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def fixed_fee_curve(fee: Decimal, budget_minutes: int) -> Callable[[int], int]:
    """R(x) in cents: the fee recognised once x has been used. With budget minutes x is minutes and R(x) = fee x
    min(1, x / budget minutes), rounded half up; without, x is billable bill cents and R(x) = min(fee, x)."""
    fee_cents = to_cents(fee)
    if not budget_minutes:
        return lambda x: fee_cents if x > fee_cents else x
    budget = budget_minutes

    def decimal_curve(x: int) -> int:
        share = min(Decimal(1), Decimal(x) / Decimal(budget))
        return to_cents((fee * share).quantize(CENT, rounding=ROUND_HALF_UP))

    def curve(x: int) -> int:
        if x >= budget:
            return fee_cents
        if x <= 0:
            return 0 if x == 0 else decimal_curve(x)
        q, r = divmod(fee_cents * x, budget)
        twice = 2 * r
        if twice > budget:
            return q + 1
        if twice < budget:
            return q
        return decimal_curve(x)  # an exact half cent

    return curve


def split_decimal(amount: Decimal, weights: dict[K, int]) -> dict[K | None, Decimal]:
    """Split `amount` by weights to the cent (largest remainder; ties in the remainder go by str(key))."""
    total = sum(weights.values())
    if not total:
        return {None: amount}
    cents = int((amount / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    raw = {k: Decimal(cents) * w / total for k, w in weights.items()}
    floor = {k: int(v) if v >= 0 else -int(-v) for k, v in raw.items()}
    left = cents - sum(floor.values())
    order = sorted(weights, key=lambda k: (-(raw[k] - floor[k]) if left >= 0 else raw[k] - floor[k], str(k)))
    step = 1 if left >= 0 else -1
    for k in order[: abs(left)]:
        floor[k] += step
    return {k: Decimal(v) * CENT for k, v in floor.items()}


def split_cents(cents: int, weights: dict[K, int]) -> dict[K | None, int]:
    """`split_decimal` in integer cents (same result to the cent)."""
    if len(weights) == 1:
        ((key, weight),) = weights.items()
        if weight > 0:
            return {key: cents}
    total = sum(weights.values())
    if cents < 0 or total <= 0 or min(weights.values()) < 0:
        return {k: to_cents(v) for k, v in split_decimal(from_cents(cents), weights).items()}
    shares: dict[K | None, int] = {}
    remainders: list[tuple[int, K]] = []
    left = cents
    for key, weight in weights.items():
        q, r = divmod(cents * weight, total)
        shares[key] = q
        left -= q
        if r:
            remainders.append((r, key))
    if left:
        # Largest remainders first. Among equal remainders the order does not matter unless they lie on both sides
        # of the cut, and that case goes to the Decimal split (its rounding decides their order), so no tie-break.
        remainders.sort(key=_REMAINDER, reverse=True)
        if left < len(remainders) and remainders[left - 1][0] == remainders[left][0]:
            return {k: to_cents(v) for k, v in split_decimal(from_cents(cents), weights).items()}
        for _, key in remainders[:left]:
            shares[key] += 1
    return shares


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_of_index(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def retainer_month_cents(fee: Decimal, index: int, date_from: date | None, date_to: date | None) -> int:
    """A retainer's fee for one month, prorated by the days of the month inside the range (half up)."""
    month = month_of_index(index)
    days = calendar.monthrange(month.year, month.month)[1]
    lo = max(month, date_from) if date_from else month
    end = month.replace(day=days)
    hi = min(end, date_to) if date_to else end
    inside = (hi - lo).days + 1
    if inside >= days:
        return to_cents(fee)
    return to_cents((fee * Decimal(inside) / Decimal(days)).quantize(CENT, ROUND_HALF_UP))
