"""The client's decisions in the portal."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db import transaction

from baton.core import access
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.finance.services.change_orders import change_order_approve, change_order_reject

# --- The client's decisions in the portal -----------------------------------------------------------------------


@transaction.atomic
def portal_change_order_decide(*, actor: Actor, order: Any, approve: bool, reason: str = "") -> Any:
    """A client-role user approves or rejects a submitted change order of its own client's project, through
    finance's services (acting for the client: the decision and its event name the client's portal user)."""
    access.require(actor, "portal", "decide_change_order", order)
    if order.status != "submitted":
        raise Conflict("Only a submitted change order waits for your decision.", field="status")
    on_behalf = replace(actor, role=access.OWNER)  # finance's decide right, for this one order the client owns
    note = (reason or "").strip() or f"Decided in the client portal by {actor.person_name}."
    if approve:
        return change_order_approve(actor=on_behalf, order=order, reason=note)
    return change_order_reject(actor=on_behalf, order=order, reason=note)
