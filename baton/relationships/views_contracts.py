"""Contract pages: an account's "Contracts" section (add, renew, end, churn through htmx), the renewals due and the
retention report (with CSV/XLSX downloads)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.errors import BatonError
from baton.core.tables import download_format, download_part, table_response
from baton.core.validators import date_in_range
from baton.core.web import actor_required, get_actor
from baton.relationships import selectors, services
from baton.relationships.forms import EngagementForm, RenewForm, StopForm
from baton.relationships.tables import RETENTION_PARTS, renewals_table, retention_table


def contracts_context(actor: access.Actor, client: Any, errors: list[str] | None = None) -> dict[str, Any]:
    """The "Contracts" section of an account page: its engagements with their MRR, and the forms."""
    rows = [{"e": e, "mrr": selectors.mrr(e)} for e in selectors.engagement_list(actor=actor, client_id=client.pk)]
    return {
        "client": client,
        "contracts": rows,
        "can_change_contracts": access.allowed(actor, "engagement", "update", _Probe(client)),
        "engagement_form": EngagementForm(),
        "renew_form": RenewForm(),
        "stop_form": StopForm(),
        "contract_errors": errors or [],
    }


class _Probe:
    """What the policy reads of an engagement of `client` before there is one: its client."""

    def __init__(self, client: Any) -> None:
        self.client = client


def _section(request: HttpRequest, client: Any, errors: list[str] | None = None) -> HttpResponse:
    actor = get_actor(request)
    if request.headers.get("HX-Request"):
        return render(request, "relationships/partials/_contracts.html", contracts_context(actor, client, errors))
    for error in errors or []:
        messages.error(request, error)
    if not errors:
        messages.success(request, "Saved.")
    return redirect(f"{_account_url(client.pk)}#contracts")


def _account_url(client_id: int) -> str:
    return reverse("relationships:account", args=[client_id])


def _messages_of(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError) and hasattr(exc, "message_dict"):
        return [f"{field}: {' '.join(errs)}" for field, errs in exc.message_dict.items()]
    return [str(getattr(exc, "detail", exc))]


def _form_errors(form: Any) -> list[str]:
    return [f"{field}: {' '.join(errs)}" for field, errs in form.errors.items()]


@actor_required
@require_POST
def engagement_new(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        raise Http404
    client = selectors.client_for(actor, client_id)
    form = EngagementForm(request.POST)
    if not form.is_valid():
        return _section(request, client, _form_errors(form))
    data = dict(form.cleaned_data)
    try:
        services.engagement_create(
            actor=actor, client=client, name=data.pop("name"), start_date=data.pop("start_date"), **data
        )
    except (ValidationError, BatonError, PermissionDenied) as exc:
        return _section(request, client, _messages_of(exc))
    return _section(request, client)


@actor_required
@require_POST
def engagement_action(request: HttpRequest, engagement_id: int, action: str) -> HttpResponse:
    """Renew, end or churn an engagement from its row's form."""
    actor = get_actor(request)
    engagement = selectors.engagement_get(actor=actor, engagement_id=engagement_id)
    form: Any = RenewForm(request.POST) if action == "renew" else StopForm(request.POST)
    if action not in ("renew", "end", "churn"):
        raise Http404
    if not form.is_valid():
        return _section(request, engagement.client, _form_errors(form))
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    try:
        if action == "renew":
            services.engagement_renew(actor=actor, engagement=engagement, version=None, **data)
        elif action == "end":
            services.engagement_end(actor=actor, engagement=engagement, version=None, **data)
        else:
            services.engagement_churn(
                actor=actor, engagement=engagement, version=None, reason=data.pop("reason", ""), **data
            )
    except (ValidationError, BatonError, PermissionDenied) as exc:
        return _section(request, engagement.client, _messages_of(exc))
    return _section(request, engagement.client)


def _days(request: HttpRequest) -> int:
    raw = request.GET.get("days") or ""
    return max(1, min(730, int(raw))) if raw.isdigit() and len(raw) < 5 else selectors.RENEWALS_DUE_DAYS


@actor_required
def renewals(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "engagement", "view")
    days = _days(request)
    rows = selectors.renewals_due(actor=actor, days=days)
    if download_format(request):
        return table_response(request, renewals_table(rows), "renewals-due")
    return render(request, "relationships/renewals.html", {"rows": rows, "days": days})


def _day(request: HttpRequest, key: str) -> date | None:
    try:
        found = parse_date(request.GET.get(key) or "")
    except ValueError:
        return None
    return found if found is not None and date_in_range(found) else None


@actor_required
def retention(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "engagement", "view")
    to = _day(request, "to") or timezone.localdate()
    start = _day(request, "from") or selectors.year_before(to)
    if start > to:
        start, to = to, start
    report = selectors.retention(actor=actor, date_from=start, date_to=to)
    if download_format(request):
        part = download_part(request, RETENTION_PARTS)
        return table_response(request, retention_table(report, part), f"retention-by-{part}")
    return render(request, "relationships/retention.html", {"report": report, "parts": RETENTION_PARTS})
