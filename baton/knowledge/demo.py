"""Demo data for client knowledge: briefs, decisions, preferences (filled in by the knowledge work)."""

from __future__ import annotations

import random

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client


def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    """Add knowledge data to the demo agency (runs after delivery's)."""
