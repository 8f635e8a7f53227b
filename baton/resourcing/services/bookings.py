"""Writes for bookings: create, update, move, resize, split, staff a placeholder, delete.

Overbooking: by default a change that overbooks someone is accepted and the booking carries `warnings` (and
`overbooked_days`); when the workspace refuses overbooking, the change answers 409 naming the days and nothing is
saved. Only days the change makes worse count, so shrinking a booking of someone already overbooked is allowed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from baton.core import access, events, formats
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import bump_version, check_version, validate
from baton.people.models import Person
from baton.resourcing.calendar import Day, load_calendar
from baton.resourcing.models import Booking, OverbookingMode
from baton.resourcing.selectors import settings_for
from baton.resourcing.services._common import (
    date_or_error,
    minutes_or_error,
    person_or_error,
    project_or_error,
)

BOOKING_FIELDS = (
    "person_id",
    "project_id",
    "start_date",
    "end_date",
    "minutes_per_day",
    "total_minutes",
    "tentative",
    "role",
    "skill",
    "note",
)
MAX_LISTED_DAYS = 10


def _day_load(d: Day) -> str:
    """An overbooked day for a message: Dec 7, 2026 (9 h of 8 h)."""
    return f"{formats.day(d.date)} ({formats.duration(d.booked_minutes)} of {formats.duration(d.capacity_minutes)})"


class Overbooked(Conflict):
    """The workspace refuses overbooking and this change would overbook someone (409, naming the days)."""

    def __init__(self, person: Person, days: list[Day]) -> None:
        listed = ", ".join(_day_load(d) for d in days[:MAX_LISTED_DAYS])
        more = f" and {len(days) - MAX_LISTED_DAYS} more" if len(days) > MAX_LISTED_DAYS else ""
        super().__init__(
            f"{person.name} would be overbooked on {len(days)} day{'s' if len(days) != 1 else ''}: {listed}{more}. "
            "This workspace refuses overbooking; choose other dates, fewer minutes or someone else.",
            field="minutes_per_day",
        )
        self.person = person
        self.days = days


def _booked_by_day(actor: Actor, person: Person | None, start: date, end: date) -> dict[date, int]:
    if person is None:
        return {}
    calendar = load_calendar(actor.workspace, [person], start, end)
    return {d.date: d.booked_minutes for d in calendar.days(person.id)}


def _overbooking(actor: Actor, booking: Booking, before: dict[date, int], *, settings: Any | None = None) -> list[Day]:
    """Days in the booking's range on which its person is overbooked and more booked than before the change.

    Raises Overbooked when the workspace refuses overbooking; otherwise records warnings on the booking.
    """
    booking.warnings = getattr(booking, "warnings", [])  # type: ignore[attr-defined]
    booking.overbooked_days = []  # type: ignore[attr-defined]
    if booking.person_id is None:
        return []
    settings = settings or settings_for(actor.workspace)
    person = booking.person
    assert person is not None
    calendar = load_calendar(actor.workspace, [person], booking.start_date, booking.end_date, settings=settings)
    worse = [d for d in calendar.days(person.id) if d.overbooked and d.booked_minutes > before.get(d.date, 0)]
    if worse and settings.overbooking_mode == OverbookingMode.REFUSE:
        raise Overbooked(person, worse)
    if worse:
        listed = ", ".join(_day_load(d) for d in worse[:MAX_LISTED_DAYS])
        more = f" and {len(worse) - MAX_LISTED_DAYS} more" if len(worse) > MAX_LISTED_DAYS else ""
        booking.warnings.append(  # type: ignore[attr-defined]
            f"{person.name} is overbooked on {len(worse)} day{'s' if len(worse) != 1 else ''}: {listed}{more}."
        )
    booking.overbooked_days = worse  # type: ignore[attr-defined]
    return worse


def _spread(
    actor: Actor, person: Person | None, start: date, end: date, total: int, errors: dict[str, str]
) -> tuple[int | None, str]:
    """minutes_per_day for `total` minutes over the person's working days in range (rounded up), and a note."""
    calendar = load_calendar(actor.workspace, [person] if person else [], start, end)
    days = len(calendar.booking_days(person.id if person else None, start, end))
    if days == 0:
        errors["total_minutes"] = "There is no working day in this range to spread the minutes over."
        return None, ""
    per_day = -(-total // days)
    if per_day > 1440:
        errors["total_minutes"] = f"{formats.duration(total)} over {days} working days is more than a whole day each."
        return None, ""
    note = ""
    if per_day * days != total:
        note = (
            f"{formats.duration(total)} over {days} working days books {formats.duration(per_day)} a day "
            f"({formats.duration(per_day * days)} in all, rounded up)."
        )
    return per_day, note


def _working_days_note(actor: Actor, booking: Booking) -> str:
    calendar = load_calendar(
        actor.workspace, [booking.person] if booking.person_id else [], booking.start_date, booking.end_date
    )
    if not calendar.booking_days(booking.person_id, booking.start_date, booking.end_date):
        return "This booking falls on no working day, so it books no time."
    return ""


def _project_dates_note(booking: Booking) -> str:
    project = booking.project
    if (project.start_date and booking.start_date < project.start_date) or (
        project.end_date and booking.end_date > project.end_date
    ):
        return (
            f"The booking runs outside the project's dates ({project.start_date or '…'} to {project.end_date or '…'})."
        )
    return ""


def _data(booking: Booking) -> dict[str, Any]:
    return {
        "person_id": booking.person_id,
        "project_id": booking.project_id,
        "start_date": booking.start_date,
        "end_date": booking.end_date,
        "minutes_per_day": booking.minutes_per_day,
        "tentative": booking.tentative,
        "placeholder": booking.person_id is None,
        "role": booking.role,
        "skill": booking.skill,
    }


# Complexity: a table of per-field checks (each names its field) before one write.
@transaction.atomic
def booking_create(
    *,
    actor: Actor,
    project_id: int | None,
    start_date: date | None,
    end_date: date | None,
    person_id: int | None = None,
    minutes_per_day: int | None = None,
    total_minutes: int | None = None,
    tentative: bool = False,
    role: str = "",
    skill: str = "",
    note: str = "",
) -> Booking:
    """Book a person (or a placeholder role/skill) onto a project from start to end, some minutes a working day.

    Send `minutes_per_day`, or `total_minutes` to spread over the person's working days in the range.
    """
    access.require(actor, "booking", "create")
    errors: dict[str, str] = {}
    project = project_or_error(actor, project_id, errors)
    person = person_or_error(actor, person_id, errors)
    start = date_or_error(start_date, "start_date", errors)
    end = date_or_error(end_date, "end_date", errors)
    if start and end and end < start:
        errors["end_date"] = "The end date cannot be before the start date."
    minutes_per_day = minutes_or_error(minutes_per_day, "minutes_per_day", errors)
    total_minutes = minutes_or_error(total_minutes, "total_minutes", errors, high=10_000_000)
    warnings: list[str] = []
    if minutes_per_day is not None and total_minutes is not None:
        errors["total_minutes"] = "Send minutes_per_day or total_minutes, not both."
    elif minutes_per_day is None and total_minutes is None and "minutes_per_day" not in errors:
        errors.setdefault("minutes_per_day", "Send minutes_per_day (or total_minutes to spread over the range).")
    elif total_minutes is not None and start and end and end >= start and "person_id" not in errors:
        minutes_per_day, spread_note = _spread(actor, person, start, end, total_minutes, errors)
        if spread_note:
            warnings.append(spread_note)
    booking = Booking(
        workspace=actor.workspace,
        person=person,
        project=project,
        start_date=start,  # type: ignore[misc]  # None is reported by validate()
        end_date=end,  # type: ignore[misc]
        minutes_per_day=minutes_per_day or 1,
        tentative=bool(tentative),
        role=(role or "").strip(),
        skill=(skill or "").strip(),
        note=note or "",
        created_by_id=actor.person_id,
    )
    if person is None and person_id is not None:
        booking.role = booking.role or "?"  # an unknown person is reported once, on person_id
    validate(booking, errors, exclude=["workspace", "project", "person", "created_by"])
    booking.role = (role or "").strip()
    before = _booked_by_day(actor, person, booking.start_date, booking.end_date)
    booking.save()
    booking.warnings = warnings  # type: ignore[attr-defined]
    _overbooking(actor, booking, before)
    for extra in (_working_days_note(actor, booking), _project_dates_note(booking)):
        if extra:
            booking.warnings.append(extra)  # type: ignore[attr-defined]
    events.emit(
        actor,
        "booking.created",
        booking,
        data=_data(booking) | {"overbooked_days": [d.date for d in booking.overbooked_days]},  # type: ignore[attr-defined]
    )
    return booking


def _locked(booking: Booking, version: int | None, *, required: bool) -> Booking:
    locked = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("person", "project", "project__client")
        .get(pk=booking.pk)
    )
    if required or version is not None:
        check_version(locked, version)
    return locked


# Complexity: a table of per-field checks and normalisations, one branch per changeable field.
def _apply(
    actor: Actor, booking: Booking, changes: dict[str, Any], errors: dict[str, str]
) -> tuple[dict[str, list[Any]], list[str]]:
    """Validate and apply field changes to a locked booking; returns (changed, warnings)."""
    unknown = set(changes) - set(BOOKING_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    warnings: list[str] = []
    if "person_id" in changes and changes["person_id"] is not None:
        person = person_or_error(actor, changes["person_id"], errors)
        if person is None:
            changes.pop("person_id")
    if "project_id" in changes:
        if project_or_error(actor, changes["project_id"], errors) is None:
            changes.pop("project_id")
    for field in ("start_date", "end_date"):
        if field in changes:
            value = date_or_error(changes[field], field, errors)
            if value is None:
                changes.pop(field)
            else:
                changes[field] = value
    if "minutes_per_day" in changes:
        if minutes_or_error(changes["minutes_per_day"], "minutes_per_day", errors) is None:
            changes.pop("minutes_per_day")
    total = changes.pop("total_minutes", None)
    if total is not None:
        total = minutes_or_error(total, "total_minutes", errors, high=10_000_000)
        if "minutes_per_day" in changes:
            errors["total_minutes"] = "Send minutes_per_day or total_minutes, not both."
    for text in ("role", "skill", "note"):
        if text in changes:
            changes[text] = (changes[text] or "").strip()
    if "tentative" in changes:
        changes["tentative"] = bool(changes["tentative"])
    changed = events.diff(booking, changes)
    if total is not None and not errors:
        person = booking.person if booking.person_id else None
        if booking.end_date >= booking.start_date:
            per_day, note = _spread(actor, person, booking.start_date, booking.end_date, total, errors)
            if per_day is not None:
                changed |= events.diff(booking, {"minutes_per_day": per_day})
            if note:
                warnings.append(note)
    validate(booking, errors, exclude=["workspace", "project", "person", "created_by"])
    return changed, warnings


def _finish(actor: Actor, booking: Booking, before: dict[date, int], warnings: list[str]) -> Booking:
    """Save a changed booking, re-read its links, check overbooking (may raise 409), collect warnings."""
    bump_version(booking)
    booking.save()
    fresh = Booking.objects.select_related("person", "project", "project__client").get(pk=booking.pk)
    fresh.warnings = list(warnings)  # type: ignore[attr-defined]
    _overbooking(actor, fresh, before)
    for extra in (_working_days_note(actor, fresh), _project_dates_note(fresh)):
        if extra:
            fresh.warnings.append(extra)  # type: ignore[attr-defined]
    return fresh


def _no_warnings(booking: Booking) -> Booking:
    booking.warnings = []  # type: ignore[attr-defined]
    booking.overbooked_days = []  # type: ignore[attr-defined]
    return booking


@transaction.atomic
def booking_update(*, actor: Actor, booking: Booking, version: int | None, **changes: Any) -> Booking:
    """Change a booking's fields (PATCH). Staffing a placeholder this way also records `booking.staffed`."""
    access.require(actor, "booking", "update", booking)
    booking = _locked(booking, version, required=True)
    old_person = booking.person_id
    errors: dict[str, str] = {}
    changed, warnings = _apply(actor, booking, dict(changes), errors)
    if not changed:
        return _no_warnings(booking)
    # The database still holds the booking as it was: that is the "before" the overbooking check compares to.
    before = _booked_by_day(actor, booking.person if booking.person_id else None, booking.start_date, booking.end_date)
    booking = _finish(actor, booking, before, warnings)
    events.emit(actor, "booking.updated", booking, data={"changes": changed})
    if old_person is None and booking.person_id is not None:
        events.emit(
            actor,
            "booking.staffed",
            booking,
            data={"person_id": booking.person_id, "role": booking.role, "skill": booking.skill},
        )
    return booking


@transaction.atomic
def booking_move(
    *,
    actor: Actor,
    booking: Booking,
    start_date: date | None,
    version: int | None = None,
    person_id: int | None = None,
    keep_person: bool = True,
) -> Booking:
    """Move a booking to start on another date (keeping its length), optionally onto someone else."""
    access.require(actor, "booking", "update", booking)
    booking = _locked(booking, version, required=False)
    errors: dict[str, str] = {}
    start = date_or_error(start_date, "start_date", errors)
    person = None
    if not keep_person:
        person = person_or_error(actor, person_id, errors)
    if errors:
        raise ValidationError(errors)
    assert start is not None
    old = {"start_date": booking.start_date, "end_date": booking.end_date, "person_id": booking.person_id}
    before = _booked_by_day(actor, person or booking.person, start, start + (booking.end_date - booking.start_date))
    shift = start - booking.start_date
    booking.start_date, booking.end_date = start, booking.end_date + shift
    if not keep_person:
        booking.person = person
    if old == {"start_date": booking.start_date, "end_date": booking.end_date, "person_id": booking.person_id}:
        return _no_warnings(booking)
    validate(booking, {}, exclude=["workspace", "project", "person", "created_by"])
    booking = _finish(actor, booking, before, [])
    events.emit(
        actor,
        "booking.moved",
        booking,
        data={
            "from": {k: events.jsonable(v) for k, v in old.items()},
            "to": {"start_date": booking.start_date, "end_date": booking.end_date, "person_id": booking.person_id},
        },
    )
    if old["person_id"] is None and booking.person_id is not None:
        events.emit(actor, "booking.staffed", booking, data={"person_id": booking.person_id})
    return booking


@transaction.atomic
def booking_resize(
    *,
    actor: Actor,
    booking: Booking,
    start_date: date | None = None,
    end_date: date | None = None,
    version: int | None = None,
) -> Booking:
    """Change where a booking starts and/or ends."""
    access.require(actor, "booking", "update", booking)
    changes = {k: v for k, v in {"start_date": start_date, "end_date": end_date}.items() if v is not None}
    if not changes:
        raise ValidationError({"end_date": "Send a new start_date and/or end_date."})
    booking = _locked(booking, version, required=False)
    errors: dict[str, str] = {}
    changed, warnings = _apply(actor, booking, changes, errors)
    if not changed:
        return _no_warnings(booking)
    before = _booked_by_day(actor, booking.person if booking.person_id else None, booking.start_date, booking.end_date)
    booking = _finish(actor, booking, before, warnings)
    events.emit(actor, "booking.updated", booking, data={"changes": changed, "action": "resize"})
    return booking


@transaction.atomic
def booking_split(
    *, actor: Actor, booking: Booking, on: date | None, version: int | None = None
) -> tuple[Booking, Booking]:
    """Split a booking in two: the first part ends the day before `on`, the second starts on `on`."""
    access.require(actor, "booking", "update", booking)
    booking = _locked(booking, version, required=False)
    errors: dict[str, str] = {}
    day = date_or_error(on, "date", errors)
    if day is not None and not booking.start_date < day <= booking.end_date:
        errors["date"] = (
            f"Split on a day after the booking starts ({booking.start_date}) and no later than it ends "
            f"({booking.end_date})."
        )
    if errors:
        raise ValidationError(errors)
    assert day is not None
    old_end = booking.end_date
    second = Booking(
        workspace=booking.workspace,
        person=booking.person,
        project=booking.project,
        start_date=day,
        end_date=old_end,
        minutes_per_day=booking.minutes_per_day,
        tentative=booking.tentative,
        role=booking.role,
        skill=booking.skill,
        note=booking.note,
        created_by_id=actor.person_id,
    )
    booking.end_date = day - timedelta(days=1)
    bump_version(booking)
    booking.save()
    second.save()
    events.emit(
        actor,
        "booking.split",
        booking,
        data={"on": day, "new_booking_id": second.pk, "end_date": [old_end, booking.end_date]},
    )
    events.emit(actor, "booking.created", second, data=_data(second) | {"split_from": booking.pk})
    return _no_warnings(booking), _no_warnings(second)


@transaction.atomic
def booking_staff(*, actor: Actor, booking: Booking, person_id: int, version: int | None = None) -> Booking:
    """Staff a placeholder booking with a person (e.g. accepting a staffing suggestion)."""
    access.require(actor, "booking", "update", booking)
    booking = _locked(booking, version, required=False)
    if booking.person is not None:
        raise Conflict(f"This booking is already staffed by {booking.person.name}.", field="person_id")
    errors: dict[str, str] = {}
    person = person_or_error(actor, person_id, errors)
    if person is None:
        errors.setdefault("person_id", "Choose who to staff this booking with.")
        raise ValidationError(errors)
    warnings = []
    if booking.skill and not any(s.lower() == booking.skill.lower() for s in person.skills or []):
        warnings.append(f"{person.name} does not list the skill “{booking.skill}”.")
    before = _booked_by_day(actor, person, booking.start_date, booking.end_date)
    booking.person = person
    booking = _finish(actor, booking, before, warnings)
    events.emit(
        actor,
        "booking.staffed",
        booking,
        data={"person_id": person.id, "role": booking.role, "skill": booking.skill},
    )
    return booking


@transaction.atomic
def booking_delete(*, actor: Actor, booking: Booking) -> None:
    access.require(actor, "booking", "delete", booking)
    booking = Booking.objects.select_for_update(of=("self",)).select_related("person", "project").get(pk=booking.pk)
    events.emit(actor, "booking.deleted", booking, data=_data(booking))
    booking.delete()
