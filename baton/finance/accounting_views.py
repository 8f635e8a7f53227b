"""The finance pages of the accounting export (range + format → CSV, the account codes) and the e-invoice downloads
of an invoice page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from baton.core import access
from baton.core.errors import BatonError
from baton.core.web import actor_required, form_page, get_actor
from baton.finance import selectors
from baton.finance.accounting import SETTING_FIELDS, accounting_export, accounting_settings_update
from baton.finance.einvoice import FORMATS, accounting_settings, einvoice_of
from baton.finance.forms import AccountingExportForm, AccountingSettingsForm


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "message_dict"):
        return " ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    if isinstance(exc, BatonError):
        return str(exc.detail)
    return str(exc) or "Not allowed."


@actor_required
def accounting(request: HttpRequest) -> HttpResponse:
    """The export form and the account codes (owner, admin, finance)."""
    actor = get_actor(request)
    access.require(actor, "accounting", "export")
    settings = accounting_settings(actor.workspace.pk)
    initial: dict[str, Any] = {field: getattr(settings, field) for field in SETTING_FIELDS}
    form = AccountingSettingsForm(request.POST or None, initial={**initial, "version": settings.version})
    today = timezone.localdate()
    first = today.replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    export_form = AccountingExportForm(
        initial={"format": "xero", "date_from": previous, "date_to": first - timedelta(days=1)}
    )

    def save(data: dict[str, Any]) -> Any:
        version = data.pop("version")
        return accounting_settings_update(actor=actor, version=version, **data)

    return form_page(
        request,
        form,
        save=save,
        template="finance/accounting.html",
        partial="finance/partials/_form.html",
        context={"export_form": export_form, "action": reverse("finance:accounting"), "submit": "Save codes"},
        success_url=lambda _: reverse("finance:accounting"),
        success_message=lambda _: "The account codes were saved.",
    )


@actor_required
def accounting_download(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    form = AccountingExportForm(request.GET)
    if not form.is_valid():
        messages.error(request, " ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items()))
        return redirect("finance:accounting")
    try:
        export = accounting_export(
            actor=actor,
            fmt=form.cleaned_data["format"],
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("finance:accounting")
    response = HttpResponse(export.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@actor_required
def invoice_einvoice(request: HttpRequest, invoice_id: int, fmt: str) -> HttpResponse:
    """Download the e-invoice; what is missing comes back as a message on the invoice page."""
    actor = get_actor(request)
    invoice = selectors.invoice_get(actor=actor, invoice_id=invoice_id)
    if fmt not in FORMATS:
        messages.error(request, f"Choose one of {', '.join(FORMATS)}.")
        return redirect("finance:invoice", invoice.pk)
    try:
        document = einvoice_of(actor=actor, invoice=invoice, fmt=fmt)
    except (BatonError, ValidationError, PermissionDenied) as exc:
        messages.error(request, f"No {fmt} e-invoice yet. {_error_text(exc)}")
        return redirect("finance:invoice", invoice.pk)
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response
