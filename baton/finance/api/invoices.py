"""`/api/v1/invoices`: drafts (from time, a fixed fee or milestone, a retainer period, or by hand), issue, payments,
void, credit notes, PDF."""

from __future__ import annotations

import datetime as dt
import io
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import (
    ERRORS,
    MONEY,
    PDF_CONTENT,
    ListParams,
    Page,
    actor_of,
    body_doc,
    optional_body,
    paginate,
    requested_version,
)
from baton.core.schemas import InputSchema
from baton.finance import selectors, services
from baton.finance.models import Invoice, InvoiceLine
from baton.finance.pdf import invoice_pdf_bytes, pdf_filename

router = Router(tags=["invoices"])

StatusName = Literal["draft", "sent", "paid", "void"]
TAX = 'Percent, e.g. "20.00" for 20 %.'
TOTALS = (
    "Line amounts by hand: quantity x unit_price, cents half up; from time: the sum of the entries' bill_amount. "
    "subtotal = Σ line amounts; tax = subtotal x tax_rate / 100, cents half up; total = subtotal + tax."
)


class LineIn(InputSchema):
    description: str = Field(..., min_length=1, max_length=500)
    quantity: Decimal = Field(Decimal("1"), max_digits=12, decimal_places=2)
    unit_price: Decimal = Field(..., max_digits=14, decimal_places=2, description=MONEY)


class InvoiceIn(InputSchema):
    kind: Literal["invoice", "credit_note"] = Field(
        "invoice",
        description="credit_note: a draft credit note of the issued invoice credit_for_id (its lines with positive "
        "quantities and prices, credited negative; at most what is left to credit, else 422 naming lines).",
    )
    credit_for_id: int | None = Field(None, description="Required for a credit note: the issued invoice it corrects.")
    client_id: int | None = Field(None, description="Defaults to the project's client.")
    project_id: int | None = None
    lines: list[LineIn] = Field(default_factory=list)
    tax_rate: Decimal = Field(Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=2, description=TAX)
    currency: str | None = Field(None, description="ISO 4217; defaults to the project's or client's.")
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    notes: str = Field("", max_length=5000)


class InvoicePatch(InputSchema):
    lines: list[LineIn] | None = Field(None, description="Replaces every line (time goes back to un-invoiced).")
    tax_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    currency: str | None = None
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    notes: str | None = Field(None, max_length=5000)
    version: int | None = None


CREDITED = "On a credit note, positive: what it credits (its subtotal, tax and total are negative)."


class LineOut(Schema):
    id: int
    position: int
    kind: str
    description: str
    quantity: Decimal = Field(..., description=CREDITED)
    unit_price: Decimal = Field(..., description=CREDITED)
    amount: Decimal = Field(
        ..., description="quantity x unit_price, cents half up (from time: Σ bill_amount). " + CREDITED
    )
    time_entry_ids: list[int]

    @staticmethod
    def resolve_unit_price(obj: InvoiceLine) -> Decimal:
        return obj.shown_unit_price

    @staticmethod
    def resolve_amount(obj: InvoiceLine) -> Decimal:
        return obj.shown_amount

    @staticmethod
    def resolve_time_entry_ids(obj: InvoiceLine) -> list[int]:
        return sorted(e.pk for e in obj.time_entries.all())


class PaymentOut(Schema):
    id: int
    amount: Decimal
    paid_on: dt.date
    method: str
    reference: str
    created_at: datetime


class InvoiceOut(Schema):
    id: int
    number: str | None = Field(..., description="Assigned when issued (gapless per workspace).")
    kind: str = Field(..., description="invoice or credit_note")
    client_id: int
    client_name: str
    project_id: int | None
    credit_for_id: int | None
    issue_date: dt.date | None
    due_date: dt.date | None
    status: str
    currency: str
    tax_rate: Decimal
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    amount_paid: Decimal = Field(..., description="Σ payments, refunds (negative payments) taken off.")
    amount_credited: Decimal = Field(..., description="Σ of the issued credit notes for it, as a positive amount.")
    balance_due: Decimal = Field(
        ...,
        description="total - payments (refunds negative) - issued credit notes; negative when a refund is owed to "
        "the client; 0 for drafts, void invoices and credit notes.",
    )
    refund_owed: Decimal = Field(..., description="A negative balance as a positive amount (what to refund); else 0.")
    source: str
    period_start: dt.date | None
    period_end: dt.date | None
    left_out_minutes: int = Field(
        ..., description="A draft from time: the unapproved billable minutes of its period it left out (else 0)."
    )
    milestone_id: int | None
    notes: str
    lines: list[LineOut]
    payments: list[PaymentOut]
    sent_at: datetime | None
    emailed_at: datetime | None = Field(
        ..., description="When its PDF was last e-mailed to the client's billing contacts (POST .../send)."
    )
    paid_at: datetime | None
    voided_at: datetime | None
    void_reason: str
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_client_name(obj: Invoice) -> str:
        return obj.client.name

    @staticmethod
    def resolve_lines(obj: Invoice) -> list[InvoiceLine]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_payments(obj: Invoice) -> list[Any]:
        return list(obj.payments.all())


class InvoiceFilters(ListParams):
    client_id: int | None = None
    project_id: int | None = None
    status: StatusName | None = None
    kind: Literal["invoice", "credit_note"] | None = None


def _invoice(request: HttpRequest, invoice_id: int) -> Invoice:
    return selectors.invoice_get(actor=actor_of(request), invoice_id=invoice_id)


@router.get("/invoices", response={200: Page[InvoiceOut], **ERRORS})
def list_invoices(request: HttpRequest, filters: Query[InvoiceFilters]) -> Any:
    """Owner/admin/finance: every invoice; an AM its clients'; a PM its projects'; a client-role user its own
    client's sent and paid invoices."""
    qs = selectors.invoice_list(
        actor=actor_of(request),
        client_id=filters.client_id,
        project_id=filters.project_id,
        status=filters.status,
        kind=filters.kind,
    )
    return paginate(qs, filters)


@router.post("/invoices", response={201: InvoiceOut, **ERRORS}, description="A draft by hand. " + TOTALS)
def create_invoice(request: HttpRequest, payload: InvoiceIn) -> Any:
    data = payload.model_dump()
    invoice = services.invoice_create(actor=actor_of(request), **data)
    return Status(201, _invoice(request, invoice.pk))


class FromTimeIn(InputSchema):
    project_id: int
    period_start: dt.date | None = Field(None, description="Empty: no start (everything un-invoiced up to the end).")
    period_end: dt.date | None = Field(None, description="Empty: today.")
    tax_rate: Decimal = Field(Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=2, description=TAX)
    include_expenses: bool = Field(True, description="Also invoice the period's un-invoiced billable expenses.")
    include_unapproved: bool = Field(
        False, description="Also take time of weeks not approved yet (by default only approved time is invoiced)."
    )


@router.post(
    "/invoices/draft-from-time",
    response={201: InvoiceOut, **ERRORS},
    description="A draft invoice of the project's un-invoiced billable time in the period (by default everything "
    "up to today), approved time only unless include_unapproved is true: entries grouped by task and bill rate, each "
    "line's amount the sum of its entries' bill_amount. The draft's left_out_minutes are the unapproved billable "
    "minutes of the period it left out. 422 (project_id) when there is nothing to draft.",
)
def draft_from_time(request: HttpRequest, payload: FromTimeIn) -> Any:
    invoice = services.invoice_draft_from_time(actor=actor_of(request), **payload.model_dump())
    return Status(201, _invoice(request, invoice.pk))


class FromFeeIn(InputSchema):
    project_id: int
    milestone_id: int | None = Field(None, description="Invoice one milestone's amount; empty: the (rest of the) fee.")
    tax_rate: Decimal = Field(Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=2, description=TAX)


@router.post("/invoices/draft-from-fee", response={201: InvoiceOut, **ERRORS})
def draft_from_fee(request: HttpRequest, payload: FromFeeIn) -> Any:
    """A draft for a fixed-fee project: in full (what is not invoiced yet) or one milestone (once)."""
    invoice = services.invoice_draft_from_fee(actor=actor_of(request), **payload.model_dump())
    return Status(201, _invoice(request, invoice.pk))


class FromRetainerIn(InputSchema):
    project_id: int
    period: dt.date = Field(..., description="Any day of the month to invoice.")
    tax_rate: Decimal = Field(Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=2, description=TAX)


@router.post("/invoices/draft-from-retainer", response={201: InvoiceOut, **ERRORS})
def draft_from_retainer(request: HttpRequest, payload: FromRetainerIn) -> Any:
    """A draft of a retainer's fee for one month (each month once)."""
    invoice = services.invoice_draft_from_retainer(actor=actor_of(request), **payload.model_dump())
    return Status(201, _invoice(request, invoice.pk))


@router.get("/invoices/{invoice_id}", response={200: InvoiceOut, **ERRORS})
def get_invoice(request: HttpRequest, invoice_id: int) -> Any:
    return _invoice(request, invoice_id)


@router.patch("/invoices/{invoice_id}", response={200: InvoiceOut, **ERRORS}, description="Drafts only. " + TOTALS)
def update_invoice(request: HttpRequest, invoice_id: int, payload: InvoicePatch) -> Any:
    actor = actor_of(request)
    invoice = selectors.invoice_get(actor=actor, invoice_id=invoice_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    services.invoice_update(actor=actor, invoice=invoice, version=version, **changes)
    return _invoice(request, invoice_id)


@router.delete("/invoices/{invoice_id}", response={204: None, **ERRORS})
def delete_invoice(request: HttpRequest, invoice_id: int) -> Any:
    """Delete a draft (its time goes back to un-invoiced). Issued invoices are voided or credited (409)."""
    actor = actor_of(request)
    services.invoice_delete(actor=actor, invoice=selectors.invoice_get(actor=actor, invoice_id=invoice_id))
    return Status(204, None)


class IssueIn(InputSchema):
    issue_date: dt.date | None = Field(None, description="Defaults to the draft's, else today.")
    due_date: dt.date | None = Field(None, description="Defaults to the draft's, else 30 days after issue.")


@router.post("/invoices/{invoice_id}/issue", response={200: InvoiceOut, **ERRORS}, openapi_extra=body_doc(IssueIn))
def issue_invoice(request: HttpRequest, invoice_id: int) -> Any:
    """Issue a draft: status sent, the next number of the workspace's gapless sequence, its time entries marked
    invoiced. 409 when it is not a draft."""
    actor = actor_of(request)
    invoice = selectors.invoice_get(actor=actor, invoice_id=invoice_id)
    payload = optional_body(request, IssueIn)
    services.invoice_issue(actor=actor, invoice=invoice, issue_date=payload.issue_date, due_date=payload.due_date)
    return _invoice(request, invoice_id)


class VoidIn(InputSchema):
    reason: str = Field("", max_length=5000)


@router.post("/invoices/{invoice_id}/void", response={200: InvoiceOut, **ERRORS}, openapi_extra=body_doc(VoidIn))
def void_invoice(request: HttpRequest, invoice_id: int) -> Any:
    """Void a draft or an unpaid sent invoice (its time goes back to un-invoiced; its number stays used)."""
    actor = actor_of(request)
    invoice = selectors.invoice_get(actor=actor, invoice_id=invoice_id)
    services.invoice_void(actor=actor, invoice=invoice, reason=optional_body(request, VoidIn).reason)
    return _invoice(request, invoice_id)


class PaymentIn(InputSchema):
    amount: Decimal = Field(
        ...,
        max_digits=14,
        decimal_places=2,
        description=MONEY + " Positive: a payment, at most the balance due. Negative: a refund to the client, at "
        "most the refund owed (a negative balance left by a credit note). 422 naming amount otherwise.",
    )
    paid_on: dt.date | None = Field(None, description="Defaults to today.")
    method: str = Field("", max_length=50)
    reference: str = Field("", max_length=200)


@router.post("/invoices/{invoice_id}/payments", response={201: InvoiceOut, **ERRORS})
def record_payment(request: HttpRequest, invoice_id: int, payload: PaymentIn) -> Any:
    """Record a (partial) payment, or a refund (a negative amount); the invoice is paid while payments and credits
    cover its total. Returns the invoice with its payments."""
    actor = actor_of(request)
    invoice = selectors.invoice_get(actor=actor, invoice_id=invoice_id)
    services.payment_record(actor=actor, invoice=invoice, **payload.model_dump())
    return Status(201, _invoice(request, invoice_id))


class CreditIn(InputSchema):
    lines: list[LineIn] | None = Field(
        None,
        description="What to credit (positive prices; credited as negative). Empty: reverse every line. At most what "
        "is left to credit on the invoice (its total less credit notes issued or drafted for it): 422 naming lines.",
    )
    notes: str = Field("", max_length=5000)


@router.post(
    "/invoices/{invoice_id}/credit-note", response={201: InvoiceOut, **ERRORS}, openapi_extra=body_doc(CreditIn)
)
def create_credit_note(request: HttpRequest, invoice_id: int) -> Any:
    """A draft credit note correcting an issued invoice; issue it like an invoice (its own CN- sequence)."""
    actor = actor_of(request)
    invoice = selectors.invoice_get(actor=actor, invoice_id=invoice_id)
    payload = optional_body(request, CreditIn)
    lines = [line.model_dump() for line in payload.lines] if payload.lines else None
    note = services.credit_note_create(actor=actor, invoice=invoice, lines=lines, notes=payload.notes)
    return Status(201, _invoice(request, note.pk))


@router.get(
    "/invoices/{invoice_id}/pdf",
    response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {"description": "The invoice as a PDF", "content": PDF_CONTENT}}},
)
def invoice_pdf(request: HttpRequest, invoice_id: int) -> Any:
    """The invoice (or credit note) as a PDF."""

    invoice = _invoice(request, invoice_id)
    return FileResponse(
        io.BytesIO(invoice_pdf_bytes(invoice)), content_type="application/pdf", filename=pdf_filename(invoice)
    )


@router.post(
    "/invoices/{invoice_id}/send",
    response={200: InvoiceOut, **ERRORS},
    description="E-mail the issued invoice's (or credit note's) PDF, attached, to every billing contact of its client "
    "that has an e-mail (one message each, with the amount, the due date, how to pay and a link to the portal); sets "
    "emailed_at and appends invoice.emailed (the client's relationship records an e-mail touchpoint). 422 naming "
    "client_id when the client has no billing contact with an e-mail; 409 for a draft (issue it first) or a void "
    "invoice. Sending again sends a copy.",
)
def send_invoice(request: HttpRequest, invoice_id: int) -> Any:
    actor = actor_of(request)
    invoice = selectors.invoice_get(actor=actor, invoice_id=invoice_id)
    services.invoice_send(actor=actor, invoice=invoice)
    return _invoice(request, invoice_id)


class ReceivableRow(Schema):
    currency: str
    receivable: Decimal = Field(..., description="Σ of the positive balances of issued invoices. " + MONEY)
    credits_owed: Decimal = Field(
        ..., description="Σ of the negative balances (refunds owed to clients), as a positive amount; never netted."
    )
    open_invoices: int = Field(..., description="Issued invoices with a positive balance.")
    overdue_invoices: int = Field(..., description="Of those, past their due date.")
    refunds_owed: int = Field(..., description="Issued invoices with a negative balance (a refund owed).")


class ReceivablesOut(Schema):
    receivable: Decimal = Field(
        ..., description="In the workspace's currency: its by_currency row's receivable (0.00 without one)."
    )
    credits_owed: Decimal = Field(..., description="In the workspace's currency, beside receivable (never netted).")
    currency: str = Field(..., description="The workspace's (base) currency.")
    by_currency: list[ReceivableRow] = Field(..., description="One row per invoice currency (never converted).")


@router.get("/reports/receivables", response={200: ReceivablesOut, **ERRORS}, tags=["reports"])
def receivables(request: HttpRequest, client_id: int | None = None) -> Any:
    """Accounts receivable and, beside it, credits owed to clients, per currency, from the balances of the issued
    invoices the caller sees (MONEY.md §5): balance = total - payments - issued credit notes; receivable sums the
    positive balances, credits owed the negative ones (as positive amounts). The finance pages show these figures."""
    report = selectors.receivables(actor=actor_of(request), client_id=client_id)
    return report.as_api()
