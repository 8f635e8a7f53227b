"""SWIFT MT940 statements, read with the `mt-940` package: amount (signed), booking date (`:61:` entry date),
the bank's reference as the transaction id (else the customer reference), `:86:` as the remittance text."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import mt940

from baton.finance.bank.types import ParsedStatement, StatementLine

_TAGS = re.compile(r"^:(20|25|60[FM]|61):", re.MULTILINE)


def looks_like(head: str) -> bool:
    return len(set(_TAGS.findall(head))) >= 2


def parse(text: str) -> ParsedStatement:
    try:
        transactions = mt940.models.Transactions()
        transactions.parse(text)
    except Exception as exc:  # the package raises many kinds on a broken file
        raise ValueError(f"The MT940 file cannot be read ({type(exc).__name__}: {exc}).") from exc
    parsed = ParsedStatement(format="mt940", account=str(transactions.data.get("account_identification") or ""))
    for tx in transactions:
        data = tx.data
        amount = data.get("amount")
        day = data.get("entry_date") or data.get("date")
        if amount is None or day is None:
            raise ValueError("A :61: line has no amount or date.")
        reference = next(
            (
                str(r)
                for r in (data.get("bank_reference"), data.get("customer_reference"))
                if r and str(r).upper() not in ("NONREF", "NOTPROVIDED")
            ),
            "",
        )
        texts = [str(data.get(k) or "") for k in ("transaction_details", "customer_reference")]
        details = " ".join(t for t in texts if t.upper() not in ("NONREF", "NOTPROVIDED")).strip()
        parsed.lines.append(
            StatementLine(
                booking_date=date(day.year, day.month, day.day),
                amount=Decimal(amount.amount).quantize(Decimal("0.01")),
                currency=str(data.get("currency") or amount.currency or ""),
                transaction_id=reference[:100],
                remittance=" ".join(details.split())[:2000],
                counterparty=str(data.get("applicant_name") or "")[:200],
            )
        )
    return parsed
