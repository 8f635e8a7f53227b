"""`manage.py screenshots [--out docs/screenshots]` (`make screenshots`): each demo role's home, at a desktop and a
phone size, as PNGs for the README.

It never touches your data: a fresh demo is loaded into a temporary data directory, served by gunicorn on a free
port (as `bin/run` serves it), and Playwright drives Debian's Chromium (/usr/bin/chromium, or `BATON_CHROMIUM`) to
log in as each login of `DEMO_LOGINS` and save its home, full page, as `<role>-<width>.png` (1440x900 and 390x844).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from playwright.sync_api import Browser, sync_playwright

from baton.devdata.demo.agency import DEMO_LOGINS, DEMO_PASSWORD

SIZES = [(1440, 900), (390, 844)]
CHROMIUM = os.environ.get("BATON_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
READY_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _slug(role: str) -> str:
    """'account manager' -> 'account-manager' (the file name of the role)."""
    return re.sub(r"[^a-z0-9]+", "-", role.lower()).strip("-")


def _wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError("The demo server stopped before it answered.")
        try:
            with urllib.request.urlopen(f"{url}/login/", timeout=5):  # noqa: S310 (our own local server)
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise CommandError(f"The demo server did not answer within {READY_SECONDS} s.")


class Command(BaseCommand):
    help = "Load a demo in a temporary data directory, serve it, and save each role's home at 1440 and 390 px."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "screenshots"))

    def handle(self, *args: Any, **opts: Any) -> None:
        if not Path(CHROMIUM).exists():
            raise CommandError(f"Chromium not found at {CHROMIUM}; `make chromium` installs Debian's.")
        out = Path(opts["out"])
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="baton-screenshots-") as data:
            env = {**os.environ, "BATON_DATA_DIR": data, "DEBUG": "1", "DATABASE_URL": "", "REDIS_URL": ""}
            manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
            self.stdout.write("Loading a demo in a temporary data directory...")
            for step in (["migrate", "--noinput", "-v0"], ["load_demo"]):
                subprocess.run([*manage, *step], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 (ours)
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            gunicorn = Path(sys.executable).with_name("gunicorn")
            serve = ["baton.wsgi:application", "--preload", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
            server = subprocess.Popen(  # noqa: S603 (our own executable and arguments)
                [str(gunicorn), *serve, "--log-level", "warning"],
                env=env,
                cwd=settings.BASE_DIR,
            )
            try:
                _wait_until_up(url, server)
                with sync_playwright() as pw:
                    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                    try:
                        for role, email in DEMO_LOGINS:
                            for width, height in SIZES:
                                path = out / f"{_slug(role)}-{width}.png"
                                self._shoot(browser, url, email, width, height, path)
                                self.stdout.write(f"  {path}")
                    finally:
                        browser.close()
            finally:
                server.terminate()
                server.wait(timeout=30)
        self.stdout.write(f"{len(DEMO_LOGINS) * len(SIZES)} screenshots in {out}.")

    def _shoot(self, browser: Browser, url: str, email: str, width: int, height: int, path: Path) -> None:
        """Log in as `email` in a fresh context of this size and save the home it lands on, full page."""
        context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
        try:
            page = context.new_page()
            page.goto(f"{url}/login/")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", DEMO_PASSWORD)
            with page.expect_navigation():
                page.click("form button[type=submit]")
            page.goto(f"{url}/")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(600)  # charts finish their entry animation
            page.screenshot(path=str(path), full_page=True)
        finally:
            context.close()
