"""`/api/v1/quotes`: drafts, send (e-mail with the PDF), revise, accept (creates or re-budgets the project), decline,
PDF; and `GET /projects/{id}/scope-baseline`."""

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
from baton.finance.models import Quote, QuoteLine
from baton.finance.quote_pdf import quote_pdf_bytes
from baton.finance.selectors import quotes as selectors
from baton.finance.services import quotes as services

router = Router(tags=["quotes"])

QuoteStatusName = Literal["draft", "sent", "accepted", "declined"]
QuoteBilling = Literal["fixed_fee", "time_and_materials", "retainer"]
PCT = 'Percent, e.g. "20.00" for 20 %.'
QUOTE_TOTALS = (
    "Line amount = quantity x unit_price, cents half up. lines_total = Σ the lines that count (not optional, or "
    "optional and selected); discount_amount = lines_total x discount_pct / 100; subtotal = lines_total - discount; "
    "tax = subtotal x tax_rate / 100 (cents half up); total = subtotal + tax."
)


class QuoteLineIn(InputSchema):
    description: str = Field(..., min_length=1, max_length=500)
    quantity: Decimal = Field(
        Decimal("1"), max_digits=12, decimal_places=2, description="Hours for a line by role or person."
    )
    unit_price: Decimal | None = Field(
        None,
        max_digits=14,
        decimal_places=2,
        description=MONEY + " Left out on a line by role or person: the rate card's bill rate for it.",
    )
    role: str = Field("", max_length=100, description="Free text (a job title or an access role).")
    person_id: int | None = None
    minutes: int | None = Field(
        None, description="The effort it sells; by default quantity x 60 on a line by role or person."
    )
    phase: str = Field("", max_length=200, description="Accepting makes a milestone per phase.")
    optional: bool = Field(False, description="An optional item: counts in the totals only when selected.")
    selected: bool = False


class QuoteIn(InputSchema):
    client_id: int | None = Field(None, description="Defaults to the project's or the deal's client.")
    project_id: int | None = Field(None, description="Accepting re-budgets this project instead of creating one.")
    deal_id: int | None = None
    title: str = Field(..., min_length=1, max_length=200)
    notes: str = Field("", max_length=5000)
    currency: str | None = Field(None, description="ISO 4217; defaults to the project's or client's.")
    lines: list[QuoteLineIn] = Field(default_factory=list)
    tax_rate: Decimal = Field(Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=2, description=PCT)
    discount_pct: Decimal = Field(Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=2, description=PCT)
    valid_until: dt.date | None = None
    billing: QuoteBilling = "fixed_fee"
    retainer_period: Literal["", "month"] = ""
    period_fee: Decimal | None = Field(
        None, max_digits=14, decimal_places=2, description="A retainer's fee per period (default: the subtotal)."
    )


class QuotePatch(InputSchema):
    project_id: int | None = None
    deal_id: int | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    notes: str | None = Field(None, max_length=5000)
    currency: str | None = None
    lines: list[QuoteLineIn] | None = Field(None, description="Replaces every line.")
    tax_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    discount_pct: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    valid_until: dt.date | None = None
    billing: QuoteBilling | None = None
    retainer_period: Literal["", "month"] | None = None
    period_fee: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    version: int | None = None


class QuoteLineOut(Schema):
    id: int
    position: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    role: str
    person_id: int | None
    minutes: int | None
    phase: str
    optional: bool
    selected: bool
    rate_source: str


class QuoteRevisionOut(Schema):
    revision: int
    sent_at: str
    snapshot: dict[str, Any]


class QuoteOut(Schema):
    id: int
    client_id: int
    client_name: str
    project_id: int | None
    deal_id: int | None
    title: str
    notes: str
    currency: str
    billing: str
    retainer_period: str
    period_fee: Decimal | None
    lines: list[QuoteLineOut]
    tax_rate: Decimal
    discount_pct: Decimal
    lines_total: Decimal
    discount_amount: Decimal
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    status: str
    valid_until: dt.date | None
    revision: int = Field(..., description="Versions sent so far (0: never sent).")
    revisions: list[QuoteRevisionOut]
    sent_at: datetime | None
    decided_at: datetime | None
    decided_by: str
    decline_reason: str
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_client_name(obj: Quote) -> str:
        return obj.client.name

    @staticmethod
    def resolve_lines(obj: Quote) -> list[QuoteLine]:
        return list(obj.lines.all())


class QuoteFilters(ListParams):
    client_id: int | None = None
    project_id: int | None = None
    deal_id: int | None = None
    status: QuoteStatusName | None = None


class AcceptIn(InputSchema):
    optional_line_ids: list[int] | None = Field(
        None, description="The optional lines chosen (the others are left out); left out: as they are."
    )
    decided_by: str = Field("", max_length=200, description="Staff: who at the client accepted (default: the caller).")


class DeclineIn(InputSchema):
    reason: str = Field("", max_length=5000)
    decided_by: str = Field("", max_length=200, description="Staff: who at the client declined.")


class AcceptOut(Schema):
    quote: QuoteOut
    project_id: int


def _quote(request: HttpRequest, quote_id: int) -> Quote:
    return selectors.quote_get(actor=actor_of(request), quote_id=quote_id)


@router.get("/quotes", response={200: Page[QuoteOut], **ERRORS})
def list_quotes(request: HttpRequest, filters: Query[QuoteFilters]) -> Any:
    """Owner/admin/finance: every quote; an AM its clients'; a client-role user its own client's once sent."""
    qs = selectors.quote_list(
        actor=actor_of(request),
        client_id=filters.client_id,
        project_id=filters.project_id,
        deal_id=filters.deal_id,
        status=filters.status,
    )
    return paginate(qs, filters)


@router.post("/quotes", response={201: QuoteOut, **ERRORS}, description="A draft quote. " + QUOTE_TOTALS)
def create_quote(request: HttpRequest, payload: QuoteIn) -> Any:
    data = payload.model_dump()
    quote = services.quote_create(actor=actor_of(request), **data)
    return Status(201, _quote(request, quote.pk))


@router.get("/quotes/{quote_id}", response={200: QuoteOut, **ERRORS})
def get_quote(request: HttpRequest, quote_id: int) -> Any:
    return _quote(request, quote_id)


@router.patch("/quotes/{quote_id}", response={200: QuoteOut, **ERRORS})
def update_quote(request: HttpRequest, quote_id: int, payload: QuotePatch) -> Any:
    """Change a draft (409 otherwise: revise a sent quote first). New lines replace all of them."""
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    services.quote_update(actor=actor_of(request), quote=_quote(request, quote_id), version=version, **changes)
    return _quote(request, quote_id)


@router.delete("/quotes/{quote_id}", response={204: None, **ERRORS})
def delete_quote(request: HttpRequest, quote_id: int) -> Any:
    """Delete a draft never sent (409 otherwise)."""
    services.quote_delete(actor=actor_of(request), quote=_quote(request, quote_id))
    return Status(204, None)


@router.post("/quotes/{quote_id}/send", response={200: QuoteOut, **ERRORS})
def send_quote(request: HttpRequest, quote_id: int) -> Any:
    """E-mail the PDF to the client's primary contact with a link to the portal (422 naming client_id without one);
    sets sent_at. A changed version is the next revision (its snapshot kept in `revisions`)."""
    services.quote_send(actor=actor_of(request), quote=_quote(request, quote_id))
    return _quote(request, quote_id)


@router.post("/quotes/{quote_id}/revise", response={200: QuoteOut, **ERRORS})
def revise_quote(request: HttpRequest, quote_id: int) -> Any:
    """Take a sent quote back to draft to change it (409 when it is not sent)."""
    services.quote_revise(actor=actor_of(request), quote=_quote(request, quote_id))
    return _quote(request, quote_id)


@router.post("/quotes/{quote_id}/accept", response={200: AcceptOut, **ERRORS}, openapi_extra=body_doc(AcceptIn))
def accept_quote(request: HttpRequest, quote_id: int) -> Any:
    """Accept a sent quote: without a project_id a `planned` project is created for the client, named after the
    quote, with its billing, budget amount (the subtotal), budget minutes (Σ line minutes), a milestone per phase
    (a retainer quote: a retainer with the period fee); with one, that project's budget is set from the quote. 409
    when already accepted or declined; 422 naming valid_until when it expired."""
    payload = optional_body(request, AcceptIn)
    quote, project = services.quote_accept(
        actor=actor_of(request),
        quote=_quote(request, quote_id),
        optional_line_ids=payload.optional_line_ids,
        decided_by=payload.decided_by,
    )
    return {"quote": _quote(request, quote.pk), "project_id": project.pk}


@router.post("/quotes/{quote_id}/decline", response={200: QuoteOut, **ERRORS}, openapi_extra=body_doc(DeclineIn))
def decline_quote(request: HttpRequest, quote_id: int) -> Any:
    payload = optional_body(request, DeclineIn)
    services.quote_decline(
        actor=actor_of(request), quote=_quote(request, quote_id), reason=payload.reason, decided_by=payload.decided_by
    )
    return _quote(request, quote_id)


@router.get(
    "/quotes/{quote_id}/pdf",
    response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {"description": "The quote as a PDF", "content": PDF_CONTENT}}},
)
def quote_pdf(request: HttpRequest, quote_id: int) -> Any:
    quote = _quote(request, quote_id)
    return FileResponse(
        io.BytesIO(quote_pdf_bytes(quote)), content_type="application/pdf", filename=f"quote-{quote.pk}.pdf"
    )


class BaselineLineOut(Schema):
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    role: str
    person_id: int | None
    minutes: int | None
    phase: str


class ScopeBaselineOut(Schema):
    project_id: int
    currency: str
    frozen: bool = Field(..., description="False until the project starts: then it shows what it would freeze.")
    frozen_at: datetime | None
    budget_amount: Decimal
    budget_minutes: int
    end_date: dt.date | None
    task_ids: list[int]
    quote_id: int | None = Field(..., description="The accepted quote the project was sold by, if any.")
    lines: list[BaselineLineOut] = Field(..., description="That quote's lines (optional ones only when chosen).")

    @staticmethod
    def resolve_project_id(obj: selectors.BaselineView) -> int:
        return obj.project.pk

    @staticmethod
    def resolve_quote_id(obj: selectors.BaselineView) -> int | None:
        return obj.quote.pk if obj.quote else None


@router.get("/projects/{project_id}/scope-baseline", response={200: ScopeBaselineOut, **ERRORS}, tags=["projects"])
def project_scope_baseline(request: HttpRequest, project_id: int) -> Any:
    """What the project was sold as: its baseline budget and tasks, and the lines of the quote it was accepted from.
    Roles that see the project's money (owner/admin/finance, its PM, its client's AM)."""
    return selectors.scope_baseline(actor=actor_of(request), project_id=project_id)
