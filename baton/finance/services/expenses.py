"""Writes for project expenses: billable ones (with a markup) are invoiced and count in budget burn."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.money import CENT, money
from baton.core.services import bump_version, check_version, validate
from baton.delivery.models import Billing
from baton.finance.models import Expense
from baton.finance.services._common import percent, visible_project
from baton.finance.services.budgets import budget_check
from baton.people.validators import person_of_workspace
from baton.rates.resolution import Fx, base_rate_on, converted

EXPENSE_FIELDS = ("date", "description", "category", "amount", "billable", "markup_pct", "person_id")


def billable_amount_of(amount: Decimal, markup_pct: Decimal, billable: bool) -> Decimal:
    """amount x (1 + markup / 100), rounded to cents half up; 0 when not billable."""
    if not billable:
        return Decimal("0.00")
    return (amount * (Decimal(100) + markup_pct) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def _apply_base(expense: Expense, base_rate: Any = None, *, known: bool = False) -> None:
    """The amounts in the base currency at the rate in force on the expense's date (MONEY.md §2); without one, the
    expense is marked (`missing_rate_currency`) and they are 0.00 until the rate is added. `known`: `base_rate` was
    read already (None then means missing)."""
    if not known:
        base_rate = base_rate_on(workspace_id=expense.workspace_id, currency=expense.currency, on=expense.date)
    if base_rate is None:
        expense.amount_base = expense.billable_amount_base = Decimal("0.00")
        expense.missing_rate_currency = expense.currency
    else:
        expense.amount_base = converted(expense.amount, base_rate)
        expense.billable_amount_base = converted(expense.billable_amount, base_rate)
        expense.missing_rate_currency = ""


def _data(expense: Expense) -> dict[str, Any]:
    return {
        "project_id": expense.project_id,
        "person_id": expense.person_id,
        "description": expense.description,
        "amount": expense.amount,
        "billable": expense.billable,
        "billable_amount": expense.billable_amount,
    }


@transaction.atomic
def expense_create(
    *,
    actor: Actor,
    project_id: int | None,
    description: str,
    amount: Any,
    date: date | None = None,
    category: str = "",
    billable: bool | None = None,
    markup_pct: Any = "0",
    person_id: int | None = None,
) -> Expense:
    """Record an expense on a project (in the project's currency)."""
    access.require(actor, "expense", "create")
    errors: dict[str, str] = {}
    project = visible_project(actor, project_id, errors)
    value = money(amount, "amount", errors)
    markup = percent(markup_pct, "markup_pct", errors, maximum=Decimal("1000"))
    person_id = person_id if person_id is not None else actor.person_id
    person = person_of_workspace(actor.workspace, person_id, "person_id", errors) if person_id else None
    if not (description or "").strip():
        errors["description"] = "Say what the money was spent on."
    if project is not None:
        if billable is None:
            billable = project.billing != Billing.NON_BILLABLE
        elif billable and project.billing == Billing.NON_BILLABLE:
            errors["billable"] = f"“{project.name}” is non-billable; its expenses cannot be billable."
        access.require(actor, "expense", "create", Expense(project=project, person_id=person_id))
    if errors:
        raise ValidationError(errors)
    assert project is not None and value is not None and markup is not None
    expense = Expense(
        workspace=actor.workspace,
        project=project,
        person=person,
        date=date or timezone.localdate(),
        description=description.strip(),
        category=(category or "").strip(),
        amount=value,
        currency=project.currency,
        billable=bool(billable),
        markup_pct=markup,
        billable_amount=billable_amount_of(value, markup, bool(billable)),
    )
    _apply_base(expense)
    validate(expense)
    expense.save()
    events.emit(actor, "expense.created", expense, data=_data(expense))
    budget_check(actor=actor, project=project, on=expense.date)
    return expense


def _editable(expense: Expense) -> None:
    if expense.invoiced or expense.invoice_line_id:
        raise Conflict("This expense is on an invoice, so it cannot change.", field="invoiced")


@transaction.atomic
def expense_update(*, actor: Actor, expense: Expense, version: int | None, **changes: Any) -> Expense:
    expense = (
        Expense.objects.select_for_update(of=("self",)).select_related("project", "project__client").get(pk=expense.pk)
    )
    access.require(actor, "expense", "update", expense)
    check_version(expense, version)
    unknown = set(changes) - set(EXPENSE_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    _editable(expense)
    errors: dict[str, str] = {}
    if "amount" in changes:
        changes["amount"] = money(changes["amount"], "amount", errors)
    if "markup_pct" in changes:
        changes["markup_pct"] = percent(changes["markup_pct"], "markup_pct", errors, maximum=Decimal("1000"))
    if changes.get("billable") and expense.project.billing == Billing.NON_BILLABLE:
        errors["billable"] = "This project is non-billable; its expenses cannot be billable."
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
        if not changes["description"]:
            errors["description"] = "Say what the money was spent on."
    if "person_id" in changes and changes["person_id"] is not None:
        person_of_workspace(actor.workspace, changes["person_id"], "person_id", errors)
    if errors:
        raise ValidationError(errors)
    changed = events.diff(expense, changes)
    if not changed:
        return expense
    expense.billable_amount = billable_amount_of(expense.amount, expense.markup_pct, expense.billable)
    _apply_base(expense)
    validate(expense)
    bump_version(expense)
    expense.save()
    events.emit(actor, "expense.updated", expense, data={"changes": changed, "project_id": expense.project_id})
    budget_check(actor=actor, project=expense.project, on=expense.date)
    return expense


@transaction.atomic
def expenses_reprice(*, actor: Actor, currency: str, since: date) -> int:
    """Fill the base-currency amounts of the expenses that waited for an exchange rate for `currency` from `since` on
    (invoiced ones too: their own amounts do not change). One `expense.repriced` event each; returns how many.
    Called when an exchange rate is added (finance's wiring), by the actor who added it."""
    fx = Fx.load(actor.workspace.pk)
    count = 0
    for expense in (
        Expense.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(workspace=actor.workspace, missing_rate_currency=currency, date__gte=since)
        .order_by("pk")
    ):
        _apply_base(expense, fx.rate(expense.currency, expense.date), known=True)
        if expense.missing_rate_currency:
            continue
        bump_version(expense)
        expense.save(update_fields=["amount_base", "billable_amount_base", "missing_rate_currency", "version"])
        events.emit(
            actor,
            "expense.repriced",
            expense,
            data={"project_id": expense.project_id, "currency": currency, "date": expense.date},
        )
        count += 1
    return count


def expenses_missing_rates(workspace_id: int, project_ids: list[int] | None) -> list[tuple[str, date]]:
    """(currency, first date) of the expenses waiting for an exchange rate (a `rates.selectors.missing_rates` source,
    registered by finance's wiring)."""
    qs = Expense.objects.filter(workspace_id=workspace_id).exclude(missing_rate_currency="")
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    rows = qs.order_by().values("missing_rate_currency").annotate(first=Min("date"))
    return [(row["missing_rate_currency"], row["first"]) for row in rows]


@transaction.atomic
def expense_delete(*, actor: Actor, expense: Expense) -> None:
    expense = (
        Expense.objects.select_for_update(of=("self",)).select_related("project", "project__client").get(pk=expense.pk)
    )
    access.require(actor, "expense", "delete", expense)
    _editable(expense)
    events.emit(actor, "expense.deleted", expense, data=_data(expense))
    expense.delete()
