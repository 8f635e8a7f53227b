"""Writes for clients and contacts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events, formats
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Workspace
from baton.core.services import bump_version, check_version, validate
from baton.core.validators import currency_code
from baton.crm.models import AccountManagerChange, Client, Contact, Deal, DealStage
from baton.people.models import Person
from baton.people.validators import person_of_workspace

CLIENT_FIELDS = (
    "name",
    "status",
    "account_manager_id",
    "currency",
    "industry",
    "website",
    "notes",
    *("legal_name", "address", "country", "vat_id", "number"),
)
CONTACT_FIELDS = ("name", "email", "phone", "role", "is_primary", "is_billing", "notes")


DUPLICATE_NAME = "A client with this name already exists."


def _no_portfolio_mode(workspace: Workspace) -> str | None:
    return None


# Whether a full portfolio warns or refuses is a relationships setting; relationships (above crm) plugs its reader in
# from its wiring.py, so crm never imports it. Until then a full portfolio only warns.
portfolio_mode_reader: Callable[[Workspace], str | None] = _no_portfolio_mode


def set_portfolio_mode_reader(reader: Callable[[Workspace], str | None]) -> None:
    global portfolio_mode_reader
    portfolio_mode_reader = reader


def _name_errors(actor: Actor, name: str, exclude_id: int | None = None) -> dict[str, str]:
    taken = Client.objects.filter(workspace=actor.workspace, name__iexact=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    return {"name": DUPLICATE_NAME} if name and taken.exists() else {}


def portfolio_check(actor: Actor, account_manager_id: int | None, exclude_client_id: int | None = None) -> list[str]:
    """The workspace's maximum portfolio size (`Workspace.max_portfolio_size`): giving an AM one client more than the
    maximum warns (returned messages) or, with the relationships setting `portfolio_mode = refuse`, is a 422 on
    `account_manager_id`."""
    if account_manager_id is None:
        return []
    limit = actor.workspace.max_portfolio_size
    current = Client.objects.filter(
        workspace=actor.workspace, account_manager_id=account_manager_id, archived_at__isnull=True
    ).exclude(status="churned")
    if exclude_client_id is not None:
        current = current.exclude(pk=exclude_client_id)
    count = current.count()
    if not limit or count < limit:
        return []
    name = Person.objects.filter(pk=account_manager_id).values_list("name", flat=True).first() or "This person"
    message = (
        f"{name} already manages {formats.count(count, 'client')}; the workspace maximum portfolio is {limit}. "
        "Relationships suffer past it."
    )
    mode = portfolio_mode_reader(actor.workspace)
    if mode == "refuse":
        raise ValidationError({"account_manager_id": message})
    return [message]


def _person_errors(actor: Actor, person_id: int | None, field: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    person_of_workspace(actor.workspace, person_id, field, errors)
    return errors


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
    legal_name: str = "",
    address: str = "",
    country: str = "",
    vat_id: str = "",
    number: str = "",
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
        legal_name=legal_name,
        address=address,
        country=(country or "").strip().upper(),
        vat_id="".join((vat_id or "").split()).upper(),
        number=number,
    )
    if errors:
        client.account_manager_id = None  # keep full_clean from following the unknown id
    validate(client, errors)
    warnings = portfolio_check(actor, account_manager_id)
    client.account_manager_id = account_manager_id
    client.save()
    AccountManagerChange.objects.create(client=client, account_manager_id=account_manager_id, on=timezone.localdate())
    client.warnings = warnings  # type: ignore[attr-defined]
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
    if changes.get("country"):
        changes["country"] = str(changes["country"]).strip().upper()
    for name in ("vat_id",):
        if changes.get(name):
            changes[name] = "".join(str(changes[name]).split()).upper()
    new_am = changes.get("account_manager_id", client.account_manager_id)
    warnings = (
        portfolio_check(actor, new_am, exclude_client_id=client.pk)
        if "account_manager_id" in changes and new_am != client.account_manager_id and not errors
        else []
    )
    changed = events.diff(client, changes)
    client.warnings = warnings  # type: ignore[attr-defined]
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
        _record_am(client, previous=changed["account_manager_id"][0])
        events.emit(
            actor,
            "client.am_changed",
            client,
            data={"from": changed["account_manager_id"][0], "to": changed["account_manager_id"][1]},
        )
    return client


def _record_am(client: Client, *, previous: int | None) -> None:
    """Keep the AM history (MONEY.md §4): today on, the client has its new AM. A client made before the history was
    kept (or loaded in bulk) first gets its previous AM, who then was responsible from its beginning."""
    if not AccountManagerChange.objects.filter(client=client).exists():
        AccountManagerChange.objects.create(
            client=client, account_manager_id=previous, on=timezone.localdate(client.created_at)
        )
    AccountManagerChange.objects.create(
        client=client, account_manager_id=client.account_manager_id, on=timezone.localdate()
    )


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
    is_billing: bool = False,
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
        is_billing=is_billing,
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


# --- Deals ----------------------------------------------------------------------------------------------------

DEAL_FIELDS = (
    "name",
    "value",
    "currency",
    "stage",
    "probability",
    "expected_close",
    "owner_id",
    "contact_ids",
    "expected_effort_minutes",
    "effort_role",
    "effort_weeks",
    "recurring",
    "term_months",
    "service",
    "template_id",
    "primary_goals",
    "objections",
    "agreed_deliverables",
    "timeline_expectations",
    "sales_commitments",
    "notes",
)
# The probability a deal gets when it moves to a stage and none is given.
STAGE_PROBABILITY = {"lead": 10, "qualified": 25, "proposal": 50, "negotiation": 75, "won": 100, "lost": 0}


def _deal_refs(actor: Actor, deal: Deal, contact_ids: list[int] | None, template_id: Any) -> dict[str, str]:
    errors = _person_errors(actor, deal.owner_id, "owner_id")
    if contact_ids:
        found = set(
            Contact.objects.filter(workspace=actor.workspace, client_id=deal.client_id, pk__in=contact_ids).values_list(
                "pk", flat=True
            )
        )
        if found != set(contact_ids):
            errors["contact_ids"] = "Contacts must be this client's contacts."
    if template_id is not None:
        # The template is delivery's model: crm (below delivery) knows it only through the FK its Deal declares.
        template_model = Deal._meta.get_field("template").related_model
        assert not isinstance(template_model, str)  # resolved once the apps are loaded
        if not template_model._default_manager.filter(workspace=actor.workspace, pk=template_id).exists():
            errors["template_id"] = "No such project template in this workspace."
    return errors


@transaction.atomic
def deal_create(
    *,
    actor: Actor,
    client: Client,
    name: str,
    value: Any = "0",
    stage: str = DealStage.LEAD,
    probability: int | None = None,
    owner_id: int | None = None,
    contact_ids: list[int] | None = None,
    template_id: int | None = None,
    currency: str | None = None,
    **fields: Any,
) -> Deal:
    """A new deal. Its owner defaults to the actor; its probability to the stage's usual one. Won and lost are
    reached through `relationships.deals.deal_win` / `deal_lose`, not set directly."""
    deal = Deal(
        workspace=actor.workspace, client=client, owner_id=owner_id if owner_id is not None else actor.person_id
    )
    access.require(actor, "deal", "create", deal)
    unknown = set(fields) - set(DEAL_FIELDS)
    if unknown:
        raise ValidationError({f: "Unknown field." for f in unknown})
    errors: dict[str, str] = {}
    if stage in (DealStage.WON, DealStage.LOST):
        errors["stage"] = "Win or lose a deal with its win and lose actions."
    deal.name = (name or "").strip()
    deal.value = value
    deal.stage = stage
    deal.probability = STAGE_PROBABILITY.get(stage, 10) if probability is None else probability
    deal.owner_id = owner_id if owner_id is not None else actor.person_id
    deal.template_id = template_id
    deal.currency = currency_code(currency or client.currency or actor.workspace.currency, "currency", errors)
    for key, val in fields.items():
        setattr(deal, key, val)
    errors |= _deal_refs(actor, deal, contact_ids, template_id)
    if "owner_id" in errors:
        deal.owner_id = None
    if "template_id" in errors:
        deal.template_id = None
    validate(deal, errors)
    deal.save()
    if contact_ids:
        deal.contacts.set(contact_ids)
    events.emit(
        actor,
        "deal.created",
        deal,
        data={"name": deal.name, "stage": deal.stage, "value": deal.value, "owner_id": deal.owner_id},
    )
    return deal


@transaction.atomic
def deal_update(*, actor: Actor, deal: Deal, version: int | None, **changes: Any) -> Deal:
    """Change a deal; a new stage is also `deal.stage_changed` (with the stage's usual probability unless given).
    A won or lost deal is closed (409)."""
    access.require(actor, "deal", "update", deal)
    deal = Deal.objects.select_for_update().select_related("client").get(pk=deal.pk)
    check_version(deal, version)
    unknown = set(changes) - set(DEAL_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    if deal.stage in (DealStage.WON, DealStage.LOST):
        raise Conflict(f"This deal is {deal.stage}; it cannot be changed.", field="stage")
    errors: dict[str, str] = {}
    if changes.get("stage") in (DealStage.WON, DealStage.LOST):
        errors["stage"] = "Win or lose a deal with its win and lose actions."
        changes.pop("stage")
    if "stage" in changes and "probability" not in changes and changes["stage"] != deal.stage:
        changes["probability"] = STAGE_PROBABILITY.get(changes["stage"], deal.probability)
    if "currency" in changes:
        changes["currency"] = currency_code(changes["currency"], "currency", errors)
    contact_ids = changes.pop("contact_ids", None)
    old_contacts = sorted(deal.contacts.values_list("pk", flat=True))
    changed = events.diff(deal, changes)
    errors |= _deal_refs(actor, deal, contact_ids, changes.get("template_id"))
    if contact_ids is not None and sorted(contact_ids) != old_contacts:
        changed["contact_ids"] = [old_contacts, sorted(contact_ids)]
    if not changed and not errors:
        return deal
    validate(deal, errors)
    bump_version(deal)
    deal.save()
    if contact_ids is not None:
        deal.contacts.set(contact_ids)
    events.emit(actor, "deal.updated", deal, data={"changes": changed})
    if "stage" in changed:
        events.emit(actor, "deal.stage_changed", deal, data={"from": changed["stage"][0], "to": changed["stage"][1]})
    return deal


@transaction.atomic
def deal_lose(*, actor: Actor, deal: Deal, reason: str = "") -> Deal:
    access.require(actor, "deal", "update", deal)
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if deal.stage in (DealStage.WON, DealStage.LOST):
        raise Conflict(f"This deal is already {deal.stage}.", field="stage")
    old_stage = deal.stage
    deal.stage = DealStage.LOST
    deal.probability = 0
    deal.closed_on = timezone.localdate()
    deal.lost_reason = (reason or "").strip()
    bump_version(deal)
    deal.save()
    events.emit(actor, "deal.stage_changed", deal, data={"from": old_stage, "to": DealStage.LOST})
    events.emit(actor, "deal.lost", deal, data={"reason": deal.lost_reason, "value": deal.value})
    return deal
