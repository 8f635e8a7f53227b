"""Who resourcing schedules: the staff of a workspace (never client-role users), their skills, the range checks every
schedule read shares, and one bookable person.

A client-role user sees nothing of resourcing: lists answer 403, ids 404."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.core.selectors import one_or_404
from baton.people.models import Person

MAX_RANGE_DAYS = 731


def today() -> date:
    return timezone.localdate()


def check_range(start: date | None, end: date | None, *, default_days: int = 27) -> tuple[date, date]:
    """A reporting range: defaults to the next four weeks; `to` before `from` or over two years is a 422."""
    start = start or today()
    end = end or start + timedelta(days=default_days)
    if end < start:
        raise ValidationError({"to": "`to` cannot be before `from`."})
    if (end - start).days > MAX_RANGE_DAYS:
        raise ValidationError({"to": f"Ask for at most {MAX_RANGE_DAYS + 1} days at a time."})
    return start, end


def _deny_client(actor: Actor, resource: str) -> None:
    if actor.is_client:
        raise Http404("Not found.")
    access.require(actor, resource, "view")


# --- People on the schedule --------------------------------------------------------------------------------------


def _staff(actor: Actor, *, role: str | None, person_ids: list[int] | None, active: bool | None) -> QuerySet[Person]:
    access.require(actor, "booking", "view")
    qs = Person.objects.filter(workspace=actor.workspace).exclude(membership__role=access.CLIENT).order_by("name", "id")
    if active is not None:
        qs = qs.filter(active=active)
    if person_ids is not None:
        qs = qs.filter(id__in=person_ids)
    if role:
        qs = qs.filter(title__icontains=role)
    return qs


def _has_skill(skills: list[str] | None, skill: str) -> bool:
    wanted = skill.strip().lower()
    return any(s.lower() == wanted for s in skills or [])


def schedule_people(
    *,
    actor: Actor,
    skill: str | None = None,
    role: str | None = None,
    person_ids: list[int] | None = None,
    active: bool | None = True,
) -> list[Person]:
    """Staff who can be booked (client-role users never are), filtered by skill (exact, any case) or job title."""
    people = list(_staff(actor, role=role, person_ids=person_ids, active=active).select_related("membership"))
    if skill:
        people = [p for p in people if _has_skill(p.skills, skill)]
    return people


class StaffRow(NamedTuple):
    """A person on the schedule as the reports read them: plain values, no model instance (a team of hundreds)."""

    id: int
    name: str
    title: str
    weekly_capacity_minutes: int
    working_days: list[int]
    skills: list[str]
    bill_rate: Decimal


def schedule_people_rows(
    *, actor: Actor, skill: str | None = None, role: str | None = None, active: bool | None = True
) -> list[StaffRow]:
    """`schedule_people` (the same people, order and filters) as StaffRow values."""
    rows = [
        StaffRow._make(row)
        for row in _staff(actor, role=role, person_ids=None, active=active).values_list(*StaffRow._fields)
    ]
    if skill:
        rows = [r for r in rows if _has_skill(r.skills, skill)]
    return rows


def schedule_skills(*, actor: Actor) -> list[str]:
    """The skills listed by the people on the schedule (the first spelling met, by name, for each), sorted."""
    access.require(actor, "booking", "view")
    found: dict[str, str] = {}
    for skills in (
        Person.objects.filter(workspace=actor.workspace, active=True)
        .exclude(membership__role=access.CLIENT)
        .order_by("name", "id")
        .values_list("skills", flat=True)
    ):
        for s in skills or []:
            found.setdefault(s.lower(), s)
    return sorted(found.values(), key=str.lower)


def bookable_person(*, actor: Actor, person_id: int) -> Person:
    """A person of the workspace who can be booked, or 404 (client-role users and other workspaces included)."""
    if actor.is_client:
        raise Http404("No such person.")
    person = one_or_404(
        (
            Person.objects.filter(workspace=actor.workspace, pk=person_id)
            .exclude(membership__role=access.CLIENT)
            .select_related("membership")
        ),
        "person",
    )
    return person
