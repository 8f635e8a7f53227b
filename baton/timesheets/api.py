"""`/api/v1/time-entries`, `/timer` and `/timesheets`."""

from __future__ import annotations

import datetime as dt
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from baton.core import access
from baton.core.api_support import ERRORS, ListParams, Page, actor_of, body_doc, optional_body, requested_version
from baton.core.schemas import InputSchema
from baton.timesheets import selectors, services
from baton.timesheets.models import TimeEntry, Timer, Timesheet

router = Router(tags=["time"])

TimesheetStatusName = Literal["draft", "submitted", "approved", "rejected"]
HIDDEN = "Null for roles that may not see rates and amounts (members, even on their own time)."


def _amounts(context: dict[str, Any]) -> bool:
    return selectors.can_see_amounts(context["request"].auth)


class TimeEntryIn(InputSchema):
    person_id: int | None = Field(
        None, description="Defaults to the caller. Someone else's: owner/admin/finance or the project's PM."
    )
    project_id: int
    task_id: int | None = None
    date: dt.date
    minutes: int = Field(..., ge=1, le=1440, description="Whole minutes, 1 to 1440.")
    note: str = Field("", max_length=5000)
    billable: bool | None = Field(None, description="Defaults to true, or false on a non-billable project.")


class TimeEntryPatch(InputSchema):
    person_id: int | None = None
    project_id: int | None = None
    task_id: int | None = None
    date: dt.date | None = None
    minutes: int | None = Field(None, ge=1, le=1440)
    note: str | None = Field(None, max_length=5000)
    billable: bool | None = None
    version: int | None = None


class TimeEntryOut(Schema):
    id: int
    person_id: int
    person_name: str
    project_id: int
    project_name: str
    client_id: int
    task_id: int | None
    date: dt.date
    minutes: int
    note: str
    billable: bool
    bill_rate: Decimal | None = Field(None, description="Copied when logged (project currency). " + HIDDEN)
    cost_rate: Decimal | None = Field(None, description="Copied when logged (workspace currency). " + HIDDEN)
    bill_amount: Decimal | None = Field(None, description="minutes / 60 x bill_rate, cents half up. " + HIDDEN)
    cost_amount: Decimal | None = Field(None, description="minutes / 60 x cost_rate, cents half up. " + HIDDEN)
    currency: str = Field(..., description="The currency of bill_rate and bill_amount (the project's).")
    cost_currency: str = Field(..., description="The currency of cost_rate and cost_amount (the workspace's).")
    bill_rate_source: str | None = None
    source_rate: Decimal | None = Field(
        None, description="The rate card's rate the bill rate came from, in source_currency. " + HIDDEN
    )
    source_currency: str | None = Field(None, description="The currency of source_rate. " + HIDDEN)
    exchange_rate: Decimal | None = Field(
        None,
        description="The source_currency -> currency factor used (1 in the same currency; null while a rate is "
        "missing). bill_rate = source_rate x exchange_rate, cents half up. " + HIDDEN,
    )
    bill_amount_base: Decimal | None = Field(
        None,
        description="bill_amount in the workspace's base currency at the rate in force on the entry's date, stored "
        "when saved (0 while a rate is missing). " + HIDDEN,
    )
    missing_rate_currency: str = Field(
        "",
        description="A currency without an exchange rate on the entry's date (empty: none). While set, the bill "
        "figures needing it are 0 until the rate is added; then the entry is priced again.",
    )
    approved: bool
    invoiced: bool
    invoice_id: int | None = None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_person_name(obj: TimeEntry) -> str:
        return obj.person.name

    @staticmethod
    def resolve_project_name(obj: TimeEntry) -> str:
        return obj.project.name

    @staticmethod
    def resolve_client_id(obj: TimeEntry) -> int:
        return obj.project.client_id

    @staticmethod
    def resolve_bill_rate(obj: TimeEntry, context: dict[str, Any]) -> Decimal | None:
        return obj.bill_rate if _amounts(context) else None

    @staticmethod
    def resolve_cost_rate(obj: TimeEntry, context: dict[str, Any]) -> Decimal | None:
        return obj.cost_rate if _amounts(context) else None

    @staticmethod
    def resolve_bill_amount(obj: TimeEntry, context: dict[str, Any]) -> Decimal | None:
        return obj.bill_amount if _amounts(context) else None

    @staticmethod
    def resolve_cost_amount(obj: TimeEntry, context: dict[str, Any]) -> Decimal | None:
        return obj.cost_amount if _amounts(context) else None

    @staticmethod
    def resolve_bill_rate_source(obj: TimeEntry, context: dict[str, Any]) -> str | None:
        return obj.bill_rate_source if _amounts(context) else None

    @staticmethod
    def resolve_source_rate(obj: TimeEntry, context: dict[str, Any]) -> Decimal | None:
        return obj.source_rate if _amounts(context) else None

    @staticmethod
    def resolve_source_currency(obj: TimeEntry, context: dict[str, Any]) -> str | None:
        return obj.source_currency if _amounts(context) else None

    @staticmethod
    def resolve_exchange_rate(obj: TimeEntry, context: dict[str, Any]) -> Decimal | None:
        return obj.exchange_rate if _amounts(context) else None

    @staticmethod
    def resolve_bill_amount_base(obj: TimeEntry, context: dict[str, Any]) -> Decimal | None:
        return obj.bill_amount_base if _amounts(context) else None

    @staticmethod
    def resolve_cost_currency(obj: TimeEntry) -> str:
        return obj.workspace.currency

    @staticmethod
    def resolve_invoice_id(obj: TimeEntry) -> int | None:
        return obj.invoice_line.invoice_id if obj.invoice_line_id and obj.invoice_line else None


class TimeEntryFilters(ListParams):
    person_id: int | None = None
    project_id: int | None = None
    task_id: int | None = None
    client_id: int | None = None
    date: dt.date | None = Field(None, description="Entries of one day.")
    date_from: dt.date | None = Field(None, description="From this day (inclusive).")
    date_to: dt.date | None = Field(None, description="To this day (inclusive).")
    billable: bool | None = None
    approved: bool | None = None
    invoiced: bool | None = None


def _entry(request: HttpRequest, entry_id: int) -> TimeEntry:
    actor = actor_of(request)
    if not access.allowed(actor, "time_entry", "view"):
        raise Http404("No such time entry.")  # a role that sees no time learns nothing about an id
    # One read, with the same visibility as `selectors.time_entry_get`, plus what the response needs.
    entry = (
        selectors.time_entry_list(actor=actor).select_related("workspace", "invoice_line").filter(pk=entry_id).first()
    )
    if entry is None:
        raise Http404("No such time entry.")
    return entry


@router.get("/time-entries", response={200: Page[TimeEntryOut], **ERRORS})
def list_time_entries(request: HttpRequest, filters: Query[TimeEntryFilters]) -> Any:
    day = filters.date
    qs = selectors.time_entry_list(
        actor=actor_of(request),
        person_id=filters.person_id,
        project_id=filters.project_id,
        task_id=filters.task_id,
        client_id=filters.client_id,
        date_from=day or filters.date_from,
        date_to=day or filters.date_to,
        billable=filters.billable,
        approved=filters.approved,
        invoiced=filters.invoiced,
    ).select_related("workspace", "invoice_line")
    return {"count": qs.count(), "results": list(qs[filters.offset : filters.offset + filters.limit])}


@router.post("/time-entries", response={201: TimeEntryOut, **ERRORS})
def create_time_entry(request: HttpRequest, payload: TimeEntryIn) -> Any:
    actor = actor_of(request)
    # The token's actor (membership and person) was read for this request: the service need not read its person again.
    entry = services.time_entry_create(actor=actor, actor_read_now=True, **payload.model_dump())
    if selectors.plainly_visible(actor, entry):
        # The service returns the entry as stored, with its person, project (and client) and workspace: reading it
        # back would only repeat the same row. Others (a PM's or AM's projects) read it through the visibility filter.
        return Status(201, entry)
    return Status(201, _entry(request, entry.pk))


@router.get("/time-entries/{entry_id}", response={200: TimeEntryOut, **ERRORS})
def get_time_entry(request: HttpRequest, entry_id: int) -> Any:
    return _entry(request, entry_id)


@router.patch("/time-entries/{entry_id}", response={200: TimeEntryOut, **ERRORS})
def update_time_entry(request: HttpRequest, entry_id: int, payload: TimeEntryPatch) -> Any:
    """Invoiced entries and entries of submitted or approved weeks answer 409 with the reason."""
    actor = actor_of(request)
    entry = selectors.time_entry_get(actor=actor, entry_id=entry_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    services.time_entry_update(actor=actor, entry=entry, version=version, **changes)
    return _entry(request, entry_id)


@router.delete("/time-entries/{entry_id}", response={204: None, **ERRORS})
def delete_time_entry(request: HttpRequest, entry_id: int) -> Any:
    actor = actor_of(request)
    services.time_entry_delete(actor=actor, entry=selectors.time_entry_get(actor=actor, entry_id=entry_id))
    return Status(204, None)


# --- Timer --------------------------------------------------------------------------------------------------------


class TimerIn(InputSchema):
    project_id: int
    task_id: int | None = None
    note: str = Field("", max_length=5000)
    billable: bool | None = None


class TimerOut(Schema):
    running: bool
    id: int | None = None
    project_id: int | None = None
    task_id: int | None = None
    note: str = ""
    billable: bool | None = None
    started_at: datetime | None = None
    elapsed_minutes: int = 0


def _timer_out(timer: Timer | None) -> dict[str, Any]:
    if timer is None:
        return {"running": False}
    elapsed = int((timezone.now() - timer.started_at).total_seconds() // 60)
    return {
        "running": True,
        "id": timer.pk,
        "project_id": timer.project_id,
        "task_id": timer.task_id,
        "note": timer.note,
        "billable": timer.billable,
        "started_at": timer.started_at,
        "elapsed_minutes": elapsed,
    }


@router.get("/timer", response={200: TimerOut, **ERRORS})
def get_timer(request: HttpRequest) -> Any:
    """The caller's running timer (`running: false` when none)."""
    return _timer_out(selectors.current_timer(actor=actor_of(request)))


@router.post("/timer/start", response={201: TimerOut, **ERRORS})
def start_timer(request: HttpRequest, payload: TimerIn) -> Any:
    """Start the caller's timer; a running one is stopped first and its time logged."""
    timer = services.timer_start(actor=actor_of(request), **payload.model_dump())
    return Status(201, _timer_out(timer))


@router.post("/timer/stop", response={201: TimeEntryOut, **ERRORS})
def stop_timer(request: HttpRequest) -> Any:
    """Stop the caller's timer: the minutes since it started become a time entry (409 when none runs)."""
    entry = services.timer_stop(actor=actor_of(request))
    return Status(201, _entry(request, entry.pk))


@router.delete("/timer", response={204: None, **ERRORS})
def discard_timer(request: HttpRequest) -> Any:
    services.timer_discard(actor=actor_of(request))
    return Status(204, None)


# --- Timesheets ---------------------------------------------------------------------------------------------------


class TimesheetOut(Schema):
    id: int
    person_id: int
    person_name: str
    week_start: dt.date
    week_end: dt.date
    status: str
    submitted_at: datetime | None
    decided_at: datetime | None
    decided_by_id: int | None
    reason: str
    minutes: int = 0
    billable_minutes: int = 0
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_person_name(obj: Timesheet) -> str:
        return obj.person.name

    @staticmethod
    def resolve_week_end(obj: Timesheet) -> dt.date:
        return obj.week_start + timedelta(days=6)


class TimesheetFilters(ListParams):
    person_id: int | None = None
    status: TimesheetStatusName | None = None
    week_start: dt.date | None = Field(None, description="Any day of the week.")


class SubmitIn(InputSchema):
    week_start: dt.date = Field(..., description="Any day of the week to submit.")
    person_id: int | None = Field(None, description="Defaults to the caller (owner/admin may submit anyone's).")


class ReasonIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=5000)


class DecideIn(InputSchema):
    version: int | None = None


def _with_totals(sheets: list[Timesheet]) -> list[Timesheet]:
    totals = selectors.week_totals(sheets)
    for sheet in sheets:
        sheet.minutes = totals[sheet.pk]["minutes"]  # type: ignore[attr-defined]
        sheet.billable_minutes = totals[sheet.pk]["billable_minutes"]  # type: ignore[attr-defined]
    return sheets


def _timesheet(request: HttpRequest, timesheet_id: int) -> Timesheet:
    return _with_totals([selectors.timesheet_get(actor=actor_of(request), timesheet_id=timesheet_id)])[0]


@router.get("/timesheets", response={200: Page[TimesheetOut], **ERRORS})
def list_timesheets(request: HttpRequest, filters: Query[TimesheetFilters]) -> Any:
    qs = selectors.timesheet_list(
        actor=actor_of(request), person_id=filters.person_id, status=filters.status, week_start=filters.week_start
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "results": _with_totals(page)}


@router.post("/timesheets/submit", response={200: TimesheetOut, **ERRORS})
def submit_timesheet(request: HttpRequest, payload: SubmitIn) -> Any:
    """Submit a week for approval: its time is locked (409 on changes) until it is rejected or reopened."""
    sheet = services.timesheet_submit(
        actor=actor_of(request), week_start=payload.week_start, person_id=payload.person_id
    )
    return _timesheet(request, sheet.pk)


@router.get("/timesheets/{timesheet_id}", response={200: TimesheetOut, **ERRORS})
def get_timesheet(request: HttpRequest, timesheet_id: int) -> Any:
    return _timesheet(request, timesheet_id)


@router.post(
    "/timesheets/{timesheet_id}/approve", response={200: TimesheetOut, **ERRORS}, openapi_extra=body_doc(DecideIn)
)
def approve_timesheet(request: HttpRequest, timesheet_id: int) -> Any:
    """PM (weeks with time on its projects) or finance/owner/admin; never one's own week (except owner/admin)."""
    actor = actor_of(request)
    sheet = selectors.timesheet_get(actor=actor, timesheet_id=timesheet_id)
    payload = optional_body(request, DecideIn)
    services.timesheet_approve(actor=actor, timesheet=sheet, version=payload.version)
    return _timesheet(request, timesheet_id)


@router.post("/timesheets/{timesheet_id}/reject", response={200: TimesheetOut, **ERRORS})
def reject_timesheet(request: HttpRequest, timesheet_id: int, payload: ReasonIn) -> Any:
    actor = actor_of(request)
    sheet = selectors.timesheet_get(actor=actor, timesheet_id=timesheet_id)
    services.timesheet_reject(actor=actor, timesheet=sheet, reason=payload.reason)
    return _timesheet(request, timesheet_id)


@router.post("/timesheets/{timesheet_id}/reopen", response={200: TimesheetOut, **ERRORS})
def reopen_timesheet(request: HttpRequest, timesheet_id: int, payload: ReasonIn) -> Any:
    """Unlock an approved week (owner/admin/finance)."""
    actor = actor_of(request)
    sheet = selectors.timesheet_get(actor=actor, timesheet_id=timesheet_id)
    services.timesheet_reopen(actor=actor, timesheet=sheet, reason=payload.reason)
    return _timesheet(request, timesheet_id)
