"""The health backtest, computed and cached (`health_backtest_run`), and its proposed weights accepted by an owner or
admin (`health_weights_accept`), recorded with the weights they replaced so the change can be undone
(`health_weights_undo`). The weights themselves are set through `settings_update`, the one home of their rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.relationships.backtest import HORIZON_DAYS, run_backtest
from baton.relationships.models import HealthBacktest, HealthWeightsChange
from baton.relationships.selectors.backtest import current_health_weights
from baton.relationships.selectors.clients import settings_for
from baton.relationships.services.settings import settings_update


@transaction.atomic
def health_backtest_run(*, actor: Actor, today: date | None = None, horizon_days: int = HORIZON_DAYS) -> HealthBacktest:
    """Backtest the current weights against fitted ones on the workspace's history; keep the result (one row)."""
    access.require(actor, "health_backtest", "run")
    workspace = actor.workspace
    today = today or timezone.localdate()
    result = run_backtest(workspace, current_health_weights(workspace), today, horizon_days)
    backtest, _ = HealthBacktest.objects.update_or_create(
        workspace=workspace,
        defaults={
            "computed_at": timezone.now(),
            "horizon_days": horizon_days,
            "result": result,
            "proposed_weights": result["proposed_weights"],
        },
    )
    overall = result["overall"]
    events.emit(
        actor,
        "health_backtest.computed",
        backtest,
        data={
            "points": result["points"],
            "churned_clients": result["churned_clients"],
            "current_auc": (overall.get("current") or {}).get("auc"),
            "fitted_auc": (overall.get("fitted") or {}).get("auc"),
            "too_small": result["too_small"],
        },
    )
    return backtest


def _record(
    actor: Actor, weights: dict[str, int], previous: dict[str, int], auc: Any, undoes: HealthWeightsChange | None
) -> HealthWeightsChange:
    settings_update(actor=actor, version=settings_for(actor.workspace).version, health_weights=weights)
    return HealthWeightsChange.objects.create(
        workspace=actor.workspace,
        accepted_at=timezone.now(),
        accepted_by_id=actor.person_id,
        accepted_by_name=actor.person_name,
        weights=weights,
        previous_weights=previous,
        auc=Decimal(str(auc)) if auc is not None else None,
        undoes=undoes,
    )


@transaction.atomic
def health_weights_accept(*, actor: Actor, weights: dict[str, int] | None = None) -> HealthWeightsChange:
    """Make the last backtest's proposed weights the workspace's. `weights`, when sent, must be the proposal (the
    page or client shows one result; a recomputed one is accepted only after it was seen)."""
    access.require(actor, "health_backtest", "accept")
    backtest = HealthBacktest.objects.select_for_update().filter(workspace=actor.workspace).first()
    proposed = dict(backtest.proposed_weights) if backtest else {}
    if not proposed:
        raise ValidationError({"weights": "There are no proposed weights: run the backtest first."})
    if weights is not None and {k: int(v) for k, v in weights.items()} != proposed:
        raise ValidationError({"weights": "These are not the proposed weights (the backtest was run again?)."})
    previous = current_health_weights(actor.workspace)
    auc = ((backtest.result.get("overall") or {}).get("fitted") or {}).get("auc") if backtest else None
    change = _record(actor, proposed, previous, auc, None)
    events.emit(actor, "health_weights.accepted", change, data={"weights": proposed, "previous_weights": previous})
    return change


@transaction.atomic
def health_weights_undo(*, actor: Actor, change: HealthWeightsChange) -> HealthWeightsChange:
    """Put back the weights a change replaced, while they are still the ones it set (recorded as a change too)."""
    access.require(actor, "health_backtest", "accept")
    current = current_health_weights(actor.workspace)
    if current != {**current, **change.weights}:
        raise ValidationError({"change_id": "The weights have changed since; undo the later change first."})
    restored = {**current, **change.previous_weights}
    undo = _record(actor, restored, current, None, change)
    events.emit(
        actor, "health_weights.restored", undo, data={"weights": restored, "undoes": change.pk, "previous": current}
    )
    return undo
