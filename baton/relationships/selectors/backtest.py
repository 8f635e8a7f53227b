"""Reads of the health backtest: the cached result and the accepted weight changes (owners and admins)."""

from __future__ import annotations

from django.db.models import QuerySet

from baton.core import access
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.relationships.models import DEFAULT_HEALTH_WEIGHTS, HealthBacktest, HealthWeightsChange
from baton.relationships.selectors.clients import settings_for


def current_health_weights(workspace: Workspace) -> dict[str, int]:
    """The weights the score uses now: the workspace's over the defaults (every signal named)."""
    return {**DEFAULT_HEALTH_WEIGHTS, **(settings_for(workspace).health_weights or {})}


def health_backtest_for(actor: Actor) -> HealthBacktest | None:
    access.require(actor, "health_backtest", "view")
    return HealthBacktest.objects.filter(workspace=actor.workspace).first()


def health_weights_changes(actor: Actor) -> QuerySet[HealthWeightsChange]:
    access.require(actor, "health_backtest", "view")
    return HealthWeightsChange.objects.filter(workspace=actor.workspace).order_by("-accepted_at", "-id")
