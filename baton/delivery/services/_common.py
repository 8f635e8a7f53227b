"""Checks shared by the delivery services."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from baton.core.access import Actor
from baton.core.money import PLACES_MESSAGE, finer_than_cents, to_money
from baton.core.validators import whole_minutes
from baton.people.models import Person
from baton.people.validators import person_of_workspace


def staff_person_error(actor: Actor, person_id: int | None, field: str) -> dict[str, str]:
    """A person named on a project or task must be an active, non-client person of the workspace."""
    if person_id is None:
        return {}
    errors: dict[str, str] = {}
    client_message = "A client portal user cannot be given delivery work."
    person_of_workspace(
        actor.workspace, person_id, field, errors, staff=True, active=True, client_message=client_message
    )
    return errors


def people_errors(actor: Actor, person_ids: Iterable[int], field: str) -> dict[str, str]:
    ids = set(person_ids)
    if not ids:
        return {}
    found = set(
        Person.objects.filter(workspace=actor.workspace, pk__in=ids)
        .exclude(membership__role="client")
        .values_list("id", flat=True)
    )
    missing = sorted(ids - found)
    if missing:
        return {field: f"No such staff person in this workspace: {', '.join(map(str, missing))}."}
    return {}


def money_or_error(value: Any, field: str, errors: dict[str, str], *, allow_none: bool = False) -> Decimal | None:
    """Money in cents; a float, text that is not a number, more decimals than cents or a negative amount is a field
    error (core.money's one precision rule)."""
    if value is None or value == "":
        if allow_none:
            return None
        value = Decimal("0")
    if isinstance(value, float):
        errors[field] = 'Send money as a decimal string, e.g. "1250.00".'
        return None
    try:
        if finer_than_cents(Decimal(str(value).strip())):
            errors[field] = PLACES_MESSAGE
            return None
        amount = to_money(value)
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = "Enter an amount, e.g. 1250.00."
        return None
    if amount < 0:
        errors[field] = "An amount cannot be negative."
        return None
    if amount.adjusted() >= 12:
        errors[field] = "This amount is too large."
        return None
    return amount


def minutes_or_error(value: Any, field: str, errors: dict[str, str], *, allow_none: bool = False) -> int | None:
    if value is None or value == "":
        return None if allow_none else 0
    return whole_minutes(value, field, errors)


def reject_unknown(changes: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})


def clean_tags(value: Any, field: str, errors: dict[str, str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or any(not isinstance(t, str) or not t.strip() for t in value):
        errors[field] = "Tags are a list of non-empty strings."
        return []
    seen: list[str] = []
    for tag in value:
        tag = tag.strip()
        if tag.lower() not in (t.lower() for t in seen):
            seen.append(tag)
    return seen
