"""`/api/v1/people/{person_id}/calendar-feed`: a person's private iCalendar URL and its reset."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from baton.core import access
from baton.core.api_support import (
    ERRORS,
    actor_of,
)
from baton.resourcing import selectors, services

router = Router(tags=["resourcing"])


# --- Calendar feeds ---------------------------------------------------------------------------------------------------


class FeedOut(Schema):
    person_id: int
    url: str = Field(..., description="Private: anyone with this URL can read the calendar. Reset to revoke.")


def feed_url(request: HttpRequest, person: Any) -> str:
    return request.build_absolute_uri(selectors.calendar_feed_path(person))


@router.get(
    "/people/{person_id}/calendar-feed",
    response={200: FeedOut, **ERRORS},
    tags=["people"],
    operation_id="baton_resourcing_api_get_calendar_feed",
)
def get_calendar_feed(request: HttpRequest, person_id: int) -> Any:
    """The person's private iCalendar URL (bookings, time off, task due dates): one's own, or anyone's for leaders."""
    actor = actor_of(request)
    person = selectors.bookable_person(actor=actor, person_id=person_id)
    access.require(actor, "calendar_feed", "view", person)
    return {"person_id": person.id, "url": feed_url(request, person)}


@router.post(
    "/people/{person_id}/calendar-feed/reset",
    response={200: FeedOut, **ERRORS},
    tags=["people"],
    operation_id="baton_resourcing_api_reset_calendar_feed",
)
def reset_calendar_feed(request: HttpRequest, person_id: int) -> Any:
    """A new private URL; the old one stops working."""
    actor = actor_of(request)
    person = selectors.bookable_person(actor=actor, person_id=person_id)
    services.calendar_feed_reset(actor=actor, person=person)
    return {"person_id": person.id, "url": feed_url(request, person)}
