"""`/health/backtest`: the last backtest of the health weights, and accepting its proposed weights (owners, admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from baton.core.api_support import ERRORS, actor_of
from baton.core.schemas import InputSchema
from baton.relationships import services
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


@router.get(
    "/health/backtest",
    response={200: HealthBacktestOut, **ERRORS},
    operation_id="baton_relationships_api_get_health_backtest",
)
def get_health_backtest(request: HttpRequest) -> Any:
    """The last backtest (computed now when there is none yet): the current weights against weights fitted on the
    workspace's churn history, with AUC, Brier score and reliability, overall and per quarter."""
    actor = actor_of(request)
    backtest = health_backtest_for(actor) or services.health_backtest_run(actor=actor)
    return _out(backtest)


@router.post(
    "/health/backtest/accept",
    response={200: HealthWeightsChangeOut, **ERRORS},
    operation_id="baton_relationships_api_accept_health_backtest",
)
def accept_health_backtest(request: HttpRequest, payload: HealthWeightsAcceptIn | None = None) -> Any:
    """Make the proposed weights the workspace's health weights (recorded with the ones they replace)."""
    actor = actor_of(request)
    return services.health_weights_accept(actor=actor, weights=payload.weights if payload else None)
