"""`/api/v1/search`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from baton.core.api_support import ERRORS, actor_of
from baton.core.schemas import StrictSchema
from baton.knowledge import selectors

router = Router(tags=["search"])


class SearchFilters(StrictSchema):
    q: str = Field(..., min_length=1, max_length=200, description='Words to find; "quoted phrase", or, -word.')
    kinds: str | None = Field(
        None,
        description=(
            "Comma-separated kinds (default: all): client, project, task, brief, decision, comment, contact, person, "
            "invoice, handoff, deal, client_goal, touchpoint, next_step."
        ),
    )
    limit: int = Field(20, ge=1, le=100)


class SearchResultOut(Schema):
    kind: str
    kind_label: str = Field(description='What the record is, for people: "Invoice", "Next step".')
    id: int
    title: str
    snippet: str
    url: str = Field(description="The record's web page.")
    rank: float = Field(description="Higher is better; comparable within one response only.")
    client_id: int | None
    client_name: str


class SearchOut(Schema):
    count: int
    results: list[SearchResultOut]


@router.get("/search", response={200: SearchOut, **ERRORS}, tags=["search"])
def search(request: HttpRequest, filters: Query[SearchFilters]) -> Any:
    """Full-text search over what the caller may see, best match first. `count` is the number of results returned
    (at most `limit`, the best ones). Each kind is searched only among the records its own list shows the caller (a
    client user its own client's, a team member no invoices): a record the caller cannot open is never a result.
    Invoices are found by their number, touchpoints by their summary, people by name, title or skill."""
    kinds = None
    if filters.kinds:
        kinds = [k.strip() for k in filters.kinds.split(",") if k.strip()]
        known = selectors.search_kinds()
        unknown = [k for k in kinds if k not in known]
        if unknown:
            raise ValidationError({"kinds": f"Unknown kinds: {', '.join(unknown)}. Use {', '.join(known)}."})
    results = selectors.search(actor_of(request), filters.q, kinds=kinds, limit=filters.limit)
    rows = [
        {
            "kind": r.kind,
            "kind_label": r.kind_label,
            "id": r.id,
            "title": r.title,
            "snippet": r.snippet_text,
            "url": r.url,
            "rank": r.rank,
            "client_id": r.client_id,
            "client_name": r.client_name,
        }
        for r in results
    ]
    return {"count": len(rows), "results": rows}
