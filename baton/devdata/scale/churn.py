"""The churn history of the scale agency: fortnightly health snapshots of the live clients back 12-24 months, and past
clients (a quarter as many as the live ones) who churned with their signals degrading first (`devdata.churn`)."""

from __future__ import annotations

from baton.devdata.churn import churn_history
from baton.devdata.scale._common import Progress, World


def step_churn(w: World, advance: Progress) -> None:
    live = [c for c in w.clients if c.status == "active" and c.archived_at is None]
    past = max(10, w.size.clients // 4)
    made = churn_history(
        w.workspace, w.rng, live=live, past=past, today=w.today, every_days=14, months=(12, 24), prefix="Former "
    )
    w.counts["health_snapshots"] = made["snapshots"]
    w.counts["past_clients"] = past
    advance("churn", made["snapshots"])
