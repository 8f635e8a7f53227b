"""`/api/v1/bill-rates`, `/cost-rates`, `/rates/resolve` and `/exchange-rates`."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from baton.core import access
from baton.core.api_support import ERRORS, MONEY, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema, StrictSchema
from baton.core.selectors import one_or_404
from baton.people.models import Person
from baton.rates import selectors, services
from baton.rates.resolution import resolve_rates

router = Router(tags=["rates"])
# The operation ids these endpoints had when they were finance's (`baton.finance.api.rates`): clients generated from
# the OpenAPI document keep working. django-ninja derives an id from the module, so it is given here.
OPERATION = "baton_finance_api_rates_"

ScopeName = Literal["project_person", "project", "client", "person", "role", "workspace"]
PRECEDENCE = (
    "Precedence, most specific first: project_person > project > client > person > role > workspace. Within a scope "
    "the row with the latest effective_from on or before the entry's date applies."
)


class BillRateIn(InputSchema):
    scope: ScopeName = Field(..., description=PRECEDENCE)
    rate: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2, description=MONEY)
    role: str = Field("", max_length=100, description="role scope: a job title (e.g. Designer) or an access role.")
    person_id: int | None = Field(None, description="person and project_person scopes.")
    client_id: int | None = Field(None, description="client scope.")
    project_id: int | None = Field(None, description="project and project_person scopes.")
    effective_from: dt.date | None = Field(None, description="Empty: since always.")
    note: str = Field("", max_length=200)
    currency: str | None = Field(
        None,
        description="ISO 4217: the rate's currency. Defaults to the project's (project scopes), the client's (client "
        "scope) or the workspace's base currency. A rate in another currency than the project's is converted on the "
        "entry's date; a row in the project's currency wins at its level.",
    )


class BillRatePatch(InputSchema):
    rate: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    effective_from: dt.date | None = None
    note: str | None = Field(None, max_length=200)
    version: int | None = None


class BillRateOut(Schema):
    id: int
    scope: str
    role: str
    person_id: int | None
    client_id: int | None
    project_id: int | None
    rate: Decimal
    currency: str
    effective_from: dt.date | None
    note: str
    created_at: datetime
    updated_at: datetime
    version: int


class BillRateFilters(ListParams):
    scope: ScopeName | None = None
    project_id: int | None = None
    person_id: int | None = None


@router.get("/bill-rates", response={200: Page[BillRateOut], **ERRORS}, operation_id=OPERATION + "list_bill_rates")
def list_bill_rates(request: HttpRequest, filters: Query[BillRateFilters]) -> Any:
    qs = selectors.bill_rate_list(
        actor=actor_of(request), scope=filters.scope, project_id=filters.project_id, person_id=filters.person_id
    )
    return paginate(qs, filters)


@router.post("/bill-rates", response={201: BillRateOut, **ERRORS}, operation_id=OPERATION + "create_bill_rate")
def create_bill_rate(request: HttpRequest, payload: BillRateIn) -> Any:
    """A rate card row (owner/admin/finance). It applies to time logged from now on; logged time keeps its rates."""
    return Status(201, services.bill_rate_create(actor=actor_of(request), **payload.model_dump()))


@router.patch(
    "/bill-rates/{bill_rate_id}", response={200: BillRateOut, **ERRORS}, operation_id=OPERATION + "update_bill_rate"
)
def update_bill_rate(request: HttpRequest, bill_rate_id: int, payload: BillRatePatch) -> Any:
    actor = actor_of(request)
    row = selectors.bill_rate_get(actor=actor, bill_rate_id=bill_rate_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    return services.bill_rate_update(actor=actor, bill_rate=row, version=version, **changes)


@router.delete(
    "/bill-rates/{bill_rate_id}", response={204: None, **ERRORS}, operation_id=OPERATION + "delete_bill_rate"
)
def delete_bill_rate(request: HttpRequest, bill_rate_id: int) -> Any:
    actor = actor_of(request)
    services.bill_rate_delete(actor=actor, bill_rate=selectors.bill_rate_get(actor=actor, bill_rate_id=bill_rate_id))
    return Status(204, None)


class CostRateIn(InputSchema):
    person_id: int
    rate: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2, description=MONEY)
    effective_from: dt.date
    note: str = Field("", max_length=200)


class CostRateOut(Schema):
    id: int
    person_id: int
    rate: Decimal
    effective_from: dt.date
    note: str
    created_at: datetime
    updated_at: datetime
    version: int


class CostRateFilters(ListParams):
    person_id: int | None = None


@router.get("/cost-rates", response={200: Page[CostRateOut], **ERRORS}, operation_id=OPERATION + "list_cost_rates")
def list_cost_rates(request: HttpRequest, filters: Query[CostRateFilters]) -> Any:
    return paginate(selectors.cost_rate_list(actor=actor_of(request), person_id=filters.person_id), filters)


@router.post("/cost-rates", response={201: CostRateOut, **ERRORS}, operation_id=OPERATION + "create_cost_rate")
def create_cost_rate(request: HttpRequest, payload: CostRateIn) -> Any:
    """A person's cost rate from a date on (a raise does not rewrite logged time)."""
    return Status(201, services.cost_rate_create(actor=actor_of(request), **payload.model_dump()))


@router.delete(
    "/cost-rates/{cost_rate_id}", response={204: None, **ERRORS}, operation_id=OPERATION + "delete_cost_rate"
)
def delete_cost_rate(request: HttpRequest, cost_rate_id: int) -> Any:
    actor = actor_of(request)
    services.cost_rate_delete(actor=actor, cost_rate=selectors.cost_rate_get(actor=actor, cost_rate_id=cost_rate_id))
    return Status(204, None)


class ResolveParams(StrictSchema):
    person_id: int
    project_id: int
    date: dt.date | None = Field(None, description="Defaults to today.")


class ResolvedOut(Schema):
    person_id: int
    project_id: int
    date: dt.date
    bill_rate: Decimal = Field(..., description="In `currency` (the project's); 0 when `missing_rate_currency` is set.")
    bill_rate_source: str = Field(..., description="The scope that applied (or `none`).")
    source_rate: Decimal = Field(..., description="The rate card's number, in `source_currency`.")
    source_currency: str
    exchange_rate: Decimal | None = Field(
        ..., description="source_currency -> currency factor used (1 when the same); null when a rate is missing."
    )
    missing_rate_currency: str = Field(..., description="A currency without an exchange rate on the day, or empty.")
    cost_rate: Decimal
    cost_rate_source: str = Field(..., description="`cost_rate` (a dated row) or `person` (Person.cost_rate).")
    currency: str
    cost_currency: str


@router.get(
    "/rates/resolve",
    response={200: ResolvedOut, **ERRORS},
    description="Which bill and cost rates a person's time on a project would copy on a day. " + PRECEDENCE,
    operation_id=OPERATION + "resolve",
)
def resolve(request: HttpRequest, params: Query[ResolveParams]) -> Any:
    actor = actor_of(request)
    access.require(actor, "rate_card", "view")
    project = selectors.money_project_get(actor=actor, project_id=params.project_id)
    person = one_or_404(
        Person.objects.filter(workspace=actor.workspace, pk=params.person_id).select_related("membership"), "person"
    )
    on = params.date or timezone.localdate()
    found = resolve_rates(person=person, project=project, on=on)
    return {
        "person_id": person.pk,
        "project_id": project.pk,
        "date": on,
        "bill_rate": found.bill_rate,
        "bill_rate_source": found.bill_source,
        "source_rate": found.source_rate,
        "source_currency": found.source_currency,
        "exchange_rate": found.exchange_rate,
        "missing_rate_currency": found.missing_rate_currency,
        "cost_rate": found.cost_rate,
        "cost_rate_source": found.cost_source,
        "currency": project.currency,
        "cost_currency": actor.workspace.currency,
    }


class ExchangeRateIn(InputSchema):
    currency: str = Field(..., min_length=3, max_length=3, description="ISO 4217, not the workspace's own.")
    rate: Decimal = Field(
        ...,
        gt=0,
        max_digits=18,
        decimal_places=8,
        description="Base-currency units per unit (more than 0). Adding one prices the time entries and expenses "
        "that were waiting for it.",
    )
    effective_on: dt.date


class ExchangeRateOut(Schema):
    id: int
    currency: str
    rate: Decimal
    effective_on: dt.date
    base_currency: str
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_base_currency(obj: Any) -> str:
        return str(obj.workspace.currency)


class ExchangeRateFilters(ListParams):
    currency: str | None = None


@router.get(
    "/exchange-rates", response={200: Page[ExchangeRateOut], **ERRORS}, operation_id=OPERATION + "list_exchange_rates"
)
def list_exchange_rates(request: HttpRequest, filters: Query[ExchangeRateFilters]) -> Any:
    qs = selectors.exchange_rate_list(actor=actor_of(request), currency=filters.currency).select_related("workspace")
    return paginate(qs, filters)


@router.post(
    "/exchange-rates", response={201: ExchangeRateOut, **ERRORS}, operation_id=OPERATION + "create_exchange_rate"
)
def create_exchange_rate(request: HttpRequest, payload: ExchangeRateIn) -> Any:
    """1 `currency` = `rate` units of the workspace's base currency from `effective_on` on."""
    return Status(201, services.exchange_rate_create(actor=actor_of(request), **payload.model_dump()))
