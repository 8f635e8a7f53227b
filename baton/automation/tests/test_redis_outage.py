"""Redis down does not take Baton down: a real web process (gunicorn, as in production) with REDIS_URL pointing at a
port nobody listens on still serves the API and login; /readyz says 503 naming redis, /healthz 200; the outage is
logged once, not on every request."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password

from baton.automation.tests.test_worker import ROOT, _database_for_worker
from baton.core.models import User
from baton.devdata.testing.personas import PASSWORD

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
START_SECONDS = 120  # gunicorn warms Baton up before it answers; CI's two cores are busy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _call(
    opener: urllib.request.OpenerDirector, url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def _wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    opener = urllib.request.build_opener()
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"The web process stopped:\n{log.read_text()[-3000:]}")
        try:
            if _call(opener, f"{base}/healthz")[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    pytest.fail(f"The web process did not answer within {START_SECONDS} s:\n{log.read_text()[-3000:]}")


@pytest.mark.django_db(transaction=True)
def test_the_api_and_login_work_while_redis_is_unreachable(personas, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("BATON_TESTING", "PYTEST_CURRENT_TEST", "DATABASE_URL")}
    env |= {
        "BATON_DATA_DIR": str(tmp_path),  # a fresh data directory: secret key, SQLite queue file (unused here)
        "REDIS_URL": UNREACHABLE_REDIS,
        "DEBUG": "1",  # static files from the finders: no collectstatic in a test
        "SECRET_KEY": "redis-outage-test",
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "INFO",
    }
    # The suite hashes passwords with MD5 for speed, which the web process (production settings) does not accept.
    user = User.objects.get(email__iexact=personas["am"].email)
    user.password = make_password(PASSWORD, hasher="argon2")
    user.save(update_fields=["password"])
    _database_for_worker(tmp_path, env)  # the test database, with the personas, where a subprocess can reach it
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "web.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "baton.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_until_up(base, server, log)
        api = urllib.request.build_opener()
        admin = {"Authorization": f"Bearer {personas['admin'].token}", "Content-Type": "application/json"}
        assert _call(api, f"{base}/api/v1/me", headers=admin)[0] == 200
        for _ in range(2):  # bad tokens are counted (in this process's memory while the cache is down)
            status, body, headers = _call(api, f"{base}/api/v1/me", headers={"Authorization": "Bearer btn_wrong"})
            assert status == 401 and headers["Content-Type"] == "application/problem+json", body
        status, body, _ = _call(
            api, f"{base}/api/v1/clients", data=json.dumps({"name": "Outage Ltd"}).encode(), headers=admin
        )
        assert status == 201, body
        created = json.loads(body)["id"]
        assert _call(api, f"{base}/api/v1/clients/{created}", headers=admin)[0] == 200  # saved, with its event

        # Login through the web form: the throttle's counters live in the unreachable cache.
        jar = CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        assert _call(browser, f"{base}/login/")[0] == 200
        csrf = next(c.value for c in jar if c.name == "csrftoken")
        form = {"csrfmiddlewaretoken": csrf, "email": personas["am"].email, "password": "wrong"}
        assert _call(browser, f"{base}/login/", data=urllib.parse.urlencode(form).encode())[0] == 400
        form["password"] = PASSWORD
        status, _, headers = _call(browser, f"{base}/login/", data=urllib.parse.urlencode(form).encode())
        assert status == 302 and any(c.name == "sessionid" for c in jar), headers

        status, body, _ = _call(api, f"{base}/readyz")
        assert status == 503 and json.loads(body)["failing"] == ["redis"], body
        assert _call(api, f"{base}/healthz")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text()
    assert text.count("Cache is unreachable") == 1, text[-3000:]  # once for the outage, not once per request
    assert "Internal Server Error" not in text, text[-3000:]
