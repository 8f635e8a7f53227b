"""`/api/v1/expenses`."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, MONEY, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema
from baton.finance import selectors, services
from baton.finance.models import Expense

router = Router(tags=["expenses"])


class ExpenseIn(InputSchema):
    project_id: int
    description: str = Field(..., min_length=1, max_length=300)
    amount: Decimal = Field(
        ..., ge=0, max_digits=14, decimal_places=2, description=MONEY + " In the project's currency."
    )
    date: dt.date | None = Field(None, description="Defaults to today.")
    category: str = Field("", max_length=100)
    billable: bool | None = Field(None, description="Defaults to true, or false on a non-billable project.")
    markup_pct: Decimal = Field(Decimal("0"), ge=0, le=1000, max_digits=6, decimal_places=2)
    person_id: int | None = Field(None, description="Who spent it; defaults to the caller.")


class ExpensePatch(InputSchema):
    description: str | None = Field(None, min_length=1, max_length=300)
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    date: dt.date | None = None
    category: str | None = Field(None, max_length=100)
    billable: bool | None = None
    markup_pct: Decimal | None = Field(None, ge=0, le=1000, max_digits=6, decimal_places=2)
    person_id: int | None = None
    version: int | None = None


class ExpenseOut(Schema):
    id: int
    project_id: int
    client_id: int
    person_id: int | None
    date: dt.date
    description: str
    category: str
    amount: Decimal
    currency: str
    billable: bool
    markup_pct: Decimal
    billable_amount: Decimal = Field(
        ..., description="amount x (1 + markup_pct / 100), cents half up; 0 if not billable."
    )
    amount_base: Decimal = Field(
        ...,
        description="amount in the workspace's base currency at the rate in force on the expense's date, stored when "
        "saved (0 while missing_rate_currency is set).",
    )
    billable_amount_base: Decimal = Field(..., description="billable_amount in the base currency, the same way.")
    missing_rate_currency: str = Field(
        ..., description="A currency without an exchange rate on the expense's date (empty: none)."
    )
    invoiced: bool
    invoice_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_client_id(obj: Expense) -> int:
        return obj.project.client_id

    @staticmethod
    def resolve_invoice_id(obj: Expense) -> int | None:
        return obj.invoice_line.invoice_id if obj.invoice_line_id and obj.invoice_line else None


class ExpenseFilters(ListParams):
    project_id: int | None = None
    person_id: int | None = None
    billable: bool | None = None
    invoiced: bool | None = None


def _expense(request: HttpRequest, expense_id: int) -> Expense:
    return selectors.expense_get(actor=actor_of(request), expense_id=expense_id)


@router.get("/expenses", response={200: Page[ExpenseOut], **ERRORS})
def list_expenses(request: HttpRequest, filters: Query[ExpenseFilters]) -> Any:
    qs = selectors.expense_list(
        actor=actor_of(request),
        project_id=filters.project_id,
        person_id=filters.person_id,
        billable=filters.billable,
        invoiced=filters.invoiced,
    ).select_related("invoice_line")
    return paginate(qs, filters)


@router.post("/expenses", response={201: ExpenseOut, **ERRORS})
def create_expense(request: HttpRequest, payload: ExpenseIn) -> Any:
    expense = services.expense_create(actor=actor_of(request), **payload.model_dump())
    return Status(201, _expense(request, expense.pk))


@router.get("/expenses/{expense_id}", response={200: ExpenseOut, **ERRORS})
def get_expense(request: HttpRequest, expense_id: int) -> Any:
    return _expense(request, expense_id)


@router.patch("/expenses/{expense_id}", response={200: ExpenseOut, **ERRORS})
def update_expense(request: HttpRequest, expense_id: int, payload: ExpensePatch) -> Any:
    actor = actor_of(request)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    services.expense_update(actor=actor, expense=_expense(request, expense_id), version=version, **changes)
    return _expense(request, expense_id)


@router.delete("/expenses/{expense_id}", response={204: None, **ERRORS})
def delete_expense(request: HttpRequest, expense_id: int) -> Any:
    services.expense_delete(actor=actor_of(request), expense=_expense(request, expense_id))
    return Status(204, None)
