"""Test helpers for races: run a function in several threads at once, each with its own database connection.

PostgreSQL: a transactional test (`transactional_db`, `django_db(transaction=True)`) commits for real, so the threads'
connections see its data. SQLite: the test database lives in this process's memory as a shared-cache database, whose
table locks fail at once instead of waiting, so `shared_database` copies it into a file (WAL, busy timeout: as in
production) that every connection, this thread's and the workers', uses until the block ends."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connections


@contextmanager
def shared_database(tmp_path: Path) -> Iterator[None]:
    """Inside the block every thread's connection reaches the same database, waiting for locks as production does.
    Create the test's records inside the block (on SQLite they land in the file, not in memory)."""
    main = connections["default"]
    if main.vendor != "sqlite" or not main.is_in_memory_db():  # type: ignore[attr-defined]
        yield
        return
    main.ensure_connection()
    path = tmp_path / "threads.sqlite3"
    target = sqlite3.connect(path)
    try:
        main.connection.backup(target)  # the migrated (empty) test database
    finally:
        target.close()
    shared = connections.settings["default"]
    memory_name = shared["NAME"]
    main.settings_dict = dict(shared)  # the in-memory connection keeps its name (closing it would drop the database)
    shared["NAME"] = str(path)  # connections opened from now on, in any thread, open the file
    in_file = connections.create_connection("default")
    connections["default"] = in_file
    try:
        yield
    finally:
        in_file.close()
        shared["NAME"] = memory_name
        main.settings_dict = shared
        connections["default"] = main


def run_together(fn: Callable[[int], Any], count: int, *, timeout: float = 60) -> list[Any]:
    """Call `fn(0)` ... `fn(count - 1)` in `count` threads released at the same moment; returns their results in
    order, or raises the first exception one of them raised. Each thread closes its connections when done."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[i] = fn(i)
        except BaseException as exc:  # handed back to the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if any(thread.is_alive() for thread in threads):
        raise TimeoutError(f"{sum(t.is_alive() for t in threads)} of {count} threads still running after {timeout}s")
    if errors:
        raise errors[0]
    return results
