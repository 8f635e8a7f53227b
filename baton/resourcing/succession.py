"""What a leaving person holds in resourcing (their bookings from today on) and how it goes to their successor:
a booking that started before today is split (`booking_split`) so the past stays theirs, and the part from today on
moves to the successor (`booking_update`, which checks overbooking). Registered from wiring.py with core's holding
sources (people's archive)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from baton.core import formats
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.registry import HeldItem
from baton.core.sweeps import local_today
from baton.resourcing.models import Booking
from baton.resourcing.services.bookings import booking_split, booking_update


def _future(workspace: Workspace, person_id: int) -> tuple[date, QuerySet[Booking]]:
    today = local_today(workspace, timezone.now())
    qs = (
        Booking.objects.filter(workspace=workspace, person_id=person_id, end_date__gte=today)
        .select_related("project")
        .order_by("start_date", "id")
    )
    return today, qs


def future_bookings(workspace: Workspace, person_id: int) -> list[HeldItem]:
    _today, qs = _future(workspace, person_id)
    return [HeldItem(b.pk, f"{b.project.name}: {formats.day(b.start_date)} to {formats.day(b.end_date)}") for b in qs]


def move_bookings(actor: Actor, person_id: int, successor_id: int) -> int:
    today, qs = _future(actor.workspace, person_id)
    bookings = list(qs)
    for booking in bookings:
        if booking.start_date < today:
            _past, booking = booking_split(actor=actor, booking=booking, on=today)
        booking_update(actor=actor, booking=booking, version=booking.version, person_id=successor_id)
    return len(bookings)
