"""Background work for core, on Huey. Tasks only call services or selectors."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from huey import crontab

from baton.core.models import IdempotencyRecord
from baton.core.periodic import periodic_task, prune_periodic_runs

IDEMPOTENCY_TTL = timedelta(hours=24)


def prune_idempotency_records(now: datetime | None = None) -> int:
    """Forget Idempotency-Key responses older than a day (clients retry within minutes, not days)."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_TTL
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@periodic_task(crontab(minute="17"))
def prune_idempotency_records_hourly() -> int:
    return prune_idempotency_records()


@periodic_task(crontab(hour="3", minute="41"))
def prune_periodic_runs_daily() -> int:
    return prune_periodic_runs()
