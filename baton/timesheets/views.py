"""Time pages: the weekly grid (edited in place with htmx), the timer, the entry list and form, and approvals.
Every write goes through `baton.timesheets.services`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from baton.core import access, formats
from baton.core.access import Actor
from baton.core.errors import BatonError
from baton.core.selectors import one_or_404
from baton.core.tables import download_format, table_response
from baton.core.validators import parse_day
from baton.core.web import actor_required, form_page, get_actor, is_htmx, safe_next
from baton.delivery.selectors import project_choices, task_list
from baton.people.models import Person
from baton.rates.selectors import missing_rate_warnings
from baton.timesheets import selectors, services
from baton.timesheets.forms import ReasonForm, TimeEntryForm, format_hours, parse_hours
from baton.timesheets.models import TimeEntry
from baton.timesheets.tables import approval_table, entry_table


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _week(request: HttpRequest) -> date:
    return services.week_start_of(
        parse_day(request.GET.get("week") or request.POST.get("week") or "") or timezone.localdate()
    )


def _people_for(actor: Actor) -> list[tuple[int, str]]:
    """Whose time the actor may log: itself; owner/admin/finance and PMs anyone on staff."""
    if actor.role in access.ALL_MONEY or actor.role == access.PM:
        return list(
            Person.objects.filter(workspace=actor.workspace, active=True)
            .exclude(membership__role="client")
            .order_by("name")
            .values_list("id", "name")
        )
    if actor.person_id:
        return [(actor.person_id, actor.person_name)]
    return []


def _grid_person(request: HttpRequest, actor: Actor) -> Person:
    wanted = _int(request.GET.get("person") or request.POST.get("person")) or actor.person_id
    if wanted is None:
        raise Http404("No person.")
    if wanted != actor.person_id and wanted not in {pk for pk, _ in _people_for(actor)}:
        raise Http404("No such person.")
    return one_or_404(Person.objects.filter(workspace=actor.workspace, pk=wanted), "person")


def _grid_context(
    actor: Actor, person: Person, week: date, extra: list[tuple[int, int | None]] | None = None
) -> dict[str, Any]:
    grid = selectors.week_grid(actor=actor, person=person, week_start=week, extra_rows=extra)
    can_log_for_others = len(_people_for(actor)) > 1
    today = timezone.localdate()
    return {
        "grid": grid,
        # the day a narrow screen shows first (one day at a time): today within this week, else its Monday
        "day_index": grid.days.index(today) if today in grid.days else 0,
        "person": person,
        "people": _people_for(actor) if can_log_for_others else [],
        "own": person.pk == actor.person_id,
        "projects": project_choices(actor=actor),
        "timer": selectors.current_timer(actor=actor) if person.pk == actor.person_id else None,
        "perms_approve": access.allowed(actor, "timesheet", "approve"),
        "can_submit": access.allowed(actor, "timesheet", "submit")
        and (person.pk == actor.person_id or actor.is_leader)
        and not grid.locked,
    }


@actor_required
def grid(request: HttpRequest) -> HttpResponse:
    """The weekly grid: rows of project/task x 7 days, totals per day and row."""
    actor = get_actor(request)
    access.require(actor, "time_entry", "view")
    person = _grid_person(request, actor)
    ctx = _grid_context(actor, person, _week(request))
    return render(request, "timesheets/grid.html", ctx)


def _cell_set(actor: Actor, person: Person, project_id: int, task_id: int | None, day: date, hours: str) -> str:
    """Write one grid cell from the hours typed; the error to show in it ("" when it was written)."""
    error = ""
    try:
        minutes = parse_hours(hours)
        services.grid_cell_set(
            actor=actor, person_id=person.pk, project_id=project_id, task_id=task_id, day=day, minutes=minutes
        )
    except ValueError as exc:
        error = str(exc)
    except ValidationError as exc:
        error = (
            " ".join(m for ms in exc.message_dict.values() for m in ms)
            if hasattr(exc, "error_dict")
            else exc.messages[0]
        )
    except (BatonError, PermissionDenied) as exc:
        error = getattr(exc, "detail", None) or str(exc)
    return error


@require_POST
@actor_required
def grid_cell(request: HttpRequest) -> HttpResponse:
    """One cell typed in the grid (htmx): create, change or clear that day's entry; answers the row and the
    totals (out of band). Errors show in the cell."""
    actor = get_actor(request)
    person = _grid_person(request, actor)
    project_id = _int(request.POST.get("project"))
    task_id = _int(request.POST.get("task")) or None
    day = parse_day(request.POST.get("day") or "")
    if project_id is None or day is None:
        raise Http404("No such cell.")
    error = _cell_set(actor, person, project_id, task_id, day, request.POST.get("hours", ""))
    ctx = _grid_context(actor, person, services.week_start_of(day), [(project_id, task_id)])
    row = next(
        (r for r in ctx["grid"].rows if r.project.pk == project_id and (r.task.pk if r.task else None) == task_id), None
    )
    cell = next((c for c in row.cells if c.day == day), None) if row else None
    ctx |= {
        "row": row,
        "cell": cell,
        "error": error,
        "error_day": day,
        "typed": request.POST.get("hours", ""),
        "oob": True,
    }
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect(f"{reverse('timesheets:grid')}?week={ctx['grid'].week_start:%Y-%m-%d}&person={person.pk}")
    return render(request, "timesheets/partials/_grid_cell_response.html", ctx)


@actor_required
def grid_row(request: HttpRequest) -> HttpResponse:
    """A new, empty row for the grid (htmx), or the grid again with it (plain)."""
    actor = get_actor(request)
    person = _grid_person(request, actor)
    project_id = _int(request.GET.get("project"))
    task_id = _int(request.GET.get("task")) or None
    week = _week(request)
    extra = [(project_id, task_id)] if project_id else []
    ctx = _grid_context(actor, person, week, extra)
    if not is_htmx(request):
        return render(request, "timesheets/grid.html", ctx)
    row = next(
        (r for r in ctx["grid"].rows if r.project.pk == project_id and (r.task.pk if r.task else None) == task_id), None
    )
    if row is None:
        return HttpResponse("")
    return render(request, "timesheets/partials/_grid_row_added.html", ctx | {"row": row})


@actor_required
def task_options(request: HttpRequest) -> HttpResponse:
    """The tasks of a project, as <option>s for the grid's and the form's task pickers (htmx)."""
    actor = get_actor(request)

    project_id = _int(request.GET.get("project") or request.GET.get("project_id"))
    tasks = list(task_list(actor=actor, project_id=project_id).values_list("id", "title")) if project_id else []
    return render(request, "timesheets/partials/_task_options.html", {"tasks": tasks})


@require_POST
@actor_required
def week_submit(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    person = _grid_person(request, actor)
    week = _week(request)
    try:
        services.timesheet_submit(actor=actor, week_start=week, person_id=person.pk)
        messages.success(request, f"The week of {formats.day(week)} was submitted for approval.")
    except (BatonError, ValidationError) as exc:
        messages.error(request, getattr(exc, "detail", None) or "; ".join(exc.messages))  # type: ignore[union-attr]
    return redirect(f"{reverse('timesheets:grid')}?week={week:%Y-%m-%d}&person={person.pk}")


@require_POST
@actor_required
def timer_start(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    try:
        services.timer_start(
            actor=actor,
            project_id=_int(request.POST.get("project")),
            task_id=_int(request.POST.get("task")) or None,
            note=request.POST.get("note", ""),
        )
        messages.success(request, "The timer is running.")
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    return redirect(safe_next(request, reverse("timesheets:grid")))  # the home starts it too, and goes back there


@require_POST
@actor_required
def timer_stop(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    try:
        entry = services.timer_stop(actor=actor)
        messages.success(request, f"Logged {formats.duration(entry.minutes)} on {entry.project.name}.")
    except (BatonError, ValidationError) as exc:
        messages.error(request, getattr(exc, "detail", None) or "; ".join(exc.messages))  # type: ignore[union-attr]
    return redirect(safe_next(request, reverse("timesheets:grid")))


# --- Entries ------------------------------------------------------------------------------------------------------


@actor_required
def entry_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    week = parse_day(request.GET.get("week") or "")
    person = _int(request.GET.get("person"))
    project = _int(request.GET.get("project"))
    qs = selectors.time_entry_list(
        actor=actor,
        person_id=person,
        project_id=project,
        date_from=services.week_start_of(week) if week else None,
        date_to=services.week_start_of(week) + timedelta(days=6) if week else None,
    ).select_related("invoice_line__invoice")
    if download_format(request):
        amounts = selectors.can_see_amounts(actor)
        table = entry_table(qs, base_currency=actor.workspace.currency, with_amounts=amounts)
        return table_response(request, table, "time-entries")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "timesheets/entries.html",
        {
            "page": page,
            "entries": page.object_list,
            "amounts": selectors.can_see_amounts(actor),
            "rate_warnings": missing_rate_warnings(actor.workspace, [project] if project else None)
            if selectors.can_see_amounts(actor)
            else [],
            "people": _people_for(actor),
            "projects": project_choices(actor=actor),
            "person": person,
            "project": project,
            "week": week,
        },
    )


def _task_choices(actor: Actor, project_id: Any) -> list[tuple[int, str]]:
    if not project_id or not str(project_id).isdigit():
        return []

    return list(task_list(actor=actor, project_id=int(project_id)).values_list("id", "title"))


@actor_required
def entry_new(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "time_entry", "create")
    initial = {
        "person_id": actor.person_id,
        "date": parse_day(request.GET.get("date") or "") or timezone.localdate(),
        "project_id": request.GET.get("project"),
    }
    project_value = request.POST.get("project_id") or request.GET.get("project")
    form = TimeEntryForm(
        request.POST or None,
        initial=initial,
        people=_people_for(actor),
        projects=project_choices(actor=actor),
        tasks=_task_choices(actor, project_value),
    )

    def save(data: dict[str, Any]) -> TimeEntry:
        data.pop("version", None)
        return services.time_entry_create(actor=actor, **data)

    return form_page(
        request,
        form,
        save=save,
        template="timesheets/entry_form.html",
        partial="timesheets/partials/_entry_form.html",
        context={"title": "Log time", "action": reverse("timesheets:entry_new")},
        success_url=lambda e: f"{reverse('timesheets:grid')}?week={e.date:%Y-%m-%d}&person={e.person_id}",
        success_message=lambda e: f"Logged {formats.duration(e.minutes)} on {e.project.name}.",
    )


@actor_required
def entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = get_actor(request)
    entry = selectors.time_entry_get(actor=actor, entry_id=entry_id)
    access.require(actor, "time_entry", "update", entry)

    initial = {
        "person_id": entry.person_id,
        "project_id": entry.project_id,
        "task_id": entry.task_id,
        "date": entry.date,
        "minutes": format_hours(entry.minutes),
        "note": entry.note,
        "billable": "1" if entry.billable else "0",
        "version": entry.version,
    }
    project_value = request.POST.get("project_id") or entry.project_id
    people = _people_for(actor)
    if entry.person_id not in {pk for pk, _ in people}:
        people = [(entry.person_id, entry.person.name), *people]
    form = TimeEntryForm(
        request.POST or None,
        initial=initial,
        people=people,
        projects=project_choices(actor=actor),
        tasks=_task_choices(actor, project_value),
    )

    def save(data: dict[str, Any]) -> TimeEntry:
        version = data.pop("version", None)
        if data.get("billable") is None:
            data.pop("billable")
        return services.time_entry_update(actor=actor, entry=entry, version=version, **data)

    return form_page(
        request,
        form,
        save=save,
        template="timesheets/entry_form.html",
        partial="timesheets/partials/_entry_form.html",
        context={"title": "Change time", "action": reverse("timesheets:entry_edit", args=[entry.pk]), "entry": entry},
        success_url=lambda e: f"{reverse('timesheets:grid')}?week={e.date:%Y-%m-%d}&person={e.person_id}",
        success_message=lambda e: "The entry was saved.",
    )


@require_POST
@actor_required
def entry_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = get_actor(request)
    entry = selectors.time_entry_get(actor=actor, entry_id=entry_id)
    try:
        services.time_entry_delete(actor=actor, entry=entry)
        messages.success(request, "The entry was removed.")
    except BatonError as exc:
        messages.error(request, exc.detail)
    return redirect(f"{reverse('timesheets:grid')}?week={entry.date:%Y-%m-%d}&person={entry.person_id}")


# --- Approvals ----------------------------------------------------------------------------------------------------


@actor_required
def approvals(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "timesheet", "approve")
    queue = selectors.approval_queue(actor=actor)
    if download_format(request):
        return table_response(request, approval_table(queue), "timesheet-approvals")
    recent = list(selectors.timesheet_list(actor=actor).exclude(status="submitted").exclude(status="draft")[:20])
    return render(
        request,
        "timesheets/approvals.html",
        {"queue": queue, "recent": recent, "reason_form": ReasonForm()},
    )


@require_POST
@actor_required
def approve(request: HttpRequest, timesheet_id: int) -> HttpResponse:
    actor = get_actor(request)
    sheet = selectors.timesheet_get(actor=actor, timesheet_id=timesheet_id)
    try:
        services.timesheet_approve(actor=actor, timesheet=sheet)
        messages.success(request, f"{sheet.person.name}'s week of {formats.day_short(sheet.week_start)} was approved.")
    except (BatonError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "detail", None) or str(exc))
    return redirect("timesheets:approvals")


@require_POST
@actor_required
def reject(request: HttpRequest, timesheet_id: int) -> HttpResponse:
    actor = get_actor(request)
    sheet = selectors.timesheet_get(actor=actor, timesheet_id=timesheet_id)
    try:
        services.timesheet_reject(actor=actor, timesheet=sheet, reason=request.POST.get("reason", ""))
        messages.success(request, f"{sheet.person.name}'s week of {formats.day_short(sheet.week_start)} was sent back.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except (BatonError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "detail", None) or str(exc))
    return redirect("timesheets:approvals")


@require_POST
@actor_required
def approve_bulk(request: HttpRequest) -> HttpResponse:
    """Approve the ticked weeks (`timesheet` ids) at once — the finance home and the approvals page — each through
    `timesheet_approve`; a week that cannot be approved is named and the others still are."""
    actor = get_actor(request)
    access.require(actor, "timesheet", "approve")
    ids = [int(v) for v in request.POST.getlist("timesheet") if v.isdigit()]
    approved, failed = 0, []
    for sheet in selectors.timesheet_list(actor=actor).filter(pk__in=ids).select_related("person"):
        try:
            services.timesheet_approve(actor=actor, timesheet=sheet)
            approved += 1
        except (BatonError, PermissionDenied) as exc:
            failed.append(
                f"{sheet.person.name}'s week of {sheet.week_start:%d %b}: {getattr(exc, 'detail', None) or exc}"
            )
    if approved:
        messages.success(request, f"{approved} week{'s' if approved != 1 else ''} approved.")
    for text in failed:
        messages.error(request, text)
    if not ids:
        messages.error(request, "Tick the weeks to approve.")
    return redirect(safe_next(request, reverse("timesheets:approvals")))
