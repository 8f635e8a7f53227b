"""Writes to the growth framework: seeding it, traits and behaviours (with their levels)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from baton.core import access, events
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.services import bump_version, check_version, validate
from baton.growth import defaults
from baton.growth.models import (
    Behaviour,
    EvidenceRule,
    GrowthSetup,
    PracticeScenario,
    Trait,
)

# --- The framework ------------------------------------------------------------------------------------------------


def framework_ensure(workspace: Workspace) -> None:
    """Seed the default traits, behaviours, evidence mapping and practice library once per workspace (lazily, so
    existing workspaces and the demo get them on first use). Safe to call from anywhere, any number of times."""
    if GrowthSetup.objects.filter(workspace=workspace).exists():
        return
    try:
        with transaction.atomic():
            GrowthSetup.objects.create(workspace=workspace)
            traits = {}
            for position, (key, name, description) in enumerate(defaults.TRAITS):
                traits[key], _ = Trait.objects.get_or_create(
                    workspace=workspace,
                    key=key,
                    defaults={"name": name, "description": description, "position": position},
                )
            behaviours = {}
            for position, (key, trait, name, description, levels) in enumerate(defaults.BEHAVIOURS):
                behaviours[key], _ = Behaviour.objects.get_or_create(
                    workspace=workspace,
                    key=key,
                    defaults={
                        "trait": traits[trait],
                        "name": name,
                        "description": description,
                        "levels": levels,
                        "position": position,
                    },
                )
            for rule in defaults.RULES:
                EvidenceRule.objects.create(
                    workspace=workspace,
                    name=rule["name"],
                    verb=rule["verb"],
                    conditions=rule["conditions"],
                    credit=rule["credit"],
                    behaviour=behaviours[rule["behaviour"]],
                    polarity=rule["polarity"],
                    summary_template=rule["summary_template"],
                )
            for position, (title, situation, rubric) in enumerate(defaults.SCENARIOS):
                PracticeScenario.objects.create(
                    workspace=workspace, title=title, situation=situation, rubric=rubric, position=position
                )
    except IntegrityError:
        pass  # seeded by a concurrent request


@transaction.atomic
def trait_update(
    *, actor: Actor, trait: Trait, version: int | None, name: str | None = None, description: str | None = None
) -> Trait:
    """Rename or re-describe a trait (its key stays)."""
    access.require(actor, "growth_framework", "update")
    trait = Trait.objects.select_for_update().get(pk=trait.pk)
    check_version(trait, version)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = name.strip()
    if description is not None:
        changes["description"] = description
    errors = {"name": "Give the trait a name."} if "name" in changes and not changes["name"] else {}
    changed = events.diff(trait, changes)
    validate(trait, errors)
    if changed:
        bump_version(trait)
        trait.save()
        events.emit(actor, "trait.updated", trait, data={"changes": changed})
    return trait


def _levels(levels: Any, errors: dict[str, str]) -> dict[str, str]:
    if levels is None:
        return {}
    if not isinstance(levels, dict) or any(str(k) not in {"1", "2", "3", "4", "5"} for k in levels):
        errors["levels"] = 'Describe levels 1-5 as {"1": "...", ..., "5": "..."}.'
        return {}
    return {str(k): str(v) for k, v in sorted(levels.items(), key=lambda kv: str(kv[0]))}


@transaction.atomic
def behaviour_create(
    *,
    actor: Actor,
    trait_id: int,
    key: str,
    name: str,
    description: str = "",
    levels: dict[str, str] | None = None,
) -> Behaviour:
    """Add an observable behaviour to a trait. Its key is `<trait>.<name>` (the trait prefix is added if missing)."""
    access.require(actor, "growth_framework", "update")
    errors: dict[str, str] = {}
    trait = Trait.objects.filter(workspace=actor.workspace, pk=trait_id).first()
    if trait is None:
        errors["trait_id"] = "No such trait in this workspace."
    key = (key or "").strip().lower()
    if trait is not None and key and not key.startswith(f"{trait.key}."):
        key = f"{trait.key}.{key}"
    if not re.match(r"^[a-z_]+\.[a-z][a-z0-9_]*$", key):
        errors["key"] = "Use a short snake_case key, e.g. listening (stored as trust.listening)."
    elif Behaviour.objects.filter(workspace=actor.workspace, key=key).exists():
        errors["key"] = "This workspace already has a behaviour with this key."
    if not (name or "").strip():
        errors["name"] = "Give the behaviour a name."
    clean_levels = _levels(levels, errors)
    if errors or trait is None:
        raise ValidationError(errors)
    behaviour = Behaviour(
        workspace=actor.workspace,
        trait=trait,
        key=key,
        name=name.strip(),
        description=description,
        levels=clean_levels,
        position=trait.behaviours.count() + 100,
    )
    validate(behaviour)
    behaviour.save()
    events.emit(actor, "behaviour.created", behaviour, data={"key": key, "trait": trait.key})
    return behaviour


@transaction.atomic
def behaviour_update(*, actor: Actor, behaviour: Behaviour, version: int | None, **fields: Any) -> Behaviour:
    """Change a behaviour's name, description, level descriptions or whether it is assessed (`active`)."""
    access.require(actor, "growth_framework", "update")
    behaviour = Behaviour.objects.select_for_update().get(pk=behaviour.pk)
    check_version(behaviour, version)
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    for field in ("name", "description", "active"):
        if fields.get(field) is not None:
            changes[field] = fields[field].strip() if field == "name" else fields[field]
    if "name" in changes and not changes["name"]:
        errors["name"] = "Give the behaviour a name."
    if fields.get("levels") is not None:
        changes["levels"] = _levels(fields["levels"], errors)
    changed = events.diff(behaviour, changes)
    validate(behaviour, errors)
    if changed:
        bump_version(behaviour)
        behaviour.save()
        events.emit(actor, "behaviour.updated", behaviour, data={"changes": changed, "key": behaviour.key})
    return behaviour
