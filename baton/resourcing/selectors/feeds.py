"""The private iCalendar feed (its path and content) and the staff-only check the schedule pages share."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.delivery.models import Task, TaskStatus
from baton.people.models import Person
from baton.resourcing.ical import FEED_FUTURE_DAYS, FEED_PAST_DAYS, build_feed, feed_matches, feed_token
from baton.resourcing.models import (
    Booking,
    CalendarFeed,
    TimeOff,
    TimeOffStatus,
)
from baton.resourcing.selectors.staff import today


def require_staff_view(actor: Actor, resource: str) -> None:
    """Lists: a client-role user is refused (403), naming the resource."""
    if actor.is_client:
        raise PermissionDenied(f"Your role ({actor.role}) may not view {resource.replace('_', ' ')}.")
    access.require(actor, resource, "view")


def calendar_feed_path(person: Person) -> str:
    """The path of the person's private iCalendar feed (the secret is in it)."""
    nonce = CalendarFeed.objects.filter(person=person).values_list("nonce", flat=True).first() or ""
    return reverse("resourcing:calendar_feed", args=[person.id, feed_token(person.id, nonce)])


def calendar_feed_content(*, person_id: int, token: str) -> bytes | None:
    """The feed for a (person, secret) pair, or None when the secret is wrong (the view answers 404)."""
    person = (
        Person.objects.filter(pk=person_id, active=True)
        .exclude(membership__role=access.CLIENT)
        .select_related("workspace")
        .first()
    )
    if person is None:
        return None
    nonce = CalendarFeed.objects.filter(person=person).values_list("nonce", flat=True).first() or ""
    if not feed_matches(person.id, nonce, token):
        return None
    start = today() - timedelta(days=FEED_PAST_DAYS)
    end = today() + timedelta(days=FEED_FUTURE_DAYS)
    bookings = list(
        Booking.objects.filter(person=person, end_date__gte=start, start_date__lte=end).select_related(
            "project", "project__client"
        )
    )
    time_off = list(
        TimeOff.objects.filter(person=person, end_date__gte=start, start_date__lte=end).exclude(
            status=TimeOffStatus.REJECTED
        )
    )
    tasks = list(
        Task.objects.filter(assignee=person, due_date__gte=start, due_date__lte=end)
        .exclude(status=TaskStatus.DONE)
        .select_related("project")
    )
    CalendarFeed.objects.filter(person=person).update(last_fetched_at=timezone.now())
    domain = (person.workspace.slug or "baton") + ".baton"
    return build_feed(person=person, bookings=bookings, time_off=time_off, tasks=tasks, domain=domain)
