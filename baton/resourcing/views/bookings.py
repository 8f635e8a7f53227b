"""The schedule (heatmap + bookings) and the booking forms: new, detail, edit, move, resize, split, delete, staff."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.errors import BatonError
from baton.core.forms import apply_service_errors
from baton.core.tables import download_format, table_response
from baton.core.web import actor_required, form_page, get_actor, htmx_redirect, is_htmx, safe_next
from baton.delivery.selectors import project_choices
from baton.resourcing import selectors, services
from baton.resourcing.forms import (
    BookingForm,
    MoveForm,
    ResizeForm,
    SplitForm,
)
from baton.resourcing.models import Booking
from baton.resourcing.tables import schedule_table
from baton.resourcing.views._common import _back, _date, _int, _people_choices, _warn

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
    # A download holds everyone; the page draws one page of people.
    page = None if download_format(request) else _int(request.GET.get("page")) or 1
    grid = selectors.schedule_grid(
        actor=actor, start=start, scale=scale, skill=skill, role=role, project_id=project, page=page
    )
    if page is None:
        return table_response(request, schedule_table(grid), f"schedule-{grid.start.isoformat()}")
    step = timedelta(weeks=12 if scale == "weeks" else 4)
    base = {"scale": scale, "skill": skill or "", "role": role or "", "project": project or ""}
    query = urlencode({**base, "start": grid.start.isoformat(), "page": grid.page})
    people_query = {**base, "start": grid.start.isoformat()}
    ctx = {
        "grid": grid,
        "scale": scale,
        "skill": skill or "",
        "role": role or "",
        "project": project,
        "start": grid.start,
        "query": query,
        "here": f"{reverse('resourcing:schedule')}?{query}",
        "prev_query": urlencode({**base, "start": (grid.start - step).isoformat(), "page": grid.page}),
        "next_query": urlencode({**base, "start": (grid.start + step).isoformat(), "page": grid.page}),
        "today_query": urlencode({**base, "start": default_start.isoformat(), "page": grid.page}),
        "prev_people_query": urlencode({**people_query, "page": grid.page - 1}) if grid.page > 1 else "",
        "next_people_query": urlencode({**people_query, "page": grid.page + 1}) if grid.page < grid.pages else "",
        "projects": selectors.booked_project_choices(actor=actor, start=grid.start, end=grid.end, keep=project),
        "skills": selectors.schedule_skills(actor=actor),
        "can_book": access.allowed(actor, "booking", "create"),
        "can_staff": access.allowed(actor, "staffing", "view"),
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
    target = safe_next(request, reverse("resourcing:staffing"), under=reverse("resourcing:schedule"))
    return htmx_redirect(target) if is_htmx(request) else redirect(target)
