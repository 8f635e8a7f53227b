"""Quote pages (`/quotes/`): the list with a status filter, the editor (one htmx form: rows added and removed and the
totals recomputed by the server, nothing saved until Save), the quote page (Send, Accept, Decline, Revise, PDF, its
revisions). A client decides in the portal (relationships)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.access import Actor
from baton.core.errors import BatonError
from baton.core.validators import parse_day
from baton.core.web import actor_required, get_actor, htmx_redirect, is_htmx
from baton.crm.models import Client, Deal
from baton.crm.selectors import client_choices
from baton.delivery.selectors import visible_projects
from baton.finance.models import Quote, QuoteStatus
from baton.finance.quote_pdf import quote_pdf_bytes
from baton.finance.selectors import quotes as selectors
from baton.finance.services import quotes as services
from baton.people.models import Person

ROW_FIELDS = ("description", "phase", "role", "person_id", "quantity", "unit_price", "minutes", "kind")
KINDS = (("included", "Included"), ("optional", "Optional"), ("chosen", "Optional, chosen"))
HEADER_FIELDS: tuple[str, ...] = ("client_id", "title", "project_id", "deal_id", "billing", "period_fee")
HEADER_FIELDS += ("tax_rate", "discount_pct", "valid_until", "currency", "notes")


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).strip()) if str(value or "").strip() else None
    except InvalidOperation:
        return None


@actor_required
def quote_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        return redirect(reverse("relationships:portal") + "#portal-quotes")
    status = request.GET.get("status") or None
    if status not in QuoteStatus.values:
        status = None
    client = _int(request.GET.get("client"))
    qs = selectors.quote_list(actor=actor, status=status, client_id=client)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/quotes.html",
        {
            "page": page,
            "quotes": page.object_list,
            "status": status or "",
            "client": client,
            "statuses": QuoteStatus.choices,
            "clients": client_choices(actor=actor),
            "can_create": access.allowed(actor, "quote", "create"),
        },
    )


def _rows_from_quote(quote: Quote) -> list[dict[str, Any]]:
    return [
        {
            "description": line.description,
            "phase": line.phase,
            "role": line.role,
            "person_id": line.person_id,
            "quantity": line.quantity,
            "unit_price": line.unit_price if not line.rate_source else "",
            "minutes": line.minutes if line.minutes is not None else "",
            "kind": "chosen" if line.selected else "optional" if line.optional else "included",
            "amount": line.amount,
        }
        for line in quote.lines.all()
    ]


def _rows_from_post(request: HttpRequest) -> list[dict[str, Any]]:
    columns = {f: request.POST.getlist(f"line_{f}") for f in ROW_FIELDS}
    count = max((len(v) for v in columns.values()), default=0)
    return [{f: (columns[f][i] if i < len(columns[f]) else "") for f in ROW_FIELDS} for i in range(count)]


def _service_lines(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The editor's rows as the service's lines (an empty row is skipped)."""
    lines = []
    for row in rows:
        if not any(str(row.get(f) or "").strip() for f in ("description", "quantity", "unit_price", "role")):
            continue
        line: dict[str, Any] = {
            "description": row["description"],
            "phase": row["phase"],
            "role": row["role"],
            "person_id": _int(row["person_id"]),
            "quantity": str(row["quantity"]).strip() or "1",
            "optional": row["kind"] in ("optional", "chosen"),
            "selected": row["kind"] == "chosen",
        }
        if str(row.get("unit_price") or "").strip():
            line["unit_price"] = str(row["unit_price"]).strip()
        if str(row.get("minutes") or "").strip():
            line["minutes"] = _int(row["minutes"]) if _int(row["minutes"]) is not None else row["minutes"]
        lines.append(line)
    return lines


def _header_from_post(request: HttpRequest) -> dict[str, Any]:
    return {f: request.POST.get(f, "") for f in HEADER_FIELDS}


def _header_from_quote(quote: Quote) -> dict[str, Any]:
    return {
        "client_id": quote.client_id,
        "title": quote.title,
        "project_id": quote.project_id or "",
        "deal_id": quote.deal_id or "",
        "billing": quote.billing,
        "period_fee": quote.period_fee if quote.period_fee is not None else "",
        "tax_rate": quote.tax_rate,
        "discount_pct": quote.discount_pct,
        "valid_until": quote.valid_until.isoformat() if quote.valid_until else "",
        "currency": quote.currency,
        "notes": quote.notes,
    }


def _service_fields(header: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    valid_until = None
    if str(header.get("valid_until") or "").strip():
        try:
            valid_until = parse_day(header["valid_until"])
        except (ValueError, ValidationError):
            errors["valid_until"] = "Enter a date, e.g. 2026-06-30."
    return {
        "title": header.get("title", ""),
        "notes": header.get("notes", ""),
        "project_id": _int(header.get("project_id")),
        "deal_id": _int(header.get("deal_id")),
        "currency": (header.get("currency") or "").strip().upper() or None,
        "tax_rate": header.get("tax_rate") or "0",
        "discount_pct": header.get("discount_pct") or "0",
        "valid_until": valid_until,
        "billing": header.get("billing") or "fixed_fee",
        "period_fee": header.get("period_fee") or None,
    }


def _preview(actor: Actor, header: dict[str, Any], rows: list[dict[str, Any]], quote: Quote | None) -> dict[str, Any]:
    """Amounts and totals as the service would compute them, without saving (rates from the rate card included)."""
    errors: dict[str, str] = {}
    client_id = _int(header.get("client_id")) or (quote.client_id if quote else None)
    client = Client.objects.filter(workspace=actor.workspace, pk=client_id or 0).first()
    currency = (header.get("currency") or "").strip().upper() or (
        client.currency if client else actor.workspace.currency
    )
    rates = services.RateFinder(actor, client, None, currency)
    lines = services.clean_lines(actor, _service_lines(rows), errors, rates)
    discount = _decimal(header.get("discount_pct")) or Decimal("0")
    tax = _decimal(header.get("tax_rate")) or Decimal("0")
    totals = services.quote_totals(lines, discount, tax)
    amounts = iter(line["amount"] for line in lines)
    for row in rows:
        if any(str(row.get(f) or "").strip() for f in ("description", "quantity", "unit_price", "role")):
            row["amount"] = next(amounts, None)
    return {"totals": totals, "currency": currency}


def _row_errors(errors: dict[str, list[str]], rows: list[dict[str, Any]]) -> dict[str, str]:
    """Field errors of the service, the line ones put on their rows (`lines.2.unit_price`)."""
    general: dict[str, str] = {}
    filled = [
        r for r in rows if any(str(r.get(f) or "").strip() for f in ("description", "quantity", "unit_price", "role"))
    ]
    for field, messages_ in errors.items():
        parts = field.split(".")
        if parts[0] == "lines" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(filled):
            filled[int(parts[1])].setdefault("errors", {})[parts[2] if len(parts) > 2 else "description"] = " ".join(
                messages_
            )
        else:
            general[field] = " ".join(messages_)
    return general


def _editor_context(
    actor: Actor, quote: Quote | None, header: dict[str, Any], rows: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "quote": quote,
        "header": header,
        "rows": rows,
        "kinds": KINDS,
        "billings": (
            ("fixed_fee", "Fixed fee"),
            ("time_and_materials", "Time and materials"),
            ("retainer", "Retainer"),
        ),
        "clients": client_choices(actor=actor),
        "projects": list(
            visible_projects(actor).filter(archived_at__isnull=True).order_by("name").values_list("id", "name")
        ),
        "deals": list(Deal.objects.filter(workspace=actor.workspace).exclude(stage="lost").values_list("id", "name")),
        "people": list(
            Person.objects.filter(workspace=actor.workspace, client__isnull=True, active=True)
            .order_by("name")
            .values_list("id", "name")
        ),
        "action": reverse("quotes:edit", args=[quote.pk]) if quote else reverse("quotes:new"),
    }


def _empty_row() -> dict[str, Any]:
    return {f: "" for f in ROW_FIELDS} | {"kind": "included", "quantity": "1"}


# Complexity: the editor's one POST handles its operations (add, remove, refresh, save) and both create and update.
def _editor(request: HttpRequest, quote: Quote | None) -> HttpResponse:
    actor = get_actor(request)
    if quote is not None:
        access.require(actor, "quote", "update", quote)
        if quote.status != QuoteStatus.DRAFT:
            messages.error(request, "Only a draft changes; revise the sent quote first.")
            return redirect("quotes:detail", quote.pk)
    else:
        access.require(actor, "quote", "create")
    general: dict[str, str] = {}
    failed = False
    if request.method == "POST":
        header, rows = _header_from_post(request), _rows_from_post(request)
        op = request.POST.get("_op") or "save"
        if op == "add":
            rows.append(_empty_row())
        elif op.startswith("remove-") and _int(op[7:]) is not None and _int(op[7:]) < len(rows):  # type: ignore[operator]
            rows.pop(_int(op[7:]))  # type: ignore[arg-type]
        elif op == "save":
            errors: dict[str, str] = {}
            fields = _service_fields(header, errors)
            try:
                if errors:
                    raise ValidationError(errors)
                if quote is None:
                    saved = services.quote_create(
                        actor=actor, client_id=_int(header.get("client_id")), lines=_service_lines(rows), **fields
                    )
                else:
                    saved = services.quote_update(
                        actor=actor,
                        quote=quote,
                        version=_int(request.POST.get("version")),
                        lines=_service_lines(rows),
                        **fields,
                    )
            except ValidationError as exc:
                general, failed = _row_errors(exc.message_dict, rows), True
            except BatonError as exc:
                general, failed = {"__all__": str(exc.detail)}, True
            else:
                messages.success(request, f"“{saved.title}” was saved.")
                url = reverse("quotes:detail", args=[saved.pk])
                return htmx_redirect(url) if is_htmx(request) else redirect(url)
    elif quote is not None:
        header, rows = _header_from_quote(quote), _rows_from_quote(quote)
    else:
        client = _int(request.GET.get("client"))
        header = {f: "" for f in HEADER_FIELDS} | {"client_id": client or "", "billing": "fixed_fee"}
        header |= {"tax_rate": "0", "discount_pct": "0", "deal_id": _int(request.GET.get("deal")) or ""}
        rows = [_empty_row()]
    context = _editor_context(actor, quote, header, rows) | {"errors": general}
    context |= _preview(actor, header, rows, quote)
    if is_htmx(request):
        return render(request, "finance/quotes_editor_form.html", context)
    status = 400 if failed else 200
    return render(request, "finance/quotes_editor.html", context, status=status)


@actor_required
def quote_new(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@actor_required
def quote_edit(request: HttpRequest, quote_id: int) -> HttpResponse:
    return _editor(request, selectors.quote_get(actor=get_actor(request), quote_id=quote_id))


@actor_required
def quote_detail(request: HttpRequest, quote_id: int) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        raise Http404("Clients see their quotes in the portal.")
    quote = selectors.quote_get(actor=actor, quote_id=quote_id)
    return render(
        request,
        "finance/quotes_detail.html",
        {
            "quote": quote,
            "lines": list(quote.lines.all()),
            "revisions": list(reversed(quote.revisions or [])),
            "can_manage": access.allowed(actor, "quote", "update", quote),
            "can_decide": access.allowed(actor, "quote", "decide", quote),
        },
    )


@require_POST
@actor_required
def quote_action(request: HttpRequest, quote_id: int, action: str) -> HttpResponse:
    actor = get_actor(request)
    quote = selectors.quote_get(actor=actor, quote_id=quote_id)
    target = reverse("quotes:detail", args=[quote.pk])
    try:
        if action == "send":
            quote = services.quote_send(actor=actor, quote=quote)
            messages.success(request, f"Revision {quote.revision} was e-mailed to the client's primary contact.")
        elif action == "revise":
            services.quote_revise(actor=actor, quote=quote)
            messages.success(request, "The quote is a draft again; sending it makes the next revision.")
            target = reverse("quotes:edit", args=[quote.pk])
        elif action == "accept":
            _, project = services.quote_accept(actor=actor, quote=quote, decided_by=request.POST.get("decided_by", ""))
            messages.success(request, f"Accepted: the project “{project.name}” carries its budget.")
        elif action == "decline":
            services.quote_decline(
                actor=actor,
                quote=quote,
                reason=request.POST.get("reason", ""),
                decided_by=request.POST.get("decided_by", ""),
            )
            messages.success(request, "The quote was declined.")
        elif action == "delete":
            services.quote_delete(actor=actor, quote=quote)
            messages.success(request, "The draft was deleted.")
            target = reverse("quotes:list")
        else:
            raise Http404
    except ValidationError as exc:
        for field, errs in exc.message_dict.items():
            messages.error(request, f"{field}: {' '.join(errs)}")
    except BatonError as exc:
        messages.error(request, str(exc.detail))
    return redirect(target)


@actor_required
def quote_pdf(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = selectors.quote_get(actor=get_actor(request), quote_id=quote_id)
    response = HttpResponse(quote_pdf_bytes(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="quote-{quote.pk}.pdf"'
    return response
