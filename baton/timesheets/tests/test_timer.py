"""The timer: start, stop (an entry of the minutes since it started), discard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from baton.core.models import Event
from baton.devdata.testing.finance import make_project
from baton.timesheets import services
from baton.timesheets.models import Timer

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_start_and_stop_logs_the_minutes(personas):
    project = make_project(personas)
    api = personas["member"].api()
    assert api.get("/api/v1/timer").json() == {
        "running": False,
        "id": None,
        "project_id": None,
        "task_id": None,
        "note": "",
        "billable": None,
        "started_at": None,
        "elapsed_minutes": 0,
    }
    started = api.post("/api/v1/timer/start", {"project_id": project.id, "note": "Homepage"}, content_type=JSON)
    assert started.status_code == 201 and started.json()["running"] is True
    Timer.objects.update(started_at=timezone.now() - timedelta(minutes=47, seconds=40))
    stopped = api.post("/api/v1/timer/stop")
    assert stopped.status_code == 201, stopped.content
    body = stopped.json()
    assert body["minutes"] == 48 and body["note"] == "Homepage" and body["project_id"] == project.id
    assert not Timer.objects.exists()
    assert Event.objects.filter(verb="timer.stopped").exists()
    again = api.post("/api/v1/timer/stop")
    assert again.status_code == 409


def test_starting_again_logs_the_running_one(personas):
    project = make_project(personas)
    actor = personas["member"].actor
    now = timezone.now()
    services.timer_start(actor=actor, project_id=project.id, now=now - timedelta(minutes=30))
    services.timer_start(actor=actor, project_id=project.id, now=now)
    assert project.time_entries.get().minutes == 30
    assert Timer.objects.count() == 1
    assert personas["member"].api().delete("/api/v1/timer").status_code == 204
    assert not Timer.objects.exists()


def test_timer_field_errors(personas):
    response = personas["member"].api().post("/api/v1/timer/start", {"project_id": 12345}, content_type=JSON)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "project_id"
    assert (
        personas["client_a"].api().post("/api/v1/timer/start", {"project_id": 1}, content_type=JSON).status_code == 403
    )
