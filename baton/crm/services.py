"""Writes for clients and contacts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.services import bump_version, check_version, validate
from baton.crm.models import Client, Contact
from baton.people.models import Person

CLIENT_FIELDS = ("name", "status", "account_manager_id", "currency", "industry", "website", "notes")
CONTACT_FIELDS = ("name", "email", "phone", "role", "is_primary", "notes")


DUPLICATE_NAME = "A client with this name already exists."


def _name_errors(actor: Actor, name: str, exclude_id: int | None = None) -> dict[str, str]:
    taken = Client.objects.filter(workspace=actor.workspace, name__iexact=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    return {"name": DUPLICATE_NAME} if name and taken.exists() else {}


def _person_errors(actor: Actor, person_id: int | None, field: str) -> dict[str, str]:
    if person_id is not None and not Person.objects.filter(workspace=actor.workspace, pk=person_id).exists():
        return {field: "No such person in this workspace."}
    return {}


@transaction.atomic
def client_create(
    *,
    actor: Actor,
    name: str,
    status: str = "active",
    account_manager_id: int | None = None,
    currency: str | None = None,
    industry: str = "",
    website: str = "",
    notes: str = "",
) -> Client:
    """A new client. An account manager who creates one owns it unless they name someone else."""
    access.require(actor, "client", "create")
    if account_manager_id is None and actor.role == access.AM:
        account_manager_id = actor.person_id
    errors = _person_errors(actor, account_manager_id, "account_manager_id") | _name_errors(actor, (name or "").strip())
    client = Client(
        workspace=actor.workspace,
        name=(name or "").strip(),
        status=status,
        account_manager_id=account_manager_id,
        currency=(currency or actor.workspace.currency).upper(),
        industry=industry,
        website=website,
        notes=notes,
    )
    if errors:
        client.account_manager_id = None  # keep full_clean from following the unknown id
    validate(client, errors)
    client.account_manager_id = account_manager_id
    client.save()
    events.emit(
        actor,
        "client.created",
        client,
        data={
            "name": client.name,
            "status": client.status,
            "account_manager_id": account_manager_id,
        },
    )
    return client


@transaction.atomic
def client_update(*, actor: Actor, client: Client, version: int | None, **changes: Any) -> Client:
    """Change a client's fields. A new account manager is recorded as its own event (`client.am_changed`)."""
    access.require(actor, "client", "update", client)
    client = Client.objects.select_for_update().get(pk=client.pk)
    check_version(client, version)
    unknown = set(changes) - set(CLIENT_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    errors = _person_errors(actor, changes.get("account_manager_id"), "account_manager_id")
    if errors:
        changes.pop("account_manager_id")
    if changes.get("name"):
        errors |= _name_errors(actor, changes["name"].strip(), exclude_id=client.pk)
    if changes.get("currency"):
        changes["currency"] = str(changes["currency"]).upper()
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    changed = events.diff(client, changes)
    if not changed and not errors:
        return client
    validate(client, errors)
    bump_version(client)
    client.save()
    events.emit(actor, "client.updated", client, data={"changes": changed})
    if "status" in changed:
        events.emit(
            actor, "client.status_changed", client, data={"from": changed["status"][0], "to": changed["status"][1]}
        )
    if "account_manager_id" in changed:
        events.emit(
            actor,
            "client.am_changed",
            client,
            data={"from": changed["account_manager_id"][0], "to": changed["account_manager_id"][1]},
        )
    return client


@transaction.atomic
def client_archive(*, actor: Actor, client: Client) -> Client:
    """Archive a client: hidden from default lists, history kept. Archiving twice is harmless."""
    access.require(actor, "client", "archive", client)
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.archived_at is None:
        client.archived_at = timezone.now()
        bump_version(client)
        client.save()
        events.emit(actor, "client.archived", client)
    return client


@transaction.atomic
def client_unarchive(*, actor: Actor, client: Client) -> Client:
    access.require(actor, "client", "archive", client)
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.archived_at is not None:
        client.archived_at = None
        bump_version(client)
        client.save()
        events.emit(actor, "client.unarchived", client)
    return client


def _only_primary(contact: Contact) -> None:
    """One primary contact per client: making this one primary demotes the others."""
    if contact.is_primary:
        others = Contact.objects.filter(client_id=contact.client_id, is_primary=True).exclude(pk=contact.pk)
        for other in others.select_for_update():
            other.is_primary = False
            bump_version(other)
            other.save(update_fields=["is_primary", "version", "updated_at"])


@transaction.atomic
def contact_create(
    *,
    actor: Actor,
    client: Client,
    name: str,
    email: str = "",
    phone: str = "",
    role: str = "",
    is_primary: bool = False,
    notes: str = "",
) -> Contact:
    contact = Contact(
        workspace=actor.workspace,
        client=client,
        name=(name or "").strip(),
        email=(email or "").strip().lower(),
        phone=phone,
        role=role,
        is_primary=is_primary,
        notes=notes,
    )
    access.require(actor, "contact", "create", contact)
    contact.full_clean(validate_constraints=False)
    _only_primary(contact)
    contact.save()
    events.emit(actor, "contact.created", contact, data={"name": contact.name, "is_primary": is_primary})
    return contact


@transaction.atomic
def contact_update(*, actor: Actor, contact: Contact, version: int | None, **changes: Any) -> Contact:
    access.require(actor, "contact", "update", contact)
    contact = Contact.objects.select_for_update().select_related("client").get(pk=contact.pk)
    check_version(contact, version)
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    if "email" in changes:
        changes["email"] = (changes["email"] or "").strip().lower()
    changed = events.diff(contact, changes)
    if not changed:
        return contact
    contact.full_clean(validate_constraints=False)
    _only_primary(contact)
    bump_version(contact)
    contact.save()
    events.emit(actor, "contact.updated", contact, data={"changes": changed})
    return contact


@transaction.atomic
def contact_delete(*, actor: Actor, contact: Contact) -> None:
    access.require(actor, "contact", "delete", contact)
    events.emit(actor, "contact.deleted", contact, data={"name": contact.name})
    contact.delete()
