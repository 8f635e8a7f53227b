"""Engagements (contracts): creating one. Renewing, ending and churning them, and the retention they add up to, build
on this."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from baton.core import access, events
from baton.core.access import Actor
from baton.core.services import validate
from baton.crm.models import Client
from baton.relationships.models import Engagement

ENGAGEMENT_FIELDS = (
    "service",
    "end_date",
    "renewal_date",
    "value",
    "currency",
    "recurring",
    "notice_days",
    "project",
    "deal",
    "renewed_from",
)


def _event_data(engagement: Engagement) -> dict[str, Any]:
    return {
        "client_id": engagement.client_id,
        "name": engagement.name,
        "value": engagement.value,
        "recurring": engagement.recurring,
        "start_date": engagement.start_date,
        "end_date": engagement.end_date,
        "renewal_date": engagement.renewal_date,
    }


@transaction.atomic
def engagement_create(*, actor: Actor, client: Client, name: str, start_date: Any, **fields: Any) -> Engagement:
    """A client's engagement: `name` and `start_date` required; the rest from ENGAGEMENT_FIELDS. The currency defaults
    to the client's (else the workspace's); a recurring engagement needs an end date (its MRR is value ÷ months of
    its term)."""
    engagement = Engagement(workspace=actor.workspace, client=client, name=(name or "").strip(), start_date=start_date)
    access.require(actor, "engagement", "create", engagement)
    unknown = set(fields) - set(ENGAGEMENT_FIELDS)
    if unknown:
        raise ValidationError({f: "Unknown field." for f in sorted(unknown)})
    for k, v in fields.items():
        if v is not None:
            setattr(engagement, k, v)
    if not engagement.currency:
        engagement.currency = client.currency or actor.workspace.currency
    errors: dict[str, str] = {}
    if engagement.recurring and engagement.end_date is None:
        errors["end_date"] = "A recurring engagement needs an end date: its monthly value is its value over its term."
    if engagement.value is not None and Decimal(str(engagement.value)) < 0:
        errors["value"] = "An engagement's value cannot be negative."
    if engagement.end_date and engagement.start_date and engagement.end_date < engagement.start_date:
        errors["end_date"] = "The end date cannot be before the start date."
    validate(engagement, errors)
    engagement.save()
    events.emit(actor, "engagement.created", engagement, data=_event_data(engagement))
    return engagement
