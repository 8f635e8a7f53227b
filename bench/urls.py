"""Baton's URLs plus `/bench/bare-insert/` (only under bench.settings): a view that does one INSERT of a time entry
and nothing else, the physical limit the time-entry API's throughput is measured against."""

from __future__ import annotations

import json
from datetime import date

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from baton.urls import urlpatterns as baton_urlpatterns


@csrf_exempt
def bare_insert(request: HttpRequest) -> HttpResponse:
    from baton.timesheets.models import TimeEntry

    body = json.loads(request.body)
    entry = TimeEntry.objects.create(
        workspace_id=body["workspace_id"],
        person_id=body["person_id"],
        project_id=body["project_id"],
        task_id=body.get("task_id"),
        date=date.fromisoformat(body["date"]),
        minutes=body["minutes"],
    )
    return JsonResponse({"id": entry.pk}, status=201)


urlpatterns = [path("bench/bare-insert/", bare_insert), *baton_urlpatterns]
