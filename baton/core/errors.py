"""Exceptions services raise; the API turns them into problem+json and the web UI into messages."""

from __future__ import annotations


class BatonError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, field: str | None = None, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        # More than one `{field, message}` for problem+json's `errors` (e.g. everything a person holds); the
        # `field`'s own entry comes first.
        self.errors = errors or []


class Conflict(BatonError):
    """A stale version or a state that forbids the change (409)."""

    status = 409
    title = "Conflict"


class PreconditionRequired(BatonError):
    """A write that needs the record's version did not send one (428)."""

    status = 428
    title = "Precondition required"


class RateLimited(BatonError):
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int = 60) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
