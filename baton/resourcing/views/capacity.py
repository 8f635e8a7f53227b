"""Resourcing settings: the workspace's settings, holidays and capacity history."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.errors import BatonError
from baton.core.forms import apply_service_errors
from baton.core.web import actor_required, get_actor
from baton.resourcing import selectors, services
from baton.resourcing.forms import (
    CapacityForm,
    HolidayForm,
    SettingsForm,
)
from baton.resourcing.views._common import _people_choices

# --- Settings: holidays, capacity history --------------------------------------------------------------------------


@actor_required
def settings_page(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        raise PermissionDenied("Settings are for the agency's staff.")
    access.require(actor, "resourcing_settings", "view")
    current = selectors.settings_for(actor.workspace)
    can_edit = access.allowed(actor, "resourcing_settings", "update")
    initial = {f: getattr(current, f) for f in services.SETTINGS_FIELDS if f != "role_targets"} | {
        "version": current.version if current.pk else None
    }
    form = SettingsForm(request.POST or None, initial=initial)
    holiday_form = HolidayForm()
    people = _people_choices(actor)
    capacity_form = CapacityForm(people=people, initial={"working_days": [1, 2, 3, 4, 5]})
    if request.method == "POST":
        access.require(actor, "resourcing_settings", "update")
        kind = request.POST.get("form")
        ok = False
        try:
            if kind == "holiday":
                holiday_form = HolidayForm(request.POST)
                if holiday_form.is_valid():
                    services.holiday_create(actor=actor, **holiday_form.cleaned_data)
                    ok, message = True, "The holiday was added."
            elif kind == "capacity":
                capacity_form = CapacityForm(request.POST, people=people)
                if capacity_form.is_valid():
                    services.capacity_change(actor=actor, **capacity_form.cleaned_data)
                    ok, message = True, "The capacity change was recorded."
            elif form.is_valid():
                data = {k: v for k, v in form.cleaned_data.items() if k == "version" or v is not None}
                services.settings_update(actor=actor, version=data.pop("version", None), **data)
                ok, message = True, "Resourcing settings were saved."
        except ValidationError as exc:
            target = {"holiday": holiday_form, "capacity": capacity_form}.get(kind or "", form)
            apply_service_errors(target, exc)
        except BatonError as exc:
            messages.error(request, exc.detail)
        if ok:
            messages.success(request, message)
            return redirect("resourcing:settings")
    today = selectors.today()
    return render(
        request,
        "resourcing/settings.html",
        {
            "form": form,
            "holiday_form": holiday_form,
            "capacity_form": capacity_form,
            "can_edit": can_edit,
            "holidays": selectors.holiday_list(actor=actor, start=date(today.year, 1, 1), end=date(today.year, 12, 31)),
            "periods": list(selectors.capacity_period_list(actor=actor)[:300]),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@actor_required
def holiday_delete(request: HttpRequest, holiday_id: int) -> HttpResponse:
    actor = get_actor(request)
    services.holiday_delete(actor=actor, holiday=selectors.custom_holiday_get(actor=actor, holiday_id=holiday_id))
    messages.success(request, "The holiday was removed.")
    return redirect("resourcing:settings")


@require_POST
@actor_required
def capacity_delete(request: HttpRequest, period_id: int) -> HttpResponse:
    actor = get_actor(request)
    services.capacity_period_delete(actor=actor, period=selectors.capacity_period_get(actor=actor, period_id=period_id))
    messages.success(request, "The capacity change was removed.")
    return redirect("resourcing:settings")
