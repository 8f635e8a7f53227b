"""Input checks shared by the finance services: percentages, minutes, projects named by id (money and currency
codes: `baton.core.money`)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.http import Http404

from baton.core.access import Actor
from baton.core.money import CENT
from baton.core.validators import MAX_MINUTES
from baton.core.validators import whole_minutes as core_whole_minutes
from baton.delivery.models import Project
from baton.delivery.selectors import visible_projects


def percent(value: Any, field: str, errors: dict[str, str], *, maximum: Decimal = Decimal("100")) -> Decimal | None:
    if value is None or value == "":
        return Decimal("0.00")
    if isinstance(value, float) or isinstance(value, bool):
        errors[field] = 'Send a percentage as a decimal string, e.g. "20.00".'
        return None
    try:
        number = Decimal(str(value).strip()).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = "Enter a percentage, e.g. 20.00."
        return None
    if not Decimal("0") <= number <= maximum:
        errors[field] = f"Enter a percentage from 0 to {maximum}."
        return None
    return number


def whole_minutes(value: Any, field: str, errors: dict[str, str], *, allow_negative: bool = False) -> int | None:
    """Whole minutes (core's one rule); a change order's delta may be negative."""
    return core_whole_minutes(value, field, errors, low=-MAX_MINUTES if allow_negative else 0)


def visible_project(actor: Actor, project_id: Any, errors: dict[str, str], field: str = "project_id") -> Project | None:
    """A project the actor may see, or a field error (an unknown or invisible id is the same to the caller)."""
    if project_id is None:
        errors[field] = "Choose a project."
        return None

    try:
        project = visible_projects(actor).select_related("client", "project_manager").filter(pk=project_id).first()
    except Http404:  # pragma: no cover - visible_projects does not raise
        project = None
    if project is None:
        errors[field] = "No such project in this workspace."
    return project
