"""What the growth services share: a growth person of the actor's workspace, the person a plan
is for, and whom an event's evidence may credit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from baton.core import access
from baton.core.access import Actor
from baton.people.models import Person
from baton.people.validators import NO_SUCH_PERSON, person_of_workspace


def _growth_person(actor: Actor, person_id: Any, errors: dict[str, str], field: str = "person_id") -> Person | None:
    if person_id is None:
        errors[field] = NO_SUCH_PERSON
        return None
    return person_of_workspace(actor.workspace, person_id, field, errors, staff=True)


# --- Development plans --------------------------------------------------------------------------------------------


def _plan_person(actor: Actor, person_id: Any) -> Person:
    errors: dict[str, str] = {}
    access.require(actor, "growth_record", "create")
    person = _growth_person(actor, person_id, errors)
    if person is None:
        raise ValidationError(errors)
    access.require(actor, "growth_record", "create", person)
    return person


def _creditable(workspace_id: int, person_id: int | None) -> Person | None:
    """Evidence only for people of the event's workspace (staff, not a client's portal user)."""
    if person_id is None:
        return None
    return Person.objects.filter(workspace_id=workspace_id, pk=person_id).exclude(membership__role="client").first()
