"""Missing time: who logged less than their capacity, last week or this week (resourcing/missing_time.py)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from baton.core.tables import download_format, table_response
from baton.core.validators import parse_day
from baton.core.web import actor_required, get_actor
from baton.resourcing import missing_time
from baton.resourcing.selectors import check_range
from baton.resourcing.tables import missing_time_table

PERIODS = {"last": "Last week", "this": "This week"}


@actor_required
def missing_time_page(request: HttpRequest) -> HttpResponse:
    """Per person: capacity, logged and missing time over last week (default), this week or a chosen range."""
    actor = get_actor(request)
    if actor.is_client:
        raise PermissionDenied("Missing time is for the agency's staff.")
    period = request.GET.get("period") or ""
    start, end = parse_day(request.GET.get("from") or ""), parse_day(request.GET.get("to") or "")
    if period in PERIODS or not (start or end):
        period = period if period in PERIODS else "last"
        start, end = missing_time.last_week() if period == "last" else missing_time.this_week()
    else:
        period = ""
    error = ""
    rows = []
    try:
        start, end = check_range(start, end, default_days=6)
        rows = missing_time.missing_time_report(actor=actor, start=start, end=end)
    except ValidationError as exc:
        error = " ".join(m for ms in exc.message_dict.values() for m in ms)
    if download_format(request):
        return table_response(request, missing_time_table(rows, title="Missing time"), "missing-time")
    return render(
        request,
        "resourcing/missing_time.html",
        {
            "rows": rows,
            "period": period,
            "periods": PERIODS,
            "start": start,
            "end": end,
            "error": error,
            "meta": missing_time.report_meta(actor, start, end) if start and end else {},
            "sees_everyone": missing_time.sees_everyone(actor),
        },
    )
