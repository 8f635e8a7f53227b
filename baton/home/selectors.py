"""Which home a person gets, and its figures: the one place the page and `GET /api/v1/home` read them from."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.home.roles import (
    account_manager,
    client,
    finance,
    leadership,
    member,
    operations,
    project_manager,
    resources,
)

HOMES: dict[str, ModuleType] = {
    "leadership": leadership,
    "operations": operations,
    "finance": finance,
    "account_manager": account_manager,
    "project_manager": project_manager,
    "member": member,
    "client": client,
    "resources": resources,
}
BY_ROLE = {
    access.OWNER: "leadership",
    access.ADMIN: "operations",
    access.FINANCE: "finance",
    access.AM: "account_manager",
    access.PM: "project_manager",
    access.MEMBER: "member",
    access.CLIENT: "client",
}


def home_name(actor: Actor) -> str:
    """The home the actor's role answers with."""
    return BY_ROLE.get(actor.role, "member")


def home_context(actor: Actor, name: str | None = None) -> dict[str, Any]:
    """The home page's context: `home` names it and its template; `figures` are the numbers the API gives."""
    name = name or home_name(actor)
    module = HOMES[name]
    ctx = module.build(actor)
    ctx["role"] = actor.role
    ctx["home"] = {"name": name, "template": module.TEMPLATE, "as_of": timezone.now()}
    return ctx
