"""iCalendar in and out (the `icalendar` package): a person's private feed, and time off read from a .ics file."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import icalendar
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from baton.core import formats
from baton.resourcing.models import TimeOffKind

PRODID = "-//Baton//Resourcing//EN"
FEED_PAST_DAYS = 90
FEED_FUTURE_DAYS = 365
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_EVENTS = 500


def feed_token(person_id: int, nonce: str) -> str:
    """The secret part of a person's feed URL: an HMAC of the person and its feed nonce (a reset changes the nonce;
    before any reset the nonce is empty)."""
    message = f"calendar-feed:{person_id}:{nonce}".encode()
    return hmac.new(django_settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]


def feed_matches(person_id: int, nonce: str, token: str) -> bool:
    return hmac.compare_digest(feed_token(person_id, nonce), token)


def _event(uid: str, summary: str, start: date, end_inclusive: date, description: str = "", status: str = "") -> Any:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end_inclusive + timedelta(days=1))  # all-day events end the day after (RFC 5545)
    event.add("dtstamp", timezone.now())
    if description:
        event.add("description", description)
    if status:
        event.add("status", status)
    event.add("transp", "OPAQUE")
    return event


def build_feed(*, person: Any, bookings: list[Any], time_off: list[Any], tasks: list[Any], domain: str) -> bytes:
    """A VCALENDAR with the person's bookings, time off and task due dates as all-day events."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{person.name} · Baton")
    for b in bookings:
        summary = f"{b.project.name} ({b.project.client.name})"
        if b.tentative:
            summary += " [tentative]"
        cal.add_component(
            _event(
                f"booking-{b.pk}@{domain}",
                summary,
                b.start_date,
                b.end_date,
                f"Booked {formats.duration(b.minutes_per_day)} a working day." + (f"\n{b.note}" if b.note else ""),
                "TENTATIVE" if b.tentative else "CONFIRMED",
            )
        )
    for t in time_off:
        part = f" ({formats.duration(t.minutes_per_day)} a day)" if t.minutes_per_day else ""
        cal.add_component(
            _event(
                f"time-off-{t.pk}@{domain}",
                f"{t.get_kind_display()}{part}" + ("" if t.status == "approved" else f" [{t.status}]"),
                t.start_date,
                t.end_date,
                t.note,
                "CONFIRMED" if t.status == "approved" else "TENTATIVE",
            )
        )
    for task in tasks:
        cal.add_component(
            _event(
                f"task-{task.pk}@{domain}",
                f"Due: {task.title}",
                task.due_date,
                task.due_date,
                f"{task.project.name} · {task.get_status_display()}",
            )
        )
    return bytes(cal.to_ical())


@dataclass(frozen=True)
class ImportedAbsence:
    uid: str
    summary: str
    start: date
    end: date
    minutes_per_day: int | None
    kind: str


KIND_WORDS = [
    (TimeOffKind.SICK, ("sick", "ill", "doctor", "medical")),
    (TimeOffKind.PUBLIC_HOLIDAY, ("public holiday", "bank holiday")),
    (TimeOffKind.PERSONAL, ("personal", "appointment", "family")),
    (TimeOffKind.VACATION, ("vacation", "holiday", "leave", "pto", "annual", "trip")),
]


def guess_kind(summary: str, default: str) -> str:
    text = summary.lower()
    for kind, words in KIND_WORDS:
        if any(w in text for w in words):
            return kind.value
    return default


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value  # type: ignore[no-any-return]


def parse_absences(content: bytes, *, default_kind: str = TimeOffKind.VACATION) -> list[ImportedAbsence]:
    """Read VEVENTs as absences. All-day events are whole days (DTEND is exclusive); a timed event within one day is
    a partial day of its duration; a timed event over several days is whole days. Bad files are a 422 on `file`."""
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationError({"file": f"The file is larger than {MAX_IMPORT_BYTES // 1024 // 1024} MB."})
    try:
        cal = icalendar.Calendar.from_ical(content)
    except Exception as exc:  # the parser raises several types for malformed input
        raise ValidationError({"file": "This is not a readable iCalendar (.ics) file."}) from exc
    found: list[ImportedAbsence] = []
    problems: list[str] = []
    for n, event in enumerate(cal.walk("VEVENT"), start=1):
        if n > MAX_IMPORT_EVENTS:
            raise ValidationError({"file": f"Import at most {MAX_IMPORT_EVENTS} events at a time."})
        summary = str(event.get("summary", "") or "")
        start_prop, end_prop = event.get("dtstart"), event.get("dtend")
        if start_prop is None:
            problems.append(f"event {n} ({summary or 'untitled'}) has no start")
            continue
        start_raw = start_prop.dt
        if end_prop is not None:
            end_raw = end_prop.dt
        elif event.get("duration") is not None:
            end_raw = start_raw + event.get("duration").dt
        else:
            end_raw = start_raw + timedelta(days=1) if not isinstance(start_raw, datetime) else start_raw
        minutes: int | None = None
        if isinstance(start_raw, datetime):
            start, end = _as_date(start_raw), _as_date(end_raw)
            if start == end or end_raw - start_raw < timedelta(days=1):
                span = int((end_raw - start_raw).total_seconds() // 60)
                if span <= 0:
                    problems.append(f"event {n} ({summary or 'untitled'}) ends before it starts")
                    continue
                end = start
                minutes = min(span, 1440)
        else:
            start, end = start_raw, end_raw - timedelta(days=1)
        if end < start:
            problems.append(f"event {n} ({summary or 'untitled'}) ends before it starts")
            continue
        uid = str(event.get("uid", "") or f"{start.isoformat()}-{end.isoformat()}-{summary}")
        found.append(ImportedAbsence(uid, summary, start, end, minutes, guess_kind(summary, default_kind)))
    if problems:
        raise ValidationError({"file": "Fix these events and import again: " + "; ".join(problems[:10]) + "."})
    return found
