"""What the delivery pages share: the people picker, refusing client-role users, reading an int and the way back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from baton.core.access import Actor
from baton.people.models import Person


def _people(actor: Actor) -> list[tuple[int, str]]:
    rows = (
        Person.objects.filter(workspace=actor.workspace, active=True)
        .exclude(membership__role="client")
        .order_by("name")
        .values_list("id", "name")
    )
    return list(rows)


def _client_refused(save: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    """An account manager choosing a client outside its portfolio sees why on the client field, not a 403 page."""

    def wrapped(data: dict[str, Any]) -> Any:
        try:
            return save(data)
        except PermissionDenied as exc:
            raise ValidationError({"client_id": f"{exc} Choose one of your own clients."}) from exc

    return wrapped


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
