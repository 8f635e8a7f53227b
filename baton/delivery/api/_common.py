"""What the delivery API modules share: a visible project by id, a record named in a body, and
whether the reader may see budgets."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404

from baton.core.access import Actor, can_see_budgets
from baton.delivery import selectors
from baton.delivery.models import Project


def _in_body(field: str, finder: Any, **kwargs: Any) -> Any:
    """A record named in the body that the actor cannot see is an unknown id of that field (422), not a 404."""
    try:
        return finder(**kwargs)
    except Http404 as exc:
        raise ValidationError(
            {field: f"No such {field.removesuffix('_id').replace('_', ' ')} in this workspace."}
        ) from exc


def _project(actor: Actor, project_id: int) -> Project:
    return selectors.project_get(actor=actor, project_id=project_id)


def _budgets_visible(context: dict[str, Any]) -> bool:
    return can_see_budgets(context["request"].auth)
