"""`{% load downloads %}{% downloads %}`: the page's "CSV" and "Excel" download links (core/partials/_downloads.html).

Each link is the page's own URL with its current query string (its filters), without `page` (a download holds every
page of a list) and with `format=csv` or `format=xlsx` (and `part=` on a page of several tables); the view answers it
with `core.tables.table_response`. On a page whose filters change by htmx with `hx-push-url`, shell.js rewrites the
link from the address bar when clicked, so it follows filters chosen after the page loaded.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def download_url(request: Any, kind: str, part: str = "") -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("part", None)
    query["format"] = kind
    if part:
        query["part"] = part
    return f"{request.path}?{query.urlencode()}"


@register.inclusion_tag("core/partials/_downloads.html", takes_context=True)
def downloads(context: template.Context, label: str = "", part: str = "") -> dict[str, Any]:
    """`label` names what is downloaded when the page has several tables ("per client"); `part` is the `?part=` the
    view reads to pick that table (`core.tables.download_part`)."""
    request = context.get("request")
    actor = context.get("actor")
    if request is None or actor is None or actor.is_client:  # downloads are for the staff (core.tables)
        return {"links": []}
    return {
        "label": label,
        "part": part,
        "links": [
            {"kind": "csv", "text": "CSV", "href": download_url(request, "csv", part)},
            {"kind": "xlsx", "text": "Excel", "href": download_url(request, "xlsx", part)},
        ],
    }
