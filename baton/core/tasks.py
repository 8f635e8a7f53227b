"""Background work for core, on Huey. Tasks only call services or selectors."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from baton.core.models import IdempotencyRecord

IDEMPOTENCY_TTL = timedelta(hours=24)


def prune_idempotency_records(now: datetime | None = None) -> int:
    """Forget Idempotency-Key responses older than a day (clients retry within minutes, not days)."""
    cutoff = (now or timezone.now()) - IDEMPOTENCY_TTL
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@db_periodic_task(crontab(minute="17"))
def prune_idempotency_records_hourly() -> int:
    return prune_idempotency_records()
