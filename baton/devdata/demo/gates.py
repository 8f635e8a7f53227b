"""Issue 20's gates in the demo: scope reviews on most done milestones (one left "scope review due" per manager, so
the PM's home shows it). Draws nothing from `rng`, so the other modules' data stays as it was."""

from __future__ import annotations

import random

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.delivery.models import Milestone, MilestoneStatus
from baton.finance.services import scope_review_record


def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    done = list(
        Milestone.objects.filter(
            workspace=workspace,
            status=MilestoneStatus.DONE,
            project__project_manager__isnull=False,
            project__archived_at__isnull=True,
        )
        .select_related("project", "project__project_manager__membership")
        .order_by("completed_at", "id")[:12]
    )
    left_due: set[int] = set()
    for i, milestone in enumerate(done):
        manager = milestone.project.project_manager
        assert manager is not None
        if manager.pk not in left_due:
            left_due.add(manager.pk)  # each manager's first done milestone stays "scope review due"
            continue
        scope_review_record(
            actor=Actor.for_membership(manager.membership),
            milestone=milestone,
            outcome="in_scope" if i % 3 else "change_order_needed",
            note="" if i % 3 else "Two extra landing pages were asked for in the review; a change order follows.",
        )
