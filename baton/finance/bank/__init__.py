"""Bank statement files read into plain transactions: ISO 20022 CAMT.053 XML (`camt.py`, defusedxml), SWIFT MT940
(`mt940.py`, the `mt-940` package) and CSV with a column mapping (`csv.py`). `parse()` detects the format from the
content, so the caller never names it; an unknown format is a `ValidationError` naming `file`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from baton.finance.bank import camt, csvfile, swift
from baton.finance.bank.types import ParsedStatement, StatementLine

EXPECTED = (
    "Upload a bank statement: ISO 20022 CAMT.053 XML, SWIFT MT940, or CSV with a header row (columns date, amount, "
    "and optionally reference, counterparty, transaction_id, currency; another header needs a `mapping`)."
)

__all__ = ["EXPECTED", "ParsedStatement", "StatementLine", "parse"]


def parse(data: bytes, *, mapping: dict[str, Any] | None = None) -> ParsedStatement:
    """The statement in `data`, whatever its format; `ValidationError({"file": ...})` when it is none of them or
    cannot be read."""
    text = _text(data)
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    try:
        if head.startswith("<") and "camt.05" in head:
            return camt.parse(data)
        if head.startswith("<"):
            raise ValueError("This XML is not a CAMT.053 bank-to-customer statement.")
        if swift.looks_like(head):
            return swift.parse(text)
        if csvfile.looks_like(head):
            return csvfile.parse(text, mapping or {})
    except ValueError as exc:
        raise ValidationError({"file": f"{exc} {EXPECTED}"}) from exc
    raise ValidationError({"file": f"Unknown statement format. {EXPECTED}"})


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")
