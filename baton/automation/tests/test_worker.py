"""The worker: lost jobs are recovered, a real `manage.py run_huey` killed mid-job (SIGKILL) and restarted leaves
the rule's effect exactly once, and jobs go through a real Redis queue and consumer when REDIS_URL is set."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from baton.automation import services
from baton.automation.models import EventDispatch, Notification, RuleRun
from baton.core.models import Event
from baton.delivery import services as delivery

ROOT = Path(__file__).resolve().parents[3]
DONE_RULE = {
    "name": "Tell the AM when a task is done",
    "trigger": "task.status_changed",
    "conditions": [{"field": "data.to", "op": "eq", "value": "done"}],
    "actions": [{"type": "notify", "params": {"to": "client_am"}}],
}


def test_a_lost_job_is_recovered_and_runs_once(personas, work):
    rule = services.rule_create(actor=personas["admin"].actor, **DONE_RULE)
    # The change commits but its job never runs (the worker died with it in hand): here, on_commit never fires.
    delivery.task_change_status(actor=personas["pm"].actor, task=work.task, status="done")
    event = Event.objects.get(verb="task.status_changed")
    assert not RuleRun.objects.exists()
    assert services.unprocessed_events(personas.workspace, now=event.occurred_at, older_than=timedelta(0)) == [event.id]
    # Recovery waits a little (the job may just be queued), then queues it again.
    assert services.recover(now=event.occurred_at + timedelta(seconds=30)) == 0
    assert services.recover(now=event.occurred_at + timedelta(minutes=3)) == 1
    assert RuleRun.objects.get(rule=rule).status == "matched"
    assert Notification.objects.count() == 1
    assert EventDispatch.objects.get(pk=event.id).processed_at is not None
    # Nothing is left to recover; running recovery again changes nothing.
    assert services.recover(now=event.occurred_at + timedelta(minutes=10)) == 0
    assert RuleRun.objects.count() == 1 and Notification.objects.count() == 1


def test_events_nobody_listens_to_never_reach_the_queue(personas, work, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery.task_change_status(actor=personas["pm"].actor, task=work.task, status="done")
    event = Event.objects.get(verb="task.status_changed")
    assert not services.is_relevant(event)
    assert not EventDispatch.objects.exists()


# --- A real worker, killed mid-job ----------------------------------------------------------------------------


def _run(args: list[str], env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _script(command: str, env: dict[str, str], *args: str) -> dict:
    out = _run([sys.executable, "-m", "baton.automation.tests.worker_script", command, *args], env)
    return json.loads(out.strip().splitlines()[-1])


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "1", "--delay", "0.1", "--max-delay", "0.5", "-n"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_for(predicate, what: str, timeout: float = 60.0, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    pytest.fail(f"Timed out waiting for {what}.\nWorker log:\n{tail}")


def _database_for_worker(tmp_path: Path, env: dict[str, str]) -> None:
    """PostgreSQL (DATABASE_URL set): the test database, which a transactional test leaves visible to other
    processes. SQLite: the test database lives in this process's memory, so the workers get a file copy of it."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        return
    # Copy the (migrated, empty) in-memory test database into a file the subprocesses share: much faster than
    # migrating a new one.
    path = tmp_path / "worker.sqlite3"
    assert connection.vendor == "sqlite" and connection.creation.is_in_memory_db(connection.settings_dict["NAME"])
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    env["DATABASE_URL"] = f"sqlite:///{path}"


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_job_restarts_and_the_rule_runs_exactly_once(tmp_path):
    """A real `manage.py run_huey` (SqliteHuey in tmp_path, not immediate) takes the job, runs the rule's first action
    (create a task) and hangs inside the second, inside the rule's transaction; we SIGKILL it. The job is gone with
    it (Huey dequeues before running) and the transaction never committed. A restarted worker recovers the
    unprocessed event on start and runs the rule again: one follow-up task, one run, whatever happens after."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "BATON_TESTING", "PYTEST_CURRENT_TEST")}
    env |= {
        "BATON_DATA_DIR": str(tmp_path),  # the SqliteHuey file and the secret key live here
        "BATON_PAUSE_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "baton.automation.tests.worker_settings",
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "INFO",
    }
    _database_for_worker(tmp_path, env)
    setup = _script("setup", env)
    assert (tmp_path / "huey.sqlite3").exists()
    assert _script("status", env) == {"follow_ups": 0, "runs": [], "processed": []}  # queued, not run

    log = tmp_path / "worker.log"
    marker = tmp_path / "paused-once"
    first = _start_worker(env, log)
    try:
        _wait_for(marker.exists, "the worker to reach the pause inside the rule's transaction", log=log)
        os.killpg(first.pid, signal.SIGKILL)  # mid-job: the task is created but not committed
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert first.returncode == -signal.SIGKILL
    assert _script("status", env) == {"follow_ups": 0, "runs": [], "processed": []}  # rolled back, job lost

    offset = log.stat().st_size
    second = _start_worker(env, log)
    try:

        def finished() -> bool:
            tail = log.read_text()[offset:]
            return "process_event_task" in tail and "executed in" in tail

        _wait_for(finished, "the restarted worker to recover and finish the job", log=log)
        result = _script("status", env)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        try:
            second.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(second.pid, signal.SIGKILL)
    assert result["follow_ups"] == 1
    assert [(r["event_id"], r["status"]) for r in result["runs"]] == [(setup["event_id"], "matched")]
    assert result["runs"][0]["actions_done"][1] == "test_pause: went past the pause"
    assert "queued again" in log.read_text()

    # The same event handled again (a duplicate job, another worker): still exactly once.
    again = _script("again", env, str(setup["event_id"]))
    assert again["follow_ups"] == 1 and len(again["runs"]) == 1


@pytest.mark.django_db(transaction=True)
def test_sigterm_lets_an_in_flight_delivery_finish(tmp_path):
    """A real worker is stopped with SIGTERM (systemd, docker stop) while its webhook POST waits for a slow receiver:
    the attempt finishes and is recorded (succeeded, lease released) before the worker exits, instead of being
    abandoned with its lease held."""
    posted = threading.Event()

    class SlowReceiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            posted.set()
            time.sleep(2)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowReceiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "BATON_TESTING", "PYTEST_CURRENT_TEST")}
    env |= {
        "BATON_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "baton.automation.tests.worker_settings",
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "INFO",
        "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    }
    try:
        _database_for_worker(tmp_path, env)
        _script("webhook", env, f"http://127.0.0.1:{server.server_address[1]}/hook")
        log = tmp_path / "worker.log"
        worker = _start_worker(env, log)
        try:
            _wait_for(posted.is_set, "the worker to POST the delivery", log=log)
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
        result = json.loads(
            _run([sys.executable, "-m", "baton.automation.tests.worker_script", "deliveries"], env)
            .strip()
            .splitlines()[-1]
        )
    finally:
        server.shutdown()
        server.server_close()
    assert worker.returncode == 0, log.read_text()[-3000:]
    assert result == [{"status": "succeeded", "attempts": 1, "locked": False, "code": 200}], log.read_text()[-3000:]


# --- A real Redis queue and consumer --------------------------------------------------------------------------

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="REDIS_URL is not set: this test enqueues on a real RedisHuey and consumes with a real consumer "
    "(CI runs it with REDIS_URL=redis://127.0.0.1:6379/15).",
)


@needs_redis
def test_settings_use_redis_when_redis_url_is_set():
    assert settings.HUEY["huey_class"] == "huey.RedisHuey"
    assert settings.HUEY["url"].startswith(os.environ["REDIS_URL"])  # with connect and read timeouts added
    assert "socket_connect_timeout=" in settings.HUEY["url"]
    assert settings.HUEY["results"] is False


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_jobs_go_through_a_real_redis_queue_and_consumer(personas, work, monkeypatch):
    from huey import RedisHuey
    from huey.consumer import Consumer

    from baton.automation import tasks

    class QuietConsumer(Consumer):
        def _set_signal_handlers(self) -> None:  # the test's thread keeps pytest's signal handlers
            pass

    # A real, non-immediate RedisHuey configured from settings.HUEY (REDIS_URL), on its own queue name, keeping no
    # results (as Baton's own: nothing reads them; the test watches the jobs' effects).
    queue = RedisHuey(f"baton-test-{uuid.uuid4().hex[:8]}", url=settings.HUEY["url"], immediate=False, results=False)

    @queue.task(retries=1)
    def process_event_job(event_id: int) -> bool:
        try:
            return services.process_event(event_id)
        finally:
            connection.close()  # the consumer's threads must not keep database connections open

    # The subscriber enqueues onto the Redis queue instead of the (immediate) test queue.
    monkeypatch.setattr(tasks, "process_event_task", process_event_job)
    rule = services.rule_create(actor=personas["admin"].actor, **DONE_RULE)
    delivery.task_change_status(actor=personas["pm"].actor, task=work.task, status="done")
    event = Event.objects.get(verb="task.status_changed")
    assert len(queue) == 1 and not RuleRun.objects.exists()  # it waits in Redis
    # A duplicate of the same job, as a second web process or the recovery sweep could send.
    assert process_event_job(event.id) is None  # no result handle: nothing is stored in Redis for it
    assert len(queue) == 2

    consumer = QuietConsumer(
        queue, workers=2, periodic=False, initial_delay=0.05, max_delay=0.2, check_worker_health=False
    )
    consumer.start()
    try:
        _wait_for(
            lambda: len(queue) == 0 and EventDispatch.objects.filter(processed_at__isnull=False).exists(),
            "the consumer",
        )
        # Both jobs have been taken; what they did is in the database, and Redis holds no result for either.
        assert queue.storage.result_store_size() == 0
    finally:
        consumer.stop(graceful=True)
        queue.storage.flush_all()
    assert RuleRun.objects.filter(rule=rule).count() == 1
    assert RuleRun.objects.get(rule=rule).status == "matched"
    assert Notification.objects.count() == 1
