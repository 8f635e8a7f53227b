"""Content security policy and API idempotency."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from baton.core.api_support import TOO_LARGE, problem
from baton.core.models import ApiToken, IdempotencyRecord, hash_token

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

    Keys are scoped to the API token (one user in one workspace). The same key with a different body is refused
    with 422, so a client bug cannot silently drop a different request.
    """

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
        request_hash = hashlib.sha256(request.path.encode() + b"\n" + request.body).hexdigest()
        key = key[:200]
        existing = IdempotencyRecord.objects.filter(token=token, key=key).first()
        if existing is not None:
            return self._replay(existing, request_hash)
        response = self.get_response(request)
        if response.status_code < 500 and not getattr(response, "streaming", False):
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        token=token,
                        key=key,
                        request_hash=request_hash,
                        status_code=response.status_code,
                        content_type=response.get("Content-Type", "application/json"),
                        body=response.content,
                    )
            except IntegrityError:
                # A concurrent request with the same key won the race; answer as it did.
                winner = IdempotencyRecord.objects.filter(token=token, key=key).first()
                if winner is not None:
                    return self._replay(winner, request_hash)
        return response

    @staticmethod
    def _replay(record: IdempotencyRecord, request_hash: str) -> HttpResponse:
        if record.request_hash != request_hash:
            return problem(
                422,
                "Idempotency key reused",
                "This Idempotency-Key was already used for a different request; use a new key.",
                [{"field": "Idempotency-Key", "message": "Already used with a different body or path."}],
            )
        response = HttpResponse(bytes(record.body), status=record.status_code, content_type=record.content_type)
        response["Idempotent-Replayed"] = "true"
        return response
