"""Fixtures for the automation tests: a project with tasks for client A, and a local HTTP receiver for webhooks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.cache import cache as django_cache

from baton.core.access import Actor
from baton.delivery import services as delivery


@pytest.fixture(autouse=True)
def _clear_cache():
    django_cache.clear()
    yield
    django_cache.clear()


@dataclass
class Work:
    project: Any
    task: Any
    other_task: Any


@pytest.fixture
def work(personas) -> Work:
    """Client A's project (managed by pm) with two tasks of the member's."""
    system = Actor.system(personas.workspace)
    project = delivery.project_create(
        actor=system,
        client_id=personas.client_a.id,
        name="Launch site",
        start_date=date(2026, 3, 2),
        project_manager_id=personas["pm"].person.id,
    )
    task = delivery.task_create(
        actor=system, project=project, title="Design home page", assignee_id=personas["member"].person.id
    )
    other = delivery.task_create(actor=system, project=project, title="Write copy")
    return Work(project=project, task=task, other_task=other)


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that records every request and answers from `statuses` (then 200)."""

    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/baton"


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    """The receiver listens on loopback, which webhooks may reach only when WEBHOOK_ALLOWED_HOSTS lists it."""
    settings.WEBHOOK_ALLOWED_HOSTS = "127.0.0.1"
    box: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            rec = box["receiver"]
            rec.requests.append(Received("POST", self.path, {k: v for k, v in self.headers.items()}, body))
            status = rec.statuses.pop(0) if rec.statuses else 200
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"nope")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["receiver"] = Receiver(server=server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box["receiver"]
    finally:
        server.shutdown()
        server.server_close()
