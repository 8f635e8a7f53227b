"""Time off: the list and request form, approval and rejection, and the .ics import."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.forms import apply_service_errors
from baton.core.tables import download_format, download_part, table_response
from baton.core.web import actor_required, form_page, get_actor
from baton.resourcing import selectors, services
from baton.resourcing.forms import (
    TimeOffForm,
    TimeOffImportForm,
)
from baton.resourcing.models import TimeOff, TimeOffStatus
from baton.resourcing.tables import time_off_table
from baton.resourcing.views._common import _people_choices, _warn

# --- Time off ------------------------------------------------------------------------------------------------------


@actor_required
def time_off(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        raise PermissionDenied("Time off is for the agency's staff.")
    approver = selectors.sees_all_time_off(actor)
    people = _people_choices(actor) if approver else None
    form = TimeOffForm(request.POST or None, people=people)

    def save(data: dict[str, Any]) -> TimeOff:
        data.setdefault("person_id", None)
        t = services.time_off_request(actor=actor, **data)
        _warn(request, t)
        return t

    if request.method == "POST":
        return form_page(
            request,
            form,
            save=save,
            template="resourcing/time_off.html",
            partial="resourcing/partials/_time_off_form.html",
            context=_time_off_ctx(request, actor, approver, people),
            success_url=lambda t: reverse("resourcing:time_off"),
            success_message=lambda t: f"Time off {t.start_date}-{t.end_date} is {t.status}.",
        )
    ctx = _time_off_ctx(request, actor, approver, people)
    if download_format(request):
        part = download_part(request, ("all", "pending"))
        title = "Time off waiting" if part == "pending" else ("Everyone's time off" if approver else "My time off")
        return table_response(request, time_off_table(ctx[PARTS[part]], title=title), f"time-off-{part}")
    return render(request, "resourcing/time_off.html", ctx | {"form": form})


PARTS = {"all": "records", "pending": "pending"}


def _time_off_ctx(
    request: HttpRequest, actor: access.Actor, approver: bool, people: list[tuple[int, str]] | None
) -> dict[str, Any]:
    today = selectors.today()
    records = list(selectors.time_off_list(actor=actor, start=today - timedelta(days=60))[:200])
    me = None
    if actor.person_id:
        me = selectors.bookable_person(actor=actor, person_id=actor.person_id) if not actor.is_client else None
    for t in records:
        t.can_approve = access.allowed(actor, "time_off", "approve", t)  # type: ignore[attr-defined]
        t.can_delete = access.allowed(actor, "time_off", "delete", t)  # type: ignore[attr-defined]
    return {
        "records": records,
        "pending": [t for t in records if t.status == TimeOffStatus.REQUESTED and approver],
        "approver": approver,
        "import_form": TimeOffImportForm(people=people),
        "feed_url": request.build_absolute_uri(selectors.calendar_feed_path(me)) if me else "",
        "holidays": selectors.holiday_list(actor=actor, start=today, end=today + timedelta(days=120)),
    }


@require_POST
@actor_required
def time_off_decide(request: HttpRequest, time_off_id: int) -> HttpResponse:
    actor = get_actor(request)
    found = selectors.time_off_get(actor=actor, time_off_id=time_off_id)
    decision = request.POST.get("decision")
    if decision == "approve":
        t = services.time_off_approve(actor=actor, time_off=found)
        _warn(request, t)
        messages.success(request, f"Approved {t.person.name}'s time off.")
    elif decision == "reject":
        services.time_off_reject(actor=actor, time_off=found, reason=request.POST.get("reason", ""))
        messages.success(request, f"Rejected {found.person.name}'s time off.")
    elif decision == "delete":
        services.time_off_delete(actor=actor, time_off=found)
        messages.success(request, "The time off was withdrawn.")
    return redirect("resourcing:time_off")


@require_POST
@actor_required
def time_off_import(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    approver = selectors.sees_all_time_off(actor)
    people = _people_choices(actor) if approver else None
    form = TimeOffImportForm(request.POST, request.FILES, people=people)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created, skipped = services.time_off_import_ics(
                actor=actor,
                person_id=form.cleaned_data.get("person_id"),
                content=upload.read(),
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"Imported {len(created)} absence{'s' if len(created) != 1 else ''}; skipped {skipped}."
            )
            return redirect("resourcing:time_off")
    ctx = _time_off_ctx(request, actor, approver, people) | {
        "form": TimeOffForm(people=people),
        "import_form": form,
    }
    return render(request, "resourcing/time_off.html", ctx, status=400)
