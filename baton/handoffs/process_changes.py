"""Handoff templates are process: with `Workspace.process_changes_need_approval` on, a change by anyone but an owner
waits for an owner's approval (core/changes.py). How such a change is applied: through the template services."""

from __future__ import annotations

from typing import Any

from django.db import models

from baton.core.access import Actor
from baton.core.changes import register_change_kind
from baton.core.models import Workspace
from baton.handoffs.models import HandoffTemplate
from baton.handoffs.services import template_create, template_update

KIND = "handoff_template"


def apply(actor: Actor, action: str, target: models.Model | None, payload: dict[str, Any]) -> HandoffTemplate:
    data = dict(payload)
    if action == "create":
        data.pop("version", None)
        return template_create(actor=actor, **data)
    assert isinstance(target, HandoffTemplate)
    version = data.pop("version", None)
    return template_update(actor=actor, template=target, version=version, **data)


def target(workspace: Workspace, target_id: int) -> HandoffTemplate | None:
    return HandoffTemplate.objects.filter(workspace=workspace, pk=target_id).first()


register_change_kind(KIND, label="Handoff template", apply=apply, target=target)
