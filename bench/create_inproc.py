"""Time-entry create in-process: `python -m bench.create_inproc SLUG N DAY_OFFSET [--budgeted]` (bench.settings,
BATON_DATA_DIR or DATABASE_URL as for bench/run.py). Posts N entries (after 20 warm-up) with django.test.Client as a
member's bearer token, calling `close_old_connections()` before and after each request as a sync worker's handler does
(the test client skips it), and prints CPU and wall time per request and the last request's statement count. Entries
are dated from 2028-01-03 + DAY_OFFSET (use a new offset per run) and left in place: run it on a copy of the data."""

import json
import os
import statistics
import sys
import time
from datetime import date, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from baton.core.access import Actor  # noqa: E402
from baton.core.models import Workspace  # noqa: E402
from baton.core.services import api_token_create  # noqa: E402
from baton.delivery.models import Project  # noqa: E402
from baton.people.models import Person  # noqa: E402

slug, n, offset = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
budgeted = "--budgeted" in sys.argv
ws = Workspace.objects.get(slug=slug)
members = Person.objects.filter(workspace=ws, membership__role="member", active=True)
person = members.select_related("membership__user").order_by("pk")[0]
_, token = api_token_create(actor=Actor.system(ws), user=person.membership.user, name="inproc")
task_id = None
if budgeted:
    project = (
        Project.objects.filter(
            workspace=ws, budget_amount__gt=0, status="active", archived_at=None, tasks__isnull=False
        )
        .order_by("pk")
        .first()
    )
    assert project is not None, "no active budgeted project with tasks"
    task_id = project.tasks.order_by("pk").values_list("pk", flat=True).first()
else:
    project = Project.objects.get(workspace=ws, name="Internal: agency time")
client = Client(headers={"Authorization": f"Bearer {token}"})
base = date(2028, 1, 3) + timedelta(days=offset)
cpu: list[float] = []
wall: list[float] = []
statuses: dict[int, int] = {}
statements = None
for i in range(n + 20):
    body = {"project_id": project.pk, "date": (base + timedelta(days=i // 100)).isoformat(), "minutes": 1}
    if task_id:
        body["task_id"] = task_id
    close_old_connections()
    c0, w0 = time.process_time(), time.perf_counter()
    if i == n + 19:
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/api/v1/time-entries", body, content_type="application/json")
        statements = len(queries.captured_queries)
    else:
        response = client.post("/api/v1/time-entries", body, content_type="application/json")
    close_old_connections()
    c1, w1 = time.process_time(), time.perf_counter()
    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    if 20 <= i < n + 19:
        cpu.append((c1 - c0) * 1000)
        wall.append((w1 - w0) * 1000)
result = {
    "vendor": connection.vendor,
    "budgeted": budgeted,
    "n": len(cpu),
    "statuses": statuses,
    "cpu_ms_median": round(statistics.median(cpu), 2),
    "cpu_ms_min": round(min(cpu), 2),
    "wall_ms_p50": round(statistics.median(wall), 2),
    "wall_ms_min": round(min(wall), 2),
    "statements_last": statements,
    "load": open("/proc/loadavg").read().split()[:3],
}
print(json.dumps(result))
