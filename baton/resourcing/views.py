"""Resourcing pages: the schedule (heatmap + bookings), booking forms, time off, find someone, staffing suggestions,
utilization and forecasts, settings (holidays, capacity history), and the private calendar feed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.errors import BatonError
from baton.core.forms import apply_service_errors
from baton.core.web import actor_required, form_page, get_actor, htmx_redirect, is_htmx
from baton.delivery.selectors import project_choices
from baton.resourcing import reports, selectors, services
from baton.resourcing.forms import (
    BookingForm,
    CapacityForm,
    FindForm,
    HolidayForm,
    MoveForm,
    ResizeForm,
    SettingsForm,
    SplitForm,
    TimeOffForm,
    TimeOffImportForm,
)
from baton.resourcing.models import Booking, TimeOff, TimeOffStatus

SCHEDULE_KEYS = ("start", "scale", "skill", "role", "project")


def _date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _people_choices(actor: access.Actor) -> list[tuple[int, str]]:
    return [(p.id, f"{p.name} · {p.title}" if p.title else p.name) for p in selectors.schedule_people(actor=actor)]


def _back(request: HttpRequest) -> str:
    """Back to the schedule the person came from (only our own schedule URLs)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    schedule = reverse("resourcing:schedule")
    return target if target.startswith(schedule) and "//" not in target else schedule


def _warn(request: HttpRequest, obj: Any) -> None:
    for warning in getattr(obj, "warnings", []):
        messages.warning(request, warning)


# --- The schedule -----------------------------------------------------------------------------------------------------


@actor_required
def schedule(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        raise PermissionDenied("The schedule is for the agency's staff.")
    access.require(actor, "booking", "view")
    scale = "weeks" if request.GET.get("scale") == "weeks" else "days"
    today = selectors.today()
    default_start = today - timedelta(days=today.weekday())
    start = _date(request.GET.get("start"), default_start)
    skill = (request.GET.get("skill") or "").strip() or None
    role = (request.GET.get("role") or "").strip() or None
    project = _int(request.GET.get("project"))
    grid = selectors.schedule_grid(actor=actor, start=start, scale=scale, skill=skill, role=role, project_id=project)
    step = timedelta(weeks=12 if scale == "weeks" else 4)
    base = {"scale": scale, "skill": skill or "", "role": role or "", "project": project or ""}
    query = urlencode({**base, "start": grid.start.isoformat()})
    ctx = {
        "grid": grid,
        "scale": scale,
        "skill": skill or "",
        "role": role or "",
        "project": project,
        "start": grid.start,
        "query": query,
        "here": f"{reverse('resourcing:schedule')}?{query}",
        "prev_query": urlencode({**base, "start": (grid.start - step).isoformat()}),
        "next_query": urlencode({**base, "start": (grid.start + step).isoformat()}),
        "today_query": urlencode({**base, "start": default_start.isoformat()}),
        "projects": project_choices(actor=actor),
        "skills": selectors.schedule_skills(actor=actor),
        "can_book": access.allowed(actor, "booking", "create"),
    }
    template = (
        "resourcing/partials/_grid.html"
        if is_htmx(request) and request.GET.get("partial")
        else ("resourcing/schedule.html")
    )
    return render(request, template, ctx)


# --- Bookings ------------------------------------------------------------------------------------------------------


@actor_required
def booking_new(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "booking", "create")
    initial = {
        "start_date": _date(request.GET.get("start_date"), selectors.today()),
        "end_date": _date(request.GET.get("end_date"), selectors.today() + timedelta(days=4)),
        "person_id": _int(request.GET.get("person_id")),
        "project_id": _int(request.GET.get("project_id")),
        "minutes_per_day": _int(request.GET.get("minutes_per_day")) or 480,
        "skill": request.GET.get("skill", ""),
    }
    form = BookingForm(
        request.POST or None, initial=initial, people=_people_choices(actor), projects=project_choices(actor=actor)
    )

    def save(data: dict[str, Any]) -> Booking:
        data.pop("version", None)
        booking = services.booking_create(actor=actor, **data)
        _warn(request, booking)
        return booking

    back = _back(request)
    return form_page(
        request,
        form,
        save=save,
        template="resourcing/booking_form.html",
        partial="resourcing/partials/_booking_form.html",
        context={"title": "Book someone", "action": reverse("resourcing:booking_new"), "next": back},
        success_url=lambda b: back,
        success_message=lambda b: f"Booked {b}.",
    )


@actor_required
def booking_detail(request: HttpRequest, booking_id: int) -> HttpResponse:
    actor = get_actor(request)
    booking = selectors.booking_get(actor=actor, booking_id=booking_id)
    people = _people_choices(actor)
    ctx = _booking_ctx(request, actor, booking, people)
    template = "resourcing/partials/_booking_panel.html" if is_htmx(request) else "resourcing/booking_detail.html"
    return render(request, template, ctx)


def _booking_ctx(
    request: HttpRequest, actor: access.Actor, booking: Booking, people: list[tuple[int, str]], **forms: Any
) -> dict[str, Any]:
    v = {"version": booking.version}
    fields = {
        f: getattr(booking, f)
        for f in (
            "person_id",
            "project_id",
            "start_date",
            "end_date",
            "minutes_per_day",
            "tentative",
            "role",
            "skill",
            "note",
        )
    }
    return {
        "booking": booking,
        "next": _back(request),
        "can_edit": access.allowed(actor, "booking", "update", booking),
        "edit_form": forms.get("edit_form")
        or BookingForm(initial=fields | v, people=people, projects=project_choices(actor=actor), prefix="edit"),
        "move_form": forms.get("move_form")
        or MoveForm(initial={"start_date": booking.start_date} | v, people=people, prefix="move"),
        "resize_form": forms.get("resize_form")
        or ResizeForm(initial={"start_date": booking.start_date, "end_date": booking.end_date} | v, prefix="resize"),
        "split_form": forms.get("split_form")
        or SplitForm(
            initial={"date": booking.start_date + timedelta(days=max(1, booking.days // 2))} | v, prefix="split"
        ),
    }


def _booking_action(
    request: HttpRequest, booking_id: int, form_name: str, form: Any, act: Any, done: str
) -> HttpResponse:
    """The edit/move/resize/split forms of the booking panel: errors shown in place, success back to the schedule."""
    actor = get_actor(request)
    booking = selectors.booking_get(actor=actor, booking_id=booking_id)
    if form.is_valid():
        try:
            result = act(actor, booking, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except BatonError as exc:
            form.add_error(None, exc.detail)
        else:
            _warn(request, result)
            messages.success(request, done)
            back = _back(request)
            return htmx_redirect(back) if is_htmx(request) else redirect(back)
    ctx = _booking_ctx(request, actor, booking, _people_choices(actor), **{form_name: form})
    template = "resourcing/partials/_booking_panel.html" if is_htmx(request) else "resourcing/booking_detail.html"
    return render(request, template, ctx, status=200 if is_htmx(request) else 400)


@require_POST
@actor_required
def booking_edit(request: HttpRequest, booking_id: int) -> HttpResponse:
    actor = get_actor(request)
    form = BookingForm(
        request.POST, people=_people_choices(actor), projects=project_choices(actor=actor), prefix="edit"
    )

    def act(actor: access.Actor, booking: Booking, data: dict[str, Any]) -> Booking:
        version = data.pop("version", None)
        if data.get("total_minutes") is None:
            data.pop("total_minutes", None)
        else:
            data.pop("minutes_per_day", None)
        return services.booking_update(actor=actor, booking=booking, version=version, **data)

    return _booking_action(request, booking_id, "edit_form", form, act, "The booking was saved.")


@require_POST
@actor_required
def booking_move(request: HttpRequest, booking_id: int) -> HttpResponse:
    form = MoveForm(request.POST, people=_people_choices(get_actor(request)), prefix="move")

    def act(actor: access.Actor, booking: Booking, data: dict[str, Any]) -> Booking:
        return services.booking_move(
            actor=actor,
            booking=booking,
            start_date=data["start_date"],
            person_id=data.get("person_id"),
            keep_person=data.get("person_id") is None,
            version=data.get("version"),
        )

    return _booking_action(request, booking_id, "move_form", form, act, "The booking was moved.")


@require_POST
@actor_required
def booking_resize(request: HttpRequest, booking_id: int) -> HttpResponse:
    form = ResizeForm(request.POST, prefix="resize")

    def act(actor: access.Actor, booking: Booking, data: dict[str, Any]) -> Booking:
        return services.booking_resize(
            actor=actor,
            booking=booking,
            start_date=data["start_date"],
            end_date=data["end_date"],
            version=data.get("version"),
        )

    return _booking_action(request, booking_id, "resize_form", form, act, "The booking was resized.")


@require_POST
@actor_required
def booking_split(request: HttpRequest, booking_id: int) -> HttpResponse:
    form = SplitForm(request.POST, prefix="split")

    def act(actor: access.Actor, booking: Booking, data: dict[str, Any]) -> Booking:
        first, _second = services.booking_split(
            actor=actor, booking=booking, on=data["date"], version=data.get("version")
        )
        return first

    return _booking_action(request, booking_id, "split_form", form, act, "The booking was split in two.")


@require_POST
@actor_required
def booking_delete(request: HttpRequest, booking_id: int) -> HttpResponse:
    actor = get_actor(request)
    booking = selectors.booking_get(actor=actor, booking_id=booking_id)
    services.booking_delete(actor=actor, booking=booking)
    messages.success(request, "The booking was removed.")
    back = _back(request)
    return htmx_redirect(back) if is_htmx(request) else redirect(back)


@require_POST
@actor_required
def booking_staff(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Accept a staffing suggestion: one click staffs the placeholder."""
    actor = get_actor(request)
    booking = selectors.booking_get(actor=actor, booking_id=booking_id)
    person_id = _int(request.POST.get("person_id"))
    try:
        staffed = services.booking_staff(
            actor=actor, booking=booking, person_id=person_id or 0, version=_int(request.POST.get("version"))
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except BatonError as exc:
        messages.error(request, exc.detail)
    else:
        _warn(request, staffed)
        messages.success(request, f"{staffed.person.name if staffed.person else 'Someone'} now has {staffed.project}.")
    target = request.POST.get("next") or reverse("resourcing:staffing")
    if not target.startswith("/schedule/"):
        target = reverse("resourcing:staffing")
    return htmx_redirect(target) if is_htmx(request) else redirect(target)


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
    return render(request, "resourcing/time_off.html", _time_off_ctx(request, actor, approver, people) | {"form": form})


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


@require_POST
@actor_required
def feed_reset(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if not actor.person_id or actor.is_client:
        raise PermissionDenied("Only people of the workspace have calendar feeds.")
    person = selectors.bookable_person(actor=actor, person_id=actor.person_id)
    services.calendar_feed_reset(actor=actor, person=person)
    messages.success(request, "Your calendar feed has a new address; the old one no longer works.")
    return redirect("resourcing:time_off")


def calendar_feed(request: HttpRequest, person_id: int, token: str) -> HttpResponse:
    """The private iCalendar feed: no login, the secret is in the URL."""
    content = selectors.calendar_feed_content(person_id=person_id, token=token)
    if content is None:
        raise Http404("No such calendar.")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="baton.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- Find someone, staffing suggestions -------------------------------------------------------------------------------


@actor_required
def find(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "staffing", "view")
    today = selectors.today()
    data = request.GET if "start" in request.GET else None
    form = FindForm(data, initial={"start": today, "end": today + timedelta(days=13)})
    results = None
    if form.is_bound and form.is_valid():
        try:
            results = reports.find_candidates(
                actor=actor,
                skill=form.cleaned_data["skill"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                minutes_per_day=form.cleaned_data["minutes_per_day"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(
        request,
        "resourcing/find.html",
        {"form": form, "results": results, "can_book": access.allowed(actor, "booking", "create")},
    )


@actor_required
def staffing(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "staffing", "view")
    project = _int(request.GET.get("project"))
    plan = reports.staffing_plan(actor=actor, project_id=project)
    return render(
        request,
        "resourcing/staffing.html",
        {
            "plan": plan,
            "project": project,
            "projects": project_choices(actor=actor),
            "can_staff": access.allowed(actor, "booking", "update"),
        },
    )


# --- Utilization, demand, forecast ---------------------------------------------------------------------------------


@actor_required
def utilization(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        raise PermissionDenied("Reports are for the agency's staff.")
    today = selectors.today()
    start = _date(request.GET.get("from"), today.replace(day=1))
    end = _date(request.GET.get("to"), (today.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1))
    group_by = request.GET.get("group_by") if request.GET.get("group_by") in reports.GROUPS else "person"
    error = ""
    rows: list[dict[str, Any]] = []
    try:
        rows = reports.utilization(actor=actor, start=start, end=end, group_by=group_by or "person")
    except ValidationError as exc:
        error = " ".join(exc.messages)
    ctx: dict[str, Any] = {
        "rows": rows,
        "error": error,
        "start": start,
        "end": end,
        "group_by": group_by,
        "groups": reports.GROUPS,
    }
    if access.allowed(actor, "demand", "view"):
        by = "role" if request.GET.get("by") == "role" else "skill"
        ctx["by"] = by
        ctx["demand"] = _demand_table(reports.capacity_demand(actor=actor, by=by))
    if access.allowed(actor, "financials", "view"):
        ctx["forecast"] = reports.revenue_forecast(actor=actor)
        ctx["currency"] = actor.workspace.currency
    return render(request, "resourcing/utilization.html", ctx)


def _demand_table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows of the capacity-demand report pivoted: one line per key, one column per week (gap in hours)."""
    weeks = sorted({r["week_start"] for r in rows})
    keys = sorted({r["key"] for r in rows}, key=str.lower)
    cells = {(r["week_start"], r["key"]): r for r in rows}
    lines = []
    for key in keys:
        line: list[dict[str, Any] | None] = []
        for w in weeks:
            r = cells.get((w, key))
            if r is None:
                line.append(None)
                continue
            gap_hours = r["gap_minutes"] // 60 if r["gap_minutes"] >= 0 else -((-r["gap_minutes"]) // 60)
            line.append({"gap": gap_hours, "short": r["gap_minutes"] < 0, "row": r})
        lines.append({"key": key, "cells": line})
    return {"weeks": weeks, "lines": lines}


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
                data = dict(form.cleaned_data)
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
