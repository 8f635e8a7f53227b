"""`GET /api/v1/exports/accounting?format=xero|quickbooks|journal&from=&to=` (CSV) and the workspace's account codes
(`GET|PATCH /api/v1/finance/accounting-settings`)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router, Schema

from baton.core import access
from baton.core.api_support import ERRORS, actor_of, requested_version
from baton.core.schemas import InputSchema, StrictSchema
from baton.finance.accounting import accounting_export, accounting_settings_update
from baton.finance.einvoice import accounting_settings

router = Router(tags=["accounting"])
CSV_CONTENT = {"text/csv": {"schema": {"type": "string", "format": "binary"}}}


class AccountingExportParams(StrictSchema):
    format: Literal["xero", "quickbooks", "journal"] = Field(
        ...,
        description="xero: Xero's sales-invoice import columns; quickbooks: QuickBooks Online's invoice import; "
        "journal: date, account, debit, credit, tax, reference (balanced per currency; payments included).",
    )
    date_from: dt.date | None = Field(None, alias="from", description="First issue date (inclusive).")
    date_to: dt.date | None = Field(None, alias="to", description="Last issue date (inclusive).")


@router.get(
    "/exports/accounting",
    response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {"description": "The export as CSV (UTF-8)", "content": CSV_CONTENT}}},
)
def export_accounting(request: HttpRequest, params: Query[AccountingExportParams]) -> Any:
    """One row per line of every invoice and credit note issued in the range (void ones left out), amounts
    tax-exclusive; the journal adds receivable, tax and payment rows. Owner, admin and finance."""
    export = accounting_export(
        actor=actor_of(request), fmt=params.format, date_from=params.date_from, date_to=params.date_to
    )
    return FileResponse(
        io.BytesIO(export.content.encode("utf-8")),
        content_type="text/csv; charset=utf-8",
        filename=export.filename,
        as_attachment=True,
    )


class AccountingSettingsOut(Schema):
    revenue_account: str
    receivables_account: str
    tax_account: str
    bank_account: str
    xero_tax_type: str
    xero_tax_free_type: str
    contact_name: str
    contact_email: str
    contact_phone: str
    version: int
    updated_at: dt.datetime


class AccountingSettingsPatch(InputSchema):
    revenue_account: str | None = Field(None, max_length=40)
    receivables_account: str | None = Field(None, max_length=40)
    tax_account: str | None = Field(None, max_length=40)
    bank_account: str | None = Field(None, max_length=40)
    xero_tax_type: str | None = Field(None, max_length=60)
    xero_tax_free_type: str | None = Field(None, max_length=60)
    contact_name: str | None = Field(None, max_length=200)
    contact_email: str | None = Field(None, max_length=254)
    contact_phone: str | None = Field(None, max_length=40)
    version: int | None = Field(None, description="The version you read (or send If-Match).")


@router.get("/finance/accounting-settings", response={200: AccountingSettingsOut, **ERRORS})
def get_accounting_settings(request: HttpRequest) -> Any:
    """The account codes of the export and the seller contact of e-invoices. Owner, admin and finance."""
    actor = actor_of(request)
    access.require(actor, "accounting", "configure")
    return accounting_settings(actor.workspace.pk)


@router.patch("/finance/accounting-settings", response={200: AccountingSettingsOut, **ERRORS})
def patch_accounting_settings(request: HttpRequest, payload: AccountingSettingsPatch) -> Any:
    """Change some of them (fields left out stay as they are)."""
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return accounting_settings_update(actor=actor_of(request), version=version, **changes)
