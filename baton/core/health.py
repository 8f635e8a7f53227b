"""Is Baton able to do its work: the figures behind `/readyz`, the admins' "Background work" panel and the banner
shown to admins when background work is delayed. One selector each, read by all three.

- `queue_figures()`: jobs waiting in the task queue (Huey: SQLite or Redis), jobs scheduled for later, and how long
  the next one to run has waited. Each job's id carries the time it was queued (`stamp_job`, on Huey's "enqueued"
  signal), so the age needs no bookkeeping of its own; a retried or delayed job counts from when it became due.
- `last_beat()`: when the scheduler last ran a periodic task (`core.periodic.last_beat`: the newest claimed period;
  the every-minute `recover_cut_deliveries` claims one each minute).
- `readiness()`: database, Redis (when configured), queue, scheduler, migrations; `ok` is False when a required
  dependency fails (the database, Redis, unapplied migrations), naming it.
- `background_delays()`: why background work is late (the banner), cached per process for a few seconds.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from huey.api import Huey, Task
from huey.contrib.djhuey import HUEY

from baton.core import outage, periodic

STAMP = "q"  # a stamped job id: "q<milliseconds since the epoch>.<uuid4>"
BEAT_LATE = timedelta(minutes=15)  # no periodic task for this long: the scheduler is not running
BANNER_SECONDS = 15.0  # how long one process reuses its answer to "is background work delayed?"


def stamp_job(signal: str, task: Task, *args: object, **kwargs: object) -> None:
    """Huey's "enqueued" signal: give a new job an id that says when it was queued (once: a retry keeps it)."""
    if not str(task.id).startswith(STAMP):
        task.id = f"{STAMP}{int(time.time() * 1000)}.{uuid.uuid4()}"


def queued_at(job_id: str) -> datetime | None:
    """When a stamped job was queued (None for another id)."""
    head, dot, _ = str(job_id).partition(".")
    if not dot or not head.startswith(STAMP) or not head[1:].isdigit():
        return None
    return datetime.fromtimestamp(int(head[1:]) / 1000, tz=timezone.get_current_timezone())


@dataclass
class QueueFigures:
    backend: str  # "redis" or "sqlite"
    depth: int | None = None  # jobs waiting to run now (None: the queue could not be read)
    scheduled: int | None = None  # jobs waiting for a later time (retries, delayed webhook attempts)
    oldest_age_seconds: int | None = None  # how long the next job to run has waited; None with an empty queue
    error: str = ""

    def delayed(self, minutes: int) -> bool:
        return self.oldest_age_seconds is not None and self.oldest_age_seconds >= minutes * 60


def _oldest_age(huey: Huey, now: datetime) -> int | None:
    items = huey.storage.enqueued_items(limit=1)  # the next job to run: the oldest in the queue
    if not items:
        return None
    message = huey.serializer.deserialize(items[0])
    since = queued_at(message.id)
    if since is None:
        return None
    eta = message.eta
    if isinstance(eta, datetime):  # a retried or delayed job: waiting since it became due
        if timezone.is_naive(eta):
            eta = timezone.make_aware(eta, UTC if huey.utc else timezone.get_current_timezone())
        since = max(since, eta)
    return max(0, int((now - since).total_seconds()))


def queue_figures(*, huey: Huey | None = None, now: datetime | None = None) -> QueueFigures:
    """The task queue's depth, scheduled jobs and the next job's age. Never raises: an unreadable queue is `error`."""
    huey = huey or HUEY
    now = now or timezone.now()
    backend = "redis" if "redis" in type(huey.storage).__name__.lower() else "sqlite"
    figures = QueueFigures(backend=backend)
    try:
        figures.depth = int(huey.pending_count())
        figures.scheduled = int(huey.scheduled_count())
        figures.oldest_age_seconds = _oldest_age(huey, now) if figures.depth else None
    except Exception as exc:  # Redis down, a locked or missing queue file: report it, do not fail the page
        figures.error = f"{type(exc).__name__}: {exc}"
    return figures


_redis_client: redis.Redis | None = None


def redis_status() -> str:
    """ "ok", "not configured", or why Redis does not answer (one PING with the configured timeouts)."""
    global _redis_client
    if not settings.REDIS_URL:
        return "not configured"
    try:
        if _redis_client is None:
            _redis_client = redis.Redis.from_url(str(settings.REDIS_CLIENT_URL or settings.REDIS_URL))
        _redis_client.ping()
    except Exception as exc:  # connection refused, timeout, authentication: all mean "not usable"
        outage.failed("redis", exc, "Background work waits; events are kept and queued again when it is back.")
        return f"unreachable: {type(exc).__name__}"
    outage.recovered("redis")
    return "ok"


def last_beat() -> datetime | None:
    """When the scheduler last started a periodic task (its newest claimed period, through an index)."""
    return periodic.last_beat()


_migrated = False


def unapplied_migrations() -> list[str]:
    """Migrations on disk that the database lacks ("app.name"). Once none are, this process never asks again: new
    migrations come with new code, in a new process."""
    global _migrated
    if _migrated:
        return []
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    names = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
    _migrated = not names
    return names


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return f"unreachable: {type(exc).__name__}"
    return "ok"


@dataclass
class Readiness:
    ok: bool
    failing: list[str] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)


def readiness(*, now: datetime | None = None) -> Readiness:
    """Every check `/readyz` answers. Required: the database, Redis when configured, no unapplied migration. The
    queue's age and the scheduler's beat are reported (a late worker does not make a web process unfit to serve)."""
    now = now or timezone.now()
    failing: list[str] = []
    database = _database()
    if database != "ok":
        failing.append("database")
    checks: dict[str, Any] = {"database": database}
    if settings.REDIS_URL:
        checks["redis"] = redis_status()
        if checks["redis"] != "ok":
            failing.append("redis")
    if database == "ok":
        try:
            pending = unapplied_migrations()
        except DatabaseError as exc:
            pending = [f"unreadable: {type(exc).__name__}"]
        checks["migrations"] = {"unapplied": len(pending), "first": pending[:5]}
        if pending:
            failing.append("migrations")
        beat = last_beat()
        checks["scheduler"] = {
            "last_beat": beat.isoformat() if beat else None,
            "seconds_ago": int((now - beat).total_seconds()) if beat else None,
            "late": beat is None or now - beat > BEAT_LATE,
        }
    queue = queue_figures(now=now) if checks.get("redis", "ok") == "ok" else QueueFigures(backend="redis")
    checks["queue"] = {k: v for k, v in asdict(queue).items() if k != "error"} | {
        "readable": not queue.error and queue.depth is not None,
        "delayed": queue.delayed(settings.QUEUE_DELAY_MINUTES),
    }
    return Readiness(ok=not failing, failing=failing, checks=checks)


# --- The admins' banner -----------------------------------------------------------------------------------------

_banner_lock = threading.Lock()
_banner: tuple[float, list[str]] | None = None


def _delays(now: datetime) -> list[str]:
    reasons: list[str] = []
    redis_down = bool(settings.REDIS_URL) and redis_status() != "ok"
    if redis_down:
        reasons.append("Redis is unreachable: background work (rules, webhooks, e-mails) waits until it is back.")
    else:
        queue = queue_figures(now=now)
        if queue.delayed(settings.QUEUE_DELAY_MINUTES):
            minutes = (queue.oldest_age_seconds or 0) // 60
            reasons.append(f"Background work is {minutes} minutes behind ({queue.depth} job(s) waiting).")
    beat = last_beat()
    if beat is not None and now - beat > BEAT_LATE:
        minutes = int((now - beat).total_seconds() // 60)
        reasons.append(f"The scheduler has not run for {minutes} minutes: is the worker (run_huey) running?")
    return reasons


def background_delays(*, now: datetime | None = None) -> list[str]:
    """Why background work is late, for the admins' banner; [] when it is not. Computed at most once per
    BANNER_SECONDS per process, so pages pay nothing for it most of the time."""
    global _banner
    clock = time.monotonic()
    cached = _banner
    if cached is not None and clock - cached[0] < BANNER_SECONDS:
        return cached[1]
    with _banner_lock:
        cached = _banner
        if cached is not None and clock - cached[0] < BANNER_SECONDS:
            return cached[1]
        try:
            reasons = _delays(now or timezone.now())
        except DatabaseError:
            reasons = []
        _banner = (clock, reasons)
    return reasons


def forget() -> None:
    """Drop what this process cached (tests)."""
    global _banner, _migrated, _redis_client
    _banner, _migrated, _redis_client = None, False, None
