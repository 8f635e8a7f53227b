"""The private calendar feed: resetting one's URL and serving the .ics."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from baton.core.web import actor_required, get_actor
from baton.resourcing import selectors, services


@require_POST
@actor_required
def feed_reset(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if not actor.person_id or actor.is_client:
        raise PermissionDenied("Only people of the workspace have calendar feeds.")
    person = selectors.bookable_person(actor=actor, person_id=actor.person_id)
    services.calendar_feed_reset(actor=actor, person=person)
    messages.success(request, "Your calendar feed has a new address; the old one no longer works.")
    return redirect("resourcing:time_off")


def calendar_feed(request: HttpRequest, person_id: int, token: str) -> HttpResponse:
    """The private iCalendar feed: no login, the secret is in the URL."""
    content = selectors.calendar_feed_content(person_id=person_id, token=token)
    if content is None:
        raise Http404("No such calendar.")
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="baton.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
