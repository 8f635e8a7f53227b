"""Background work for imports, on Huey: a queued import is written by the worker. Tasks only call services."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from baton.imports.writer import import_execute


@db_task(retries=0)
def import_task(run_id: int) -> str:
    """Write a queued import (`import_run` queues it after its commit); a failed run stays failed, to be run again."""
    return str(import_execute(run_id).status)
