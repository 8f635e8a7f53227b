"""Content security policy and API idempotency."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from baton.core.api_support import TOO_LARGE, problem
from baton.core.models import IDEMPOTENCY_KEY_MAX_LENGTH, ApiToken, IdempotencyRecord, hash_token

Handler = Callable[[HttpRequest], HttpResponse]


class RejectNulBytesMiddleware:
    """A NUL byte in a query parameter is never meaningful and some databases refuse it: answer 400 up front."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            if request.path.startswith("/api/"):
                return problem(400, "Bad request", "A query parameter contains a NUL byte.")
            return HttpResponse(
                "Bad request: a query parameter contains a NUL byte.", status=400, content_type="text/plain"
            )
        return self.get_response(request)


class ApiBodyMiddleware:
    """An API body that cannot be read answers problem+json before any view or middleware reads it: larger than
    `DATA_UPLOAD_MAX_MEMORY_SIZE` (files aside) → 413, multipart without a boundary → 400 (Django would answer an
    HTML page, or a 500 while DEBUG is on)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH"):
            refused = self._refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    @staticmethod
    def _refusal(request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem(400, "Bad request", "The Content-Length header is not a number.")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.content_type == "multipart/form-data":
            boundary = (request.content_params or {}).get("boundary", "")
            if not boundary or len(boundary) > 70:  # files stream to disk: their size is the view's to judge
                return problem(400, "Bad request", "A multipart body needs a boundary in its Content-Type header.")
        elif limit is not None and length > limit:
            return problem(413, "Request too large", TOO_LARGE)
        return None


class ContentSecurityPolicyMiddleware:
    """Scripts and styles only from our own static files. The API docs page (Swagger UI) needs one inline script."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = settings.CONTENT_SECURITY_POLICY
            if request.path.startswith("/api/v1/docs"):
                policy = policy.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
                    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
                )
            response["Content-Security-Policy"] = policy
        return response


class IdempotencyMiddleware:
    """`POST /api/...` with `Idempotency-Key`: a repeat with the same key and body returns the first response.

    Keys are scoped to the API token (one user in one workspace), up to 255 characters (longer: 422 naming the
    header, never cut). The same key with a different request is refused with 422, so a client bug cannot silently
    drop a different request.

    The key is claimed before the view runs: a PENDING `IdempotencyRecord` row is inserted (and committed) under the
    unique (token, key) constraint, so of concurrent repeats exactly one claims it. The view then runs in a
    transaction that also stores its response on the claim, so the request's writes and its recorded response
    commit together. A repeat that finds the claim pending waits (up to `WAIT_SECONDS`) and replays the response; a
    5xx or a crash rolls the request back and releases the claim, so a retry runs it afresh. A claim left pending
    past `ABANDONED_AFTER` (its process died) is taken over by the next repeat; should the first request
    still finish, its conditional store finds the claim gone and it rolls back (409), so the work happens once.
    """

    WAIT_SECONDS = 30.0
    ABANDONED_AFTER = timedelta(minutes=5)

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key or not request.path.startswith("/api/"):
            return self.get_response(request)
        auth = request.headers.get("Authorization", "")
        if not auth.lower().startswith("bearer "):
            return self.get_response(request)
        token = ApiToken.objects.filter(token_hash=hash_token(auth[7:].strip()), revoked_at__isnull=True).first()
        if token is None:
            return self.get_response(request)
        if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not key.isprintable():
            return _key_problem(
                f"An Idempotency-Key is 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} printable characters "
                f"(this one has {len(key)})."
            )
        request_hash = hashlib.sha256(request.get_full_path().encode() + b"\n" + request.body).hexdigest()
        claim = self._claim(token, key, request_hash)
        if isinstance(claim, HttpResponse):
            return claim
        return self._run(request, claim)

    def _claim(self, token: ApiToken, key: str, request_hash: str) -> IdempotencyRecord | HttpResponse:
        """Insert the pending record, or answer from the one already there (replay, 422, or 409 still running)."""
        deadline = time.monotonic() + self.WAIT_SECONDS
        pause = 0.02
        while True:
            # Read first: a waiting repeat polls with reads (SQLite: without queueing for the write lock).
            existing = IdempotencyRecord.objects.filter(token=token, key=key).first()
            if existing is None:
                try:
                    with transaction.atomic():
                        return IdempotencyRecord.objects.create(
                            token=token,
                            key=key,
                            request_hash=request_hash,
                            status_code=IdempotencyRecord.PENDING,
                            content_type="",
                            body=b"",
                        )
                except IntegrityError:
                    pass  # a concurrent repeat claimed it first: answer as it will, once it has
            if existing is not None and existing.request_hash != request_hash:
                return _key_problem("This Idempotency-Key was already used for a different request; use a new key.")
            if existing is not None and existing.status_code != IdempotencyRecord.PENDING:
                return _replay(existing)
            if existing is not None and timezone.now() - existing.created_at > self.ABANDONED_AFTER:
                _release(existing)  # the request that claimed it died: take over
                continue
            if time.monotonic() >= deadline:
                return problem(
                    409,
                    "Request in progress",
                    "A request with this Idempotency-Key is still running; retry it with the same key shortly.",
                    [{"field": "Idempotency-Key", "message": "A request with this key is still running."}],
                    headers={"Retry-After": "5"},
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.25)

    def _run(self, request: HttpRequest, claim: IdempotencyRecord) -> HttpResponse:
        """The view, in one transaction with storing its response on the claim; the claim released on failure."""
        stored = False
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if response.status_code >= 500:
                    transaction.set_rollback(True)  # nothing of a failed request stays; a retry runs it again
                elif not getattr(response, "streaming", False):
                    stored = _store(claim, response)
                    if not stored:
                        transaction.set_rollback(True)
                        if response.status_code < 400:
                            response = problem(
                                409,
                                "Request not recorded",
                                "This request could not be recorded against its Idempotency-Key (a retry with the "
                                "same key took over); nothing of it was saved.",
                                [{"field": "Idempotency-Key", "message": "A retry with this key took over."}],
                            )
        finally:
            if not stored:
                _release(claim)
        return response


def _store(claim: IdempotencyRecord, response: HttpResponse) -> bool:
    """Put the response on the still-pending claim; False when the claim is gone or the transaction is broken."""
    try:
        with transaction.atomic():
            updated = IdempotencyRecord.objects.filter(pk=claim.pk, status_code=IdempotencyRecord.PENDING).update(
                status_code=response.status_code,
                content_type=response.get("Content-Type", "application/json"),
                body=response.content,
            )
    except DatabaseError:  # the view left the transaction aborted (a caught database error): it rolls back
        return False
    return updated == 1


def _release(claim: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=claim.pk, status_code=IdempotencyRecord.PENDING).delete()


def _key_problem(detail: str) -> HttpResponse:
    return problem(422, "Invalid Idempotency-Key", detail, [{"field": "Idempotency-Key", "message": detail}])


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status_code, content_type=record.content_type)
    response["Idempotent-Replayed"] = "true"
    return response
