"""Browser tests: Playwright for Python driving Debian's chromium (/usr/bin/chromium), headless, no download."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.types import WSGIApplication

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from pytest_django.live_server_helper import LiveServer

CHROMIUM = os.environ.get("BATON_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_SHARED_CONNECTION = threading.Lock()


class _SerialWSGIServer(ThreadedWSGIServer):
    """The live server on SQLite's in-memory test database hands every request thread the *same* connection, so two
    requests at once (a page and its htmx fragments, or two browser contexts) can collide on it ("cannot start a
    transaction within a transaction"). Keep the threads (keep-alive connections), but run the application for one
    request at a time when a connection is shared. PostgreSQL gives each thread its own connection and is left be."""

    def set_app(self, application: WSGIApplication | None) -> None:
        if application is None or not self.connections_override:
            super().set_app(application)
            return

        def serial(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
            with _SHARED_CONNECTION:
                result = application(environ, start_response)
                try:
                    return [b"".join(result)]
                finally:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()

        super().set_app(serial)


LiveServerThread.server_class = _SerialWSGIServer


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest, django_db_setup: None) -> Iterator[LiveServer]:
    """pytest-django's live server, started after the test database exists. Its own fixture asks for no database,
    so when a browser test came first in a process, the server was built while the database setting still named the
    file: it shared no connection, the serial wrapper above stayed off, and each request thread opened its own
    connection to the shared in-memory database, where two requests at once fail with "database table is locked"."""
    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium (make chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _close_left_open_contexts(request: pytest.FixtureRequest) -> Iterator[None]:
    """Close every browser context a test leaves open. Its pages would go on polling (the bell every minute, an
    import's progress every second) against the session's live server during later tests: on SQLite inside the
    running test's shared connection, on PostgreSQL as "Database access not allowed" in a test without the database.
    Set up before `page`, so it tears down after it (a failed test's screenshot is taken first)."""
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    left_open = browser.contexts  # type: ignore[attr-defined]
    assert not left_open, f"{len(left_open)} browser context(s) left open by an earlier test"
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    rep = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, "rep_" + rep.when, rep)
