"""Account manager: which accounts need me today?"""

from __future__ import annotations

from typing import Any

from baton.core.access import Actor
from baton.home.roles.base import legacy_context

TEMPLATE = "home/account_manager.html"


def build(actor: Actor) -> dict[str, Any]:
    """The template's context; `figures` (JSON-able) is what `GET /api/v1/home` answers, the same numbers."""
    return {**legacy_context(actor), "figures": {}}
