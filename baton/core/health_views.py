"""`/healthz` and `/readyz` for load balancers and orchestrators: no login, no secrets, no rate limit, no redirect to
https (settings.SECURE_REDIRECT_EXEMPT), never cached.

- `/healthz` (liveness): the process answers. It touches nothing else, so a database or Redis outage never gets
  healthy processes restarted.
- `/readyz` (readiness): `core.health.readiness()` as JSON; 503 naming each failing required dependency
  (`failing`: database, redis, migrations), 200 otherwise.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from baton.core.health import readiness


@csrf_exempt
@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse(json.dumps({"status": "ok"}), content_type="application/json")


@csrf_exempt
@require_safe
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    ready = readiness()
    body = {"status": "ok" if ready.ok else "unavailable", "failing": ready.failing, "checks": ready.checks}
    return HttpResponse(json.dumps(body), status=200 if ready.ok else 503, content_type="application/json")
