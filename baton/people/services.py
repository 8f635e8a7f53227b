"""Writes for people. A person is a login of the workspace: creating one creates (or reuses) the user and the
membership in the same transaction. A new workspace is made here too, with its owner as its first person."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from baton.core import access, events, registry
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Membership, Role, Workspace
from baton.core.services import bump_version, check_version, user_get_or_create
from baton.core.validators import currency_code
from baton.people.models import Person
from baton.people.validators import person_of_workspace

PERSON_FIELDS = (
    "name",
    "email",
    "title",
    "weekly_capacity_minutes",
    "working_days",
    "cost_rate",
    "bill_rate",
    "skills",
    "active",
    "client_id",
    "lead_id",
)


def _check_role(role: str) -> str:
    if role not in Role.values:
        raise ValidationError({"role": f"Choose one of: {', '.join(Role.values)}."})
    return role


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    name: str,
    email: str,
    role: str = Role.MEMBER,
    title: str = "",
    weekly_capacity_minutes: int = 2400,
    working_days: list[int] | None = None,
    cost_rate: Decimal = Decimal("0.00"),
    bill_rate: Decimal = Decimal("0.00"),
    skills: list[str] | None = None,
    active: bool = True,
    client_id: int | None = None,
    lead_id: int | None = None,
    password: str | None = None,
    resource_manager: bool = False,
) -> Person:
    """Add a person to the actor's workspace: their login (new or existing), membership and profile."""
    access.require(actor, "person", "create")
    role = _check_role(str(role))
    if actor.role != Role.OWNER and role == Role.OWNER:
        raise ValidationError({"role": "Only an owner can make someone an owner."})
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": "This field is required."})
    if Person.objects.filter(workspace=actor.workspace, email__iexact=email).exists():
        raise ValidationError({"email": "A person with this email already exists in this workspace."})
    person = Person(
        workspace=actor.workspace,
        name=(name or "").strip(),
        email=email,
        title=title,
        weekly_capacity_minutes=weekly_capacity_minutes,
        working_days=working_days or [1, 2, 3, 4, 5],
        cost_rate=cost_rate,
        bill_rate=bill_rate,
        skills=skills or [],
        active=active,
        client_id=client_id,
        lead_id=lead_id,
    )
    # Validate everything before the login exists, so a bad field leaves nothing behind.
    person.full_clean(exclude=["membership"])
    if role == Role.CLIENT and not client_id:
        raise ValidationError({"client_id": "A client-role person must name the client whose portal they use."})
    if role != Role.CLIENT and client_id:
        raise ValidationError({"client_id": "Only a client-role person belongs to a client."})
    if resource_manager and role == Role.CLIENT:
        raise ValidationError({"resource_manager": "A client-role person cannot manage the team's resources."})
    user = user_get_or_create(email=email, name=person.name, password=password)
    membership, _ = Membership.objects.update_or_create(
        workspace=actor.workspace,
        user=user,
        defaults={"role": role, "is_active": active, "resource_manager": bool(resource_manager)},
    )
    person.membership = membership
    person.full_clean()
    person.save()
    events.emit(actor, "person.created", person, data={"name": person.name, "email": email, "role": role})
    return person


@transaction.atomic
def person_update(
    *, actor: Actor, person: Person, version: int | None, successor_id: int | None = None, **changes: Any
) -> Person:
    """Change a person's profile, role or resource-manager capability (`resource_manager`, on the membership).
    `changes` takes PERSON_FIELDS, `role` and `resource_manager`. Archiving (`active` to false)
    someone who holds open work needs a `successor_id` who receives it (`hand_over`), else 409 listing it."""
    access.require(actor, "person", "update", person)
    person = Person.objects.select_for_update().select_related("membership").get(pk=person.pk)
    check_version(person, version)
    unknown = set(changes) - set(PERSON_FIELDS) - {"role", "resource_manager"}
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    role = changes.pop("role", None)
    manages = changes.pop("resource_manager", None)
    if "email" in changes:
        changes["email"] = (changes["email"] or "").strip().lower()
        if (
            changes["email"] != person.email
            and Person.objects.filter(workspace=person.workspace, email__iexact=changes["email"]).exists()
        ):
            raise ValidationError({"email": "A person with this email already exists in this workspace."})
    changed = events.diff(person, changes)
    membership = person.membership
    if role is not None and role != membership.role:
        _change_role(actor, person, role, changed)
    if manages is not None:
        _change_resource_manager(membership, bool(manages), changed)
    if "active" in changed:
        _check_owner_activity(actor, person)
    if not changed:
        return person
    handed: dict[str, int] = {}
    if "active" in changed and not person.active:
        handed = hand_over(actor, person, successor_id)
    person.full_clean()
    if "email" in changed:
        # The login follows the person's email when no other workspace uses that login.
        user = membership.user
        if not Membership.objects.filter(user=user).exclude(pk=membership.pk).exists():
            user.email = person.email
            user.save(update_fields=["email"])
    membership.is_active = person.active
    membership.save()
    bump_version(person)
    person.save()
    verb = "person.updated"
    events.emit(actor, verb, person, data={"changes": changed})
    if "role" in changed:
        events.emit(actor, "person.role_changed", person, data={"from": changed["role"][0], "to": changed["role"][1]})
    if "active" in changed:
        data = {"successor_id": successor_id, "handed_over": handed} if handed else {}
        events.emit(actor, "person.archived" if not person.active else "person.reactivated", person, data=data)
    return person


def _change_resource_manager(membership: Membership, manages: bool, changed: dict[str, Any]) -> None:
    """Set the resource-manager capability (recorded in `changed`); a client-role person cannot hold it."""
    if manages == membership.resource_manager:
        return
    if manages and membership.role == Role.CLIENT:
        raise ValidationError({"resource_manager": "A client-role person cannot manage the team's resources."})
    changed["resource_manager"] = [membership.resource_manager, manages]
    membership.resource_manager = manages


def holdings(*, actor: Actor, person: Person) -> list[tuple[registry.HoldingSource, list[registry.HeldItem]]]:
    """What the person holds that someone must take over when they leave (open handoffs as owner or receiver, next
    steps, clients they manage, projects they run, open tasks, future bookings): the apps above people register it
    (`core.registry.register_holding_source`)."""
    access.require(actor, "person", "view", person)
    return registry.person_holdings(actor.workspace, person.pk)


def holdings_summary(held: list[tuple[registry.HoldingSource, list[registry.HeldItem]]]) -> list[dict[str, str]]:
    """One `{field: "holdings.<key>", message}` per kind of holding, for a 409's problem+json."""
    summary = []
    for source, items in held:
        titles = "; ".join(item.title for item in items[:5]) + (
            f"; and {len(items) - 5} more" if len(items) > 5 else ""
        )
        summary.append({"field": f"holdings.{source.key}", "message": f"{source.label} ({len(items)}): {titles}"})
    return summary


def hand_over(actor: Actor, person: Person, successor_id: int | None) -> dict[str, int]:
    """Hand what `person` holds to the successor through each owning app's services (same transaction): returns
    {source key: count moved}. With holdings and no successor: 409 naming `successor_id` and listing them."""
    held = registry.person_holdings(actor.workspace, person.pk)
    if successor_id is None:
        if not held:
            return {}
        raise Conflict(
            f"{person.name} still holds open work ({', '.join(f'{s.label}: {len(i)}' for s, i in held)}). Name a "
            "successor (successor_id) who takes it over, or hand it over first.",
            field="successor_id",
            errors=holdings_summary(held),
        )
    errors: dict[str, str] = {}
    successor = person_of_workspace(actor.workspace, successor_id, "successor_id", errors, staff=True, active=True)
    if successor is not None and successor.pk == person.pk:
        errors["successor_id"] = "The successor is someone other than the person archived."
    if errors:
        raise ValidationError(errors)
    moved: dict[str, int] = {}
    for source, _items in held:
        try:
            moved[source.key] = source.mover(actor, person.pk, successor_id)
        except ValidationError as exc:
            raise ValidationError({"successor_id": f"{source.label}: {' '.join(exc.messages)}"}) from exc
        except Conflict as exc:
            raise Conflict(f"{source.label}: {exc.detail}", field="successor_id") from exc
    return moved


def _change_role(actor: Actor, person: Person, role: Any, changed: dict[str, Any]) -> None:
    """Give the person's membership `role` (a change, recorded in `changed`): only an owner grants or removes the
    owner role, and the workspace keeps an active owner."""
    membership = person.membership
    _check_role(str(role))
    if actor.role != Role.OWNER and Role.OWNER in (role, membership.role):
        raise ValidationError({"role": "Only an owner can grant or remove the owner role."})
    if membership.role == Role.OWNER and not _other_owner_exists(person):
        raise ValidationError({"role": "The workspace needs at least one active owner."})
    changed["role"] = [membership.role, role]
    membership.role = role


def _check_owner_activity(actor: Actor, person: Person) -> None:
    """The person's `active` changes: only an owner (de)activates an owner, and the workspace keeps an active one."""
    membership = person.membership
    if membership.role == Role.OWNER and actor.role != Role.OWNER:
        raise PermissionDenied("Only an owner can deactivate or reactivate an owner.")
    if not person.active and membership.role == Role.OWNER and not _other_owner_exists(person):
        raise ValidationError({"active": "The workspace needs at least one active owner."})


def _other_owner_exists(person: Person) -> bool:
    return (
        Membership.objects.filter(workspace=person.workspace, role=Role.OWNER, is_active=True)
        .exclude(pk=person.membership_id)
        .exists()
    )


@transaction.atomic
def person_archive(*, actor: Actor, person: Person, successor_id: int | None = None) -> Person:
    """Deactivate a person: they keep their history but can no longer log in to this workspace. What they hold
    goes to `successor_id` (409 listing it when there is some and no successor is named; see `hand_over`)."""
    access.require(actor, "person", "archive", person)
    if not person.active:
        return person
    return person_update(actor=actor, person=person, version=person.version, successor_id=successor_id, active=False)


@transaction.atomic
def workspace_create(
    *, slug: str, name: str, currency: str = "USD", owner_email: str, owner_password: str | None, owner_name: str = ""
) -> Workspace:
    """A new workspace with its owner (a person of the workspace, role owner)."""
    errors: dict[str, str] = {}
    currency = currency_code(currency, "currency", errors)
    if errors:
        raise ValidationError(errors)
    workspace = Workspace(slug=slug, name=name, currency=currency)
    workspace.full_clean()
    workspace.save()
    actor = Actor.system(workspace)
    events.emit(actor, "workspace.created", workspace, data={"slug": slug, "name": name, "currency": currency})
    person_create(
        actor=actor,
        name=owner_name or owner_email.split("@")[0].replace(".", " ").title(),
        email=owner_email,
        role=Role.OWNER,
        password=owner_password,
    )
    return workspace
