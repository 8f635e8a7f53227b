"""What the resourcing pages share: reading dates and numbers from the query string, the people picker, the way back
and the overbooking warning."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse

from baton.core import access
from baton.core.validators import parse_day
from baton.core.web import safe_next
from baton.resourcing import selectors

SCHEDULE_KEYS = ("start", "scale", "skill", "role", "project")


def _date(value: str | None, default: date) -> date:
    """A date parameter of a page; a malformed one, or one outside the accepted range, gives the default."""
    return parse_day(value) or default


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _people_choices(actor: access.Actor) -> list[tuple[int, str]]:
    return [(p.id, f"{p.name} · {p.title}" if p.title else p.name) for p in selectors.schedule_people(actor=actor)]


def _back(request: HttpRequest) -> str:
    """Back to the schedule the person came from (only our own schedule URLs)."""
    schedule = reverse("resourcing:schedule")
    return safe_next(request, schedule, under=schedule)


def _warn(request: HttpRequest, obj: Any) -> None:
    for warning in getattr(obj, "warnings", []):
        messages.warning(request, warning)
