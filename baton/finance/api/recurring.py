"""`/api/v1/recurring-invoices`: schedules that make one invoice per period (fixed lines, or a retainer's fee), and
`/api/v1/reminder-schedule`: the workspace's payment reminder steps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, MONEY, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema
from baton.finance import selectors
from baton.finance.services import recurring, reminders

router = Router(tags=["recurring invoices"])

PeriodName = Literal["monthly", "quarterly", "yearly"]
ModeName = Literal["draft", "issue"]


class RecurringLineIn(InputSchema):
    description: str = Field(..., min_length=1, max_length=500)
    quantity: Decimal = Field(Decimal("1"), max_digits=12, decimal_places=2)
    unit_price: Decimal = Field(..., max_digits=14, decimal_places=2, description=MONEY)


class RecurringInvoiceIn(InputSchema):
    client_id: int | None = Field(None, description="Defaults to the project's client.")
    project_id: int | None = Field(None, description="Optional; a retainer project without lines: its period fee.")
    title: str = Field(..., min_length=1, max_length=200)
    lines: list[RecurringLineIn] = Field(default_factory=list, description="Fixed items (hosting, licences).")
    tax_rate: Decimal = Field(Decimal("0"), ge=0, le=100, max_digits=5, decimal_places=2)
    currency: str | None = Field(None, description="ISO 4217; defaults to the project's or client's.")
    period: PeriodName = "monthly"
    start_date: dt.date = Field(..., description="The first period starts here; later ones on the same day.")
    end_date: dt.date | None = Field(None, description="No period starts after it (before start_date: 422).")
    mode: ModeName = Field("draft", description="Each period makes a draft, or an issued invoice.")


class RecurringInvoicePatch(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200)
    lines: list[RecurringLineIn] | None = None
    tax_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    end_date: dt.date | None = None
    mode: ModeName | None = None
    active: bool | None = None
    version: int | None = None


class RecurringLineOut(Schema):
    description: str
    quantity: Decimal
    unit_price: Decimal


class RecurringInvoiceOut(Schema):
    id: int
    client_id: int
    project_id: int | None
    title: str
    lines: list[RecurringLineOut]
    currency: str
    tax_rate: Decimal
    period: str
    start_date: dt.date
    end_date: dt.date | None
    mode: str
    next_run: dt.date = Field(..., description="The start of the next period to invoice.")
    active: bool
    invoice_ids: list[int] = Field(..., description="The invoices it made, oldest period first.")
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_invoice_ids(obj: Any) -> list[int]:
        return [r.invoice_id for r in obj.runs.all() if r.invoice_id]


@router.get("/recurring-invoices", response={200: Page[RecurringInvoiceOut], **ERRORS})
def list_recurring_invoices(request: HttpRequest, params: Query[ListParams]) -> Any:
    qs = selectors.recurring_invoice_list(actor=actor_of(request)).prefetch_related("runs")
    return paginate(qs, params)


@router.post("/recurring-invoices", response={201: RecurringInvoiceOut, **ERRORS})
def create_recurring_invoice(request: HttpRequest, payload: RecurringInvoiceIn) -> Any:
    """A schedule: one invoice per period from its start (the worker's `recurring_invoices` sweep, once per period)."""
    actor = actor_of(request)
    data = payload.model_dump()
    schedule = recurring.recurring_invoice_create(actor=actor, **data)
    return Status(201, selectors.recurring_invoice_get(actor=actor, recurring_id=schedule.pk))


@router.get("/recurring-invoices/{recurring_id}", response={200: RecurringInvoiceOut, **ERRORS})
def get_recurring_invoice(request: HttpRequest, recurring_id: int) -> Any:
    return selectors.recurring_invoice_get(actor=actor_of(request), recurring_id=recurring_id)


@router.patch("/recurring-invoices/{recurring_id}", response={200: RecurringInvoiceOut, **ERRORS})
def update_recurring_invoice(request: HttpRequest, recurring_id: int, payload: RecurringInvoicePatch) -> Any:
    actor = actor_of(request)
    schedule = selectors.recurring_invoice_get(actor=actor, recurring_id=recurring_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    recurring.recurring_invoice_update(actor=actor, schedule=schedule, changes=changes, version=version)
    return selectors.recurring_invoice_get(actor=actor, recurring_id=recurring_id)


@router.delete("/recurring-invoices/{recurring_id}", response={204: None, **ERRORS})
def delete_recurring_invoice(request: HttpRequest, recurring_id: int) -> Any:
    actor = actor_of(request)
    schedule = selectors.recurring_invoice_get(actor=actor, recurring_id=recurring_id)
    recurring.recurring_invoice_delete(actor=actor, schedule=schedule)
    return Status(204, None)


class ReminderScheduleOut(Schema):
    enabled: bool = Field(..., description="Off: no reminder is sent.")
    before_3: bool
    due: bool
    after_7: bool
    after_14: bool
    after_30: bool
    steps: list[str] = Field(..., description="The steps that send, in order (empty while off).")

    @staticmethod
    def resolve_steps(obj: Any) -> list[str]:
        return list(obj.steps())


class ReminderSchedulePatch(InputSchema):
    enabled: bool | None = None
    before_3: bool | None = None
    due: bool | None = None
    after_7: bool | None = None
    after_14: bool | None = None
    after_30: bool | None = None


@router.get("/reminder-schedule", response={200: ReminderScheduleOut, **ERRORS}, tags=["reminders"])
def get_reminder_schedule(request: HttpRequest) -> Any:
    return selectors.reminder_schedule_of(actor=actor_of(request))


@router.patch("/reminder-schedule", response={200: ReminderScheduleOut, **ERRORS}, tags=["reminders"])
def update_reminder_schedule(request: HttpRequest, payload: ReminderSchedulePatch) -> Any:
    """Turn payment reminders (3 days before due, on due, 7/14/30 days after) on or off; each step is e-mailed to
    the client's billing contacts once per invoice, until it is paid."""
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return reminders.reminder_schedule_update(actor=actor_of(request), changes=changes)
