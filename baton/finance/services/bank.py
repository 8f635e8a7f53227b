"""Bank statements: import a file (CAMT.053, MT940, mapped CSV), record what pays an invoice, keep the rest for a
person to review.

- A transaction already imported (same bank transaction id, else the same date, amount, currency, text and
  counterparty, counted within the file) is a duplicate: listed, never stored or matched again.
- A credit whose remittance text carries the number of an issued invoice with a positive balance is recorded as its
  payment through `payment_record`, dated the booking date. The payer paid the credited amount plus any bank
  charges taken off it (CAMT `Chrgs`): that gross is what the invoice receives, the fee stays on the transaction.
  Several numbers: the invoices are paid in the order written until the money runs out.
- Partial payment: the balance stays owed (MONEY.md §5). Over-payment: the money arrived, so the (last) invoice
  records all of it and its balance goes negative, a refund owed to the client, shown beside receivables until a
  refund is recorded (MONEY.md §5's balance rule; `payment_record(overpayment=True)`).
- Any other credit goes to review with suggested invoices: open ones with the same balance as the credit and whose
  client is named in the counterparty or the text first, then same balance, then client named. A person confirms
  one (the payment is recorded then) or ignores the transaction. Debits are stored, never matched.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.finance.bank import parse
from baton.finance.bank.types import ParsedStatement, StatementLine
from baton.finance.models import (
    BankStatement,
    BankTransaction,
    BankTransactionStatus,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
)
from baton.finance.services.invoices.payments import payment_record

MAX_BYTES = 5 * 1024 * 1024
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
LARGEST = Decimal("1000000000000")  # a money field holds 12 digits before the point
_TOKEN = re.compile(r"[A-Za-z]{2,}[\s\-/_.]?\d+")


def _norm(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def open_invoices(workspace: Any) -> list[Invoice]:
    """Issued invoices (not credit notes) with a positive balance, oldest due first."""
    return list(
        Invoice.objects.filter(workspace=workspace, kind=InvoiceKind.INVOICE, status=InvoiceStatus.SENT)
        .filter(total__gt=F("amount_paid") + F("amount_credited"))
        .select_related("client")
        .order_by("due_date", "id")
    )


def line_json(tx: BankTransaction | StatementLine, key: str = "") -> dict[str, Any]:
    """A transaction as the API and the statement's record show it."""
    data: dict[str, Any] = {
        "booking_date": tx.booking_date.isoformat(),
        "amount": str(tx.amount),
        "currency": tx.currency,
        "transaction_id": tx.transaction_id,
        "remittance": tx.remittance,
        "counterparty": tx.counterparty,
        "fee": str(tx.fee),
    }
    if isinstance(tx, BankTransaction):
        data |= {"id": tx.pk, "status": tx.status, "unapplied": str(tx.unapplied)}
    elif key:
        data["dedupe_key"] = key
    return data


def _keys(parsed: ParsedStatement) -> list[str]:
    """Each line's dedupe key: its bank transaction id, else a hash of its fields and how many identical lines came
    before it in the file (two equal coffees on one day stay two)."""
    seen: Counter[str] = Counter()
    keys = []
    for line in parsed.lines:
        if line.transaction_id:
            keys.append(f"id:{parsed.account}:{line.transaction_id}"[:100])
            continue
        fields = "|".join(
            str(v)
            for v in (parsed.account, line.booking_date, line.amount, line.currency, line.remittance, line.counterparty)
        )
        seen[fields] += 1
        digest = hashlib.sha256(f"{fields}|{seen[fields]}".encode()).hexdigest()[:40]
        keys.append(f"hash:{digest}")
    return keys


@transaction.atomic
def bank_statement_import(
    *, actor: Actor, data: bytes, filename: str = "", mapping: dict[str, Any] | None = None
) -> tuple[BankStatement, dict[str, Any]]:
    """Read a statement file, store its new transactions, pay what names an open invoice; returns the statement
    and `{id, transactions, matched, unmatched, duplicates}` (API.md)."""
    access.require(actor, "bank_statement", "create")
    if not data:
        raise ValidationError({"file": "The file is empty."})
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": f"A statement file is at most {MAX_BYTES // (1024 * 1024)} MB."})
    parsed = parse(data, mapping=mapping)
    _check_lines(parsed)
    workspace = actor.workspace
    statement = BankStatement.objects.create(
        workspace=workspace,
        format=parsed.format,
        filename=(filename or "")[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        account=parsed.account[:64],
        imported_by_id=actor.person_id,
        transactions_read=len(parsed.lines),
    )
    keys = _keys(parsed)
    known = set(
        BankTransaction.objects.filter(workspace=workspace, dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    result: dict[str, Any] = {"matched": [], "unmatched": [], "duplicates": []}
    invoices = open_invoices(workspace)
    for line, key in zip(parsed.lines, keys, strict=True):
        if key in known:
            result["duplicates"].append({"transaction": line_json(line, key)})
            continue
        known.add(key)
        tx = _store(statement, line, key)
        if tx is None:  # a concurrent import stored it first
            result["duplicates"].append({"transaction": line_json(line, key)})
            continue
        if tx.amount > 0:
            _match(actor, tx, invoices, result)
        else:
            result["unmatched"].append({"transaction": line_json(tx)})
    statement.duplicates = [d["transaction"] for d in result["duplicates"]]
    statement.save(update_fields=["duplicates", "updated_at"])
    events.emit(
        actor,
        "bank_statement.imported",
        statement,
        data={
            "format": statement.format,
            "transactions": statement.transactions_read,
            "matched": len(result["matched"]),
            "unmatched": len(result["unmatched"]),
            "duplicates": len(result["duplicates"]),
        },
    )
    return statement, {"id": statement.pk, "transactions": statement.transactions_read, **result}


def _check_lines(parsed: ParsedStatement) -> None:
    """Dates from 1900-01-01 to 2999-12-31 and amounts that fit a money field, else 422 naming `file`."""
    for number, line in enumerate(parsed.lines, start=1):
        if not EARLIEST <= line.booking_date <= LATEST:
            raise ValidationError({"file": f"Transaction {number} is dated {line.booking_date}, outside 1900 to 2999."})
        if max(abs(line.amount), abs(line.fee)) >= LARGEST:
            raise ValidationError({"file": f"Transaction {number}'s amount {line.amount} is too large."})


def _store(statement: BankStatement, line: StatementLine, key: str) -> BankTransaction | None:
    """The new transaction, or None when the same key was stored meanwhile (the unique constraint decides)."""
    try:
        with transaction.atomic():
            return BankTransaction.objects.create(
                workspace=statement.workspace,
                statement=statement,
                dedupe_key=key,
                transaction_id=line.transaction_id,
                booking_date=line.booking_date,
                amount=line.amount,
                fee=line.fee,
                currency=line.currency,
                remittance=line.remittance,
                counterparty=line.counterparty,
                status=BankTransactionStatus.DEBIT if line.amount <= 0 else BankTransactionStatus.UNMATCHED,
            )
    except IntegrityError:
        return None


def _by_reference(tx: BankTransaction, invoices: list[Invoice]) -> list[Invoice]:
    """The open invoices whose numbers the transaction's text names, in the order written."""
    tokens = [_norm(t) for t in _TOKEN.findall(f"{tx.remittance} {tx.transaction_id}")]
    by_number = {_norm(inv.number or ""): inv for inv in invoices if inv.number}
    found: list[Invoice] = []
    for token in tokens:
        invoice = by_number.get(token)
        if invoice is not None and invoice not in found:
            found.append(invoice)
    return found


def _match(actor: Actor, tx: BankTransaction, invoices: list[Invoice], result: dict[str, Any]) -> None:
    named = [inv for inv in _by_reference(tx, invoices) if not tx.currency or inv.currency == tx.currency]
    for invoice in named:
        invoice.refresh_from_db()  # an earlier line of the file may have paid it
    named = [inv for inv in named if inv.balance_due > 0]
    if not named:
        tx.suggestions = suggestions_for(tx, invoices)
        tx.note = "No open invoice number in the text." if not tx.suggestions else "Doubtful: confirm an invoice."
        tx.save(update_fields=["suggestions", "note"])
        result["unmatched"].append({"transaction": line_json(tx), "suggested_invoice_ids": tx.suggestions})
        return
    for position, invoice in enumerate(named):
        applied = _apply(actor, tx, invoice, rest=position == len(named) - 1)
        if applied:
            result["matched"].append({"transaction": line_json(tx), "invoice_id": invoice.pk, "amount": str(applied)})
        if tx.unapplied <= 0:
            break


def _apply(actor: Actor, tx: BankTransaction, invoice: Invoice, *, rest: bool) -> Decimal:
    """Pay `invoice` from what is left of the credit: its balance, or with `rest` (the last invoice it pays) all
    that is left, an over-payment leaving a negative balance (a refund owed to the client, MONEY.md §5)."""
    invoice.refresh_from_db()
    balance = invoice.balance_due
    amount = tx.unapplied if rest else min(tx.unapplied, balance)
    if amount <= 0:
        return Decimal("0.00")
    payment = payment_record(
        actor=actor,
        invoice=invoice,
        amount=amount,
        paid_on=tx.booking_date,
        method="bank transfer",
        reference=(tx.transaction_id or tx.remittance)[:200],
        overpayment=rest,
    )
    if amount > balance:
        tx.note = f"Over-payment of {amount - balance}: a refund is owed to the client on {invoice}."
    tx.applied += amount
    tx.status = BankTransactionStatus.MATCHED
    tx.invoice = tx.invoice or invoice
    tx.payment = tx.payment or payment
    tx.save(update_fields=["applied", "status", "invoice", "payment", "note"])
    events.emit(
        actor,
        "bank_transaction.matched",
        tx,
        data={"invoice_id": invoice.pk, "number": invoice.number, "amount": amount, "booking_date": tx.booking_date},
        client_id=invoice.client_id,
    )
    return amount


def suggestions_for(tx: BankTransaction, invoices: list[Invoice]) -> list[int]:
    """Open invoices that may be what a credit pays, best first: the same balance and the client named, then the
    same balance, then the client named (at most 5)."""
    gross = tx.amount + tx.fee
    text = f"{tx.counterparty} {tx.remittance}".casefold()
    scored = []
    for invoice in invoices:
        if tx.currency and invoice.currency != tx.currency:
            continue
        names = [n.casefold() for n in (invoice.client.name, getattr(invoice.client, "legal_name", "")) if n]
        named = any(name in text for name in names)
        same = invoice.balance_due in (gross, tx.amount)
        if named or same:
            scored.append((0 if named and same else 1 if same else 2, invoice.due_date or tx.booking_date, invoice.pk))
    return [pk for *_, pk in sorted(scored)[:5]]


def _locked(actor: Actor, tx: BankTransaction) -> BankTransaction:
    access.require(actor, "bank_statement", "review")
    locked = BankTransaction.objects.select_for_update().get(pk=tx.pk, workspace=actor.workspace)
    if locked.amount <= 0:
        raise Conflict("A debit is not matched to an invoice.", field="transaction_id")
    return locked


@transaction.atomic
def bank_transaction_confirm(*, actor: Actor, tx: BankTransaction, invoice_id: Any) -> BankTransaction:
    """A person's match: what is left of the credit pays the chosen open invoice (more than its balance: an
    over-payment, a refund owed to the client)."""
    tx = _locked(actor, tx)
    if tx.unapplied <= 0:
        raise Conflict("Nothing of this transaction is left to apply.", field="transaction_id")
    invoice = next((inv for inv in open_invoices(actor.workspace) if inv.pk == invoice_id), None)
    if invoice is None:
        raise ValidationError({"invoice_id": "Choose an issued invoice with a balance owed."})
    if tx.currency and invoice.currency != tx.currency:
        raise ValidationError({"invoice_id": f"{invoice} is in {invoice.currency}, the payment in {tx.currency}."})
    _apply(actor, tx, invoice, rest=True)
    tx.reviewed = True
    tx.note = tx.note or "Confirmed by hand."
    tx.save(update_fields=["note", "reviewed"])
    return tx


@transaction.atomic
def bank_transaction_ignore(*, actor: Actor, tx: BankTransaction, reason: str = "") -> BankTransaction:
    """Take a credit out of review for good: an unmatched one is ignored (not a customer payment, a supplier's
    refund, ...); a matched over-payment keeps its payment and its unapplied rest is left alone."""
    tx = _locked(actor, tx)
    if tx.reviewed or (tx.status == BankTransactionStatus.MATCHED and tx.unapplied <= 0):
        raise Conflict("This transaction needs no review.", field="transaction_id")
    if tx.status == BankTransactionStatus.UNMATCHED:
        tx.status = BankTransactionStatus.IGNORED
    tx.reviewed = True
    tx.note = (reason or "Ignored by hand.")[:300]
    tx.save(update_fields=["status", "note", "reviewed"])
    events.emit(actor, "bank_transaction.ignored", tx, data={"booking_date": tx.booking_date, "reason": tx.note})
    return tx
