"""Automation rules are process: with `Workspace.process_changes_need_approval` on, a change by anyone but an owner
waits for an owner's approval (core/changes.py). How such a change is applied: through the rule services."""

from __future__ import annotations

from typing import Any

from django.db import models

from baton.automation.models import Rule
from baton.automation.services import rule_create, rule_update
from baton.core.access import Actor
from baton.core.changes import register_change_kind
from baton.core.models import Workspace

KIND = "automation_rule"


def apply(actor: Actor, action: str, target: models.Model | None, payload: dict[str, Any]) -> Rule:
    data = dict(payload)
    version = data.pop("version", None)
    if action == "create":
        return rule_create(actor=actor, **data)
    assert isinstance(target, Rule)
    return rule_update(actor=actor, rule=target, version=version, **data)


def target(workspace: Workspace, target_id: int) -> Rule | None:
    return Rule.objects.filter(workspace=workspace, pk=target_id).first()


register_change_kind(KIND, label="Automation rule", apply=apply, target=target)
