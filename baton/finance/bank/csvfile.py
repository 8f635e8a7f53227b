"""Bank statements as CSV with a header row. The columns are found by name (date, amount, reference, counterparty,
transaction_id, currency and a few usual synonyms) or named by a mapping: `{"date": "Buchungstag", "amount":
"Betrag", "reference": "Verwendungszweck", "counterparty": "Name", "transaction_id": "ID", "currency": "Währung",
"date_format": "%d.%m.%Y", "decimal_comma": true}`. The delimiter (`,` `;` or tab) is detected."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from baton.finance.bank.types import ParsedStatement, StatementLine

FIELDS = ("date", "amount", "reference", "counterparty", "transaction_id", "currency")
SYNONYMS = {
    "date": ("date", "booking date", "booking_date", "booked", "value date"),
    "amount": ("amount", "value"),
    "reference": ("reference", "remittance", "description", "details", "memo", "text", "purpose", "verwendungszweck"),
    "counterparty": ("counterparty", "name", "payer", "payee"),
    "transaction_id": ("transaction_id", "transaction id", "id", "reference id"),
    "currency": ("currency", "ccy"),
}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y")


def looks_like(head: str) -> bool:
    first = head.splitlines()[0] if head else ""
    return any(d in first for d in (",", ";", "\t"))


def _delimiter(first: str) -> str:
    return max((",", ";", "\t"), key=first.count)


def _columns(header: list[str], mapping: dict[str, Any]) -> dict[str, int]:
    lower = [h.strip().lower() for h in header]
    columns: dict[str, int] = {}
    for name in FIELDS:
        wanted = mapping.get(name)
        candidates = (str(wanted).strip().lower(),) if wanted else SYNONYMS[name]
        for candidate in candidates:
            if candidate in lower:
                columns[name] = lower.index(candidate)
                break
        else:
            if wanted:
                raise ValueError(f"The mapping names a column {wanted!r} for {name} that the CSV header lacks.")
    missing = [n for n in ("date", "amount") if n not in columns]
    if missing:
        raise ValueError(f"The CSV has no {' or '.join(missing)} column (header: {', '.join(header)}).")
    return columns


def _day(text: str, fmt: str | None) -> date:
    for candidate in (fmt,) if fmt else DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), candidate).date()
        except ValueError:
            continue
    raise ValueError(f"A date cannot be read: {text!r}.")


def _money(text: str, decimal_comma: bool) -> Decimal:
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if decimal_comma or ("," in cleaned and "." not in cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        return Decimal(cleaned).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ValueError(f"An amount cannot be read: {text!r}.") from exc


def parse(text: str, mapping: dict[str, Any]) -> ParsedStatement:
    rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text.splitlines()[0])))
    if not rows:
        raise ValueError("The CSV is empty.")
    columns = _columns(rows[0], mapping)
    fmt = mapping.get("date_format")
    comma = bool(mapping.get("decimal_comma"))
    parsed = ParsedStatement(format="csv")
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row: list[str] = row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        try:
            line = StatementLine(
                booking_date=_day(cell("date"), fmt),
                amount=_money(cell("amount"), comma),
                currency=cell("currency").upper()[:3],
                transaction_id=cell("transaction_id")[:100],
                remittance=cell("reference")[:2000],
                counterparty=cell("counterparty")[:200],
            )
        except ValueError as exc:
            raise ValueError(f"Row {number}: {exc}") from exc
        parsed.lines.append(line)
    return parsed
