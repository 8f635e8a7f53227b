"""The workspace's relationships settings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from baton.core import access, events
from baton.core.access import Actor
from baton.core.services import bump_version, check_version, validate
from baton.relationships.models import DEFAULT_HEALTH_WEIGHTS, RelationshipsSettings

# --- Settings ------------------------------------------------------------------------------------------------

SETTINGS_FIELDS = (
    "portfolio_mode",
    "health_weights",
    "healthy_from",
    "watch_from",
    "escalate_cadence_after_days",
    "escalate_on_health_at_risk",
    "escalate_on_budget_over",
    "escalate_on_unconfirmed_handoff",
    "status_update_weekday",
)


def _merged_weights(current: RelationshipsSettings, weights: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The new health weights over the current ones and the defaults; a bad one is an error under health_weights."""
    bad = set(weights) - set(DEFAULT_HEALTH_WEIGHTS)
    if bad:
        errors["health_weights"] = f"Unknown signal(s): {', '.join(sorted(bad))}."
        return weights
    if any(not isinstance(v, int) or v < 0 for v in weights.values()):
        errors["health_weights"] = "Weights are whole numbers from 0 up."
        return weights
    merged = {**DEFAULT_HEALTH_WEIGHTS, **(current.health_weights or {}), **weights}
    if not sum(merged.values()):
        errors["health_weights"] = "At least one signal needs a weight."
    return merged


def _band_and_weekday_errors(current: RelationshipsSettings, changes: dict[str, Any]) -> dict[str, str]:
    """A null is left to full_clean ("cannot be null", naming the field): these compare numbers only."""
    errors: dict[str, str] = {}
    healthy = changes.get("healthy_from", current.healthy_from)
    watch = changes.get("watch_from", current.watch_from)
    if healthy is not None and watch is not None and not 0 < watch < healthy <= 100:
        errors["watch_from"] = "Bands need 0 < watch_from < healthy_from <= 100."
    weekday = changes.get("status_update_weekday")
    if weekday is not None and not 1 <= int(weekday) <= 7:
        errors["status_update_weekday"] = "An ISO weekday, 1 (Monday) to 7."
    return errors


@transaction.atomic
def settings_update(*, actor: Actor, version: int | None, **changes: Any) -> RelationshipsSettings:
    access.require(actor, "relationships_settings", "update")
    current, _ = RelationshipsSettings.objects.select_for_update().get_or_create(workspace=actor.workspace)
    if version is not None or current.version > 1:
        check_version(current, version)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    errors: dict[str, str] = {f: "Send a value; this setting cannot be null." for f, v in changes.items() if v is None}
    changes = {f: v for f, v in changes.items() if f not in errors}
    if "health_weights" in changes:
        changes["health_weights"] = _merged_weights(current, changes["health_weights"], errors)
    errors |= _band_and_weekday_errors(current, changes)
    changed = events.diff(current, {k: v for k, v in changes.items() if k not in errors})
    validate(current, errors)
    if changed:
        bump_version(current)
        current.save()
        events.emit(actor, "relationships_settings.updated", current, data={"changes": changed})
    return current
