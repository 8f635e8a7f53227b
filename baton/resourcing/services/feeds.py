"""Writes for calendars: a person's private feed (create, reset) and time off imported from an .ics file."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from baton.core import access, events
from baton.core.access import Actor
from baton.people.models import Person
from baton.resourcing.ical import parse_absences
from baton.resourcing.models import CalendarFeed, TimeOff, TimeOffKind, TimeOffStatus, new_feed_nonce
from baton.resourcing.services._common import person_or_error
from baton.resourcing.services.time_off import time_off_request


@transaction.atomic
def calendar_feed_reset(*, actor: Actor, person: Person) -> CalendarFeed:
    """A new secret URL; the old one stops working at once."""
    access.require(actor, "calendar_feed", "reset", person)
    feed, _ = CalendarFeed.objects.select_for_update().get_or_create(
        person=person, defaults={"workspace": actor.workspace}
    )
    feed.nonce = new_feed_nonce()
    feed.save(update_fields=["nonce"])
    events.emit(actor, "calendar_feed.reset", feed, data={"person_id": person.id})
    return feed


@transaction.atomic
def time_off_import_ics(
    *,
    actor: Actor,
    person_id: int | None,
    content: bytes,
    kind: str = TimeOffKind.VACATION,
    status: str | None = None,
) -> tuple[list[TimeOff], int]:
    """Time off from the events of an .ics file: one request per event (approved at once when an approver imports
    without asking otherwise, as for any time off they enter). Events imported before (same UID) are skipped.
    All or nothing: any bad event leaves nothing saved. Returns (created, skipped)."""
    access.require(actor, "time_off", "request")
    errors: dict[str, str] = {}
    if person_id is None:
        person_id = actor.person_id
    person = person_or_error(actor, person_id, errors)
    if kind not in TimeOffKind.values:
        errors["kind"] = f"Choose one of: {', '.join(TimeOffKind.values)}."
    if errors:
        raise ValidationError(errors)
    assert person is not None
    access.require(actor, "time_off", "request", TimeOff(person=person, status=TimeOffStatus.REQUESTED))
    absences = parse_absences(content, default_kind=kind)
    if not absences:
        raise ValidationError({"file": "The file has no events."})
    seen = set(
        TimeOff.objects.filter(person=person, external_uid__in=[a.uid[:300] for a in absences]).values_list(
            "external_uid", flat=True
        )
    )
    created: list[TimeOff] = []
    skipped = 0
    for absence in absences:
        if absence.uid[:300] in seen:
            skipped += 1
            continue
        seen.add(absence.uid[:300])
        created.append(
            time_off_request(
                actor=actor,
                person_id=person.id,
                start_date=absence.start,
                end_date=absence.end,
                minutes_per_day=absence.minutes_per_day,
                kind=absence.kind,
                note=absence.summary[:500],
                status=status,
                external_uid=absence.uid,
            )
        )
    return created, skipped
