from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from baton.core.nav import main_nav


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The acting workspace, the user's other workspaces and the main navigation the role may open, for the shell."""
    actor = getattr(request, "actor", None)
    return {
        "main_nav": main_nav(request, actor) if actor else [],
        "actor": actor,
        "current_workspace": actor.workspace if actor else None,
        "my_memberships": getattr(request, "memberships", []),
    }
