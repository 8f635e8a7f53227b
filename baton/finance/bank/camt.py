"""ISO 20022 camt.053 (bank-to-customer statement; camt.052/054 read alike), any version of the schema: the
namespace is taken from the root. Parsed with defusedxml (no entities, no external references). Only booked
entries (`Sts` BOOK) are read; a batch entry's transaction details are joined into one line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from baton.finance.bank.types import ParsedStatement, StatementLine

NOT_PROVIDED = {"", "NOTPROVIDED", "NONREF"}


def parse(data: bytes) -> ParsedStatement:
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise ValueError(f"The XML cannot be read ({exc}).") from exc
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if "camt.05" not in ns:
        raise ValueError("This XML is not a CAMT.053 bank-to-customer statement.")
    q = _Query(ns)
    statements = q.all(root, ".//Stmt") or q.all(root, ".//Rpt") or q.all(root, ".//Ntfctn")
    if not statements:
        raise ValueError("The CAMT file holds no statement (Stmt).")
    parsed = ParsedStatement(format="camt053")
    for statement in statements:
        parsed.account = parsed.account or q.text(statement, "Acct/Id/IBAN") or q.text(statement, "Acct/Id/Othr/Id")
        for entry in q.all(statement, "Ntry"):
            line = _entry(q, entry)
            if line is not None:
                parsed.lines.append(line)
    return parsed


class _Query:
    """ElementTree paths in the document's namespace, written without it."""

    def __init__(self, ns: str) -> None:
        self.ns = ns

    def path(self, path: str) -> str:
        if not self.ns:
            return path
        return "/".join(p if p in (".", "") else f"{{{self.ns}}}{p}" for p in path.split("/"))

    def all(self, node: Element, path: str) -> list[Element]:
        return node.findall(self.path(path))

    def one(self, node: Element, path: str) -> Element | None:
        return node.find(self.path(path))

    def text(self, node: Element, path: str) -> str:
        found = node.find(self.path(path))
        return (found.text or "").strip() if found is not None else ""


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ValueError(f"An amount cannot be read: {text!r}.") from exc


def _entry(q: _Query, entry: Element) -> StatementLine | None:
    status = q.text(entry, "Sts/Cd") or q.text(entry, "Sts")
    if status and status != "BOOK":
        return None
    amount_node = q.one(entry, "Amt")
    if amount_node is None:
        raise ValueError("An entry (Ntry) has no amount (Amt).")
    amount = _amount(amount_node.text or "")
    credit = q.text(entry, "CdtDbtInd") == "CRDT"
    booked = q.text(entry, "BookgDt/Dt") or q.text(entry, "BookgDt/DtTm")[:10] or q.text(entry, "ValDt/Dt")
    try:
        booking_date = date.fromisoformat(booked)
    except ValueError as exc:
        raise ValueError(f"An entry's booking date cannot be read: {booked!r}.") from exc
    details = q.all(entry, "NtryDtls/TxDtls")
    remittance, counterparty = _texts(q, entry, details, credit)
    return StatementLine(
        booking_date=booking_date,
        amount=amount if credit else -amount,
        currency=amount_node.get("Ccy", ""),
        transaction_id=_transaction_id(q, entry, details),
        remittance=" ".join(r for r in remittance if r)[:2000],
        counterparty=counterparty[:200],
        fee=_charges(q, entry) if credit else Decimal("0.00"),
    )


def _texts(q: _Query, entry: Element, details: list[Element], credit: bool) -> tuple[list[str], str]:
    """The remittance texts (unstructured, and structured creditor references) and the other party's name."""
    remittance = [q.text(entry, "AddtlNtryInf")] if not details else []
    counterparty = ""
    party = "Dbtr" if credit else "Cdtr"
    for tx in details:
        remittance += [(u.text or "").strip() for u in q.all(tx, "RmtInf/Ustrd")]
        remittance += [(r.text or "").strip() for r in q.all(tx, "RmtInf/Strd/CdtrRefInf/Ref")]
        counterparty = counterparty or q.text(tx, f"RltdPties/{party}/Nm") or q.text(tx, f"RltdPties/{party}/Pty/Nm")
    return remittance, counterparty


def _transaction_id(q: _Query, entry: Element, details: list[Element]) -> str:
    for candidate in (
        q.text(entry, "AcctSvcrRef"),
        q.text(entry, "NtryRef"),
        *(q.text(tx, "Refs/AcctSvcrRef") for tx in details),
        *(q.text(tx, "Refs/TxId") for tx in details),
        *(q.text(tx, "Refs/EndToEndId") for tx in details),
    ):
        if candidate.upper() not in NOT_PROVIDED:
            return candidate[:100]
    return ""


def _charges(q: _Query, entry: Element) -> Decimal:
    """Bank charges taken off the entry (`Chrgs`: its total, else the sum of its records; v2: `Chrgs/Amt`)."""
    total = q.text(entry, "Chrgs/TtlChrgsAndTaxAmt")
    if total:
        return _amount(total)
    amounts = [_amount(r.text or "0") for r in q.all(entry, "Chrgs/Rcrd/Amt") + q.all(entry, "Chrgs/Amt") if r.text]
    return sum(amounts, Decimal("0.00"))
