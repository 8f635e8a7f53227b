"""Writes for what capacity is computed from: capacity history, workspace holidays, resourcing settings."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.services import bump_version, check_version, validate
from baton.core.validators import whole_minutes
from baton.people.models import Person
from baton.people.services import person_update
from baton.resourcing.calendar import Schedule
from baton.resourcing.models import CapacityPeriod, Holiday, ResourcingSettings
from baton.resourcing.services._common import date_or_error, person_or_error

SETTINGS_FIELDS = (
    "holiday_country",
    "holiday_subdivision",
    "overbooking_mode",
    "utilization_target_pct",
    "billable_target_pct",
    "role_targets",
    "missing_time_reminders",
    "missing_time_threshold_pct",
)


def _sync_person(actor: Actor, person: Person, today: date | None = None) -> None:
    """Keep the Person's own capacity fields equal to the capacity period in force today."""
    today = today or timezone.localdate()
    periods = list(CapacityPeriod.objects.filter(person=person, effective_from__lte=today).order_by("effective_from"))
    if not periods:
        return
    current = periods[-1]
    if person.weekly_capacity_minutes != current.weekly_capacity_minutes or list(person.working_days) != list(
        current.working_days
    ):
        person_update(
            actor=Actor.system(actor.workspace) if actor.role not in access.LEADERS else actor,
            person=person,
            version=person.version,
            weekly_capacity_minutes=current.weekly_capacity_minutes,
            working_days=list(current.working_days),
        )


@transaction.atomic
def capacity_change(
    *,
    actor: Actor,
    person_id: int | None,
    effective_from: date | None,
    weekly_capacity_minutes: int | None,
    working_days: list[int] | None = None,
    note: str = "",
) -> CapacityPeriod:
    """Record a person's capacity from a date on (a part-time change, a return from leave...).

    The first change of someone without history also records what they had before, so past figures keep their
    capacity. When the change is in force today, the Person's own fields follow it.
    """
    access.require(actor, "capacity", "update")
    errors: dict[str, str] = {}
    person = person_or_error(actor, person_id, errors)
    if person is None and "person_id" not in errors:
        errors["person_id"] = "Choose whose capacity changes."
    start = date_or_error(effective_from, "effective_from", errors)
    if weekly_capacity_minutes is None:
        errors["weekly_capacity_minutes"] = "This field is required."
    else:
        whole_minutes(weekly_capacity_minutes, "weekly_capacity_minutes", errors)
    if errors:
        raise ValidationError(errors)
    assert person is not None and start is not None
    days = working_days if working_days is not None else list(person.working_days)
    existing = CapacityPeriod.objects.select_for_update().filter(person=person, effective_from=start).first()
    previous = Schedule.of(person, CapacityPeriod.objects.filter(person=person)).on(start)
    period = existing or CapacityPeriod(workspace=actor.workspace, person=person, effective_from=start)
    period.weekly_capacity_minutes = weekly_capacity_minutes  # type: ignore[assignment]
    period.working_days = days
    period.note = note or ""
    validate(period, {}, exclude=["workspace", "person"], validate_constraints=existing is None)
    if existing is not None:
        bump_version(period)
    elif not CapacityPeriod.objects.filter(person=person).exists():
        origin = min(person.created_at.date(), start)
        if origin < start:
            CapacityPeriod.objects.create(
                workspace=actor.workspace,
                person=person,
                effective_from=origin,
                weekly_capacity_minutes=person.weekly_capacity_minutes,
                working_days=list(person.working_days),
                note="Capacity before the first recorded change.",
            )
    period.save()
    events.emit(
        actor,
        "capacity.changed",
        period,
        data={
            "person_id": person.id,
            "effective_from": start,
            "weekly_capacity_minutes": period.weekly_capacity_minutes,
            "working_days": period.working_days,
            "previous": {"weekly_capacity_minutes": previous[0], "working_days": list(previous[1])},
        },
    )
    _sync_person(actor, person)
    return period


@transaction.atomic
def capacity_period_delete(*, actor: Actor, period: CapacityPeriod) -> None:
    access.require(actor, "capacity", "update")
    period = CapacityPeriod.objects.select_for_update(of=("self",)).select_related("person").get(pk=period.pk)
    events.emit(
        actor,
        "capacity.changed",
        period,
        data={"person_id": period.person_id, "effective_from": period.effective_from, "removed": True},
    )
    person = period.person
    period.delete()
    _sync_person(actor, person)


@transaction.atomic
def capacity_record_person_edit(*, workspace: Workspace, person_id: int, changes: dict[str, list[Any]]) -> None:
    """A person's capacity was edited on the person itself: keep the history true from today on."""
    person = Person.objects.filter(workspace=workspace, pk=person_id).first()
    if person is None:
        return
    today = timezone.localdate()
    periods = list(CapacityPeriod.objects.filter(person=person).order_by("effective_from"))
    in_force = Schedule.of(person, periods).on(today)
    if periods and in_force == (person.weekly_capacity_minutes, tuple(person.working_days)):
        return  # written by capacity_change itself
    actor = Actor.system(workspace)
    if not periods:
        old_weekly = changes.get("weekly_capacity_minutes", [person.weekly_capacity_minutes])[0]
        old_days = changes.get("working_days", [person.working_days])[0]
        origin = person.created_at.date()
        if origin < today:
            CapacityPeriod.objects.create(
                workspace=workspace,
                person=person,
                effective_from=origin,
                weekly_capacity_minutes=old_weekly,
                working_days=list(old_days),
                note="Capacity before the first recorded change.",
            )
    period, _ = CapacityPeriod.objects.update_or_create(
        person=person,
        effective_from=today,
        defaults={
            "workspace": workspace,
            "weekly_capacity_minutes": person.weekly_capacity_minutes,
            "working_days": list(person.working_days),
            "note": "Edited on the person's profile.",
        },
    )
    # Later periods would override the edit; the edit is "from today on", so they give way.
    CapacityPeriod.objects.filter(person=person, effective_from__gt=today).delete()
    events.emit(
        actor,
        "capacity.changed",
        period,
        data={
            "person_id": person.id,
            "effective_from": today,
            "weekly_capacity_minutes": person.weekly_capacity_minutes,
            "working_days": list(person.working_days),
            "source": "person.updated",
        },
    )


def capacity_sync_today(*, workspace: Workspace) -> int:
    """Daily: people whose capacity change takes effect today get their own fields updated. Returns how many."""
    actor = Actor.system(workspace)
    today = timezone.localdate()
    synced = 0
    person_ids = set(
        CapacityPeriod.objects.filter(workspace=workspace, effective_from__lte=today).values_list(
            "person_id", flat=True
        )
    )
    for person in Person.objects.filter(workspace=workspace, id__in=person_ids):
        version = person.version
        _sync_person(actor, person, today)
        synced += 1 if Person.objects.filter(pk=person.pk).values_list("version", flat=True)[0] != version else 0
    return synced


@transaction.atomic
def holiday_create(*, actor: Actor, date: date | None, name: str) -> Holiday:
    """A workspace closure day (on top of the country's public holidays)."""
    access.require(actor, "holiday", "create")
    errors: dict[str, str] = {}
    day = date_or_error(date, "date", errors)
    holiday = Holiday(workspace=actor.workspace, date=day, name=(name or "").strip())  # type: ignore[misc]
    if day and Holiday.objects.filter(workspace=actor.workspace, date=day).exists():
        errors["date"] = "There is already a workspace holiday on this date."
    validate(holiday, errors, exclude=["workspace"], validate_constraints=False)
    holiday.save()
    events.emit(actor, "holiday.created", holiday, data={"date": holiday.date, "name": holiday.name})
    return holiday


@transaction.atomic
def holiday_delete(*, actor: Actor, holiday: Holiday) -> None:
    access.require(actor, "holiday", "delete")
    events.emit(actor, "holiday.deleted", holiday, data={"date": holiday.date, "name": holiday.name})
    holiday.delete()


@transaction.atomic
def settings_update(*, actor: Actor, version: int | None, **changes: Any) -> ResourcingSettings:
    """Change the workspace's resourcing settings (created on first change)."""
    access.require(actor, "resourcing_settings", "update")
    settings, created = ResourcingSettings.objects.select_for_update().get_or_create(workspace=actor.workspace)
    if not created or version is not None:
        check_version(settings, version)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    for text in ("holiday_country", "holiday_subdivision"):
        if text in changes:
            changes[text] = (changes[text] or "").strip().upper()
    changed = events.diff(settings, changes)
    if not changed:
        return settings
    validate(settings, {}, exclude=["workspace"])
    bump_version(settings)
    settings.save()
    events.emit(actor, "resourcing_settings.updated", settings, data={"changes": changed})
    return settings
