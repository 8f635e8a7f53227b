"""A history with churn, for the health backtest: the live clients' monthly health snapshots back 12-24 months, and
past clients (churned or ended, archived) whose signals degraded in the months before they left. Written in bulk
(about 700 snapshots); its own seeded random stream, so the rest of the demo draws the same numbers as before."""

from __future__ import annotations

import random

from django.utils import timezone

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.devdata.churn import churn_history

PAST_CLIENTS = 26


def extend_demo(workspace: Workspace, actor: Actor, rng: random.Random, clients: list[Client]) -> None:
    own = random.Random(20)
    live = [c for c in clients if c.status == "active"]
    churn_history(workspace, own, live=live, past=PAST_CLIENTS, today=timezone.localdate(), every_days=30)
