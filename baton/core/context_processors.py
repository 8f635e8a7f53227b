from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The acting workspace and the user's other workspaces, for the shell and the switcher."""
    actor = getattr(request, "actor", None)
    return {
        "actor": actor,
        "current_workspace": actor.workspace if actor else None,
        "my_memberships": getattr(request, "memberships", []),
    }
