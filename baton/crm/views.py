"""Client pages: list, detail (contacts and activity), create, edit, archive; contacts inline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access
from baton.core.feed import activity_feed
from baton.core.tables import download_format, table_response
from baton.core.web import actor_required, form_page, get_actor, is_htmx
from baton.crm import selectors, services
from baton.crm.forms import ClientForm, ContactForm
from baton.crm.models import Client, ClientStatus, Contact
from baton.crm.tables import client_table, contact_table
from baton.people.selectors import account_managers


def _managers(actor: access.Actor) -> list[tuple[int, str]]:
    return [(p.id, p.name) for p in account_managers(actor=actor)]


@actor_required
def client_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    status = request.GET.get("status") or None
    search = request.GET.get("q") or None
    am = request.GET.get("am") or ""
    archived = request.GET.get("archived") == "1"
    clients = selectors.client_list(
        actor=actor,
        status=status,
        search=search,
        archived=archived,
        account_manager_id=int(am) if am.isdigit() and len(am) < 18 else None,
    )
    if download_format(request):
        return table_response(request, client_table(clients), "clients")
    page = Paginator(clients, 50).get_page(request.GET.get("page"))
    ctx = {
        "page": page,
        "clients": page.object_list,
        "statuses": ClientStatus.choices,
        "status": status or "",
        "q": search or "",
        "am": am,
        "archived": archived,
        "managers": [] if actor.is_client else _managers(actor),
        "can_create": access.allowed(actor, "client", "create"),
    }
    return render(request, "crm/partials/_table.html" if is_htmx(request) else "crm/list.html", ctx)


@actor_required
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = get_actor(request)
    client = selectors.client_get(actor=actor, client_id=client_id)
    contacts = list(selectors.contact_list(actor=actor, client_id=client.id))
    if download_format(request):
        return table_response(request, contact_table(contacts, client_name=client.name), f"contacts-{client.pk}")
    feed = [] if actor.is_client else activity_feed(actor=actor, client_id=client.id, limit=25)
    return render(
        request,
        "crm/detail.html",
        {
            "client": client,
            "contacts": contacts,
            "events": feed,
            "can_edit": access.allowed(actor, "client", "update", client),
            "can_archive": access.allowed(actor, "client", "archive", client),
            "can_add_contact": access.allowed(actor, "contact", "create", Contact(client=client)),
            "contact_form": ContactForm(),
        },
    )


@actor_required
def client_new(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "client", "create")
    initial = {"account_manager_id": actor.person_id} if actor.role == access.AM else {}
    form = ClientForm(request.POST or None, initial=initial, managers=_managers(actor))

    def save(data: dict[str, Any]) -> Client:
        data.pop("version", None)
        return services.client_create(actor=actor, **data)

    return form_page(
        request,
        form,
        save=save,
        template="crm/form.html",
        partial="crm/partials/_form.html",
        context={"title": "Add a client", "action": reverse("crm:client_new")},
        success_url=lambda c: reverse("crm:client_detail", args=[c.id]),
        success_message=lambda c: f"{c.name} was added.",
    )


@actor_required
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = get_actor(request)
    client = selectors.client_get(actor=actor, client_id=client_id)
    access.require(actor, "client", "update", client)
    initial = {f: getattr(client, f) for f in services.CLIENT_FIELDS} | {"version": client.version}
    form = ClientForm(request.POST or None, initial=initial, managers=_managers(actor))

    def save(data: dict[str, Any]) -> Client:
        version = data.pop("version", None)
        data["currency"] = data.get("currency") or client.currency
        return services.client_update(actor=actor, client=client, version=version, **data)

    return form_page(
        request,
        form,
        save=save,
        template="crm/form.html",
        partial="crm/partials/_form.html",
        context={
            "title": f"Edit {client.name}",
            "action": reverse("crm:client_edit", args=[client.id]),
            "client": client,
        },
        success_url=lambda c: reverse("crm:client_detail", args=[c.id]),
        success_message=lambda c: f"{c.name} was saved.",
    )


@require_POST
@actor_required
def client_archive(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = get_actor(request)
    client = selectors.client_get(actor=actor, client_id=client_id)
    if client.archived_at:
        services.client_unarchive(actor=actor, client=client)
        messages.success(request, f"{client.name} is current again.")
    else:
        services.client_archive(actor=actor, client=client)
        messages.success(request, f"{client.name} was archived; its history is kept.")
    return redirect("crm:client_detail", client_id=client.id)


@actor_required
def contact_new(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = get_actor(request)
    client = selectors.client_get(actor=actor, client_id=client_id)
    access.require(actor, "contact", "create", Contact(client=client))
    form = ContactForm(request.POST or None)

    def save(data: dict[str, Any]) -> Contact:
        data.pop("version", None)
        return services.contact_create(actor=actor, client=client, **data)

    return form_page(
        request,
        form,
        save=save,
        template="crm/contact_form.html",
        partial="crm/partials/_contact_form.html",
        context={
            "title": f"Add a contact at {client.name}",
            "client": client,
            "action": reverse("crm:contact_new", args=[client.id]),
        },
        success_url=lambda c: reverse("crm:client_detail", args=[client.id]),
        success_message=lambda c: f"{c.name} was added.",
    )


@actor_required
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    actor = get_actor(request)
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    access.require(actor, "contact", "update", contact)
    initial = {f: getattr(contact, f) for f in services.CONTACT_FIELDS} | {"version": contact.version}
    form = ContactForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Contact:
        version = data.pop("version", None)
        return services.contact_update(actor=actor, contact=contact, version=version, **data)

    return form_page(
        request,
        form,
        save=save,
        template="crm/contact_form.html",
        partial="crm/partials/_contact_form.html",
        context={
            "title": f"Edit {contact.name}",
            "client": contact.client,
            "action": reverse("crm:contact_edit", args=[contact.id]),
        },
        success_url=lambda c: reverse("crm:client_detail", args=[c.client_id]),
        success_message=lambda c: f"{c.name} was saved.",
    )


@require_POST
@actor_required
def contact_delete(request: HttpRequest, contact_id: int) -> HttpResponse:
    actor = get_actor(request)
    contact = selectors.contact_get(actor=actor, contact_id=contact_id)
    client_id = contact.client_id
    services.contact_delete(actor=actor, contact=contact)
    messages.success(request, f"{contact.name} was removed.")
    return redirect("crm:client_detail", client_id=client_id)
