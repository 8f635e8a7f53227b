"""Churn histories for the health backtest, shared by the demo, the scale generator and the tests.

`churn_history` gives live clients months of health snapshots (retained) and adds past clients whose snapshots
end in churn: their signals wander around a base, and in the months before churning the signals that matter
(`weights_that_matter`) degrade, the more the more they matter; one in eight churns with no warning. Their
engagements end `churned` (or `ended`) on the churn day and the client is churned and archived.
`logistic_history` is the textbook case for tests: one snapshot per client, churn within the horizon drawn from a
logistic model of known weights. Snapshots are written in bulk (one row per client and day, goodness kept per
signal, the score and contributions as the health page computes them from goodness).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from baton.core.models import Workspace
from baton.crm.models import Client
from baton.relationships.health import band_of
from baton.relationships.models import DEFAULT_HEALTH_WEIGHTS, Engagement, HealthSnapshot

# What drives churn in the demo agency (not what the hand-set weights say): sentiment and response time first.
DEMO_CHURN_DRIVERS: dict[str, int] = {
    "sentiment": 35,
    "response_time": 25,
    "overdue_next_steps": 20,
    "open_escalations": 20,
}
_NAMES_A = ("Harbor", "Granite", "Willow", "Copper", "Silver", "Maple", "Cedar", "Summit", "Beacon", "Falcon", "Orchid")
_NAMES_B = ("Foods", "Logistics", "Labs", "Outfitters", "Dental", "Capital", "Studios", "Motors", "Health", "Travel")


def _clamp(x: float) -> float:
    return min(1.0, max(0.0, x))


def snapshot_rows(goodness: dict[str, float], weights: dict[str, int]) -> tuple[int, list[dict[str, Any]]]:
    """(score, signal rows) of a day's goodness under `weights`: the rounded weighted sum, each contribution its
    floor plus the points left by largest remainder (as `compute_health` does), and the goodness kept."""
    total = sum(weights.values()) or 1
    shares = {s: 100 * weights[s] * goodness.get(s, 1.0) / total for s in weights}
    score = round(sum(shares.values()))
    floors = {s: math.floor(v) for s, v in shares.items()}
    for s in sorted(shares, key=lambda s: floors[s] - shares[s])[: max(0, score - sum(floors.values()))]:
        floors[s] += 1
    rows = [
        {
            "name": s,
            "value": None,
            "weight": weights[s],
            "contribution": floors[s],
            "goodness": round(goodness.get(s, 1.0), 4),
            "explanation": "From the churn history.",
        }
        for s in weights
    ]
    return score, rows


def _snapshot(
    workspace: Workspace, client_id: int, day: date, goodness: dict[str, float], weights: dict[str, int]
) -> HealthSnapshot:
    score, rows = snapshot_rows(goodness, weights)
    return HealthSnapshot(
        workspace=workspace, client_id=client_id, taken_on=day, score=score, band=band_of(score), signals=rows
    )


def _walk(rng: random.Random, base: dict[str, float], g: dict[str, float]) -> dict[str, float]:
    return {s: _clamp(g[s] + 0.4 * (base[s] - g[s]) + rng.gauss(0, 0.1)) for s in g}


PAST_SERVICES = ("SEO", "Paid media", "Content", "Web care")


def _past_clients(workspace: Workspace, rng: random.Random, n: int, prefix: str) -> list[Client]:
    taken = {name.lower() for name in Client.objects.filter(workspace=workspace).values_list("name", flat=True)}
    names: list[str] = []
    while len(names) < n:
        name = f"{rng.choice(_NAMES_A)} {rng.choice(_NAMES_B)}"
        name = name if name.lower() not in taken else f"{name} {len(names) + 2}"
        if name.lower() not in taken:
            taken.add(name.lower())
            names.append(f"{prefix}{name}")
    return Client.objects.bulk_create(
        [Client(workspace=workspace, name=name, status="churned", notes="A past client.") for name in names]
    )


def _days(start: date, end: date, every: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(0, (end - start).days + 1, every)]


def churn_history(
    workspace: Workspace,
    rng: random.Random,
    *,
    live: Sequence[Client],
    past: int,
    today: date,
    every_days: int = 30,
    months: tuple[int, int] = (12, 24),
    drivers: dict[str, int] | None = None,
    prefix: str = "",
) -> dict[str, int]:
    """Snapshots every `every_days` for the live clients (12-24 months back, up to yesterday; days already taken are
    left alone) and `past` churned clients with their engagements. Returns counts."""
    weights = dict(DEFAULT_HEALTH_WEIGHTS)
    drivers = {s: w for s, w in (drivers or DEMO_CHURN_DRIVERS).items() if s in weights}
    top = max(drivers.values() or [1])
    taken = set(HealthSnapshot.objects.filter(client__in=list(live)).values_list("client_id", "taken_on"))
    snaps: list[HealthSnapshot] = []
    for client in live:
        start = today - timedelta(days=30 * rng.randint(*months))
        base = {s: rng.uniform(0.7, 1.0) for s in weights}
        g = dict(base)
        for day in _days(start, today - timedelta(days=1), every_days):
            g = _walk(rng, base, g)
            if (client.pk, day) not in taken:
                snaps.append(_snapshot(workspace, client.pk, day, g, weights))
    engagements: list[Engagement] = []
    for client in _past_clients(workspace, rng, past, prefix):
        length = 30 * rng.randint(*months)
        # Spread over six years: an agency loses a few clients a year, not its whole book in one (the retention report
        # and the owner's home read these too).
        churned_on = today - timedelta(days=rng.randint(20, 6 * 365))
        start = churned_on - timedelta(days=length)
        decline_from = churned_on - timedelta(days=rng.randint(100, 180))
        silent = rng.random() < 0.125  # churns with no warning in its signals
        base = {s: rng.uniform(0.7, 1.0) for s in weights}
        g = dict(base)
        for day in _days(start, churned_on - timedelta(days=1), every_days):
            g = _walk(rng, base, g)
            if day >= decline_from and not silent:
                g = {s: _clamp(v - 0.09 * drivers.get(s, 0) / top * rng.uniform(0.5, 1.5)) for s, v in g.items()}
            snaps.append(_snapshot(workspace, client.pk, day, g, weights))
        status = "ended" if rng.random() < 0.2 else "churned"
        engagements.append(
            Engagement(
                workspace=workspace,
                client=client,
                name=f"{client.name} retainer",
                service=PAST_SERVICES[client.pk % len(PAST_SERVICES)],  # no draw: the history's numbers stay the same
                start_date=start,
                end_date=start + timedelta(days=length + 365),
                value=Decimal(rng.randrange(12_000, 60_000, 1000)),  # smaller accounts than today's book
                currency=workspace.currency,
                recurring=True,
                status=status,
                ended_on=churned_on,
                churn_reason="" if status == "ended" else rng.choice(["Budget cut", "Moved in-house", "Unhappy"]),
            )
        )
        ended_at = timezone.make_aware(datetime.combine(churned_on, time(12)))
        Client.objects.filter(pk=client.pk).update(
            created_at=timezone.make_aware(datetime.combine(start, time(9))), archived_at=ended_at
        )
    HealthSnapshot.objects.bulk_create(snaps, batch_size=2000)
    Engagement.objects.bulk_create(engagements, batch_size=2000)
    return {"snapshots": len(snaps), "past_clients": past}


def logistic_history(
    workspace: Workspace,
    rng: random.Random,
    *,
    true_weights: dict[str, int],
    clients: int,
    today: date,
    horizon_days: int = 90,
    intercept: float = 4.0,
    slope: float = 9.0,
) -> None:
    """`clients` clients, each with one snapshot (random goodness per signal) and churned within `horizon_days` of it
    with probability sigmoid(intercept - slope x sum(true weight x goodness) / 100); the others stay active."""
    weights = dict(DEFAULT_HEALTH_WEIGHTS)
    made = _past_clients(workspace, rng, clients, "Synthetic ")
    snaps, engagements, live = [], [], []
    for client in made:
        day = today - timedelta(days=horizon_days + rng.randint(1, 720))
        g = {s: rng.random() for s in weights}
        z = intercept - slope * sum(true_weights.get(s, 0) * g[s] for s in weights) / 100
        churned = rng.random() < 1 / (1 + math.exp(-z))
        snaps.append(_snapshot(workspace, client.pk, day, g, weights))
        end = day + timedelta(days=rng.randint(1, horizon_days)) if churned else None
        engagements.append(
            Engagement(
                workspace=workspace,
                client=client,
                name="Retainer",
                start_date=day - timedelta(days=30),
                status="churned" if churned else "active",
                ended_on=end,
            )
        )
        if not churned:
            live.append(client.pk)
    Client.objects.filter(pk__in=live).update(status="active")
    HealthSnapshot.objects.bulk_create(snaps, batch_size=2000)
    Engagement.objects.bulk_create(engagements, batch_size=2000)
