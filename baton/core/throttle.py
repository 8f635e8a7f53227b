"""Failure counting for login, password reset and API authentication, in the shared cache (Redis or the database).

Counters are keyed on the client's address as seen through the trusted reverse proxies (`TRUSTED_PROXY_COUNT`) and
on the account (an email, a token's prefix), so one client's failures lock that client out of that account and
nobody else. An unreachable cache counts as no failures: throttling never takes the site down with it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from baton.core.errors import RateLimited

logger = logging.getLogger(__name__)


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
    """Failures of `ident` inside the window (0 when the cache cannot be reached)."""
    try:
        return int(cache.get(_key(kind, ident), 0))
    except Exception:  # any cache backend error (Redis down): count nothing rather than fail the request
        logger.warning("Throttle cache unreachable; counting no failures.", exc_info=True)
        return 0


def check(kind: str, ident: str, limit: int) -> None:
    """Raise RateLimited when `ident` has failed `limit` times inside the window."""
    if count(kind, ident) >= limit:
        raise RateLimited(
            "Too many failed attempts. Wait a few minutes and try again.",
            retry_after=settings.LOGIN_FAILURE_WINDOW_SECONDS,
        )


def record_failure(kind: str, ident: str) -> None:
    key = _key(kind, ident)
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    try:
        if cache.add(key, 1, timeout=window):
            return
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window)
    except Exception:  # as in count()
        logger.warning("Throttle cache unreachable; failure not counted.", exc_info=True)


def reset(kind: str, ident: str) -> None:
    try:
        cache.delete(_key(kind, ident))
    except Exception:  # as in count()
        logger.warning("Throttle cache unreachable; counter not reset.", exc_info=True)


def remember(kind: str, ident: str, seconds: int) -> None:
    """Note that `ident` did something good (a login that succeeded from this address), for `seconds`."""
    try:
        cache.set(f"baton:ok:{kind}:{ident}", 1, timeout=seconds)
    except Exception:  # as in count()
        logger.warning("Throttle cache unreachable; success not remembered.", exc_info=True)


def remembered(kind: str, ident: str) -> bool:
    try:
        return bool(cache.get(f"baton:ok:{kind}:{ident}"))
    except Exception:  # as in count()
        return False
