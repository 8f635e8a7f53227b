"""Find someone, staffing suggestions, and utilization with the capacity/demand and revenue forecasts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from baton.core import access
from baton.core.forms import apply_service_errors
from baton.core.tables import download_format, download_part, table_response
from baton.core.web import actor_required, get_actor
from baton.delivery.selectors import project_choices
from baton.resourcing import reports, selectors
from baton.resourcing.forms import (
    FindForm,
)
from baton.resourcing.tables import demand_table, forecast_table, utilization_table
from baton.resourcing.views._common import _date, _int

# --- Find someone, staffing suggestions -------------------------------------------------------------------------------


@actor_required
def find(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "staffing", "view")
    today = selectors.today()
    data = request.GET if "start" in request.GET else None
    form = FindForm(data, initial={"start": today, "end": today + timedelta(days=13)})
    results = None
    if form.is_bound and form.is_valid():
        try:
            results = reports.find_candidates(
                actor=actor,
                skill=form.cleaned_data["skill"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                minutes_per_day=form.cleaned_data["minutes_per_day"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
    return render(
        request,
        "resourcing/find.html",
        {"form": form, "results": results, "can_book": access.allowed(actor, "booking", "create")},
    )


@actor_required
def staffing(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "staffing", "view")
    project = _int(request.GET.get("project"))
    plan = reports.staffing_plan(actor=actor, project_id=project)
    return render(
        request,
        "resourcing/staffing.html",
        {
            "plan": plan,
            "project": project,
            "projects": project_choices(actor=actor),
            "can_staff": access.allowed(actor, "booking", "update"),
        },
    )


# --- Utilization, demand, forecast ---------------------------------------------------------------------------------


@actor_required
def utilization(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    if actor.is_client:
        raise PermissionDenied("Reports are for the agency's staff.")
    today = selectors.today()
    start = _date(request.GET.get("from"), today.replace(day=1))
    end = _date(request.GET.get("to"), (today.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1))
    group_by = request.GET.get("group_by") if request.GET.get("group_by") in reports.GROUPS else "person"
    # measured to date unless asked for the whole period (`to_date=0`), as the API
    to_date = request.GET.get("to_date", "1").lower() not in ("0", "false", "no")
    error = ""
    rows: list[dict[str, Any]] = []
    try:
        rows = reports.utilization(actor=actor, start=start, end=end, group_by=group_by or "person", to_date=to_date)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    ctx: dict[str, Any] = {
        "rows": rows,
        "error": error,
        "start": start,
        "end": end,
        "group_by": group_by,
        "groups": reports.GROUPS,
        "to_date": to_date,
        "today": today,
        "reaches_past_today": end > today,
        # the whole period of a period still running: time logged so far over the whole capacity, never in red
        "whole_period_running": not to_date and end > today,
        "planned": any(r["planned_capacity_minutes"] or r["planned_booked_minutes"] for r in rows),
    }
    if to_date and group_by == "person" and rows:
        # The team's total row: the same function the homes call (`utilization_summary`), over the rows shown.
        ctx["total"] = reports.utilization_summary(actor=actor, start=start, end=end, rows=rows)
    if access.allowed(actor, "demand", "view"):
        by = "role" if request.GET.get("by") == "role" else "skill"
        ctx["by"] = by
        ctx["demand"] = _demand_table(reports.capacity_demand(actor=actor, by=by))
    if access.allowed(actor, "financials", "view"):
        ctx["forecast"] = reports.revenue_forecast(actor=actor)
        ctx["currency"] = actor.workspace.currency
    if download_format(request):
        return _utilization_download(request, ctx)
    return render(request, "resourcing/utilization.html", ctx)


def _utilization_download(request: HttpRequest, ctx: dict[str, Any]) -> HttpResponse:
    """One of the page's reports (`?part=`): utilization, demand or forecast, each only when the page shows it."""
    parts = ["utilization", *(["demand"] if "demand" in ctx else []), *(["forecast"] if "forecast" in ctx else [])]
    part = download_part(request, parts)
    if part == "demand":
        return table_response(request, demand_table(ctx["demand"], by=ctx["by"]), "capacity-demand")
    if part == "forecast":
        return table_response(request, forecast_table(ctx["forecast"], currency=ctx["currency"]), "revenue-forecast")
    to_date_label = " to date" if ctx["to_date"] and ctx["reaches_past_today"] else ""
    table = utilization_table(
        ctx["rows"], ctx.get("total"), group_by=ctx["group_by"], to_date_label=to_date_label, planned=ctx["planned"]
    )
    return table_response(request, table, f"utilization-{ctx['group_by']}")


def _demand_table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows of the capacity-demand report pivoted: one line per key, one column per week (gap in hours)."""
    weeks = sorted({r["week_start"] for r in rows})
    keys = sorted({r["key"] for r in rows}, key=str.lower)
    cells = {(r["week_start"], r["key"]): r for r in rows}
    lines = []
    for key in keys:
        line: list[dict[str, Any] | None] = []
        for w in weeks:
            r = cells.get((w, key))
            if r is None:
                line.append(None)
                continue
            gap_hours = r["gap_minutes"] // 60 if r["gap_minutes"] >= 0 else -((-r["gap_minutes"]) // 60)
            line.append({"gap": gap_hours, "short": r["gap_minutes"] < 0, "row": r})
        lines.append({"key": key, "cells": line})
    return {"weeks": weeks, "lines": lines}
