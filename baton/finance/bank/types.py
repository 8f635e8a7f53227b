"""What every statement parser gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class StatementLine:
    """One booked transaction. `amount` is signed (credits positive) and is what reached the account; `fee` the
    bank charges taken off a credit (the payer paid amount + fee)."""

    booking_date: date
    amount: Decimal
    currency: str = ""
    transaction_id: str = ""
    remittance: str = ""
    counterparty: str = ""
    fee: Decimal = Decimal("0.00")


@dataclass
class ParsedStatement:
    format: str
    account: str = ""
    lines: list[StatementLine] = field(default_factory=list)
