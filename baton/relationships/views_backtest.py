"""The health backtest page (owners and admins): the current weights against weights fitted on the workspace's churn
history, per quarter, with a chart; run it again (the worker), accept the proposal, undo an accepted change."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from baton.core import access, outage
from baton.core.selectors import one_or_404
from baton.core.web import actor_required, get_actor
from baton.relationships import services
from baton.relationships.selectors.backtest import current_health_weights, health_backtest_for, health_weights_changes
from baton.relationships.tasks import health_backtest_task


def _rows(result: dict[str, Any], current: dict[str, int]) -> list[dict[str, Any]]:
    proposed = result.get("proposed_weights") or {}
    coefficients = result.get("coefficients") or {}
    return [
        {"name": s, "current": current.get(s, 0), "proposed": proposed.get(s), "coefficient": coefficients.get(s)}
        for s in current
    ]


def _chart(result: dict[str, Any], current: dict[str, int]) -> dict[str, Any]:
    quarters = result.get("quarters") or []
    proposed = result.get("proposed_weights") or {}
    return {
        "quarters": [q["quarter"] for q in quarters],
        "current_auc": [(q.get("current") or {}).get("auc") for q in quarters],
        "fitted_auc": [(q.get("fitted") or {}).get("auc") for q in quarters],
        "signals": [s.replace("_", " ") for s in current],
        "current_weights": list(current.values()),
        "proposed_weights": [proposed.get(s, 0) for s in current],
    }


@actor_required
def health_backtest(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    backtest = health_backtest_for(actor)
    current = current_health_weights(actor.workspace)
    result = backtest.result if backtest else {}
    return render(
        request,
        "relationships/health_backtest.html",
        {
            "backtest": backtest,
            "result": result,
            "overall": result.get("overall") or {},
            "rows": _rows(result, current),
            "chart": _chart(result, current),
            "proposal": json.dumps(backtest.proposed_weights) if backtest and backtest.proposed_weights else "",
            "changes": list(health_weights_changes(actor)[:10]),
        },
    )


@actor_required
@require_POST
def health_backtest_run(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    access.require(actor, "health_backtest", "run")
    try:
        health_backtest_task(actor.workspace.pk)
    except outage.QUEUE_ERRORS as exc:  # the task queue (Redis) is unreachable: say so instead of a 500
        outage.failed(outage.QUEUE, exc, "A backtest run was refused; it can be started again later.")
        messages.error(request, "The background queue cannot be reached just now; try again in a few minutes.")
    else:
        messages.success(request, "The backtest is running; this page shows its result when it is done.")
    return redirect(reverse("relationships:health_backtest"))


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for errs in exc.message_dict.values():
        messages.error(request, " ".join(errs))


@actor_required
@require_POST
def health_backtest_accept(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    raw = request.POST.get("weights") or ""
    try:
        weights = json.loads(raw) if raw else None
        services.health_weights_accept(actor=actor, weights=weights if isinstance(weights, dict) else None)
        messages.success(request, "The proposed weights now score every client's health.")
    except ValidationError as exc:
        _errors(request, exc)
    except ValueError:
        messages.error(request, "These are not the proposed weights.")
    return redirect(reverse("relationships:health_backtest"))


@actor_required
@require_POST
def health_weights_undo(request: HttpRequest, change_id: int) -> HttpResponse:
    actor = get_actor(request)
    change = one_or_404(health_weights_changes(actor).filter(pk=change_id), "weights change")
    try:
        services.health_weights_undo(actor=actor, change=change)
        messages.success(request, "The weights before that change are back.")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(reverse("relationships:health_backtest"))
