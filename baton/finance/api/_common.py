"""Schema helpers shared by the finance routers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404

MONEY = "Money as a decimal string, rounded to cents (half up)."


def in_body(field: str, finder: Any, **kwargs: Any) -> Any:
    """A record named in the body that the actor cannot see is an unknown id of that field (422), not a 404."""
    try:
        return finder(**kwargs)
    except Http404 as exc:
        raise ValidationError(
            {field: f"No such {field.removesuffix('_id').replace('_', ' ')} in this workspace."}
        ) from exc


def optional_body(request: Any, schema: Any) -> Any:
    """An optional JSON body for an action (approve, issue, void…): nothing, an empty body or a non-JSON one gives the
    schema's defaults; a JSON body is validated (422 naming each bad field)."""
    import json

    from pydantic import ValidationError as PydanticError

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
