"""Ask the access policy from a template, so a page shows a link only to those who may open it:
`{% load access %}{% can "staffing" "view" as may_staff %}{% if may_staff %}<a ...>{% endif %}`, with the record as a
third argument for the object rules (`{% can "budget" "view" project as sees_money %}`). The actor is the request's
(`actor` in the context); without one, nothing is allowed."""

from __future__ import annotations

from typing import Any

from django import template

from baton.core import access
from baton.core.changes import needs_approval

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, resource: str, action: str, obj: Any = None) -> bool:
    actor = context.get("actor")
    return isinstance(actor, access.Actor) and access.allowed(actor, resource, action, obj)


@register.inclusion_tag("core/partials/_sent_for_approval.html", takes_context=True)
def approval_notice(context: template.Context) -> dict[str, Any]:
    """`{% approval_notice %}` on a process form (templates, rules, protocols): says that saving sends the change to
    an owner for approval when the workspace requires it of this actor (core/changes.py)."""
    actor = context.get("actor")
    return {"waits": isinstance(actor, access.Actor) and needs_approval(actor)}
