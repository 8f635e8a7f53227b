"""API plumbing shared by every router: bearer auth, problem+json errors, pagination, versions, optional bodies."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar, get_args

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.db import DataError, IntegrityError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer
from pydantic import ValidationError as PydanticError

from baton.core import throttle
from baton.core.access import Actor
from baton.core.errors import BatonError, RateLimited
from baton.core.models import ApiToken
from baton.core.schemas import InputSchema, StrictSchema
from baton.core.selectors import actor_for_token

PROBLEM = "application/problem+json"
PDF_CONTENT = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}  # a PDF response, documented
MONEY = "Money as a decimal string, rounded to cents (half up)."  # the description of every money field
T = TypeVar("T")
TOO_LARGE = "The request body is larger than this server accepts (DATA_UPLOAD_MAX_MEMORY_SIZE, files aside)."


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>`: the token's user acting in the token's workspace."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        found = actor_for_token(token)
        if found is None:
            # Only bad tokens are throttled, per client and token prefix and (much higher) per client: a valid token is
            # never refused for what others sent from the same address.
            ip = throttle.client_ip(request)
            per_token = throttle.account_key(ip, token[:10])  # as long as the prefix shown for a token (btn_ + 6)
            throttle.check("api", per_token, settings.API_AUTH_FAILURE_LIMIT)
            throttle.check("api-ip", ip, settings.API_AUTH_ADDRESS_FAILURE_LIMIT)
            throttle.record_failure("api", per_token)
            throttle.record_failure("api-ip", ip)
            return None
        actor, api_token = found
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.actor = actor  # type: ignore[attr-defined]
        return actor


def actor_of(request: HttpRequest) -> Actor:
    actor = getattr(request, "auth", None)
    assert isinstance(actor, Actor), "actor_of() is for endpoints behind BearerAuth"
    return actor


def problem(
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "errors": errors or []}
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM)
    for k, v in (headers or {}).items():
        response[k] = v
    return response


def _field_of(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "form", "file", "cookie"}:
        parts = parts[1:]
    if parts and parts[0] in {"payload", "filters", "data", "body"} and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if hasattr(exc, "error_dict"):
        for field, field_errors in exc.message_dict.items():
            name = "body" if field == "__all__" else field
            for message in field_errors:
                errors.append({"field": name, "message": message})
    else:
        for message in exc.messages:
            errors.append({"field": "body", "message": message})
    return errors


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error the API returns is RFC 9457 problem+json, naming each bad field."""

    @api.exception_handler(NinjaValidationError)
    def _ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = []
        for err in exc.errors:
            message = str(err.get("msg", "Invalid value."))
            errors.append({"field": _field_of(err.get("loc", [])), "message": message})
        fields = ", ".join(sorted({e["field"] for e in errors}))
        return problem(422, "Invalid input", f"Check these fields: {fields}.", errors)

    @api.exception_handler(ValidationError)
    def _django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = validation_errors(exc)
        fields = ", ".join(sorted({e["field"] for e in errors}))
        return problem(422, "Invalid input", f"Check these fields: {fields}.", errors)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(
            401,
            "Unauthorized",
            "Send a valid API token: Authorization: Bearer <token>.",
            headers={"WWW-Authenticate": "Bearer"},
        )

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(403, "Forbidden", str(exc) or "Your role does not allow this.")

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(404, "Not found", str(exc) or "No such record.")

    @api.exception_handler(RateLimited)
    def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        return problem(429, exc.title, exc.detail, headers={"Retry-After": str(exc.retry_after)})

    @api.exception_handler(BatonError)
    def _baton_error(request: HttpRequest, exc: BatonError) -> HttpResponse:
        errors = [{"field": exc.field, "message": exc.detail}] if exc.field else []
        errors += exc.errors
        return problem(exc.status, exc.title, exc.detail, errors)

    @api.exception_handler(DataError)
    @api.exception_handler(OverflowError)
    def _unstorable(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A number beyond the database's range or a NUL byte in text: bad input, not a server error.
        return problem(422, "Invalid input", "A value is out of range or contains characters that cannot be stored.")

    @api.exception_handler(IntegrityError)
    def _integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        return problem(409, "Conflict", "The change conflicts with existing data (a duplicate or a missing link).")

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return problem(413, "Request too large", TOO_LARGE)

    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(TooManyFieldsSent)
    @api.exception_handler(TooManyFilesSent)
    @api.exception_handler(UnreadablePostError)
    def _unreadable_body(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(400, "Bad request", f"The request body cannot be read: {exc}")

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(exc.status_code, "Error", str(exc))


class ListParams(StrictSchema):
    limit: int = Field(50, ge=1, le=500, description="Page size, at most 500.")
    offset: int = Field(0, ge=0)


class Page(Schema, Generic[T]):
    count: int
    results: list[T]


def rendered_json(body: Any, status: int = 200) -> HttpResponse:
    """A response body that is already in its schema's JSON types (str money, ISO dates), rendered as it is. For
    large reports only, where validating thousands of rows again through the response schema costs more than the
    report; the endpoint keeps its `response=` schema for OpenAPI, and a test must hold the body equal to what the
    schema would produce."""
    return HttpResponse(json.dumps(body), status=status, content_type="application/json; charset=utf-8")


def paginate(
    qs: QuerySet[Any], params: ListParams, then: Callable[[QuerySet[Any]], Iterable[Any]] | None = None
) -> dict[str, Any]:
    """A page of `qs` and its count. `then` turns the sliced page into its rows, e.g. to aggregate only the page's
    rows after the database has paged the bare ones (delivery's `with_task_counts`)."""
    page = qs[params.offset : params.offset + params.limit]
    return {"count": qs.count(), "results": list(then(page) if then else page)}


_VERSION_RE = re.compile(r"(\d+)")


def requested_version(request: HttpRequest, body_version: int | None) -> int | None:
    """The version the client read: `If-Match` (`3`, `"3"` or `W/"3"`) or a `version` field in the body."""
    header = request.headers.get("If-Match")
    if header:
        match = _VERSION_RE.search(header)
        if match is None:
            raise ValidationError({"If-Match": "Send the record's version number, e.g. If-Match: 3."})
        return int(match.group(1))
    return body_version


def optional_body(request: HttpRequest, schema: type[InputSchema]) -> Any:
    """An optional JSON body for an action (approve, issue, void…): nothing, an empty body or a non-JSON one gives the
    schema's defaults; a JSON body is validated (422 naming each bad field)."""
    raw = request.body or b""
    if request.content_type != "application/json" or not raw.strip():
        return schema()
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ValidationError({"body": "Send a JSON object, or nothing."}) from exc
    if data is None:
        return schema()
    if not isinstance(data, dict):
        raise ValidationError({"body": "Send a JSON object, or nothing."})
    try:
        return schema.model_validate(data)
    except PydanticError as exc:
        errors: dict[str, list[str]] = {}
        for err in exc.errors():
            field = ".".join(str(p) for p in err.get("loc", ())) or "body"
            errors.setdefault(field, []).append(str(err.get("msg", "Invalid value.")))
        raise ValidationError(errors) from exc


def body_doc(schema: Any) -> dict[str, Any]:
    """OpenAPI for an optional JSON body read by `optional_body`."""
    return {
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {"schema": schema.model_json_schema(ref_template="#/components/schemas/{model}")}
            },
        }
    }


class ProblemField(Schema):
    field: str = Field(..., description="The bad field (`body` for the request as a whole), dotted when nested.")
    message: str


class Problem(Schema):
    """RFC 9457 problem details: every error the API answers, as `application/problem+json`."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemField]


ERRORS: dict[int, type[Problem]] = {
    401: Problem,
    403: Problem,
    404: Problem,
    409: Problem,
    422: Problem,
    428: Problem,
    429: Problem,
}


def operations(api: NinjaAPI) -> Iterator[tuple[str, str, Any]]:
    """(method, path, ninja Operation) of every operation of the API, routers nested in routers included."""

    def walk(router: Any) -> Iterator[Any]:
        yield router
        for _prefix, sub, *_rest in router._routers:
            yield from walk(sub)

    for _prefix, top in api._routers:
        for router in walk(top):
            for path, path_view in router.path_operations.items():
                for operation in path_view.operations:
                    for method in operation.methods:
                        yield method, path, operation


def body_schemas(operation: Any) -> list[type[Schema]]:
    """The schemas an operation takes as its JSON body (an `X | None` body unwrapped)."""
    found: list[type[Schema]] = []
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) != "body":
            continue
        for field in model.model_fields.values():
            for arg in (field.annotation, *get_args(field.annotation)):
                if isinstance(arg, type) and issubclass(arg, Schema):
                    found.append(arg)
    return found


def _schemas_of(annotation: Any) -> list[type[Schema]]:
    """The schemas an annotation holds: itself, or inside `X | None`, `list[X]`, `dict[str, X]`."""
    if isinstance(annotation, type) and issubclass(annotation, Schema):
        return [annotation]
    return [found for arg in get_args(annotation) for found in _schemas_of(arg)]


def _response_fields(operation: Any) -> dict[str, Any]:
    """name → pydantic field of every field a 2xx response of the operation carries."""
    fields: dict[str, Any] = {}
    for status, model in operation.response_models.items():
        if not (isinstance(status, int) and 200 <= status < 300) or model is None:
            continue
        for schema in _schemas_of(model.model_fields["response"].annotation):
            fields |= schema.model_fields
    return fields


def _mark(schema: type[Schema], answered: dict[str, Any]) -> None:
    if not issubclass(schema, InputSchema):
        return
    schema.__read_only_fields__ = schema.__read_only_fields__ | frozenset(set(answered) - set(schema.model_fields))
    for name, field in schema.model_fields.items():  # a body's lines against the response's lines, and so on
        if name in answered:
            nested_out = _schemas_of(answered[name].annotation)
            for nested_in in _schemas_of(field.annotation):
                for out in nested_out:
                    if out is not nested_in:
                        _mark(nested_in, out.model_fields)


def mark_read_only(api: NinjaAPI) -> None:
    """Tell each body schema (and the schemas nested in it) which fields its operations answer with but do not take:
    sending one is refused as a read-only field (422), like an unknown one but named for what it is."""
    for _method, _path, operation in operations(api):
        answered = _response_fields(operation)
        for schema in body_schemas(operation):
            _mark(schema, answered)


# Documented on every operation besides ERRORS: the body is not JSON, or a query parameter holds a NUL byte.
BAD_REQUEST = "Bad Request: a body that is not valid JSON, or a NUL byte in a query parameter"


UNKNOWN_QUERY = "Unknown query parameter: this operation does not take {name}."


def query_parameters(operation: Any) -> frozenset[str]:
    """The query parameter names an operation declares (a query schema's fields by their alias: `from`, `to`)."""
    names: set[str] = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) == "query":
            names |= set(getattr(model, "__ninja_flatten_map__", {}))
    return frozenset(names)


def _refusing_unknown_query(get_values: Callable[..., Any], known: frozenset[str]) -> Callable[..., Any]:
    """`Operation._get_values` that first refuses a query parameter the operation does not declare (422 naming each,
    with the operation's other bad fields): `?date_from=` on a report taking `from` would otherwise answer all-time."""

    def checked(request: HttpRequest, path_params: Any, temporal_response: HttpResponse) -> Any:
        unknown = sorted(key for key in request.GET if key not in known)
        if not unknown:
            return get_values(request, path_params, temporal_response)
        errors = [{"loc": ("query", key), "msg": UNKNOWN_QUERY.format(name=key)} for key in unknown]
        try:
            get_values(request, path_params, temporal_response)
        except NinjaValidationError as exc:
            errors = list(exc.errors) + errors
        raise NinjaValidationError(errors)

    return checked


class BatonAPI(NinjaAPI):
    """The API whose OpenAPI document tells the truth: errors as problem+json (400 included), one key per status
    code, built once per process (the build walks every schema: about a second of CPU); and whose operations take no
    query parameter they do not declare (422 naming it, as an unknown body field is)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._openapi_documents: dict[str, OpenAPISchema] = {}

    def _get_bound_routers(self) -> Any:
        """The routers as served (ninja clones each operation when binding it): each operation refuses unknown query
        parameters, the one place every operation, with or without a query schema, passes through."""
        fresh = self._bound_routers_cache is None
        routers = super()._get_bound_routers()
        if fresh:
            for router in routers:
                for path_view in router.path_operations.values():
                    for operation in path_view.operations:
                        known = query_parameters(operation)
                        operation._get_values = _refusing_unknown_query(operation._get_values, known)  # type: ignore[method-assign]
        return routers

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The document, shared by every caller of this process: read it, never change it."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        document = self._openapi_documents.get(path_prefix)
        if document is None:
            document = super().get_openapi_schema(path_prefix=path_prefix)
            document_errors_truthfully(document)
            document_if_match(document, self._versioned_operation_ids())
            document_idempotency(document)
            self._openapi_documents[path_prefix] = document
        return document

    def _versioned_operation_ids(self) -> set[str]:
        """The operations whose view reads the version a client sends (`requested_version`)."""
        found = set()
        for router in self._get_bound_routers():
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    if requested_version.__name__ in operation.view_func.__code__.co_names:
                        found.add(operation.operation_id or self.get_openapi_operation_id(operation))
        return found


IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": 'The version you read: 3, "3" or W/"3" (or send `version` in the body). Without either: 428; '
    "a stale one: 409, nothing changed.",
}


IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": 255},
    "description": "Any string of up to 255 printable characters (longer: 422). A repeat with the same key and body "
    "returns the first response and creates nothing new, even while the first is still running; the same key with "
    "another body: 422.",
}


def document_idempotency(document: dict[str, Any]) -> None:
    """`Idempotency-Key` on every POST (IdempotencyMiddleware reads it there, and only there)."""
    for operations in document["paths"].values():
        if "post" in operations:
            operations["post"].setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY))


def document_if_match(document: dict[str, Any], operation_ids: set[str]) -> None:
    for operations in document["paths"].values():
        for operation in operations.values():
            if operation["operationId"] in operation_ids:
                operation.setdefault("parameters", []).append(dict(IF_MATCH))


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def document_errors_truthfully(document: dict[str, Any]) -> None:
    """Each operation's responses: status codes as string keys, merged when an operation's `openapi_extra` named
    one again (two "200" keys break Swagger UI); every 4xx as `application/problem+json`, as `problem()` answers
    them; the 400 that any request can get (a body that is not JSON, a NUL byte in the query); and the 413 of a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE (ApiBodyMiddleware) on every operation that takes one."""
    for operations in document["paths"].values():
        for operation in operations.values():
            responses: dict[str, Any] = {}
            for status, response in operation["responses"].items():
                _merge(responses.setdefault(str(status), {}), response)
            responses.setdefault("400", _problem_response(BAD_REQUEST))
            if "requestBody" in operation:
                responses.setdefault("413", _problem_response(TOO_LARGE))
            for status, response in responses.items():
                content = response.get("content") or {}
                if status.startswith("4") and "application/json" in content:
                    response["content"] = {PROBLEM: content["application/json"]}
            operation["responses"] = dict(sorted(responses.items()))
