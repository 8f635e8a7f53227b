"""Reads of imports, scoped by actor: owners and admins see their workspace's imports."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from baton.core import access
from baton.core.access import Actor
from baton.core.selectors import one_or_404
from baton.imports.models import ImportRun


def import_list(*, actor: Actor) -> QuerySet[ImportRun]:
    access.require(actor, "import", "view")
    return (
        ImportRun.objects.filter(workspace=actor.workspace).select_related("created_by").order_by("-created_at", "-id")
    )


def import_get(*, actor: Actor, run_id: Any) -> ImportRun:
    """One import of the actor's workspace (another workspace's is not found, whatever the role: 404)."""
    run = one_or_404(ImportRun.objects.filter(workspace=actor.workspace, pk=run_id), "import")
    access.require(actor, "import", "view", run)
    return run
