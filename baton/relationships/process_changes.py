"""Communication protocols and the onboarding plan are process: with `Workspace.process_changes_need_approval` on,
a change by anyone but an owner waits for an owner's approval (core/changes.py). How such a change is applied:
through the protocol and onboarding-template services."""

from __future__ import annotations

from typing import Any

from django.db import models

from baton.core.access import Actor
from baton.core.changes import register_change_kind
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.relationships.services import onboarding_template_put, protocol_put

PROTOCOL = "protocol"
ONBOARDING_TEMPLATE = "onboarding_template"


def apply_protocol(actor: Actor, action: str, target: models.Model | None, payload: dict[str, Any]) -> models.Model:
    """A client's protocol (the change request's record is the client; the protocol is created on first write)."""
    assert isinstance(target, Client)
    data = dict(payload)
    version = data.pop("version", None)
    return protocol_put(actor=actor, client=target, version=version, **data)


def protocol_client(workspace: Workspace, target_id: int) -> Client | None:
    return Client.objects.filter(workspace=workspace, pk=target_id).first()


def apply_onboarding_template(
    actor: Actor, action: str, target: models.Model | None, payload: dict[str, Any]
) -> Workspace:
    """The workspace's standard onboarding plan (its record is the workspace)."""
    onboarding_template_put(actor=actor, steps=list(payload.get("steps") or []))
    return actor.workspace


def workspace_of(workspace: Workspace, target_id: int) -> Workspace | None:
    return workspace if workspace.pk == target_id else None


register_change_kind(PROTOCOL, label="Communication protocol", apply=apply_protocol, target=protocol_client)
register_change_kind(ONBOARDING_TEMPLATE, label="Onboarding plan", apply=apply_onboarding_template, target=workspace_of)
