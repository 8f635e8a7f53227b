"""The role home page: each role's first question answered from `home_context`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from baton.core.web import actor_required, get_actor
from baton.home.selectors import home_context


@actor_required
def home(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    return render(request, "home/home.html", home_context(actor))
