"""Failures: a downstream failure traced to a handoff, costed at the remediator's rate."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import validate
from baton.handoffs.models import (
    FailureCategory,
    Handoff,
    HandoffFailure,
    HandoffStatus,
)
from baton.people.models import Person
from baton.people.validators import person_of_workspace
from baton.rates.resolution import RateBook, amount_for

# --- Failures -------------------------------------------------------------------------------------------------

# Every date the API takes lies in these bounds (API.md, strict input).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


def cost_rate_on(person: Person, on: date) -> Any:
    """The person's loaded cost rate on a day (the rate resolution's: latest dated CostRate, else Person.cost_rate)."""
    book = RateBook.load(person.workspace_id, person_ids=[person.pk], only=Q(pk__in=[]))
    return book.resolve(
        person_id=person.pk,
        person_bill_rate=person.bill_rate,
        person_cost_rate=person.cost_rate,
        person_title=person.title,
        person_role="",
        project_id=0,
        client_id=0,
        on=on,
    ).cost_rate


@transaction.atomic
def failure_record(
    *,
    actor: Actor,
    handoff: Handoff,
    description: str,
    remediation_minutes: int,
    remediated_by_id: int | None = None,
    occurred_on: date | None = None,
    category: str = FailureCategory.REWORK,
) -> HandoffFailure:
    """A downstream failure traced to `handoff`: the remediation time of `remediated_by` (default: the handoff's
    receiver, never whoever records it) at their cost rate in force on `occurred_on` (default today), copied now
    like a time entry's (MONEY.md §7)."""
    access.require(actor, "handoff_failure", "create", handoff)
    if handoff.status == HandoffStatus.DRAFT:
        raise Conflict("A draft was never handed over; record failures against a sent handoff.", field="status")
    errors: dict[str, str] = {}
    # MONEY.md §7: the remediator is the person named, else the handoff's receiver - never whoever records it.
    person = person_of_workspace(
        actor.workspace,
        remediated_by_id if remediated_by_id is not None else handoff.to_person_id,
        "remediated_by_id",
        errors,
        staff=True,
        client_message="Remediation is done by the agency's people, not a portal user.",
    )
    try:
        minutes = int(remediation_minutes)
    except (TypeError, ValueError):
        minutes = 0
    if minutes < 1:
        errors["remediation_minutes"] = "Give the remediation time in minutes (at least 1)."
    if not (description or "").strip():
        errors["description"] = "Say what went wrong."
    day = occurred_on or timezone.localdate()
    if not FIRST_DAY <= day <= LAST_DAY:
        errors["occurred_on"] = f"Use a date between {FIRST_DAY} and {LAST_DAY}."
        day = timezone.localdate()
    rate = cost_rate_on(person, day) if person is not None else None
    failure = HandoffFailure(
        workspace=actor.workspace,
        handoff=handoff,
        category=category,
        description=(description or "").strip(),
        remediation_minutes=max(minutes, 1),
        remediated_by=person,  # type: ignore[misc]
        occurred_on=day,
        cost_rate=rate if rate is not None else 0,
        remediation_cost=amount_for(minutes, rate) if rate is not None and minutes > 0 else 0,
        recorded_by_id=actor.person_id,
    )
    validate(failure, errors, exclude=["remediated_by", "handoff"] if errors else ["handoff"])
    failure.save()
    events.emit(
        actor,
        "handoff_failure.recorded",
        failure,
        data={
            "handoff_id": handoff.pk,
            "kind": handoff.kind,
            "from_person_id": handoff.from_person_id,
            "to_person_id": handoff.to_person_id,
            "remediated_by_id": failure.remediated_by_id,
            "remediation_minutes": failure.remediation_minutes,
            "remediation_cost": failure.remediation_cost,
            "category": failure.category,
            "occurred_on": failure.occurred_on,
        },
        client_id=handoff.client_id,
    )
    return failure
