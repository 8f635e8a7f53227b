"""Account management pages: the deals board, the portfolio by risk, an account's page (protocol, cadence, health,
touchpoints, goals, status updates, escalations, opportunities), the client report, and the client portal."""

from __future__ import annotations

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
from baton.core.changes import apply_or_request
from baton.core.errors import BatonError
from baton.core.models import ChangeRequest
from baton.core.tables import download_format, table_response
from baton.core.web import SENT_FOR_APPROVAL, actor_required, form_page, get_actor, safe_next
from baton.crm import selectors as crm_selectors
from baton.crm import services as crm_services
from baton.finance.models import ChangeOrder, Quote
from baton.finance.pdf import invoice_pdf_bytes, pdf_filename
from baton.finance.quote_pdf import quote_pdf_bytes
from baton.finance.services import quotes as quote_services
from baton.people.models import Person
from baton.relationships import deals, process_changes, selectors, services
from baton.relationships.forms import (
    DealForm,
    GoalForm,
    MeetingForm,
    OpportunityForm,
    ProtocolForm,
    StatusUpdateForm,
    TouchpointForm,
)
from baton.relationships.models import Engagement, GrowthOpportunity, Meeting, OnboardingItem
from baton.relationships.pdf import render_client_report
from baton.relationships.selectors.clients import _day_bounds
from baton.relationships.tables import deal_table, escalation_table, portfolio_table, touchpoint_table
from baton.relationships.views_contracts import contracts_context
from baton.resourcing.reports import deal_capacity


def _errors_to_messages(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "message_dict"):
        for field, errs in exc.message_dict.items():
            messages.error(request, f"{field}: {' '.join(errs)}")
    else:
        messages.error(request, str(getattr(exc, "detail", exc)))


@actor_required
def deal_board(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        raise Http404
    columns, totals = crm_selectors.pipeline(actor=actor)
    if request.method == "GET" and download_format(request):
        return table_response(request, deal_table(columns), "deals")
    clients = crm_selectors.client_choices(actor=actor)
    form = DealForm(request.POST or None, clients=clients)
    can_create = access.allowed(actor, "deal", "create")

    def save(data: dict[str, Any]) -> Any:
        client = crm_selectors.client_get(actor=actor, client_id=data.pop("client_id"))
        data["expected_effort_minutes"] = data.get("expected_effort_minutes") or 0
        data["effort_weeks"] = data.get("effort_weeks") or 4
        data["term_months"] = data.get("term_months") or 12
        return crm_services.deal_create(actor=actor, client=client, **data)

    return form_page(
        request,
        form,
        save=save,
        template="relationships/deals.html",
        partial="relationships/partials/_deal_form.html",
        context={
            "columns": columns,
            "can_create": can_create,
            "totals": totals,
            "weighted_total": totals["weighted_open_value"],
            "open_total": totals["open_value"],
            "currency": actor.workspace.currency,
        },
        success_url=lambda d: reverse("relationships:deal", args=[d.pk]),
        success_message=lambda d: f"Deal “{d.name}” added.",
    )


@actor_required
def deal_detail(request: HttpRequest, deal_id: int) -> HttpResponse:
    """A deal: its terms (recurring or one-off), the capacity its need would meet before committing, and winning it
    (or, once won, what the win made: the project, the handoff or why there is none, the engagement, onboarding)."""
    actor = get_actor(request)
    deal = crm_selectors.deal_get(actor=actor, deal_id=deal_id)
    is_open = deal.stage not in ("won", "lost")
    can_win = is_open and access.allowed(actor, "deal", "win", deal)
    engagement = Engagement.objects.filter(deal=deal).order_by("id").first() if not is_open else None
    people = (
        list(Person.objects.filter(workspace=actor.workspace, active=True, client__isnull=True).order_by("name"))
        if can_win and deal.client.account_manager_id is None
        else []
    )
    return render(
        request,
        "relationships/deal.html",
        {
            "deal": deal,
            "is_open": is_open,
            "can_win": can_win,
            "can_lose": is_open and access.allowed(actor, "deal", "update", deal),
            "capacity": deal_capacity(actor=actor, deal=deal) if is_open else None,
            "engagement": engagement,
            "seller_is_am": deal.owner_id is not None and deal.owner_id == deal.client.account_manager_id,
            "people": people,
            "onboarding": list(OnboardingItem.objects.filter(client=deal.client).order_by("due_on", "id")[:3])
            if not is_open
            else [],
            "today": timezone.localdate(),
        },
    )


@actor_required
@require_POST
def deal_win(request: HttpRequest, deal_id: int) -> HttpResponse:
    actor = get_actor(request)
    deal = crm_selectors.deal_get(actor=actor, deal_id=deal_id)
    try:
        start = parse_date(request.POST.get("start_date") or "")
    except ValueError:
        start = None
    am = request.POST.get("account_manager_id") or ""
    try:
        won = deals.deal_win(
            actor=actor, deal=deal, start_date=start, account_manager_id=int(am) if am.isdigit() else None
        )
    except (ValidationError, BatonError) as exc:
        _errors_to_messages(request, exc)
        return redirect("relationships:deal", deal_id)
    said = [f"Won “{won.deal.name}”: project created"]
    said.append(
        "the sales-to-account handoff opened"
        if won.handoff is not None
        else "no handoff (the seller manages the account)"
    )
    if won.client_activated:
        said.append(f"{won.deal.client.name} is now active")
    if won.onboarding_started_on:
        said.append("its first-30-days onboarding started")
    messages.success(request, "; ".join(said) + ".")
    if won.handoff is not None:  # the new project's setup steps, its handoff first
        return redirect(reverse("delivery:project_detail", args=[won.project.pk]) + "#setup")
    return redirect(reverse("relationships:deal", args=[deal_id]) + "#win-result")  # what the win made


@actor_required
@require_POST
def deal_lose(request: HttpRequest, deal_id: int) -> HttpResponse:
    actor = get_actor(request)
    deal = crm_selectors.deal_get(actor=actor, deal_id=deal_id)
    try:
        crm_services.deal_lose(actor=actor, deal=deal, reason=request.POST.get("reason", ""))
    except (ValidationError, BatonError) as exc:
        _errors_to_messages(request, exc)
    return redirect("relationships:deals")


@actor_required
@require_POST
def opportunity_deal(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """A growth opportunity becomes a deal in one step (prefilled from it); the deal's page opens."""
    actor = get_actor(request)
    opp: GrowthOpportunity = selectors.opportunity_get(actor=actor, opportunity_id=opportunity_id)
    try:
        deal = deals.opportunity_to_deal(actor=actor, opportunity=opp)
    except (ValidationError, BatonError, PermissionDenied) as exc:
        _errors_to_messages(request, exc)
        return redirect("relationships:account", opp.client_id)
    messages.success(request, f"“{opp.title}” is now a deal in the pipeline.")
    return redirect("relationships:deal", deal.pk)


PORTFOLIO_DUE_SHOWN = 50  # due items listed on the whole agency's portfolio


@actor_required
def portfolio(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    am = request.GET.get("am") or ""
    am_id = int(am) if am.isdigit() and len(am) < 18 else None
    rows, due = selectors.portfolio_and_due(actor=actor, account_manager_id=am_id)
    if download_format(request):
        return table_response(request, portfolio_table(rows), "portfolio")
    # The whole agency's due list (hundreds of items for a leader) shows the most overdue first and how many more; the
    # table counts each client's, and a client's account page lists them. One account manager's list stays complete.
    whole_agency = am_id is None and actor.role != access.AM
    more = max(0, len(due) - PORTFOLIO_DUE_SHOWN) if whole_agency else 0
    return render(
        request,
        "relationships/portfolio.html",
        {
            "rows": rows,
            "due": due[: len(due) - more],
            "due_more": more,
            "due_total": len(due),
            "can_view_deals": access.allowed(actor, "deal", "view"),
            # each row links to its account page: one reverse for the table instead of one per row (371 at agency-L)
            "account_url_prefix": reverse("relationships:account", args=[0]).removesuffix("0/"),
        },
    )


@actor_required
def escalations(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    rows = selectors.escalation_list(actor=actor, status=request.GET.get("status") or "open")
    if download_format(request):
        return table_response(request, escalation_table(rows[:200]), "escalations")
    return render(request, "relationships/escalations.html", {"escalations": rows[:200]})


@actor_required
@require_POST
def escalation_resolve(request: HttpRequest, escalation_id: int) -> HttpResponse:
    actor = get_actor(request)
    escalation = selectors.escalation_get(actor=actor, escalation_id=escalation_id)
    try:
        services.escalation_resolve(actor=actor, escalation=escalation, note=request.POST.get("note", ""))
        messages.success(request, "Escalation resolved.")
    except (ValidationError, BatonError) as exc:
        _errors_to_messages(request, exc)
    return redirect(safe_next(request, reverse("relationships:escalations")))


def _account_context(actor: access.Actor, client: Any) -> dict[str, Any]:
    today = timezone.localdate()
    protocol = services.protocol_for(client)
    can_health = access.allowed(actor, "health", "view")
    return {
        "client": client,
        "protocol": protocol,
        "cadence": selectors.cadence_for(actor=actor, client_id=client.pk, today=today),
        "health": selectors.health_for(actor=actor, client_id=client.pk, today=today) if can_health else None,
        "touchpoints": list(selectors.touchpoint_list(actor=actor, client_id=client.pk)[:15]),
        "next_steps": list(selectors.next_step_list(actor=actor, client_id=client.pk, open_only=True)[:20]),
        "goals": [
            {"goal": g, **selectors.goal_progress(g)} for g in selectors.goal_list(actor=actor, client_id=client.pk)
        ],
        "updates": list(selectors.status_update_list(actor=actor, client_id=client.pk)[:6]),
        "escalations": list(selectors.escalation_list(actor=actor, client_id=client.pk, status="open"))
        if access.allowed(actor, "escalation", "view")
        else [],
        "opportunities": list(selectors.opportunity_list(actor=actor, client_id=client.pk))
        if access.allowed(actor, "growth_opportunity", "view")
        else [],
        "onboarding": list(OnboardingItem.objects.filter(client=client).order_by("due_on", "id")),
        "can_write": access.allowed(actor, "protocol", "update", client),
        "can_log": access.allowed(actor, "touchpoint", "create"),
        "can_meet": access.allowed(actor, "meeting", "view", Meeting(client=client)),
        "can_qbr": access.allowed(actor, "qbr", "view", client),
        "meetings": list(selectors.meeting_list(actor=actor, client_id=client.pk, start=_day_bounds(today))[:10])
        if access.allowed(actor, "meeting", "view", Meeting(client=client))
        else [],
        "meeting_form": MeetingForm(client=client),
        "touchpoint_form": TouchpointForm(),
        "goal_form": GoalForm(),
        "opportunity_form": OpportunityForm(),
        "protocol_form": ProtocolForm(
            initial={
                "channels": ", ".join(protocol.channels or []),
                "response_time_hours": protocol.response_time_hours,
                "update_every_days": protocol.update_every_days,
                "meeting_every_days": protocol.meeting_every_days,
                "strategic_review_every_days": protocol.strategic_review_every_days,
                "onboarding_started_on": protocol.onboarding_started_on,
                "share_budget_with_client": protocol.share_budget_with_client,
            }
        ),
    }


@actor_required
def account(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        return redirect("relationships:portal")
    client = selectors.client_for(actor, client_id)
    ctx = _account_context(actor, client)
    if access.allowed(actor, "engagement", "view"):
        ctx |= contracts_context(actor, client)
    if download_format(request):
        table = touchpoint_table(ctx["touchpoints"], client_name=client.name)
        return table_response(request, table, f"touchpoints-{client.pk}")
    return render(request, "relationships/account.html", ctx)


def _account_post(request: HttpRequest, client_id: int, form_class: type, action: Any) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        raise Http404
    client = selectors.client_for(actor, client_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            result = action(actor, client, form.cleaned_data)
            if isinstance(result, ChangeRequest):
                messages.info(request, SENT_FOR_APPROVAL)
            else:
                messages.success(request, "Saved.")
        except (ValidationError, BatonError) as exc:
            _errors_to_messages(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    else:
        for field, errs in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errs)}")
    return redirect("relationships:account", client.pk)


@actor_required
@require_POST
def protocol_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    def save(actor: access.Actor, client: Any, data: dict[str, Any]) -> Any:
        data["channels"] = [c.strip() for c in (data.get("channels") or "").split(",") if c.strip()]
        return apply_or_request(
            actor=actor, kind=process_changes.PROTOCOL, action="update", target=client, payload=data
        )

    return _account_post(request, client_id, ProtocolForm, save)


@actor_required
@require_POST
def touchpoint_new(request: HttpRequest, client_id: int) -> HttpResponse:
    def save(actor: access.Actor, client: Any, data: dict[str, Any]) -> Any:
        steps = []
        if data.get("next_step"):
            steps.append(
                {"description": data["next_step"], "owner_id": actor.person_id, "due_on": data.get("next_step_due")}
            )
        return services.touchpoint_log(
            actor=actor,
            client=client,
            kind=data["kind"],
            summary=data["summary"],
            discussed=data.get("discussed") or "",
            attendees=[a.strip() for a in (data.get("attendees") or "").split(",") if a.strip()],
            sentiment=data.get("sentiment") or "",
            agenda_prepared=bool(data.get("agenda_prepared")),
            next_steps=steps,
        )

    return _account_post(request, client_id, TouchpointForm, save)


@actor_required
@require_POST
def goal_new(request: HttpRequest, client_id: int) -> HttpResponse:
    return _account_post(
        request,
        client_id,
        GoalForm,
        lambda actor, client, data: services.goal_create(actor=actor, client=client, **data),
    )


@actor_required
@require_POST
def opportunity_new(request: HttpRequest, client_id: int) -> HttpResponse:
    return _account_post(
        request,
        client_id,
        OpportunityForm,
        lambda actor, client, data: services.opportunity_create(actor=actor, client=client, **data),
    )


@actor_required
@require_POST
def goal_value(request: HttpRequest, goal_id: int) -> HttpResponse:
    actor = get_actor(request)
    goal = selectors.goal_get(actor=actor, goal_id=goal_id)
    try:
        services.goal_value_record(actor=actor, goal=goal, value=request.POST.get("value") or "x")
        messages.success(request, "Value recorded.")
    except (ValidationError, BatonError) as exc:
        _errors_to_messages(request, exc)
    return redirect("relationships:account", goal.client_id)


@actor_required
@require_POST
def onboarding_done(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        raise Http404
    item = OnboardingItem.objects.filter(workspace=actor.workspace, pk=item_id).select_related("client").first()
    if item is None:
        raise Http404
    try:
        services.onboarding_item_done(actor=actor, item=item)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("relationships:account", item.client_id)


@actor_required
@require_POST
def draft_now(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = get_actor(request)
    client = selectors.client_for(actor, client_id)
    update = services.status_update_draft(actor=actor, client=client)
    messages.success(request, "Drafted from this week's events: edit it and send it.")
    return redirect("relationships:status_update", update.pk)


@actor_required
def status_update_edit(request: HttpRequest, update_id: int) -> HttpResponse:
    actor = get_actor(request)
    update = selectors.status_update_get(actor=actor, status_update_id=update_id)
    form = StatusUpdateForm(
        request.POST or None,
        initial={"subject": update.subject, "body": update.body, "recipients": ", ".join(update.recipients)},
    )
    if request.method == "POST" and form.is_valid():
        recipients = [r.strip() for r in (form.cleaned_data.get("recipients") or "").split(",") if r.strip()]
        try:
            update = services.status_update_edit(
                actor=actor,
                update=update,
                version=update.version,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                recipients=recipients,
            )
            if request.POST.get("send"):
                services.status_update_send(actor=actor, update=update)
                messages.success(request, "Sent, and logged as a status update touchpoint.")
                return redirect("relationships:account", update.client_id)
            messages.success(request, "Draft saved.")
            return redirect("relationships:status_update", update.pk)
        except (ValidationError, BatonError) as exc:
            _errors_to_messages(request, exc)
    can_edit = update.status == "draft" and access.allowed(actor, "status_update", "update", update)
    return render(request, "relationships/status_update.html", {"update": update, "form": form, "can_edit": can_edit})


@actor_required
def report(request: HttpRequest, client_id: int) -> HttpResponse:

    actor = get_actor(request)
    data = selectors.client_report(actor=actor, client_id=client_id)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(render_client_report(data), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="client-report-{client_id}.pdf"'
        return response
    return render(request, "relationships/report.html", data)


@actor_required
def portal(request: HttpRequest) -> HttpResponse:
    """The client portal: everything a client-role user may see of its own client, nothing of any other."""
    return render(request, "relationships/portal.html", selectors.portal_overview(get_actor(request)))


@actor_required
def portal_invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """One of the client's issued invoices (or credit notes) as a PDF; a draft, a void one or another client's: 404."""
    invoice = selectors.portal_invoice_get(get_actor(request), invoice_id)
    response = HttpResponse(invoice_pdf_bytes(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(invoice)}"'
    return response


@actor_required
@require_POST
def portal_decide(request: HttpRequest, order_id: int, decision: str) -> HttpResponse:
    actor = get_actor(request)

    order = (
        ChangeOrder.objects.filter(workspace=actor.workspace, pk=order_id, project__client_id=actor.client_id or 0)
        .select_related("project")
        .first()
    )
    if order is None or not actor.is_client or decision not in ("approve", "reject"):
        raise Http404
    try:
        services.portal_change_order_decide(
            actor=actor, order=order, approve=decision == "approve", reason=request.POST.get("reason", "")
        )
        messages.success(request, f"Change order {'approved' if decision == 'approve' else 'rejected'}.")
    except (ValidationError, BatonError) as exc:
        _errors_to_messages(request, exc)
    return redirect(safe_next(request, reverse("relationships:portal")))  # the home (the portal's overview) too


def _portal_quote(request: HttpRequest, quote_id: int) -> Quote:
    """A sent (or decided) quote of the client-role user's own client; anything else does not exist (404)."""
    actor = get_actor(request)
    quote = (
        Quote.objects.filter(workspace=actor.workspace, pk=quote_id, client_id=actor.client_id or 0)
        .exclude(status="draft")
        .select_related("client", "workspace", "project")
        .first()
    )
    if quote is None or not actor.is_client:
        raise Http404
    return quote


@actor_required
@require_POST
def portal_quote_decide(request: HttpRequest, quote_id: int, decision: str) -> HttpResponse:
    """The client accepts (choosing its optional items: `optional_<line id>` boxes) or declines a sent quote."""
    actor = get_actor(request)
    quote = _portal_quote(request, quote_id)
    if decision not in ("accept", "decline"):
        raise Http404
    try:
        if decision == "accept":
            chosen = [line.pk for line in quote.lines.filter(optional=True) if request.POST.get(f"optional_{line.pk}")]
            quote_services.quote_accept(actor=actor, quote=quote, optional_line_ids=chosen)
            messages.success(request, f"Thank you: you accepted “{quote.title}”.")
        else:
            quote_services.quote_decline(actor=actor, quote=quote, reason=request.POST.get("reason", ""))
            messages.success(request, f"You declined “{quote.title}”.")
    except (ValidationError, BatonError) as exc:
        _errors_to_messages(request, exc)
    return redirect(reverse("relationships:portal") + "#portal-quotes")


@actor_required
def portal_quote_pdf(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = _portal_quote(request, quote_id)
    response = HttpResponse(quote_pdf_bytes(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="quote-{quote.pk}.pdf"'
    return response


@actor_required
def touchpoint_detail(request: HttpRequest, touchpoint_id: int) -> HttpResponse:
    """One touchpoint: its summary, who was there, what was discussed and decided, and its next steps (where search
    and the account page link; staff only, as the touchpoint list)."""
    actor = get_actor(request)
    touchpoint = selectors.touchpoint_get(actor=actor, touchpoint_id=touchpoint_id)
    return render(
        request,
        "relationships/touchpoint.html",
        {
            "touchpoint": touchpoint,
            "can_recap": access.allowed(actor, "touchpoint", "recap", touchpoint),
            "next_steps": list(touchpoint.next_steps.select_related("owner", "owner_contact").order_by("due_on", "id")),
        },
    )


@actor_required
def next_step_detail(request: HttpRequest, next_step_id: int) -> HttpResponse:
    """A next step is shown on its touchpoint's page."""
    step = selectors.next_step_get(actor=get_actor(request), next_step_id=next_step_id)
    return redirect(reverse("relationships:touchpoint", args=[step.touchpoint_id]) + f"#next-step-{step.pk}")
