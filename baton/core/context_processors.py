from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from baton.core.access import LEADERS
from baton.core.health import background_delays
from baton.core.nav import main_nav


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The acting workspace, the user's other workspaces and the main navigation the role may open, for the shell."""
    actor = getattr(request, "actor", None)
    # Owners and admins see why background work is late (queue, scheduler, Redis); cached per process for seconds.
    delays = background_delays() if actor and actor.role in LEADERS and settings.BACKGROUND_BANNER else []
    return {
        "background_delays": delays,
        "main_nav": main_nav(request, actor) if actor else [],
        "actor": actor,
        "current_workspace": actor.workspace if actor else None,
        "my_memberships": getattr(request, "memberships", []),
    }
