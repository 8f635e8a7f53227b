"""Money is Decimal, rounded to cents half up; never a float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from baton.core.validators import currency_code  # noqa: F401  (re-exported: the one currency check)

CENT = Decimal("0.01")
MAX_MONEY = Decimal("999999999999.99")
PLACES_MESSAGE = "Use at most 2 decimal places (whole cents)."


def finer_than_cents(amount: Decimal) -> bool:
    """The one money-precision rule: an amount a person or client sends may not carry more decimals than cents
    (every currency Baton keeps is counted in cents, MONEY.md §1). `1.50` and `1.500` pass; `1.505` does not.
    Computed amounts are rounded with `to_money` instead."""
    try:
        return amount.is_finite() and amount != amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # too many digits to quantize: "too large" is the error to give, not this one
        return False


def to_money(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Money is never a float; pass a Decimal or a string.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money(
    value: Any, field: str, errors: dict[str, str], *, allow_negative: bool = False, allow_none: bool = False
) -> Decimal | None:
    """A money value in cents; a float, a non-number, more decimals than cents or an out-of-range value is a field
    error."""
    if value is None or value == "":
        if allow_none:
            return None
        errors[field] = "Enter an amount, e.g. 1250.00."
        return None
    if isinstance(value, float) or isinstance(value, bool):
        errors[field] = 'Send money as a decimal string, e.g. "1250.00".'
        return None
    try:
        amount = Decimal(str(value).strip())
        if not amount.is_finite():
            raise InvalidOperation
        if abs(amount) <= MAX_MONEY and finer_than_cents(amount):
            errors[field] = PLACES_MESSAGE
            return None
        amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = "Enter an amount, e.g. 1250.00."
        return None
    if amount < 0 and not allow_negative:
        errors[field] = "An amount cannot be negative."
        return None
    if abs(amount) > MAX_MONEY:
        errors[field] = "This amount is too large."
        return None
    return amount
