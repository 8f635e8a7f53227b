"""Demo data for delivery: templates, projects, milestones and tasks (filled in by the delivery work)."""

from __future__ import annotations

import random

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client


def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    """Add delivery data to the demo agency."""
