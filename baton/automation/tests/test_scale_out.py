"""Scale-out: two web processes (gunicorn) and two workers (`manage.py run_huey`, one of them the scheduler) against
PostgreSQL and Redis. A few hundred time entries are created over the API across both web processes while the
scheduler's worker is killed (SIGKILL) mid-way and restarted; every event's effects then happen exactly once (a rule
run, a notification, a webhook delivery, received under one delivery id even when re-sent), no job is lost, no
request fails, and Huey's Redis results key does not grow.

Runs in CI's Redis pass (`make pytest-redis`, REDIS_URL set); skipped without REDIS_URL. PostgreSQL: the test
database when DATABASE_URL is PostgreSQL, else a database `baton_scaleout` on 127.0.0.1:5432 made and dropped here.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
CREATES = 200
CLIENT_THREADS = 4
KILL_AFTER = CREATES // 2

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="REDIS_URL is not set: the scale-out test runs web processes and workers on a real Redis queue "
    "(CI's Redis pass sets it).",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _script(env: dict[str, str], *args: str, timeout: float = 180) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "baton.automation.tests.worker_script", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr[-3000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _worker(env: dict[str, str], log: Path, *, scheduler: bool) -> subprocess.Popen[bytes]:
    args = [sys.executable, "manage.py", "run_huey", "--workers", "2", "--delay", "0.1", "--max-delay", "0.5"]
    return _start(args if scheduler else [*args, "--no-periodic"], env, log)


def _web(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    args = [gunicorn, "baton.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    return _start([*args, "--log-level", "warning"], env, log)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"The web process on {port} did not start.\n{log.read_text()[-3000:]}")


def _wait_for_log(log: Path, text: str, offset: int = 0, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text()[offset:]:
            return
        time.sleep(0.2)
    pytest.fail(f"No {text!r} in the worker log.\n{log.read_text()[-3000:]}")


class Receiver:
    """A webhook endpoint on loopback that records (delivery id, event id) of every POST and answers 200."""

    def __init__(self) -> None:
        self.received: list[tuple[str, int]] = []
        lock = threading.Lock()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                with lock:
                    received.append((self.headers.get("X-Baton-Delivery", ""), int(body["id"])))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def postgres_url():
    """The database every process shares: the test database on PostgreSQL, else one made for this test."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        yield f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}", False
        return
    admin = "postgres://postgres@127.0.0.1:5432/postgres"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP DATABASE IF EXISTS baton_scaleout")
            conn.execute("CREATE DATABASE baton_scaleout")
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL on 127.0.0.1:5432 is not reachable ({exc}).")
    try:
        yield "postgres://postgres@127.0.0.1:5432/baton_scaleout", True
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS baton_scaleout WITH (FORCE)")


@pytest.mark.django_db(transaction=True)
def test_two_web_processes_and_two_workers_do_everything_exactly_once(tmp_path, postgres_url, capsys):
    url, needs_migrations = postgres_url
    queue = f"batonscaleout{uuid.uuid4().hex[:8]}"  # huey keeps [a-z0-9] of a name
    rds = redis.Redis.from_url(os.environ["REDIS_URL"])
    results_key, queue_key = f"huey.results.{queue}", f"huey.redis.{queue}"
    env = {k: v for k, v in os.environ.items() if k not in ("BATON_TESTING", "PYTEST_CURRENT_TEST")}
    env |= {
        "DATABASE_URL": url,
        "BATON_DATA_DIR": str(tmp_path),
        "BATON_TEST_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": "baton.automation.tests.worker_settings",
        "DEBUG": "0",
        "LOCAL_HTTP": "1",
        "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        "WEBHOOK_TIMEOUT_SECONDS": "3",  # an attempt cut by the kill is sent again once its lease (13 s) runs out
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "INFO",
    }
    started = time.monotonic()
    if needs_migrations:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    receiver = Receiver()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        setup = _script(env, "scaleout_setup", receiver.url)
        results_before = rds.hlen(results_key)
        ports = [_free_port(), _free_port()]
        webs = [_web(env, port, tmp_path / f"web{i}.log") for i, port in enumerate(ports)]
        scheduler_log, other_log = tmp_path / "worker-scheduler.log", tmp_path / "worker-other.log"
        scheduler = _worker(env, scheduler_log, scheduler=True)
        other = _worker(env, other_log, scheduler=False)
        processes += [*webs, scheduler, other]
        for port, web, i in zip(ports, webs, range(2), strict=True):
            _wait_for_port(port, web, tmp_path / f"web{i}.log")
        _wait_for_log(scheduler_log, "Worker start:")
        _wait_for_log(other_log, "Worker start:")
        up = time.monotonic()

        created = Counter[int]()
        lock = threading.Lock()
        day = date.fromisoformat(setup["today"])

        def post(i: int) -> None:
            conn = HTTPConnection("127.0.0.1", ports[i % 2], timeout=60)
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {setup['tokens'][i]}"}
            for n in range(CREATES // CLIENT_THREADS):
                on = day - timedelta(days=(n % 20) + 20 * i)
                body = {"project_id": setup["project_id"], "date": on.isoformat(), "minutes": 1 + n % 7}
                conn.request("POST", "/api/v1/time-entries", body=json.dumps(body), headers=headers)
                response = conn.getresponse()
                response.read()
                with lock:
                    created[response.status] += 1
            conn.close()

        with ThreadPoolExecutor(CLIENT_THREADS) as pool:
            posts = [pool.submit(post, i) for i in range(CLIENT_THREADS)]
            while sum(created.values()) < KILL_AFTER and not all(p.done() for p in posts):
                time.sleep(0.05)
            # Mid-way: the scheduler's worker dies with whatever it holds, and comes back (within the minute, as a
            # crash-looping service would: its periodic tasks of this minute are queued again and run once).
            os.killpg(scheduler.pid, signal.SIGKILL)
            scheduler.wait(timeout=10)
            killed_at = sum(created.values())
            offset = scheduler_log.stat().st_size
            scheduler = _worker(env, scheduler_log, scheduler=True)
            processes.append(scheduler)
            for p in posts:
                p.result()
        posted = time.monotonic()
        _wait_for_log(scheduler_log, "Worker start:", offset)
        status = _script(env, "scaleout_wait", "60", timeout=150)
        drained = time.monotonic()
        requeued_on_restart = scheduler_log.read_text()[offset:].split("Worker start:", 1)[1].split("\n", 1)[0]
        results_after = rds.hlen(results_key)
        queued_after = rds.llen(queue_key)
    finally:
        for process in processes:
            _stop(process)
        receiver.close()
        rds.delete(*[key.decode() for key in rds.scan_iter(f"huey.*.{queue}")] or ["-"])
        rds.close()

    by_delivery: dict[str, set[int]] = {}
    for delivery, event_id in receiver.received:
        by_delivery.setdefault(delivery, set()).add(event_id)
    received_events = Counter(event_id for _, event_id in receiver.received)
    figures = {
        "creates": created[201],
        "5xx": sum(n for code, n in created.items() if code >= 500),
        "other_errors": sum(n for code, n in created.items() if code != 201 and code < 500),
        "killed_after_creates": killed_at,
        "requeued_on_restart": requeued_on_restart.strip(),
        "webhook_posts_received": len(receiver.received),
        "distinct_deliveries_received": len(by_delivery),
        "re_sent_same_delivery_id": len(receiver.received) - len(by_delivery),
        "results_key_growth": results_after - results_before,
        "queued_after": queued_after,
        "seconds": round(time.monotonic() - started, 1),
        "start_s": round(up - started, 1),
        "posting_s": round(posted - up, 1),
        "drain_s": round(drained - posted, 1),
        "load_average": os.getloadavg()[0],
        **status,
    }
    with capsys.disabled():  # shown in CI's output even when the test passes
        print("\nScale-out figures:", json.dumps(figures))
    assert figures["5xx"] == 0 and figures["other_errors"] == 0, figures
    assert status["entries"] == status["events"] == created[201] == CREATES, figures
    # 0 jobs lost: every event processed and delivered, nothing left waiting.
    assert status["processed"] == status["events"] and status["delivered"] == status["events"], figures
    assert status["queued"] == 0 and queued_after == 0, figures
    # Exactly once: one rule run, one notification and one delivery per event.
    assert status["rule_runs"] == status["notifications"] == status["deliveries"] == status["events"], figures
    assert status["max_rule_runs_per_event"] == status["max_notifications_per_event"] == 1, figures
    assert status["max_deliveries_per_event"] == 1, figures
    # The receiver saw every event, each under one delivery id; a re-send (an attempt cut by the kill) keeps its id.
    assert len(received_events) == status["events"] and len(by_delivery) == status["events"], figures
    assert all(len(events) == 1 for events in by_delivery.values()), figures
    assert status["max_periodic_runs_per_period"] <= 1 and status["periodic_runs"] >= 1, figures
    assert figures["results_key_growth"] <= 0, figures
