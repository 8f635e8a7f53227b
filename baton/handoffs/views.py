"""Handoff pages: the inbox, opening a handoff, its form (built from its template), the receiver's confirmation
view, the metrics dashboard and the handoff map."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.access import Actor
from baton.core.errors import BatonError
from baton.core.forms import apply_service_errors
from baton.core.tables import download_format, download_part, table_response
from baton.core.validators import date_in_range
from baton.core.web import actor_required, get_actor, htmx_redirect, is_htmx
from baton.crm.models import Client
from baton.crm.selectors import client_choices
from baton.delivery.models import Project
from baton.handoffs import selectors, services
from baton.handoffs.forms import ConfirmForm, FailureForm, GapsForm, HandoffFieldsForm, HandoffNewForm, PeriodForm
from baton.handoffs.models import HandoffStatus
from baton.handoffs.tables import METRIC_PARTS, handoff_table, inbox_table, metric_table
from baton.people.models import Person


def _staff_people(actor: Any) -> list[tuple[int, str]]:
    people = (
        Person.objects.filter(workspace=actor.workspace, active=True)
        .exclude(membership__role=access.CLIENT)
        .order_by("name")
    )
    return [(p.pk, p.name) for p in people]


def _remediators(actor: Any, handoff: Any) -> list[tuple[int, str]]:
    """The staff who may be named as remediator: the active ones, and the receiver even when archived since."""
    people = _staff_people(actor)
    if all(pk != handoff.to_person_id for pk, _ in people):
        people.append((handoff.to_person_id, handoff.to_person.name))
    return people


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return " ".join(f"{m}" for ms in exc.message_dict.values() for m in ms)
    if isinstance(exc, BatonError):
        return exc.detail
    return "; ".join(getattr(exc, "messages", [str(exc)]))


@actor_required
def inbox(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    box = selectors.inbox(actor=actor)
    if download_format(request):
        kinds = dict(selectors.kind_choices(actor=actor))
        return table_response(request, inbox_table(box, now=timezone.now(), kinds=kinds), "handoff-inbox")
    return render(request, "handoffs/inbox.html", {"inbox": box, "now": timezone.now()})


@actor_required
def handoff_all(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    status = request.GET.get("status") or None
    kind = request.GET.get("kind") or None
    overdue = request.GET.get("overdue") == "1"  # the operations home's "overdue handoffs" links here
    handoffs = list(selectors.handoff_list(actor=actor, status=status, kind=kind, overdue=overdue or None)[:200])
    if download_format(request):
        kinds = dict(selectors.kind_choices(actor=actor))
        return table_response(request, handoff_table(handoffs, now=timezone.now(), kinds=kinds), "handoffs")
    return render(
        request,
        "handoffs/all.html",
        {
            "handoffs": handoffs,
            "statuses": HandoffStatus.choices,
            "kinds": selectors.kind_choices(actor=actor),
            "status": status or "",
            "kind": kind or "",
            "overdue": overdue,
            "now": timezone.now(),
        },
    )


@actor_required
def handoff_new(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "handoff", "create")
    initial: dict[str, Any] = {"kind": request.GET.get("kind") or "sales_to_account"}
    if (request.GET.get("client") or "").isdigit():
        initial["client_id"] = int(request.GET["client"])
    people = [p for p in _staff_people(actor) if p[0] != actor.person_id]
    form = HandoffNewForm(
        request.POST or None,
        initial=initial,
        kinds=selectors.kind_choices(actor=actor),
        people=people,
        clients=client_choices(actor=actor),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        client = Client.objects.filter(workspace=actor.workspace, pk=data.get("client_id") or 0).first()
        to_person = Person.objects.filter(workspace=actor.workspace, pk=data["to_person_id"]).first()
        try:
            handoff = services.handoff_open(
                actor=actor,
                kind=data["kind"],
                client=client,
                from_person=None,
                to_person=to_person,
                title=data.get("title") or "",
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Draft opened; fill it in and send it.")
            return redirect("handoffs:edit", handoff_id=handoff.pk)
    return render(request, "handoffs/new.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(request: HttpRequest, handoff: Any) -> dict[str, Any]:
    actor = get_actor(request)
    return {
        "handoff": handoff,
        "rows": [
            {
                "key": f["key"],
                "label": f.get("label") or f["key"],
                "required": f.get("required"),
                "value": (handoff.fields or {}).get(f["key"], ""),
            }
            for f in handoff.field_spec
        ],
        "gaps": list(handoff.gaps.all()),
        "open_gaps": [g for g in handoff.gaps.all() if g.answered_at is None],
        "failures": list(handoff.failures.all()),
        "can_edit": handoff.status in (HandoffStatus.DRAFT, HandoffStatus.GAPS_RAISED)
        and access.allowed(actor, "handoff", "update", handoff),
        "can_send": handoff.status == HandoffStatus.DRAFT and access.allowed(actor, "handoff", "send", handoff),
        "can_confirm": handoff.status == HandoffStatus.SENT and access.allowed(actor, "handoff", "confirm", handoff),
        "can_answer": handoff.status == HandoffStatus.GAPS_RAISED
        and access.allowed(actor, "handoff", "answer_gaps", handoff),
        "can_cancel": handoff.status not in (HandoffStatus.CONFIRMED, HandoffStatus.CANCELLED)
        and access.allowed(actor, "handoff", "cancel", handoff),
        "can_record_failure": handoff.status != HandoffStatus.DRAFT
        and access.allowed(actor, "handoff_failure", "create"),
        "sees_cost": access.can_see_rates(actor),
        "gaps_form": GapsForm(),
        "confirm_form": ConfirmForm(),
        "failure_form": FailureForm(
            people=_remediators(actor, handoff),
            # MONEY.md §7: the remediator defaults to the receiver, never to whoever records the failure.
            initial={"remediated_by_id": handoff.to_person_id, "occurred_on": timezone.localdate()},
        ),
        "overdue": handoff.status in (HandoffStatus.SENT, HandoffStatus.GAPS_RAISED)
        and handoff.due_by < timezone.now(),
    }


@actor_required
def detail(request: HttpRequest, handoff_id: int) -> HttpResponse:
    actor = get_actor(request)
    handoff = selectors.handoff_get(actor=actor, handoff_id=handoff_id)
    return render(request, "handoffs/detail.html", _detail_context(request, handoff))


@actor_required
def edit(request: HttpRequest, handoff_id: int) -> HttpResponse:
    """The handoff's form, rendered from the field spec it was opened with. "Send" saves, then sends: empty
    required fields come back as inline errors (and the draft is kept)."""
    actor = get_actor(request)
    handoff = selectors.handoff_get(actor=actor, handoff_id=handoff_id)
    access.require(actor, "handoff", "update", handoff)
    initial = {**(handoff.fields or {}), "version": handoff.version}
    form = HandoffFieldsForm(request.POST or None, initial=initial, spec=handoff.field_spec)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            sending = "send" in request.POST
            try:
                handoff = services.handoff_update(actor=actor, handoff=handoff, version=version, fields=data)
                if sending:
                    handoff = services.handoff_send(actor=actor, handoff=handoff)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except BatonError as exc:
                form.add_error(None, exc.detail)
            else:
                if sending:
                    messages.success(request, f"Sent to {handoff.to_person.name}.")
                else:
                    messages.success(request, "Draft saved.")
                url = reverse("handoffs:detail", args=[handoff.pk])
                return htmx_redirect(url) if is_htmx(request) else redirect(url)
        # the draft may have been saved before sending failed: the form carries the current version on
        current = request.POST.copy()
        current["version"] = str(type(handoff).objects.get(pk=handoff.pk).version)
        form.data = current
        status = 200 if is_htmx(request) else 400
    ctx = {"handoff": handoff, "form": form, "can_send": access.allowed(actor, "handoff", "send", handoff)}
    template = "handoffs/partials/_fields_form.html" if is_htmx(request) else "handoffs/edit.html"
    return render(request, template, ctx, status=status)


def _after(request: HttpRequest, handoff_id: int, func: Any, success: str, **kwargs: Any) -> HttpResponse:
    actor = get_actor(request)
    handoff = selectors.handoff_get(actor=actor, handoff_id=handoff_id)
    try:
        func(actor=actor, handoff=handoff, **kwargs)
    except (ValidationError, BatonError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, success)
    return redirect("handoffs:detail", handoff_id=handoff_id)


@require_POST
@actor_required
def raise_gaps(request: HttpRequest, handoff_id: int) -> HttpResponse:
    form = GapsForm(request.POST)
    gaps = form.cleaned_data["gaps"] if form.is_valid() else []
    return _after(request, handoff_id, services.handoff_raise_gaps, "Gaps sent to the owner.", gaps=gaps)


@require_POST
@actor_required
def answer_gaps(request: HttpRequest, handoff_id: int) -> HttpResponse:
    answers = {
        key.removeprefix("answer_"): request.POST.get(key, "")
        for key in request.POST
        if key.startswith("answer_") and request.POST.get(key, "").strip()
    }
    return _after(
        request,
        handoff_id,
        services.handoff_answer_gaps,
        "Answers sent; it is back with the receiver.",
        answers=answers,
    )


@require_POST
@actor_required
def confirm(request: HttpRequest, handoff_id: int) -> HttpResponse:
    form = ConfirmForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    if "walkthrough_at" in form.errors:
        messages.error(request, "When it took place: give a date and time.")
        return redirect("handoffs:detail", handoff_id=handoff_id)
    # The box unticked is not an attestation: the receiver has not said it was held (None), so a handoff that
    # requires a walkthrough is refused naming it.
    held = True if data.get("walkthrough_held") else None
    return _after(
        request,
        handoff_id,
        services.handoff_confirm,
        "Confirmed: you have what you need.",
        note=data.get("note") or "",
        walkthrough_held=held,
        walkthrough_at=data.get("walkthrough_at"),
        walkthrough_how=data.get("walkthrough_how") or "",
    )


@require_POST
@actor_required
def cancel(request: HttpRequest, handoff_id: int) -> HttpResponse:
    return _after(
        request, handoff_id, services.handoff_cancel, "Handoff cancelled.", reason=request.POST.get("reason", "")
    )


@require_POST
@actor_required
def failure_new(request: HttpRequest, handoff_id: int) -> HttpResponse:
    actor = get_actor(request)
    handoff = selectors.handoff_get(actor=actor, handoff_id=handoff_id)
    form = FailureForm(request.POST, people=_remediators(actor, handoff))
    if not form.is_valid():
        messages.error(
            request,
            "Record the failure: " + "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items()),
        )
        return redirect("handoffs:detail", handoff_id=handoff_id)
    return _after(
        request, handoff_id, services.failure_record, "Failure recorded against this handoff.", **form.cleaned_data
    )


def _period(request: HttpRequest, actor: Any) -> tuple[date, date, PeriodForm]:
    start, end = selectors.default_period(actor.workspace)
    form = PeriodForm(request.GET or None, initial={"date_from": start, "date_to": end})
    if form.is_valid():
        asked_from, asked_to = form.cleaned_data.get("date_from"), form.cleaned_data.get("date_to")
        start = asked_from if asked_from and date_in_range(asked_from) else start
        end = asked_to if asked_to and date_in_range(asked_to) else end
    if start > end:
        start, end = end, start
    return start, end, form


@actor_required
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    start, end, form = _period(request, actor)
    report = selectors.handoff_metrics(actor=actor, date_from=start, date_to=end)
    if download_format(request):
        part = download_part(request, tuple(METRIC_PARTS))
        return table_response(request, metric_table(report, part), f"handoff-metrics-{part.replace('_', '-')}")
    funnel = {
        "labels": ["Sent", "Gaps raised", "Confirmed"],
        "values": [report["funnel"]["sent"], report["funnel"]["gaps_raised"], report["funnel"]["confirmed"]],
    }
    trend = {
        "labels": [r["key"] for r in report["by_month"]],
        "cost": [str(r["remediation_cost"]) if r["remediation_cost"] is not None else "" for r in report["by_month"]],
        "minutes": [r["remediation_minutes"] for r in report["by_month"]],
        "failures": [r["failures"] for r in report["by_month"]],
        "currency": report["currency"],
        "money": report["remediation_cost"] is not None,
    }
    return render(
        request,
        "handoffs/dashboard.html",
        {"report": report, "form": form, "funnel": funnel, "trend": trend},
    )


@actor_required
def handoff_map(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    raw = request.GET.get("days") or "90"
    days = int(raw) if raw.isdigit() and 7 <= int(raw) <= 730 else 90
    return render(request, "handoffs/map.html", {"points": selectors.handoff_map(actor=actor, days=days), "days": days})


@actor_required
def template_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    return render(
        request,
        "handoffs/templates.html",
        {
            "templates": list(selectors.template_list(actor=actor)),
            "can_edit": access.allowed(actor, "handoff_template", "update"),
        },
    )


def project_block(actor: Actor, project: Project) -> dict[str, Any]:
    """The project page's handoffs block (registered in delivery's `PROJECT_PAGE_BLOCKS` by wiring.py)."""
    return {"project_handoffs": selectors.project_handoffs(actor=actor, project_id=project.pk)}
