"""Failure counting for login, password reset and API authentication, in the shared cache (Redis or the database).

Counters are keyed on the client's address as seen through the trusted reverse proxies (`TRUSTED_PROXY_COUNT`) and
on the account (an email, a token's prefix), so one client's failures lock that client out of that account and
nobody else. An unreachable cache (Redis down) never takes the site down with it: the counters move to a memory cache
of this process (limits then hold per process, not across processes) until the shared cache answers again, and the
outage is logged once a minute (`core.outage`), not on every request."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import BaseCache, cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest

from baton.core import outage
from baton.core.errors import RateLimited

T = TypeVar("T")
OUTAGE = "cache"
# The per-process stand-in while the shared cache is unreachable.
_fallback = LocMemCache("baton-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 20000}})


def _use(operation: Callable[[BaseCache], T]) -> T:
    """Run `operation` on the shared cache; on any error of its backend (Redis down, a database error) run it on this
    process's memory cache instead, and skip the shared one for a few seconds (`outage.RETRY_SECONDS`)."""
    if not outage.down(OUTAGE):
        try:
            result = operation(cache)
        except Exception as exc:  # any cache backend error: fall back rather than fail the request
            outage.failed(OUTAGE, exc, "Login and API throttling count in each process's memory until it is back.")
        else:
            outage.recovered(OUTAGE)
            return result
    return operation(_fallback)


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind `TRUSTED_PROXY_COUNT` reverse proxies (each appending the address it received the
    request from to X-Forwarded-For), it is the entry that many places from the right: entries further left were
    written by the client and prove nothing. Without proxies, or without the header, REMOTE_ADDR."""
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return forwarded[0] if forwarded else remote  # fewer hops than configured: the furthest one we were told
    return forwarded[-proxies]


def account_key(ip: str, account: str) -> str:
    """One client's counter for one account (an email, a token prefix)."""
    return f"{ip}|{account.strip().lower()}"


def _key(kind: str, ident: str) -> str:
    return f"baton:fail:{kind}:{ident}"


def count(kind: str, ident: str) -> int:
    """Failures of `ident` inside the window."""
    key = _key(kind, ident)
    return int(_use(lambda c: c.get(key, 0)) or 0)


def check(kind: str, ident: str, limit: int) -> None:
    """Raise RateLimited when `ident` has failed `limit` times inside the window."""
    if count(kind, ident) >= limit:
        raise RateLimited(
            "Too many failed attempts. Wait a few minutes and try again.",
            retry_after=settings.LOGIN_FAILURE_WINDOW_SECONDS,
        )


def _increment(c: BaseCache, key: str, window: int) -> None:
    if c.add(key, 1, timeout=window):
        return
    try:
        c.incr(key)
    except ValueError:  # expired between add() and incr()
        c.set(key, 1, timeout=window)


def record_failure(kind: str, ident: str) -> None:
    key = _key(kind, ident)
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    _use(lambda c: _increment(c, key, window))


def reset(kind: str, ident: str) -> None:
    key = _key(kind, ident)
    _use(lambda c: c.delete(key))


def remember(kind: str, ident: str, seconds: int) -> None:
    """Note that `ident` did something good (a login that succeeded from this address), for `seconds`."""
    key = f"baton:ok:{kind}:{ident}"
    _use(lambda c: c.set(key, 1, timeout=seconds))


def remembered(kind: str, ident: str) -> bool:
    key = f"baton:ok:{kind}:{ident}"
    return bool(_use(lambda c: c.get(key)))


def clear_fallback() -> None:
    """Empty the per-process stand-in (tests)."""
    _fallback.clear()
