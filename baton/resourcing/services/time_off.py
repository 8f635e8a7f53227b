"""Writes for time off: request (or record, for approvers), approve, reject, update, delete.

Anyone on staff requests time off for itself; owner/admin/PM may enter it for anyone and approve it (a PM not its
own). When an approver enters time off without asking for a status, it is recorded as approved at once (it is
leave they are granting); anyone else's request waits for approval. Only approved time off reduces capacity.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events, formats
from baton.core.access import Actor
from baton.core.services import bump_version, check_version, validate
from baton.resourcing.calendar import load_calendar
from baton.resourcing.models import TimeOff, TimeOffKind, TimeOffStatus
from baton.resourcing.services._common import date_or_error, minutes_or_error, person_or_error

TIME_OFF_FIELDS = ("start_date", "end_date", "minutes_per_day", "kind", "note")


def _data(t: TimeOff) -> dict[str, Any]:
    return {
        "person_id": t.person_id,
        "start_date": t.start_date,
        "end_date": t.end_date,
        "minutes_per_day": t.minutes_per_day,
        "kind": t.kind,
        "status": t.status,
    }


def _booking_warnings(actor: Actor, t: TimeOff) -> list[str]:
    """Approved time off over booked days leaves the person overbooked: say so."""
    if t.status != TimeOffStatus.APPROVED:
        return []
    calendar = load_calendar(actor.workspace, [t.person], t.start_date, t.end_date)
    over = [d for d in calendar.days(t.person_id) if d.overbooked]
    if not over:
        return []
    days = ", ".join(formats.day(d.date) for d in over[:10])
    return [f"{t.person.name} is booked while away on {len(over)} day{'s' if len(over) != 1 else ''} ({days})."]


@transaction.atomic
def time_off_request(
    *,
    actor: Actor,
    person_id: int | None,
    start_date: date | None,
    end_date: date | None,
    minutes_per_day: int | None = None,
    kind: str = TimeOffKind.VACATION,
    note: str = "",
    status: str | None = None,
    external_uid: str = "",
) -> TimeOff:
    """Request time off (or, for an approver, record approved time off; send status=requested to only request)."""
    access.require(actor, "time_off", "request")
    if person_id is None:
        person_id = actor.person_id
    errors: dict[str, str] = {}
    person = person_or_error(actor, person_id, errors)
    if person is None and "person_id" not in errors:
        errors["person_id"] = "Choose whose time off this is."
    start = date_or_error(start_date, "start_date", errors)
    end = date_or_error(end_date, "end_date", errors)
    minutes = minutes_or_error(minutes_per_day, "minutes_per_day", errors)
    if kind not in TimeOffKind.values:
        errors["kind"] = f"Choose one of: {', '.join(TimeOffKind.values)}."
    if status is not None and status not in (TimeOffStatus.REQUESTED, TimeOffStatus.APPROVED):
        errors["status"] = "New time off is requested or (for an approver) approved."
    t = TimeOff(
        workspace=actor.workspace,
        person=person,
        start_date=start,  # type: ignore[misc]  # None is reported by validate()
        end_date=end,  # type: ignore[misc]
        minutes_per_day=minutes,
        kind=kind if kind in TimeOffKind.values else TimeOffKind.OTHER,
        note=note or "",
        status=TimeOffStatus.REQUESTED,
        requested_by_id=actor.person_id,
        external_uid=external_uid[:300],
    )
    if person is not None:
        access.require(actor, "time_off", "request", t)
    validate(t, errors, exclude=["workspace", "person", "requested_by", "approver"])
    approve = status == TimeOffStatus.APPROVED or (status is None and access.allowed(actor, "time_off", "approve", t))
    if status == TimeOffStatus.APPROVED:
        access.require(actor, "time_off", "approve", t)
    t.save()
    events.emit(actor, "time_off.requested", t, data=_data(t))
    t.warnings = []  # type: ignore[attr-defined]
    if approve:
        _decide(actor, t, TimeOffStatus.APPROVED)
    return t


def _decide(actor: Actor, t: TimeOff, status: str, reason: str = "") -> None:
    t.status = status
    t.approver_id = actor.person_id
    t.decided_at = timezone.now()
    bump_version(t)
    t.save()
    verb = "time_off.approved" if status == TimeOffStatus.APPROVED else "time_off.rejected"
    events.emit(actor, verb, t, data=_data(t) | ({"reason": reason} if reason else {}))
    t.warnings = _booking_warnings(actor, t)  # type: ignore[attr-defined]


def _locked(t: TimeOff, version: int | None, *, required: bool) -> TimeOff:
    locked = TimeOff.objects.select_for_update(of=("self",)).select_related("person", "approver").get(pk=t.pk)
    if required or version is not None:
        check_version(locked, version)
    return locked


@transaction.atomic
def time_off_approve(*, actor: Actor, time_off: TimeOff, version: int | None = None) -> TimeOff:
    """Approve requested (or previously rejected) time off: from now on it reduces the person's capacity."""
    access.require(actor, "time_off", "approve", time_off)
    t = _locked(time_off, version, required=False)
    if t.status == TimeOffStatus.APPROVED:
        t.warnings = []  # type: ignore[attr-defined]
        return t
    _decide(actor, t, TimeOffStatus.APPROVED)
    return t


@transaction.atomic
def time_off_reject(*, actor: Actor, time_off: TimeOff, reason: str = "", version: int | None = None) -> TimeOff:
    access.require(actor, "time_off", "approve", time_off)
    t = _locked(time_off, version, required=False)
    if t.status == TimeOffStatus.REJECTED:
        t.warnings = []  # type: ignore[attr-defined]
        return t
    _decide(actor, t, TimeOffStatus.REJECTED, reason)
    return t


@transaction.atomic
def time_off_update(*, actor: Actor, time_off: TimeOff, version: int | None, **changes: Any) -> TimeOff:
    """Change dates, minutes, kind or note. The requester may edit its own only while it is requested."""
    access.require(actor, "time_off", "update", time_off)
    t = _locked(time_off, version, required=True)
    unknown = set(changes) - set(TIME_OFF_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    errors: dict[str, str] = {}
    for field in ("start_date", "end_date"):
        if field in changes:
            value = date_or_error(changes[field], field, errors)
            if value is None:
                changes.pop(field)
            else:
                changes[field] = value
    if "minutes_per_day" in changes and changes["minutes_per_day"] is not None:
        if minutes_or_error(changes["minutes_per_day"], "minutes_per_day", errors) is None:
            changes.pop("minutes_per_day")
    if "kind" in changes and changes["kind"] not in TimeOffKind.values:
        errors["kind"] = f"Choose one of: {', '.join(TimeOffKind.values)}."
        changes.pop("kind")
    changed = events.diff(t, changes)
    t.warnings = []  # type: ignore[attr-defined]
    if not changed and not errors:
        return t
    validate(t, errors, exclude=["workspace", "person", "requested_by", "approver"])
    bump_version(t)
    t.save()
    events.emit(actor, "time_off.updated", t, data={"changes": changed})
    t.warnings = _booking_warnings(actor, t)  # type: ignore[attr-defined]
    return t


@transaction.atomic
def time_off_delete(*, actor: Actor, time_off: TimeOff) -> None:
    """Withdraw time off (the requester while it is requested; owner/admin/PM always)."""
    access.require(actor, "time_off", "delete", time_off)
    t = TimeOff.objects.select_for_update().get(pk=time_off.pk)
    events.emit(actor, "time_off.deleted", t, data=_data(t))
    t.delete()
