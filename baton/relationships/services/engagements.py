"""Engagements (contracts): creating and changing one, renewing it (the next engagement, `renewed_from` it; the old
one becomes `renewed`), ending it and recording a churn (with the reason; both set `ended_on`). Retention, the renewal
risk and the renewals due are read from them (selectors/engagements.py; RULES.md)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import bump_version, check_version, validate
from baton.crm.models import Client
from baton.relationships.models import Engagement, EngagementStatus

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
UPDATABLE_FIELDS = (
    "name",
    "service",
    "start_date",
    "end_date",
    "renewal_date",
    "value",
    "currency",
    "recurring",
    "notice_days",
    "project",
    "deal",
)
RENEW_FIELDS = ("name", "service", "end_date", "renewal_date", "value", "recurring", "notice_days", "project", "deal")


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


def _errors(engagement: Engagement) -> dict[str, str]:
    """The engagement's own rules beyond the model's: a recurring one needs an end date; value not negative; the
    term in order; the project, deal and renewed engagement are the same client's."""
    errors: dict[str, str] = {}
    if engagement.recurring and engagement.end_date is None:
        errors["end_date"] = "A recurring engagement needs an end date: its monthly value is its value over its term."
    if engagement.value is not None and Decimal(str(engagement.value)) < 0:
        errors["value"] = "An engagement's value cannot be negative."
    if engagement.end_date and engagement.start_date and engagement.end_date < engagement.start_date:
        errors["end_date"] = "The end date cannot be before the start date."
    if engagement.renewal_date and engagement.start_date and engagement.renewal_date < engagement.start_date:
        errors["renewal_date"] = "The renewal date cannot be before the start date."
    for field in ("project", "deal", "renewed_from"):
        other = getattr(engagement, field)
        if other is not None and (
            other.workspace_id != engagement.workspace_id or other.client_id != engagement.client_id
        ):
            errors[f"{field}_id"] = f"The {field.replace('_', ' ')} must be this client's."
    return errors


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
    validate(engagement, _errors(engagement))
    engagement.save()
    events.emit(actor, "engagement.created", engagement, data=_event_data(engagement))
    return engagement


def _locked(actor: Actor, engagement: Engagement, version: int | None, *, required: bool = True) -> Engagement:
    """The engagement locked for the change, at the version the caller read (an action may leave it out)."""
    access.require(actor, "engagement", "update", engagement)
    locked = Engagement.objects.select_for_update().select_related("client").get(pk=engagement.pk)
    if required or version is not None:
        check_version(locked, version)
    return locked


@transaction.atomic
def engagement_update(*, actor: Actor, engagement: Engagement, version: int | None, **changes: Any) -> Engagement:
    """Change an engagement's fields (UPDATABLE_FIELDS); its status moves only by renew, end and churn."""
    engagement = _locked(actor, engagement, version)
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    changed = events.diff(engagement, changes)
    validate(engagement, _errors(engagement))
    if changed:
        bump_version(engagement)
        engagement.save()
        events.emit(actor, "engagement.updated", engagement, data={"changes": changed})
    return engagement


def _must_be_active(engagement: Engagement, doing: str) -> None:
    if engagement.status != EngagementStatus.ACTIVE:
        raise Conflict(
            f"Only an active engagement can be {doing}; this one is {engagement.get_status_display().lower()}.",
            field="status",
        )


@transaction.atomic
def engagement_renew(
    *, actor: Actor, engagement: Engagement, version: int | None, start_date: date | None = None, **fields: Any
) -> Engagement:
    """The next engagement: it starts the day after the old one's end (else on its renewal date, else today), runs a
    term as long as the old one's unless `end_date` is given, renews a term later, and keeps the old value, notice,
    service and project unless given (RENEW_FIELDS). The old one becomes `renewed`."""
    old = _locked(actor, engagement, version, required=False)
    _must_be_active(old, "renewed")
    unknown = set(fields) - set(RENEW_FIELDS)
    if unknown:
        raise ValidationError({f: "Unknown field." for f in sorted(unknown)})
    if start_date is None:
        start_date = (old.end_date + timedelta(days=1)) if old.end_date else old.renewal_date or timezone.localdate()
    term = (old.end_date - old.start_date) if old.end_date else None
    values: dict[str, Any] = {
        "name": old.name,
        "service": old.service,
        "value": old.value,
        "currency": old.currency,
        "recurring": old.recurring,
        "notice_days": old.notice_days,
        "project": old.project,
        "deal": old.deal,
        "end_date": _shifted(start_date, term),
    }
    values.update({k: v for k, v in fields.items() if v is not None})
    if "renewal_date" not in fields or fields["renewal_date"] is None:
        end = values["end_date"]
        values["renewal_date"] = (end + timedelta(days=1)) if end and old.renewal_date else None
    new = Engagement(workspace=old.workspace, client=old.client, start_date=start_date, renewed_from=old, **values)
    errors = _errors(new)
    if isinstance(start_date, date) and start_date < old.start_date:
        errors["start_date"] = "A renewal cannot start before the engagement it renews."
    validate(new, errors)
    new.save()
    old.status = EngagementStatus.RENEWED
    bump_version(old)
    old.save(update_fields=["status", "version", "updated_at"])
    events.emit(
        actor,
        "engagement.renewed",
        old,
        data={"renewal_id": new.pk, "old_value": old.value, "new_value": new.value, **_event_data(new)},
    )
    events.emit(actor, "engagement.created", new, data={**_event_data(new), "renewed_from_id": old.pk})
    return new


def _shifted(start: date, term: timedelta | None) -> date | None:
    """The end of a term as long as `term` starting on `start` (a whole number of days)."""
    return start + term if term is not None else None


def _stop(
    *, actor: Actor, engagement: Engagement, version: int | None, status: str, ended_on: Any, reason: str, verb: str
) -> Engagement:
    engagement = _locked(actor, engagement, version, required=False)
    _must_be_active(engagement, "ended" if status == EngagementStatus.ENDED else "churned")
    engagement.status = status
    # By default today; a contract that has not started yet (a renewal to come) stops on its first day.
    engagement.ended_on = ended_on or max(timezone.localdate(), engagement.start_date)
    engagement.churn_reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if status == EngagementStatus.CHURNED and not engagement.churn_reason:
        errors["reason"] = "Say why the client left."
    if isinstance(engagement.ended_on, date) and engagement.ended_on < engagement.start_date:
        errors["ended_on"] = "It cannot end before it started."
    validate(engagement, errors)
    bump_version(engagement)
    engagement.save()
    events.emit(
        actor,
        verb,
        engagement,
        data={**_event_data(engagement), "ended_on": engagement.ended_on, "reason": engagement.churn_reason},
    )
    return engagement


@transaction.atomic
def engagement_end(
    *, actor: Actor, engagement: Engagement, version: int | None, ended_on: Any = None, reason: str = ""
) -> Engagement:
    """The engagement ended as agreed (not renewed, the client not lost): `ended`, `ended_on` (default today)."""
    return _stop(
        actor=actor,
        engagement=engagement,
        version=version,
        status=EngagementStatus.ENDED,
        ended_on=ended_on,
        reason=reason,
        verb="engagement.ended",
    )


@transaction.atomic
def engagement_churn(
    *, actor: Actor, engagement: Engagement, version: int | None, reason: str, ended_on: Any = None
) -> Engagement:
    """The client left: `churned` with the reason (required), `ended_on` (default today)."""
    return _stop(
        actor=actor,
        engagement=engagement,
        version=version,
        status=EngagementStatus.CHURNED,
        ended_on=ended_on,
        reason=reason,
        verb="engagement.churned",
    )
