"""`GET /api/v1/invoices/{id}/e-invoice?format=factur-x|ubl|xrechnung`: the EN 16931 document of an issued invoice or
credit note (`finance/einvoice/`)."""

from __future__ import annotations

import io
from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router

from baton.core.api_support import ERRORS, PDF_CONTENT, actor_of
from baton.core.schemas import StrictSchema
from baton.finance import selectors
from baton.finance.einvoice import einvoice_of

router = Router(tags=["invoices"])
XML_CONTENT = {"application/xml": {"schema": {"type": "string", "format": "binary"}}}


class EInvoiceParams(StrictSchema):
    format: Literal["factur-x", "ubl", "xrechnung"] = Field(
        ...,
        description="factur-x: PDF/A-3 with the CII XML embedded as factur-x.xml (profile EN 16931); ubl: UBL 2.1 in "
        "the Peppol BIS Billing 3.0 profile (CreditNote-2 for a credit note); xrechnung: UBL with the XRechnung 3.0 "
        "CustomizationID (needs the client's number as Leitweg-ID and the seller contact in the finance settings).",
    )


@router.get(
    "/invoices/{invoice_id}/e-invoice",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "The e-invoice: a PDF (factur-x) or XML (ubl, xrechnung), as an attachment.",
                "content": {**PDF_CONTENT, **XML_CONTENT},
            }
        }
    },
)
def invoice_einvoice(request: HttpRequest, invoice_id: int, params: Query[EInvoiceParams]) -> Any:
    """The EN 16931 e-invoice. UBL TaxExclusiveAmount = subtotal, TaxInclusiveAmount = total, PayableAmount = balance
    due (CII TaxBasisTotalAmount, GrandTotalAmount, DuePayableAmount); a credit note states positive amounts with
    type code 381. 409 for a draft or void invoice; 422 naming every missing legally required field
    (`workspace.legal_name`, `workspace.address`, `workspace.country`, `workspace.vat_id`, `workspace.iban`,
    `client.legal_name`, `client.address`, `client.country`, `client.vat_id`; XRechnung also `client.number` and
    `settings.contact_name|contact_email|contact_phone`)."""
    actor = actor_of(request)
    invoice = selectors.invoice_get(actor=actor, invoice_id=invoice_id)
    document = einvoice_of(actor=actor, invoice=invoice, fmt=params.format)
    return FileResponse(
        io.BytesIO(document.content),
        content_type=document.content_type,
        filename=document.filename,
        as_attachment=True,
    )
