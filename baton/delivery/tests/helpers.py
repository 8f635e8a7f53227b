"""Small helpers for the delivery tests."""

from __future__ import annotations

from typing import Any

from baton.core.models import Event


def post(api: Any, url: str, data: dict[str, Any], **headers: str) -> Any:
    return api.post(url, data, content_type="application/json", headers=headers)


def patch(api: Any, url: str, data: dict[str, Any], version: int | None) -> Any:
    headers = {"If-Match": str(version)} if version is not None else {}
    return api.patch(url, data, content_type="application/json", headers=headers)


def fields(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def verbs(**filters: Any) -> list[str]:
    return list(Event.objects.filter(**filters).order_by("id").values_list("verb", flat=True))
