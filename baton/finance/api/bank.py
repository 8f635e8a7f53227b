"""`/api/v1/bank-statements`: import a statement file (CAMT.053, MT940 or mapped CSV), read what it did, and the
review of its transactions (`/bank-transactions/{id}/confirm|ignore`)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, body_doc, optional_body, paginate
from baton.core.schemas import InputSchema
from baton.finance import selectors
from baton.finance.services import bank

router = Router(tags=["bank statements"])


class BankLineOut(Schema):
    id: int | None = Field(None, description="The stored transaction (absent for a duplicate, which is not stored).")
    booking_date: dt.date
    amount: Decimal = Field(..., description="Signed: credits positive.")
    currency: str
    transaction_id: str
    remittance: str
    counterparty: str
    fee: Decimal = Field(..., description="Bank charges taken off a credit (the payer paid amount + fee).")
    status: str | None = Field(None, description="matched|unmatched|ignored|debit")
    unapplied: Decimal | None = Field(None, description="Of a credit, what no invoice took.")


class BankMatchOut(Schema):
    transaction: BankLineOut
    invoice_id: int
    amount: Decimal = Field(..., description="Recorded as the invoice's payment, dated the booking date.")


class BankUnmatchedOut(Schema):
    transaction: BankLineOut
    suggested_invoice_ids: list[int] = Field(default_factory=list, description="Open invoices it may pay (review).")


class BankDuplicateOut(Schema):
    transaction: BankLineOut


class BankImportOut(Schema):
    id: int
    transactions: int = Field(..., description="Transactions read from the file.")
    matched: list[BankMatchOut]
    unmatched: list[BankUnmatchedOut]
    duplicates: list[BankDuplicateOut]


class BankTransactionOut(BankLineOut):
    invoice_id: int | None
    applied: Decimal
    suggested_invoice_ids: list[int]
    needs_review: bool
    note: str

    @staticmethod
    def resolve_suggested_invoice_ids(obj: Any) -> list[int]:
        return list(obj.suggestions or [])


class BankStatementOut(Schema):
    id: int
    format: str
    filename: str
    account: str
    transactions_read: int
    created_at: dt.datetime
    transactions: list[BankTransactionOut]
    duplicates: list[BankLineOut]

    @staticmethod
    def resolve_transactions(obj: Any) -> list[Any]:
        return list(obj.transactions.all())


class BankStatementSummaryOut(Schema):
    id: int
    format: str
    filename: str
    account: str
    transactions_read: int
    created_at: dt.datetime


class BankConfirmIn(InputSchema):
    invoice_id: int = Field(..., description="An issued invoice with a balance owed.")


class BankIgnoreIn(InputSchema):
    reason: str = Field("", max_length=300)


@router.post("/bank-statements", response={201: BankImportOut, **ERRORS})
def import_bank_statement(
    request: HttpRequest,
    file: File[UploadedFile],
    mapping: Form[str] = "",
) -> Any:
    """Import a statement (multipart: `file`, CAMT.053 XML, MT940 or CSV; for a CSV whose header is not `date`,
    `amount`, `reference`, `counterparty`, `transaction_id`, `currency`, a `mapping` JSON naming its columns). A
    credit naming an issued invoice with a balance is recorded as its payment on the booking date; a transaction
    imported before is listed in `duplicates` and never matched again; an unknown format answers 422 naming `file`."""
    try:
        columns = json.loads(mapping) if mapping else {}
    except ValueError as exc:
        raise ValidationError({"mapping": 'Send the mapping as a JSON object, e.g. {"date": "Booked"}.'}) from exc
    if not isinstance(columns, dict):
        raise ValidationError({"mapping": 'Send the mapping as a JSON object, e.g. {"date": "Booked"}.'})
    _, result = bank.bank_statement_import(
        actor=actor_of(request), data=file.read(), filename=file.name or "", mapping=columns
    )
    return Status(201, result)


@router.get("/bank-statements", response={200: Page[BankStatementSummaryOut], **ERRORS})
def list_bank_statements(request: HttpRequest, params: Query[ListParams]) -> Any:
    return paginate(selectors.bank_statement_list(actor=actor_of(request)), params)


@router.get("/bank-statements/{statement_id}", response={200: BankStatementOut, **ERRORS})
def get_bank_statement(request: HttpRequest, statement_id: int) -> Any:
    return selectors.bank_statement_get(actor=actor_of(request), statement_id=statement_id)


@router.post("/bank-transactions/{transaction_id}/confirm", response={200: BankTransactionOut, **ERRORS})
def confirm_bank_transaction(request: HttpRequest, transaction_id: int, payload: BankConfirmIn) -> Any:
    """Record what is left of a credit as the payment of the chosen invoice (at most its balance)."""
    actor = actor_of(request)
    tx = selectors.bank_transaction_get(actor=actor, transaction_id=transaction_id)
    return bank.bank_transaction_confirm(actor=actor, tx=tx, invoice_id=payload.invoice_id)


@router.post(
    "/bank-transactions/{transaction_id}/ignore",
    response={200: BankTransactionOut, **ERRORS},
    openapi_extra=body_doc(BankIgnoreIn),
)
def ignore_bank_transaction(request: HttpRequest, transaction_id: int) -> Any:
    """Take a credit out of review (not a client's payment, or an over-payment's rest dealt with elsewhere)."""
    actor = actor_of(request)
    tx = selectors.bank_transaction_get(actor=actor, transaction_id=transaction_id)
    payload = optional_body(request, BankIgnoreIn)
    return bank.bank_transaction_ignore(actor=actor, tx=tx, reason=payload.reason)
