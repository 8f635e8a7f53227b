"""`/engagements` (contracts: list, create, read, change, renew, end, churn), `/reports/retention` and
`/clients/{id}/renewal-risk` (../shared/API.md "Wave 2 resources"; the rules in RULES.md)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema, Money, StrictSchema
from baton.crm.models import Deal
from baton.delivery.models import Project
from baton.relationships import selectors, services
from baton.relationships.api._common import _client

router = Router()

StatusName = Literal["active", "renewed", "ended", "churned"]


class EngagementOut(Schema):
    id: int
    client_id: int
    client_name: str
    name: str
    service: str
    start_date: date
    end_date: date | None
    renewal_date: date | None
    value: Decimal
    currency: str
    recurring: bool
    notice_days: int
    mrr: Decimal | None
    status: str
    ended_on: date | None
    churn_reason: str
    project_id: int | None
    deal_id: int | None
    renewed_from_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_client_name(obj: Any) -> str:
        return str(obj.client.name)

    @staticmethod
    def resolve_mrr(obj: Any) -> Decimal | None:
        return selectors.mrr(obj)


class _Links(InputSchema):
    project_id: int | None = None
    deal_id: int | None = None


class EngagementIn(_Links):
    client_id: int
    name: str = Field(..., min_length=1, max_length=200)
    service: str = Field("", max_length=100)
    start_date: date
    end_date: date | None = None
    renewal_date: date | None = None
    value: Money = Field(Decimal("0"), ge=0, max_digits=14, decimal_places=2)
    currency: str = Field("", max_length=3)
    recurring: bool = False
    notice_days: int = Field(30, ge=0, le=3650)


class EngagementPatch(_Links):
    name: str | None = Field(None, min_length=1, max_length=200)
    service: str | None = Field(None, max_length=100)
    start_date: date | None = None
    end_date: date | None = None
    renewal_date: date | None = None
    value: Money | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    currency: str | None = Field(None, min_length=3, max_length=3)
    recurring: bool | None = None
    notice_days: int | None = Field(None, ge=0, le=3650)
    version: int | None = None


class RenewIn(_Links):
    name: str | None = Field(None, min_length=1, max_length=200)
    service: str | None = Field(None, max_length=100)
    start_date: date | None = None
    end_date: date | None = None
    renewal_date: date | None = None
    value: Money | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    recurring: bool | None = None
    notice_days: int | None = Field(None, ge=0, le=3650)
    version: int | None = None


class EndIn(InputSchema):
    ended_on: date | None = None
    reason: str = Field("", max_length=2000)
    version: int | None = None


class ChurnIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=2000)
    ended_on: date | None = None
    version: int | None = None


class EngagementFilters(ListParams):
    client_id: int | None = None
    status: StatusName | None = None
    renewal_before: date | None = Field(None, description="Active engagements renewing on or before this day.")


class ReasonOut(Schema):
    code: str
    explanation: str


class RenewalRiskOut(Schema):
    client_id: int
    score: int
    band: str
    reasons: list[ReasonOut]
    renewal_date: date | None
    engagement_id: int | None
    health_score: int
    health_band: str


class RenewalDueOut(Schema):
    engagement_id: int
    engagement_name: str
    client_id: int
    client_name: str
    account_manager: str
    renewal_date: date | None
    days_to_renewal: int | None
    notice_days: int
    value: Decimal
    mrr: Decimal | None
    currency: str
    risk_score: int
    risk_band: str
    risk_reasons: list[ReasonOut]


class RenewalsDueParams(StrictSchema):
    days: int = Field(selectors.RENEWALS_DUE_DAYS, ge=1, le=730, description="How far ahead (default 120 days).")


def _links(actor: Any, data: dict[str, Any]) -> dict[str, Any]:
    """`project_id`/`deal_id` → the workspace's project/deal (another workspace's: 422 naming the field)."""
    errors = {}
    for field, model in (("project_id", Project), ("deal_id", Deal)):
        if field not in data:
            continue
        pk = data.pop(field)
        found = model.objects.filter(workspace=actor.workspace, pk=pk).first() if pk is not None else None
        if pk is not None and found is None:
            errors[field] = f"No such {field.removesuffix('_id')} in this workspace."
        data[field.removesuffix("_id")] = found
    if errors:
        raise ValidationError(errors)
    return data


@router.get(
    "/engagements",
    response={200: Page[EngagementOut], **ERRORS},
    tags=["engagements"],
    operation_id="baton_relationships_api_list_engagements",
)
def list_engagements(request: HttpRequest, filters: Query[EngagementFilters]) -> Any:
    qs = selectors.engagement_list(
        actor=actor_of(request),
        client_id=filters.client_id,
        status=filters.status,
        renewal_before=filters.renewal_before,
    )
    return paginate(qs, filters)


@router.post(
    "/engagements",
    response={201: EngagementOut, **ERRORS},
    tags=["engagements"],
    operation_id="baton_relationships_api_create_engagement",
)
def create_engagement(request: HttpRequest, payload: EngagementIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    client = _client(actor, data.pop("client_id"))
    data = _links(actor, data)
    made = services.engagement_create(actor=actor, client=client, **data)
    return Status(201, selectors.engagement_get(actor=actor, engagement_id=made.pk))


@router.get(
    "/engagements/renewals-due",
    response={200: list[RenewalDueOut], **ERRORS},
    tags=["engagements"],
    operation_id="baton_relationships_api_renewals_due",
)
def renewals_due(request: HttpRequest, params: Query[RenewalsDueParams]) -> Any:
    """The active engagements renewing within `days` (any overdue too), soonest first, each with its client's risk."""
    return selectors.renewals_due(actor=actor_of(request), days=params.days)


@router.get(
    "/engagements/{engagement_id}",
    response={200: EngagementOut, **ERRORS},
    tags=["engagements"],
    operation_id="baton_relationships_api_get_engagement",
)
def get_engagement(request: HttpRequest, engagement_id: int) -> Any:
    return selectors.engagement_get(actor=actor_of(request), engagement_id=engagement_id)


@router.patch(
    "/engagements/{engagement_id}",
    response={200: EngagementOut, **ERRORS},
    tags=["engagements"],
    operation_id="baton_relationships_api_update_engagement",
)
def update_engagement(request: HttpRequest, engagement_id: int, payload: EngagementPatch) -> Any:
    actor = actor_of(request)
    engagement = selectors.engagement_get(actor=actor, engagement_id=engagement_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    changes = _links(actor, changes)
    services.engagement_update(actor=actor, engagement=engagement, version=version, **changes)
    return selectors.engagement_get(actor=actor, engagement_id=engagement_id)


@router.post(
    "/engagements/{engagement_id}/renew",
    response={201: EngagementOut, **ERRORS},
    tags=["engagements"],
    operation_id="baton_relationships_api_renew_engagement",
)
def renew_engagement(request: HttpRequest, engagement_id: int, payload: RenewIn) -> Any:
    """The next engagement (201), `renewed_from_id` this one, which becomes `renewed`. Left out: a term as long as
    this one's, starting the day after its end, at the same value."""
    actor = actor_of(request)
    engagement = selectors.engagement_get(actor=actor, engagement_id=engagement_id)
    data = payload.model_dump(exclude_unset=True)
    version = requested_version(request, data.pop("version", None))
    data = _links(actor, data)
    new = services.engagement_renew(actor=actor, engagement=engagement, version=version, **data)
    return Status(201, selectors.engagement_get(actor=actor, engagement_id=new.pk))


@router.post(
    "/engagements/{engagement_id}/end",
    response={200: EngagementOut, **ERRORS},
    tags=["engagements"],
    operation_id="baton_relationships_api_end_engagement",
)
def end_engagement(request: HttpRequest, engagement_id: int, payload: EndIn) -> Any:
    actor = actor_of(request)
    engagement = selectors.engagement_get(actor=actor, engagement_id=engagement_id)
    version = requested_version(request, payload.version)
    services.engagement_end(
        actor=actor, engagement=engagement, version=version, ended_on=payload.ended_on, reason=payload.reason
    )
    return selectors.engagement_get(actor=actor, engagement_id=engagement_id)


@router.post(
    "/engagements/{engagement_id}/churn",
    response={200: EngagementOut, **ERRORS},
    tags=["engagements"],
    operation_id="baton_relationships_api_churn_engagement",
)
def churn_engagement(request: HttpRequest, engagement_id: int, payload: ChurnIn) -> Any:
    actor = actor_of(request)
    engagement = selectors.engagement_get(actor=actor, engagement_id=engagement_id)
    version = requested_version(request, payload.version)
    services.engagement_churn(
        actor=actor, engagement=engagement, version=version, reason=payload.reason, ended_on=payload.ended_on
    )
    return selectors.engagement_get(actor=actor, engagement_id=engagement_id)


# --- Renewals due, renewal risk, retention --------------------------------------------------------------------------


@router.get(
    "/clients/{client_id}/renewal-risk",
    response={200: RenewalRiskOut, **ERRORS},
    tags=["engagements"],
    operation_id="baton_relationships_api_renewal_risk",
)
def renewal_risk(request: HttpRequest, client_id: int) -> Any:
    """How likely the client's next renewal is at risk (0-100, higher riskier), its band and the reasons."""
    return selectors.renewal_risk(actor=actor_of(request), client_id=client_id)


class RetentionFigures(Schema):
    clients_start: int
    clients_churned: int
    start_mrr: Decimal
    churned_mrr: Decimal
    contraction_mrr: Decimal
    expansion_mrr: Decimal
    gross_revenue_retention_pct: Decimal | None
    net_revenue_retention_pct: Decimal | None


class RetentionMonth(RetentionFigures):
    month: str
    from_: date = Field(..., alias="from")
    to: date


class RetentionByManager(RetentionFigures):
    account_manager: str


class RetentionByService(RetentionFigures):
    service: str


class RetentionOut(RetentionFigures):
    from_: date = Field(..., alias="from")
    to: date
    currency: str
    by_month: list[RetentionMonth]
    by_account_manager: list[RetentionByManager]
    by_service: list[RetentionByService]


class RetentionParams(StrictSchema):
    from_: date | None = Field(None, alias="from", description="The cohort's day (default: 12 months before `to`).")
    to: date | None = Field(None, description="Default: today.")


def retention_period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """The report's period: `to` defaults to today, `from` to a year before it; `from` after `to` is a 422."""
    to = date_to or timezone.localdate()
    start = date_from or selectors.year_before(to)
    if start > to:
        raise ValidationError({"from": "The period starts on or before its end (`to`)."})
    return start, to


@router.get(
    "/reports/retention",
    response={200: RetentionOut, **ERRORS},
    by_alias=True,
    tags=["reports"],
    operation_id="baton_relationships_api_retention_report",
)
def retention_report(request: HttpRequest, params: Query[RetentionParams]) -> Any:
    """Gross and net revenue retention of recurring engagements (RULES.md "Contracts, renewals and retention")."""
    start, to = retention_period(params.from_, params.to)
    return selectors.retention(actor=actor_of(request), date_from=start, date_to=to)
