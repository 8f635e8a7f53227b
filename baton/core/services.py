"""Writes for workspaces, users, memberships and API tokens."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone

from baton.core import access, events, formats, registry
from baton.core.access import Actor
from baton.core.errors import Conflict, PreconditionRequired
from baton.core.models import ApiToken, Membership, User, Workspace, hash_token
from baton.core.validators import accepted_date, currency_code

TOKEN_PREFIX = "btn_"


def check_version(obj: models.Model, version: int | None) -> None:
    """Optimistic concurrency: the caller must name the version it read; a stale one changes nothing (409)."""
    if version is None:
        raise PreconditionRequired(
            "Send the record's current version in an If-Match header or a `version` field.", field="version"
        )
    current = getattr(obj, "version")  # noqa: B009
    if int(version) != current:
        raise Conflict(
            f"The record changed since you read it (you sent version {version}, it is now {current}). "
            "Reload it and apply your change again.",
            field="version",
        )


def validate(
    obj: models.Model,
    errors: dict[str, str] | None = None,
    *,
    exclude: list[str] | None = None,
    validate_constraints: bool = True,
) -> None:
    """`full_clean()` plus the service's own field errors, raised together so every bad field is named at once; every
    date and time the record holds must lie in the accepted range (core.validators), whoever wrote it."""
    errors = dict(errors or {})
    for date_field in obj._meta.concrete_fields:
        name = date_field.name
        if isinstance(date_field, models.DateField) and name not in errors and name not in (exclude or ()):
            accepted_date(getattr(obj, date_field.attname), name, errors)
    collected: dict[str, list[str]] = {k: [v] for k, v in errors.items()}
    try:
        obj.full_clean(exclude=exclude, validate_constraints=validate_constraints)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            collected.setdefault(field, []).extend(m for m in messages if m not in collected.get(field, []))
    # A constraint over an expression (e.g. a case-insensitive unique name) reports on no field; when the service
    # already named the field with the same message, keep only that one.
    named = {m for f, ms in collected.items() if f != NON_FIELD_ERRORS for m in ms}
    if NON_FIELD_ERRORS in collected:
        collected[NON_FIELD_ERRORS] = [m for m in collected[NON_FIELD_ERRORS] if m not in named]
        if not collected[NON_FIELD_ERRORS]:
            del collected[NON_FIELD_ERRORS]
    if collected:
        raise ValidationError(collected)


def bump_version(obj: models.Model) -> None:
    setattr(obj, "version", getattr(obj, "version") + 1)  # noqa: B009, B010


@transaction.atomic
def user_get_or_create(*, email: str, name: str = "", password: str | None = None) -> User:
    """The login for an email, created when new. An existing user's password is left alone."""
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, name=name)
    return user


WORKSPACE_BILLING_FIELDS = (
    "legal_name",
    "address",
    "country",
    "vat_id",
    "bank_name",
    "iban",
    "bic",
    "payment_terms_days",
)


@transaction.atomic
def workspace_update(
    *,
    actor: Actor,
    version: int | None,
    name: str | None = None,
    currency: str | None = None,
    locale: str | None = None,
    max_portfolio_size: int | None = None,
    two_factor_required: bool | None = None,
    process_changes_need_approval: bool | None = None,
    **billing: Any,
) -> Workspace:
    """Change the workspace's settings; `billing` holds the seller's details (WORKSPACE_BILLING_FIELDS)."""
    access.require(actor, "workspace", "update")
    unknown = set(billing) - set(WORKSPACE_BILLING_FIELDS)
    if unknown:
        raise ValidationError({name: "Not a workspace setting." for name in sorted(unknown)})
    workspace = Workspace.objects.select_for_update().get(pk=actor.workspace.pk)
    check_version(workspace, version)
    changes = {
        k: v
        for k, v in {
            "name": name,
            "currency": currency,
            "locale": locale,
            "max_portfolio_size": max_portfolio_size,
            "two_factor_required": two_factor_required,
            "process_changes_need_approval": process_changes_need_approval,
            **billing,
        }.items()
        if v is not None
    }
    if "country" in changes:
        changes["country"] = str(changes["country"]).strip().upper()
    for name in ("vat_id", "iban", "bic"):
        if name in changes:
            changes[name] = "".join(str(changes[name]).split()).upper()
    errors: dict[str, str] = {}
    if changes.get("country") and not (len(changes["country"]) == 2 and changes["country"].isalpha()):
        errors["country"] = "Use the two-letter ISO 3166 code, e.g. DE, GB or US."
    if "currency" in changes:
        changes["currency"] = currency_code(changes["currency"], "currency", errors)
    if "locale" in changes:
        changes["locale"] = formats.valid_locale(str(changes["locale"])) or ""
        if not changes["locale"]:
            errors["locale"] = "Not a locale Baton knows; use a code such as en_US, en_GB or de_DE."
    if errors:
        raise ValidationError(errors)
    changed = events.diff(workspace, changes)
    if changed:
        workspace.full_clean()
        if "currency" in changed:
            currency_change_check(workspace, old=changed["currency"][0], new=changed["currency"][1])
        bump_version(workspace)
        workspace.save()
        events.emit(actor, "workspace.updated", workspace, data={"changes": changed})
    return workspace


@transaction.atomic
def duration_style_set(*, actor: Actor, duration_style: str) -> User:
    """A person's own way of reading durations: "hm" (1 h 30 min, 1:30 in tables) or "decimal" (1.5 h). Every page
    they open writes durations that way (formats.style_for); emits `preferences.updated` when it changes."""
    if actor.user is None or actor.membership is None:
        raise ValidationError({"duration_style": "Only a person signed in chooses how durations are written."})
    if duration_style not in formats.DURATION_STYLES:
        raise ValidationError({"duration_style": "Choose hm (1 h 30 min) or decimal (1.5 h)."})
    user = User.objects.select_for_update().get(pk=actor.user.pk)
    old = user.duration_style
    if old != duration_style:
        user.duration_style = duration_style
        user.save(update_fields=["duration_style"])
        actor.user.duration_style = duration_style
        target = getattr(actor.membership, "person", None) or actor.membership
        events.emit(
            actor, "preferences.updated", target, data={"duration_style": [old, duration_style]}, client_id=None
        )
    return user


def currency_change_check(workspace: Workspace, *, old: str, new: str) -> None:
    """MONEY.md §2: the base currency is fixed once any money exists (a rate, an entry with an amount, an expense, a
    budget, an invoice). The domain apps say what holds money (`registry.register_money_holder`); 409 naming it."""
    if str(old or "").upper() == str(new or "").upper():
        return
    held = registry.money_held(workspace)
    if held:
        what = [label for label, _ in held]
        listed = ", ".join(what[:-1]) + f" and {what[-1]}" if len(what) > 1 else what[0]
        raise Conflict(
            f"The base currency stays {old}: {listed} already hold money in it. "
            "It can change only while the workspace holds no money.",
            field="currency",
        )


@transaction.atomic
def api_token_create(*, actor: Actor, user: User, name: str = "api") -> tuple[ApiToken, str]:
    """A new bearer token for `user` in the actor's workspace. Returns the record and the raw token (shown once)."""
    membership = Membership.objects.filter(workspace=actor.workspace, user=user, is_active=True).first()
    if membership is None:
        raise ValidationError({"email": f"{user.email} is not an active member of {actor.workspace.slug}."})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace=actor.workspace, user=user, name=name, prefix=raw[:10], token_hash=hash_token_value(raw)
    )
    events.emit(actor, "api_token.created", token, data={"user": user.email, "name": name})
    return token, raw


def hash_token_value(raw: str) -> str:
    return hash_token(raw)


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    events.emit(actor, "api_token.revoked", token)
