"""Helpers shared by the resourcing services: lookups that report a bad id as a field error, and date parsing."""

from __future__ import annotations

from datetime import date
from typing import Any

from baton.core.access import Actor
from baton.core.validators import whole_minutes
from baton.delivery.models import Project
from baton.people.models import Person
from baton.people.validators import person_of_workspace


def person_or_error(actor: Actor, person_id: Any, errors: dict[str, str], field: str = "person_id") -> Person | None:
    """A bookable person of the workspace (active staff), or a field error."""
    if person_id is None:
        return None
    if isinstance(person_id, bool) or not isinstance(person_id, int):
        errors[field] = "Send a person id (a number)."
        return None
    return person_of_workspace(actor.workspace, person_id, field, errors, staff=True, active=True)


def project_or_error(actor: Actor, project_id: Any, errors: dict[str, str]) -> Project | None:
    if project_id is None:
        errors["project_id"] = "Choose the project to book onto."
        return None
    if isinstance(project_id, bool) or not isinstance(project_id, int):
        errors["project_id"] = "Send a project id (a number)."
        return None
    project = Project.objects.filter(workspace=actor.workspace, pk=project_id).select_related("client").first()
    if project is None:
        errors["project_id"] = "No such project in this workspace."
    elif project.archived_at is not None:
        errors["project_id"] = f"The project “{project.name}” is archived."
        return None
    return project


def date_or_error(value: Any, field: str, errors: dict[str, str], *, required: bool = True) -> date | None:
    if value is None:
        if required:
            errors[field] = "This field is required."
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = "Use a date like 2026-03-02."
        return None


def minutes_or_error(value: Any, field: str, errors: dict[str, str], *, low: int = 1, high: int = 1440) -> int | None:
    if value is None:
        return None
    return whole_minutes(value, field, errors, low=low, high=high)


def describe_minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"
