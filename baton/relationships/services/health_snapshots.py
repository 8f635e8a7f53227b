"""The daily health snapshot of every live client (the trend)."""

from __future__ import annotations

from datetime import date

from baton.core import events
from baton.core.models import Workspace
from baton.crm.models import Client
from baton.relationships.models import HealthSnapshot
from baton.relationships.selectors import client_health

# --- Health snapshots -------------------------------------------------------------------------------------------


def health_snapshot_take(workspace: Workspace, today: date) -> list[tuple[HealthSnapshot, int | None]]:
    """Today's health of every live client, kept once a day (re-running updates today's row). Returns (snapshot,
    the previous day's score)."""
    made = []
    for client in Client.objects.filter(workspace=workspace, archived_at__isnull=True).exclude(status="churned"):
        health = client_health(client, today)
        previous = (
            HealthSnapshot.objects.filter(client=client, taken_on__lt=today)
            .order_by("-taken_on")
            .values_list("score", flat=True)
            .first()
        )
        snap, _ = HealthSnapshot.objects.update_or_create(
            client=client,
            taken_on=today,
            defaults={
                "workspace": workspace,
                "score": health["score"],
                "band": health["band"],
                "signals": events.jsonable(health["signals"]),
            },
        )
        made.append((snap, previous))
    return made
