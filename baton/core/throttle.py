"""Failure counting for login and API authentication, in the shared cache (Redis or the database)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from baton.core.errors import RateLimited


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _key(kind: str, ident: str) -> str:
    return f"baton:fail:{kind}:{ident}"


def check(kind: str, ident: str, limit: int) -> None:
    """Raise RateLimited when `ident` has failed `limit` times inside the window."""
    if int(cache.get(_key(kind, ident), 0)) >= limit:
        raise RateLimited(
            "Too many failed attempts. Wait a few minutes and try again.",
            retry_after=settings.LOGIN_FAILURE_WINDOW_SECONDS,
        )


def record_failure(kind: str, ident: str) -> None:
    key = _key(kind, ident)
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)


def reset(kind: str, ident: str) -> None:
    cache.delete(_key(kind, ident))
