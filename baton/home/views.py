"""The role home page: each role's first question answered from `home_context`."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from baton.core.web import actor_required, get_actor
from baton.home.selectors import home_context, home_part


@actor_required
def home(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    return render(request, "home/home.html", home_context(actor, page=True))


@actor_required
def part(request: HttpRequest, part: str) -> HttpResponse:
    """A block of the home loaded after the page (htmx, `hx-trigger="load"`): heavy reads kept off the first one."""
    ctx = home_part(get_actor(request), part)
    if ctx is None:
        raise Http404("No such part of your home.")
    return render(request, ctx["home"]["template"], ctx)
