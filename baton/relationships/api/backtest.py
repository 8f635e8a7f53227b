"""`/health/backtest`: the last backtest of the health weights, and accepting its proposed weights (owners, admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from baton.core.api_support import ERRORS, actor_of
from baton.core.schemas import InputSchema
from baton.relationships import services
from baton.relationships.backtest import run_backtest
from baton.relationships.selectors.backtest import current_health_weights, health_backtest_for

router = Router()


class HealthBacktestOut(Schema):
    computed_at: datetime
    horizon_days: int
    current_weights: dict[str, int]
    proposed_weights: dict[str, int]
    result: dict[str, Any]


class HealthWeightsAcceptIn(InputSchema):
    weights: dict[str, int] | None = None


class HealthWeightsChangeOut(Schema):
    id: int
    accepted_at: datetime
    accepted_by: str
    weights: dict[str, int]
    previous_weights: dict[str, int]

    @staticmethod
    def resolve_accepted_by(obj: Any) -> str:
        return str(obj.accepted_by_name)


def _out(backtest: Any) -> dict[str, Any]:
    return {
        "computed_at": backtest.computed_at,
        "horizon_days": backtest.horizon_days,
        "current_weights": current_health_weights(backtest.workspace),
        "proposed_weights": backtest.proposed_weights or {},
        "result": backtest.result,
    }


def _fresh(actor: Any) -> dict[str, Any]:
    """A backtest computed now and not kept (a GET changes nothing; the worker or the page keeps one)."""
    current = current_health_weights(actor.workspace)
    result = run_backtest(actor.workspace, current, timezone.localdate())
    return {
        "computed_at": timezone.now(),
        "horizon_days": result["horizon_days"],
        "current_weights": current,
        "proposed_weights": result["proposed_weights"],
        "result": result,
    }


@router.get(
    "/health/backtest",
    response={200: HealthBacktestOut, **ERRORS},
    operation_id="baton_relationships_api_get_health_backtest",
)
def get_health_backtest(request: HttpRequest) -> Any:
    """The last backtest (computed now, not kept, when there is none yet): the current weights against weights
    fitted on the workspace's churn history, with AUC, Brier score and reliability, overall and per quarter."""
    actor = actor_of(request)
    backtest = health_backtest_for(actor)
    return _out(backtest) if backtest else _fresh(actor)


@router.post(
    "/health/backtest/accept",
    response={200: HealthWeightsChangeOut, **ERRORS},
    operation_id="baton_relationships_api_accept_health_backtest",
)
def accept_health_backtest(request: HttpRequest, payload: HealthWeightsAcceptIn | None = None) -> Any:
    """Make the proposed weights the workspace's health weights (recorded with the ones they replace)."""
    actor = actor_of(request)
    return services.health_weights_accept(actor=actor, weights=payload.weights if payload else None)
