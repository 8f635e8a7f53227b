"""Which home a person gets, and its figures: the one place the page and `GET /api/v1/home` read them from."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from django.utils import timezone

from baton.core import access
from baton.core.access import Actor
from baton.growth.learning_selectors import onboarding_home
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
    """The home the actor's role answers with; a member, PM or AM with the resource-manager capability
    (`Membership.resource_manager`) gets the resources home."""
    if actor.role in (access.MEMBER, access.PM, access.AM) and access.manages_resources(actor):
        return "resources"
    return BY_ROLE.get(actor.role, "member")


def home_context(actor: Actor, name: str | None = None, *, page: bool = False) -> dict[str, Any]:
    """The home page's context: `home` names it and its template; `figures` are the numbers the API gives. With
    `page`, a home that defers blocks (`PARTS`: each loaded by its own request, `home_part`) builds without them."""
    name = name or home_name(actor)
    module = HOMES[name]
    ctx = module.build(actor, defer=True) if page and getattr(module, "PARTS", None) else module.build(actor)
    ctx["role"] = actor.role
    ctx["home"] = {"name": name, "template": module.TEMPLATE, "as_of": timezone.now()}
    # Every staff home: the new hire's own onboarding plan, and the plans its buddy, lead or an owner/admin follows.
    if actor.role != access.CLIENT:
        ctx["onboarding"] = ctx["figures"]["onboarding"] = onboarding_home(actor)
    return ctx


def home_part(actor: Actor, part: str) -> dict[str, Any] | None:
    """One deferred block of the actor's home (its module's `PARTS[part]`): the template's context with the block's
    `figures` (the same the API's `figures` hold), or None when the home has no such block."""
    name = home_name(actor)
    parts = getattr(HOMES[name], "PARTS", {})
    if part not in parts:
        return None
    ctx: dict[str, Any] = parts[part](actor)
    ctx["home"] = {"name": name, "part": part, "template": f"home/parts/{name}_{part}.html"}
    return ctx
