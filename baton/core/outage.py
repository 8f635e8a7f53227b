"""Dependencies that may go away while Baton runs (Redis: the cache and the task queue): remember that one failed, log
it loudly once per interval rather than on every request, and let callers skip it for a short while.

`failed(name, exc)` after an error; `down(name)` is True for `RETRY_SECONDS` after the last failure, so a request does
not wait on a connection timeout that the previous one just waited on; `recovered(name)` after a success. Per
process: each web process and worker finds out for itself."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time

from redis.exceptions import RedisError

logger = logging.getLogger("baton.outage")

LOG_EVERY_SECONDS = 60  # one ERROR line per dependency per minute, however many requests meet the outage
RETRY_SECONDS = 5  # after a failure, callers skip the dependency this long before trying it again

# What a task queue's backend raises when it cannot be reached (Redis, the SQLite queue file, the network).
QUEUE_ERRORS: tuple[type[BaseException], ...] = (RedisError, sqlite3.Error, OSError)
QUEUE = "task queue"

_lock = threading.Lock()
_failed_at: dict[str, float] = {}
_logged_at: dict[str, float] = {}
_suppressed: dict[str, int] = {}


def failed(name: str, exc: BaseException, consequence: str) -> None:
    """`name` (e.g. "redis") failed with `exc`; `consequence` says what Baton does instead, for the log."""
    now = time.monotonic()
    with _lock:
        _failed_at[name] = now
        last = _logged_at.get(name)
        if last is not None and now - last < LOG_EVERY_SECONDS:
            _suppressed[name] = _suppressed.get(name, 0) + 1
            return
        _logged_at[name] = now
        repeats = _suppressed.pop(name, 0)
    more = f" ({repeats} more failure(s) since the last message)" if repeats else ""
    logger.error("%s is unreachable: %s. %s%s", name.capitalize(), exc, consequence, more)


def recovered(name: str) -> None:
    with _lock:
        was_down = _failed_at.pop(name, None) is not None
        _logged_at.pop(name, None)
        _suppressed.pop(name, None)
    if was_down:
        logger.warning("%s answers again.", name.capitalize())


def down(name: str) -> bool:
    """Whether `name` failed less than RETRY_SECONDS ago (skip it; use the fallback)."""
    at = _failed_at.get(name)
    return at is not None and time.monotonic() - at < RETRY_SECONDS


def failed_recently(name: str, seconds: float) -> bool:
    at = _failed_at.get(name)
    return at is not None and time.monotonic() - at < seconds


def reset() -> None:
    """Forget every failure (tests)."""
    with _lock:
        _failed_at.clear()
        _logged_at.clear()
        _suppressed.clear()
