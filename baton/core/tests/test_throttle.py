"""Throttling behind a reverse proxy: failures are counted per client (read through TRUSTED_PROXY_COUNT proxies) and
per account or token prefix, so one client's bad requests lock out that client from that account and nobody else;
a valid token is never refused; password-reset requests are throttled; an unreachable cache breaks nothing and
throttles in each process's memory, logged once a minute."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client as HttpClient
from django.test import RequestFactory

from baton.core import outage, throttle
from baton.devdata.testing.personas import PASSWORD

PROXY = "10.0.0.1"  # every request reaches Baton from the proxy
ATTACKER = "203.0.113.9"
COLLEAGUE = "198.51.100.7"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def through_proxy(client_address: str, *, spoofed: str = "", **headers: str) -> HttpClient:
    """A client whose requests pass the proxy, which appends the address it saw to X-Forwarded-For."""
    forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
    return HttpClient(headers=headers, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def login(client: HttpClient, email: str, password: str) -> int:
    return client.post("/login/", {"email": email, "password": password}).status_code


def test_the_client_address_is_read_through_the_trusted_proxies(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    assert throttle.client_ip(request) == "203.0.113.9"  # what the client wrote itself (1.1.1.1) proves nothing
    settings.TRUSTED_PROXY_COUNT = 2  # a CDN in front of the proxy: the CDN appended the client, the proxy the CDN
    request = factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9, 192.0.2.50")
    assert throttle.client_ip(request) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 0  # no proxy: the header is the client's own word, ignored
    assert throttle.client_ip(request) == PROXY
    settings.TRUSTED_PROXY_COUNT = 1
    assert throttle.client_ip(factory.get("/", REMOTE_ADDR="192.0.2.8")) == "192.0.2.8"  # came around the proxy


def test_failed_logins_behind_the_proxy_lock_only_that_client_out_of_that_account(personas, settings):
    attacker = through_proxy(ATTACKER)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert login(attacker, "am@studio.test", "nope") == 400
    assert login(attacker, "am@studio.test", PASSWORD) == 429  # the small per-account lockout, for this client
    # Spoofing another X-Forwarded-For entry in front does not escape it: the proxy's entry is the one read.
    assert login(through_proxy(ATTACKER, spoofed="192.0.2.1"), "am@studio.test", PASSWORD) == 429
    # Through the same proxy (the same REMOTE_ADDR), the account's owner elsewhere signs in...
    assert login(through_proxy(COLLEAGUE), "am@studio.test", PASSWORD) == 302
    # ...and the attacking client can still sign in to other accounts.
    assert login(through_proxy(ATTACKER), "pm@studio.test", PASSWORD) == 302


def test_bad_tokens_behind_the_proxy_never_refuse_a_valid_token(personas, settings):
    bad = through_proxy(ATTACKER, Authorization="Bearer not-a-real-token")
    for _ in range(settings.API_AUTH_FAILURE_LIMIT):
        assert bad.get("/api/v1/me").status_code == 401
    limited = bad.get("/api/v1/me")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    token = f"Bearer {personas['owner'].token}"
    assert through_proxy(COLLEAGUE, Authorization=token).get("/api/v1/me").status_code == 200
    assert through_proxy(ATTACKER, Authorization=token).get("/api/v1/me").status_code == 200
    # Another bad token (another prefix) from the same client is counted on its own, up to the client's higher limit.
    assert through_proxy(ATTACKER, Authorization="Bearer zzzzzzzz-other").get("/api/v1/me").status_code == 401


def test_password_reset_requests_are_throttled_per_account(personas, settings):
    client = through_proxy(ATTACKER)
    for _ in range(settings.PASSWORD_RESET_LIMIT):
        assert client.post("/password-reset/", {"email": "am@studio.test"}).status_code == 302
    refused = client.post("/password-reset/", {"email": "AM@studio.test"})
    assert refused.status_code == 429 and "Too many" in refused.content.decode()
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT
    # From anywhere: mail-bombing one person stops at the limit.
    assert through_proxy(COLLEAGUE).post("/password-reset/", {"email": "am@studio.test"}).status_code == 429
    # Another account is not affected.
    assert client.post("/password-reset/", {"email": "pm@studio.test"}).status_code == 302
    assert mail.outbox[-1].to == ["pm@studio.test"]


def test_password_reset_requests_are_throttled_per_client(personas, settings):
    client = through_proxy(ATTACKER)
    for i in range(settings.PASSWORD_RESET_LIMIT * 4):
        assert client.post("/password-reset/", {"email": f"guess{i}@studio.test"}).status_code == 302
    assert client.post("/password-reset/", {"email": "pm@studio.test"}).status_code == 429
    assert through_proxy(COLLEAGUE).post("/password-reset/", {"email": "pm@studio.test"}).status_code == 302


def test_an_unreachable_cache_breaks_nothing_and_throttles_per_process(personas, settings, caplog):
    # Nothing listens on this port: every call to the shared cache fails.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:8619/0"}
    }
    caplog.set_level(logging.WARNING)
    assert login(through_proxy(ATTACKER), "am@studio.test", "nope") == 400
    assert login(through_proxy(ATTACKER), "am@studio.test", PASSWORD) == 302
    assert through_proxy(ATTACKER, Authorization="Bearer wrong").get("/api/v1/me").status_code == 401
    token = personas["am"].token
    assert through_proxy(ATTACKER, Authorization=f"Bearer {token}").get("/api/v1/me").status_code == 200
    assert through_proxy(COLLEAGUE).post("/password-reset/", {"email": "am@studio.test"}).status_code == 302
    # The limits still hold, counted in this process's memory: the attacker is locked out of the account...
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert login(through_proxy(ATTACKER), "am@studio.test", "nope") == 400
    assert login(through_proxy(ATTACKER), "am@studio.test", PASSWORD) == 429
    assert login(through_proxy(COLLEAGUE), "am@studio.test", PASSWORD) == 302  # ...its owner elsewhere is not
    # One loud line for the whole outage, not one per request.
    lines = [r for r in caplog.records if r.name == "baton.outage"]
    assert len(lines) == 1 and lines[0].levelno == logging.ERROR
    assert "Cache is unreachable" in lines[0].getMessage()
    assert not [r for r in caplog.records if r.name == "baton.core.throttle"]


def test_the_shared_cache_is_used_again_once_it_answers(personas, settings, monkeypatch):
    ticks = [1000.0]
    monkeypatch.setattr(outage.time, "monotonic", lambda: ticks[0])
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:8619/0"}
    }
    throttle.record_failure("login", "x")
    assert outage.down("cache") and throttle.count("login", "x") == 1  # in the stand-in
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ticks[0] += outage.RETRY_SECONDS + 1
    assert not outage.down("cache")
    assert throttle.count("login", "x") == 0  # the shared cache again (it never saw that failure)
    throttle.record_failure("login", "x")
    assert cache.get("baton:fail:login:x") == 1
