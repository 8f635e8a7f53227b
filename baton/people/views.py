"""People pages: list, detail, create, edit, deactivate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.feed import activity_feed
from baton.core.models import Role
from baton.core.tables import download_format, table_response
from baton.core.web import actor_required, form_page, get_actor, is_htmx
from baton.people import selectors, services
from baton.people.forms import PersonForm
from baton.people.models import Person
from baton.people.tables import person_table


@actor_required
def person_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    role = request.GET.get("role") or None
    search = request.GET.get("q") or None
    show = request.GET.get("show", "active")
    people = selectors.person_list(
        actor=actor, role=role, search=search, active=None if show == "all" else show == "active"
    )
    if download_format(request):
        table = person_table(people, currency=actor.workspace.currency, with_rates=access.can_see_rates(actor))
        return table_response(request, table, "people")
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    ctx = {
        "page": page,
        "people": page.object_list,
        "roles": Role.choices,
        "role": role or "",
        "q": search or "",
        "show": show,
        "can_create": access.allowed(actor, "person", "create"),
        "can_see_rates": access.can_see_rates(actor),
    }
    return render(request, "people/partials/_table.html" if is_htmx(request) else "people/list.html", ctx)


@actor_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = get_actor(request)
    person = selectors.person_get(actor=actor, person_id=person_id)
    feed = activity_feed(actor=actor, target_type="person", target_id=person.id, limit=20)
    managed = person.managed_clients.filter(archived_at__isnull=True).order_by("name")
    reports = person.reports.filter(active=True).order_by("name")
    can_archive = person.active and access.allowed(actor, "person", "archive", person)
    held = services.holdings(actor=actor, person=person) if can_archive else []
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "events": feed,
            "managed_clients": managed,
            "reports": reports,
            "can_edit": access.allowed(actor, "person", "update", person),
            "can_archive": can_archive,
            "holdings": [{"label": src.label, "count": len(items), "items": items[:10]} for src, items in held],
            "successors": _leads(actor, person) if held else [],
            "can_see_rates": access.can_see_rates(actor),
        },
    )


def _no_clients(actor: Actor) -> list[tuple[int, str]]:
    return []


# The person form's client picker (a client user belongs to a client): crm, above people, plugs its picker in from
# its wiring.py, so people never imports crm.
client_choices: Callable[[Actor], list[tuple[int, str]]] = _no_clients


def set_client_choices(provider: Callable[[Actor], list[tuple[int, str]]]) -> None:
    global client_choices
    client_choices = provider


def _leads(actor: Actor, person: Person | None = None) -> list[tuple[int, str]]:
    qs = selectors.person_list(actor=actor, active=True).exclude(membership__role="client")
    if person is not None:
        qs = qs.exclude(pk=person.pk)
    return list(qs.values_list("id", "name"))


def _initial(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "email": person.email,
        "role": person.role,
        "title": person.title,
        "weekly_capacity_minutes": person.weekly_capacity_minutes,
        "working_days": person.working_days,
        "cost_rate": person.cost_rate,
        "bill_rate": person.bill_rate,
        "skills": ", ".join(person.skills),
        "client_id": person.client_id,
        "lead_id": person.lead_id,
        "resource_manager": person.resource_manager,
        "active": person.active,
        "version": person.version,
    }


@actor_required
def person_new(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "person", "create")
    form = PersonForm(request.POST or None, clients=client_choices(actor), leads=_leads(actor))

    def save(data: dict[str, Any]) -> Person:
        data.pop("version", None)
        return services.person_create(actor=actor, **data)

    return form_page(
        request,
        form,
        save=save,
        template="people/form.html",
        partial="people/partials/_form.html",
        context={"title": "Add a person", "action": reverse("people:new")},
        success_url=lambda p: reverse("people:detail", args=[p.id]),
        success_message=lambda p: f"{p.name} was added.",
    )


@actor_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = get_actor(request)
    person = selectors.person_get(actor=actor, person_id=person_id)
    access.require(actor, "person", "update", person)
    form = PersonForm(
        request.POST or None, initial=_initial(person), clients=client_choices(actor), leads=_leads(actor, person)
    )

    def save(data: dict[str, Any]) -> Person:
        version = data.pop("version", None)
        return services.person_update(actor=actor, person=person, version=version, **data)

    return form_page(
        request,
        form,
        save=save,
        template="people/form.html",
        partial="people/partials/_form.html",
        context={"title": f"Edit {person.name}", "action": reverse("people:edit", args=[person.id]), "person": person},
        success_url=lambda p: reverse("people:detail", args=[p.id]),
        success_message=lambda p: f"{p.name} was saved.",
    )


@require_POST
@actor_required
def person_archive(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = get_actor(request)
    person = selectors.person_get(actor=actor, person_id=person_id)
    raw = (request.POST.get("successor_id") or "").strip()
    successor_id = int(raw) if raw.isdigit() else None
    try:
        services.person_archive(actor=actor, person=person, successor_id=successor_id)
    except ValidationError as exc:  # a rule such as "the last owner stays" names itself
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:  # open work and no successor: the page lists it and asks for one
        messages.error(request, exc.detail)
    else:
        handed = " Their open work went to the successor." if successor_id else ""
        messages.success(request, f"{person.name} was deactivated.{handed}")
    return redirect("people:detail", person_id=person.id)
