"""What the relationships API modules share: the names of touchpoint kinds and sentiments, and `_client`."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404

from baton.relationships import selectors

TouchpointKindName = Literal["call", "email", "meeting", "status_update", "strategic_review"]
SentimentName = Literal["", "positive", "neutral", "negative"]


def _client(actor: Any, client_id: int, field: str = "client_id") -> Any:
    try:
        return selectors.client_for(actor, client_id)
    except Http404 as exc:
        raise ValidationError({field: "No such client in this workspace."}) from exc
