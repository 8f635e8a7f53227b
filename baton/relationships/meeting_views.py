"""Meeting preparation pages: scheduling a meeting from the account page, the pre-meeting brief (and its PDF), the
QBR pack of a quarter (page, editable proposal, PDF), and the recap e-mail of a touchpoint (draft, edit, send)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from baton.core import client_view
from baton.core.errors import BatonError
from baton.core.web import actor_required, get_actor
from baton.relationships import selectors, services
from baton.relationships.forms import MeetingForm, QbrProposalForm, RecapForm
from baton.relationships.models import TouchpointRecap
from baton.relationships.pdf import render_meeting_brief, render_qbr
from baton.relationships.views import _errors_to_messages


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@actor_required
@require_POST
def meeting_new(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        raise Http404
    client = selectors.client_for(actor, client_id)
    form = MeetingForm(request.POST, client=client)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_schedule(
                actor=actor,
                client=client,
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                contact_ids=[int(c) for c in data["contacts"]],
                agenda=data.get("agenda") or "",
            )
            messages.success(request, "Meeting scheduled.")
        except (ValidationError, BatonError, PermissionDenied) as exc:
            _errors_to_messages(request, exc)
    else:
        for field, errs in form.errors.items():
            messages.error(request, f"{field}: {' '.join(str(e) for e in errs)}")
    return redirect("relationships:account", client.pk)


@actor_required
def meeting_brief(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The pre-meeting brief (internal); `?format=pdf` downloads it."""
    brief = selectors.meeting_brief(actor=get_actor(request), meeting_id=meeting_id)
    if request.GET.get("format") == "pdf":
        return _pdf(render_meeting_brief(brief), f"meeting-brief-{meeting_id}.pdf")
    return render(request, "relationships/meeting_brief.html", brief)


@actor_required
def qbr(request: HttpRequest, client_id: int) -> HttpResponse:
    """The QBR pack of a quarter (`?quarter=2026Q3`, the current one by default; `client_facing=1` shows the client's
    version). `?format=pdf` downloads it with the drafted proposal; POSTing the edited proposal downloads it with
    that text (checked by `core.client_view` when client-facing)."""
    actor = get_actor(request)
    if actor.is_client:
        raise Http404
    quarter = request.GET.get("quarter") or selectors.quarter_of(timezone.localdate())
    client_facing = request.GET.get("client_facing") in ("1", "true", "on")
    form = QbrProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client_facing = bool(form.cleaned_data["client_facing"])
    try:
        pack = selectors.qbr_pack(actor=actor, client_id=client_id, quarter=quarter, client_facing=client_facing)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return redirect("relationships:qbr", client_id)
    if request.method == "POST" and form.is_valid():
        pack["proposal"] = form.cleaned_data["proposal"]
        if client_facing:
            errors = client_view.shareable_errors(pack["client"], proposal=pack["proposal"])
            if errors:
                _errors_to_messages(request, ValidationError(errors))
                return render(request, "relationships/qbr.html", {**pack, "form": form})
        return _pdf(render_qbr(pack), f"qbr-{client_id}-{pack['quarter']}.pdf")
    if request.GET.get("format") == "pdf":
        return _pdf(render_qbr(pack), f"qbr-{client_id}-{pack['quarter']}.pdf")
    form = QbrProposalForm(initial={"proposal": pack["proposal"], "client_facing": client_facing})
    return render(request, "relationships/qbr.html", {**pack, "form": form})


@actor_required
def recap(request: HttpRequest, touchpoint_id: int) -> HttpResponse:
    """The recap e-mail of a touchpoint: drafted on the first visit's "Draft" press, edited, sent on "Send"."""
    actor = get_actor(request)
    touchpoint = selectors.touchpoint_get(actor=actor, touchpoint_id=touchpoint_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "draft":
                services.recap_draft(actor=actor, touchpoint=touchpoint)
                messages.success(request, "Recap drafted: check it, then send.")
            else:
                form = RecapForm(request.POST)
                if not form.is_valid():
                    raise ValidationError({f: " ".join(str(m) for m in e) for f, e in form.errors.items()})
                data = form.cleaned_data
                recipients = [r.strip() for r in (data.get("recipients") or "").split(",") if r.strip()]
                services.recap_draft(
                    actor=actor,
                    touchpoint=touchpoint,
                    subject=data["subject"],
                    body=data["body"],
                    recipients=recipients,
                )
                if request.POST.get("action") == "send":
                    services.recap_send(actor=actor, touchpoint=touchpoint)
                    messages.success(request, "Recap sent.")
                else:
                    messages.success(request, "Recap saved.")
        except (ValidationError, BatonError, PermissionDenied) as exc:
            _errors_to_messages(request, exc)
        return redirect("relationships:recap", touchpoint.pk)
    found = TouchpointRecap.objects.filter(touchpoint=touchpoint).first()
    edit_form: RecapForm | None = (
        RecapForm(initial={"subject": found.subject, "body": found.body, "recipients": ", ".join(found.recipients)})
        if found
        else None
    )
    return render(request, "relationships/recap.html", {"touchpoint": touchpoint, "recap": found, "form": edit_form})
