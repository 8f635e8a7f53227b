"""Writes for rate cards (bill rates by scope, dated cost rates) and exchange rates.

Changing a rate never changes logged time: entries copied their rates when they were logged.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from baton.core import access, events
from baton.core.access import Actor
from baton.core.money import money
from baton.core.services import bump_version, check_version, validate
from baton.core.validators import currency_code
from baton.crm.models import Client
from baton.delivery.models import Project
from baton.people.validators import person_of_workspace
from baton.rates.models import SCOPE_FIELDS, BillRate, BillRateScope, CostRate, ExchangeRate


def _scope_targets(
    actor: Actor,
    scope: str,
    *,
    role: str,
    person_id: int | None,
    client_id: int | None,
    project_id: int | None,
    errors: dict[str, str],
) -> dict[str, Any]:
    if scope not in SCOPE_FIELDS:
        errors["scope"] = f"Choose one of: {', '.join(s.value for s in BillRateScope)}."
        return {}
    needed = SCOPE_FIELDS[scope]
    given = {
        "role": bool((role or "").strip()),
        "person": person_id is not None,
        "client": client_id is not None,
        "project": project_id is not None,
    }
    out: dict[str, Any] = {"role": "", "person": None, "client": None, "project": None}
    for name, present in given.items():
        field = name if name == "role" else f"{name}_id"
        if name in needed and not present:
            errors[field] = f"A {BillRateScope(scope).label.lower()} rate names its {name}."
        elif name not in needed and present:
            errors[field] = f"A {BillRateScope(scope).label.lower()} rate does not name a {name}."
    if "role" in needed and given["role"]:
        out["role"] = role.strip()
    if "person" in needed and person_id is not None:
        out["person"] = person_of_workspace(actor.workspace, person_id, "person_id", errors)
    if "client" in needed and client_id is not None:
        out["client"] = Client.objects.filter(workspace=actor.workspace, pk=client_id).first()
        if out["client"] is None:
            errors["client_id"] = "No such client in this workspace."
    if "project" in needed and project_id is not None:
        out["project"] = Project.objects.filter(workspace=actor.workspace, pk=project_id).first()
        if out["project"] is None:
            errors["project_id"] = "No such project in this workspace."
    return out


def _duplicate(actor: Actor, rate: BillRate) -> bool:
    qs = BillRate.objects.filter(
        workspace=actor.workspace,
        scope=rate.scope,
        role__iexact=rate.role,
        person=rate.person,
        client=rate.client,
        project=rate.project,
        currency=rate.currency,
        effective_from=rate.effective_from,
    )
    if rate.pk:
        qs = qs.exclude(pk=rate.pk)
    return qs.exists()


def _bill_rate_data(rate: BillRate) -> dict[str, Any]:
    return {
        "scope": rate.scope,
        "role": rate.role,
        "person_id": rate.person_id,
        "client_id": rate.client_id,
        "project_id": rate.project_id,
        "rate": rate.rate,
        "currency": rate.currency,
        "effective_from": rate.effective_from,
    }


def _default_currency(actor: Actor, targets: dict[str, Any]) -> str:
    if targets.get("project") is not None:
        return str(targets["project"].currency)
    if targets.get("client") is not None:
        return str(targets["client"].currency)
    return str(actor.workspace.currency)


@transaction.atomic
def bill_rate_create(
    *,
    actor: Actor,
    scope: str,
    rate: Any,
    role: str = "",
    person_id: int | None = None,
    client_id: int | None = None,
    project_id: int | None = None,
    effective_from: date | None = None,
    note: str = "",
    currency: str | None = None,
) -> BillRate:
    """A rate card row in a currency (by default the project's for a project row, the client's for a client row, the
    workspace's base currency otherwise). It applies to time logged from now on (and to later-logged time of its
    dates)."""
    access.require(actor, "rate_card", "update")
    errors: dict[str, str] = {}
    targets = _scope_targets(
        actor, scope, role=role, person_id=person_id, client_id=client_id, project_id=project_id, errors=errors
    )
    value = money(rate, "rate", errors)
    code = currency_code(currency or _default_currency(actor, targets), "currency", errors)
    if errors or value is None:
        raise ValidationError(errors)
    row = BillRate(
        workspace=actor.workspace,
        scope=scope,
        rate=value,
        currency=code,
        effective_from=effective_from,
        note=note or "",
        **targets,
    )
    if _duplicate(actor, row):
        errors["effective_from"] = (
            "This scope already has a rate in this currency from that date; change that one instead."
        )
    validate(row, errors)
    row.save()
    events.emit(actor, "bill_rate.created", row, data=_bill_rate_data(row))
    return row


@transaction.atomic
def bill_rate_update(*, actor: Actor, bill_rate: BillRate, version: int | None, **changes: Any) -> BillRate:
    access.require(actor, "rate_card", "update")
    row = BillRate.objects.select_for_update().get(pk=bill_rate.pk)
    check_version(row, version)
    unknown = set(changes) - {"rate", "effective_from", "note"}
    if unknown:
        raise ValidationError({f: "This field cannot be changed; add a new rate instead." for f in sorted(unknown)})
    errors: dict[str, str] = {}
    if "rate" in changes:
        changes["rate"] = money(changes["rate"], "rate", errors)
    if errors:
        raise ValidationError(errors)
    changed = events.diff(row, changes)
    if not changed:
        return row
    if _duplicate(actor, row):
        errors["effective_from"] = "This scope already has a rate from that date."
    validate(row, errors)
    bump_version(row)
    row.save()
    events.emit(actor, "bill_rate.updated", row, data={"changes": changed})
    return row


@transaction.atomic
def bill_rate_delete(*, actor: Actor, bill_rate: BillRate) -> None:
    access.require(actor, "rate_card", "update")
    events.emit(actor, "bill_rate.deleted", bill_rate, data=_bill_rate_data(bill_rate))
    bill_rate.delete()


@transaction.atomic
def cost_rate_create(
    *, actor: Actor, person_id: int | None, rate: Any, effective_from: date | None, note: str = ""
) -> CostRate:
    """A person's cost rate from a date on (a raise). Time already logged keeps the cost rate it copied."""
    access.require(actor, "rate_card", "update")
    errors: dict[str, str] = {}
    person = person_of_workspace(actor.workspace, person_id or 0, "person_id", errors)
    value = money(rate, "rate", errors)
    if effective_from is None:
        errors["effective_from"] = "Enter the day the rate starts."
    elif person and CostRate.objects.filter(person=person, effective_from=effective_from).exists():
        errors["effective_from"] = "This person already has a cost rate from that date."
    if errors or value is None or effective_from is None:
        raise ValidationError(errors)
    row = CostRate(workspace=actor.workspace, person=person, rate=value, effective_from=effective_from, note=note or "")
    validate(row)
    row.save()
    events.emit(
        actor,
        "cost_rate.created",
        row,
        data={"person_id": row.person_id, "rate": row.rate, "effective_from": effective_from},
    )
    return row


@transaction.atomic
def cost_rate_delete(*, actor: Actor, cost_rate: CostRate) -> None:
    access.require(actor, "rate_card", "update")
    events.emit(
        actor,
        "cost_rate.deleted",
        cost_rate,
        data={"person_id": cost_rate.person_id, "effective_from": cost_rate.effective_from},
    )
    cost_rate.delete()


def _exchange_rate_value(rate: Any, errors: dict[str, str]) -> Decimal | None:
    """A positive decimal to 8 places (how many base-currency units one unit is worth); else an error on `rate`."""
    try:
        value = Decimal(str(rate))
        if isinstance(rate, float | bool) or not value.is_finite() or value.adjusted() > 9:
            raise InvalidOperation
        value = value.quantize(Decimal("0.00000001"))
    except (InvalidOperation, ValueError, TypeError):
        errors["rate"] = 'Enter how many base-currency units one unit is worth, e.g. "1.0842".'
        return None
    if value <= 0:
        errors["rate"] = "An exchange rate is more than zero."
        return None
    return value


@transaction.atomic
def exchange_rate_create(*, actor: Actor, currency: str, rate: Any, effective_on: date | None) -> ExchangeRate:
    """1 `currency` = `rate` base-currency units from `effective_on` on (reports convert with the rate of each
    entry's day)."""
    access.require(actor, "exchange_rate", "update")
    errors: dict[str, str] = {}
    code = currency_code(currency, "currency", errors)
    if not errors and code == actor.workspace.currency:
        errors["currency"] = f"{code} is the workspace's base currency."
    value = _exchange_rate_value(rate, errors)
    if effective_on is None:
        errors["effective_on"] = "Enter the day the rate applies from."
    elif (
        not errors
        and ExchangeRate.objects.filter(workspace=actor.workspace, currency=code, effective_on=effective_on).exists()
    ):
        errors["effective_on"] = "There is already a rate for this currency on that day."
    if errors or value is None or effective_on is None:
        raise ValidationError(errors)
    row = ExchangeRate(workspace=actor.workspace, currency=code, rate=value, effective_on=effective_on)
    validate(row)
    row.save()
    events.emit(
        actor, "exchange_rate.created", row, data={"currency": code, "rate": value, "effective_on": effective_on}
    )
    return row
