"""/healthz and /readyz, the task queue's figures (depth, scheduled, the next job's age), the scheduler's beat, the
admins' "Background work" panel and banner, and events that outlive an unreachable queue."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client as HttpClient
from huey import MemoryHuey, signals
from redis.exceptions import ConnectionError as RedisConnectionError

from baton.automation import services as automation
from baton.automation import tasks
from baton.automation.models import EventDispatch, Notification, RuleRun
from baton.core import health
from baton.core.access import Actor
from baton.core.models import Event, PeriodicRun
from baton.delivery import services as delivery
from baton.devdata.testing.personas import PASSWORD
from baton.imports import services as imports
from baton.imports import tasks as import_tasks
from baton.imports.models import ImportRun, ImportStatus

UNREACHABLE = "redis://:hunter2@127.0.0.1:1/0"
NOON = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def redis_down(settings):
    """REDIS_URL points at a port nobody listens on (with a password that must never be shown)."""
    settings.REDIS_URL = UNREACHABLE
    settings.REDIS_CLIENT_URL = UNREACHABLE + "?socket_connect_timeout=1&socket_timeout=1"


def test_healthz_answers_without_login_or_dependencies(db, redis_down):
    response = HttpClient().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_every_check_and_is_200_when_all_are_well(personas, settings):
    settings.REDIS_URL = None  # the SQLite queue (a Redis pass of the suite sets REDIS_URL)
    beat = PeriodicRun.objects.create(task="recover_cut_deliveries", period_start=NOON, started_at=NOON)
    with time_machine.travel(NOON + timedelta(minutes=3), tick=False):
        response = HttpClient().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    checks = body["checks"]
    assert checks["database"] == "ok"
    assert "redis" not in checks  # not configured: the SQLite queue
    assert checks["migrations"] == {"unapplied": 0, "first": []}
    assert checks["scheduler"] == {"last_beat": beat.started_at.isoformat(), "seconds_ago": 180, "late": False}
    assert checks["queue"]["readable"] is True and checks["queue"]["depth"] == 0


def test_readyz_is_503_naming_redis_and_shows_no_secret(db, redis_down):
    response = HttpClient().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["redis"]
    assert body["checks"]["redis"].startswith("unreachable")
    assert body["checks"]["queue"]["readable"] is False
    assert "hunter2" not in response.content.decode() and "127.0.0.1" not in response.content.decode()


def test_readyz_is_503_naming_unapplied_migrations(db, monkeypatch):
    monkeypatch.setattr(health, "unapplied_migrations", lambda: ["core.0099_future"])
    response = HttpClient().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["migrations"]
    assert response.json()["checks"]["migrations"] == {"unapplied": 1, "first": ["core.0099_future"]}


def test_the_real_migrations_are_all_applied_in_the_test_database(db):
    assert health.unapplied_migrations() == []


def test_readyz_and_healthz_are_not_redirected_to_https(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # what production settings set
    client = HttpClient()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/login/").status_code == 301  # everything else still is


def _stamped_queue() -> MemoryHuey:
    queue = MemoryHuey("health-test", immediate=False, results=False, utc=True)
    queue.signal(signals.SIGNAL_ENQUEUED)(health.stamp_job)
    return queue


def test_queue_figures_count_waiting_and_scheduled_jobs_and_age_the_oldest():
    queue = _stamped_queue()

    @queue.task()
    def job(n: int) -> int:
        return n

    assert health.queue_figures(huey=queue) == health.QueueFigures(backend="sqlite", depth=0, scheduled=0)
    with time_machine.travel(NOON, tick=False):
        job(1)
    with time_machine.travel(NOON + timedelta(minutes=4), tick=False):
        job(2)
        job.schedule((3,), delay=600)  # a delayed webhook attempt: queued; a worker moves it to the schedule
    figures = health.queue_figures(huey=queue, now=NOON + timedelta(minutes=12))
    assert figures.depth == 3 and figures.scheduled == 0
    assert figures.oldest_age_seconds == 12 * 60  # the next job to run was queued at noon
    assert figures.delayed(10) and not figures.delayed(15)
    assert not figures.error
    queue.storage.add_to_schedule(queue.storage.dequeue(), NOON + timedelta(minutes=30))  # what a worker does
    assert health.queue_figures(huey=queue, now=NOON + timedelta(minutes=12)).scheduled == 1


def test_a_retried_job_counts_from_when_it_became_due():
    queue = _stamped_queue()

    @queue.task()
    def job() -> None:
        return None

    with time_machine.travel(NOON, tick=False):
        task = job.s()
        queue.enqueue(task)
    first_id = task.id
    assert health.queued_at(first_id) == NOON
    queue.storage.flush_queue()
    task.eta = (NOON + timedelta(minutes=20)).replace(tzinfo=None)  # huey keeps etas naive, in UTC
    queue.enqueue(task)  # the retry keeps its id (and its stamp)
    assert task.id == first_id
    assert health.queue_figures(huey=queue, now=NOON + timedelta(minutes=21)).oldest_age_seconds == 60


def test_an_unreadable_queue_is_an_error_not_an_exception():
    class Broken(MemoryHuey):
        def pending_count(self) -> int:
            raise RedisConnectionError("Connection refused")

    figures = health.queue_figures(huey=Broken("broken", immediate=False))
    assert figures.depth is None and "Connection refused" in figures.error


def web(personas, name: str) -> HttpClient:
    client = HttpClient()
    assert client.login(email=personas[name].email, password=PASSWORD)
    return client


def test_admins_see_the_background_work_panel(personas):
    with time_machine.travel(NOON, tick=False):
        PeriodicRun.objects.create(task="recover_cut_deliveries", period_start=NOON, started_at=NOON)
        page = web(personas, "admin").get("/automation/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="background-work"' in html and "Jobs waiting" in html and "Scheduler" in html


def test_a_late_scheduler_puts_a_banner_before_admins_only(personas, settings):
    settings.BACKGROUND_BANNER = True
    PeriodicRun.objects.create(task="recover_cut_deliveries", period_start=NOON, started_at=NOON)
    with time_machine.travel(NOON + timedelta(minutes=40), tick=False):
        admin_page = web(personas, "admin").get("/automation/")
        member_page = web(personas, "member").get("/")
    assert "Background work is delayed." in admin_page.content.decode()
    assert "has not run for 40 minutes" in admin_page.content.decode()
    assert "Background work is delayed." not in member_page.content.decode()


def test_the_banner_is_computed_once_per_interval(personas, settings, django_assert_num_queries):
    settings.BACKGROUND_BANNER = True
    assert health.background_delays() == []  # no sweep has run yet: nothing to call late
    with django_assert_num_queries(0):
        health.background_delays()  # cached in this process


def test_redis_down_puts_a_banner_before_admins(personas, settings, redis_down):
    settings.BACKGROUND_BANNER = True
    html = web(personas, "owner").get("/automation/").content.decode()
    assert "Redis is unreachable" in html
    assert "hunter2" not in html


# --- Events outlive an unreachable queue ------------------------------------------------------------------------

DONE_RULE = {
    "name": "Tell the AM when a task is done",
    "trigger": "task.status_changed",
    "conditions": [{"field": "data.to", "op": "eq", "value": "done"}],
    "actions": [{"type": "notify", "params": {"to": "client_am"}}],
}


def test_an_event_whose_queue_is_down_is_kept_and_recovered_later(
    personas, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def refused(event_id: int) -> None:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    rule = automation.rule_create(actor=personas["admin"].actor, **DONE_RULE)
    system = Actor.system(personas.workspace)
    project = delivery.project_create(
        actor=system,
        client_id=personas.client_a.id,
        name="Launch site",
        start_date=NOON.date(),
        project_manager_id=personas["pm"].person.id,
    )
    task = delivery.task_create(actor=system, project=project, title="Design home page")
    caplog.set_level(logging.ERROR)
    monkeypatch.setattr(tasks, "process_event_task", refused)
    with django_capture_on_commit_callbacks(execute=True):
        delivery.task_change_status(actor=personas["pm"].actor, task=task, status="done")  # no exception
    event = Event.objects.get(verb="task.status_changed")
    assert not RuleRun.objects.exists() and not EventDispatch.objects.exists()
    assert [r.name for r in caplog.records] == ["baton.outage"]
    monkeypatch.undo()  # the queue is back (immediate under pytest)
    assert automation.recover(now=event.occurred_at + timedelta(minutes=3)) == 1
    assert RuleRun.objects.get(rule=rule).status == "matched"
    assert Notification.objects.count() == 1


def test_an_import_whose_queue_is_down_fails_saying_so(personas, monkeypatch):
    def refused(run_id: int) -> None:
        raise RedisConnectionError("Connection refused")

    run = ImportRun.objects.create(
        workspace=personas.workspace, created_by=personas["admin"].person, status=ImportStatus.QUEUED, rows=0
    )
    monkeypatch.setattr(import_tasks, "import_task", refused)
    imports._enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert "task queue could not be reached" in run.failure


def test_readyz_body_is_json(db):
    assert json.loads(HttpClient().get("/readyz").content)["status"] in {"ok", "unavailable"}
