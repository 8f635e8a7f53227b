"""`/api/v1/projects`: list, create (blank or from a template), read, edit, archive and unarchive."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core import access
from baton.core.api_support import ERRORS, MONEY, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema, Money
from baton.delivery import selectors, services
from baton.delivery.api._common import _budgets_visible, _in_body, _project
from baton.delivery.models import Project

router = Router(tags=["projects"])

ProjectStatusName = Literal["planned", "active", "on_hold", "done", "cancelled"]
BillingName = Literal["fixed_fee", "time_and_materials", "retainer", "non_billable"]


# --- Projects ---------------------------------------------------------------------------------------------------


class ProjectIn(InputSchema):
    client_id: int
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    status: ProjectStatusName = "planned"
    billing: BillingName = "time_and_materials"
    currency: str | None = Field(None, description="ISO 4217; defaults to the client's currency.")
    budget_amount: Money = Field(Decimal("0.00"), ge=0, description=MONEY)
    budget_minutes: int = Field(0, ge=0)
    retainer_period: Literal["month"] | None = Field(None, description="Retainers only; defaults to month.")
    period_budget_amount: Money | None = Field(None, ge=0, description="A retainer's budget per period. " + MONEY)
    period_budget_minutes: int | None = Field(None, ge=0, description="A retainer's minutes per period.")
    start_date: date | None = None
    end_date: date | None = None
    project_manager_id: int | None = Field(None, description="Defaults to the creator when a project manager.")
    member_ids: list[int] = Field(default_factory=list)


class ProjectPatch(InputSchema):
    client_id: int | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    status: ProjectStatusName | None = Field(
        None,
        description="planned → active|on_hold|cancelled; active → on_hold|done|cancelled; on_hold → active|cancelled;"
        " done → active; cancelled → planned. Any other move answers 409.",
    )
    billing: BillingName | None = None
    currency: str | None = None
    budget_amount: Money | None = Field(None, ge=0, description=MONEY)
    budget_minutes: int | None = Field(None, ge=0)
    retainer_period: Literal["month"] | None = None
    period_budget_amount: Money | None = Field(None, ge=0)
    period_budget_minutes: int | None = Field(None, ge=0)
    start_date: date | None = None
    end_date: date | None = None
    project_manager_id: int | None = None
    member_ids: list[int] | None = None
    version: int | None = None


class ProjectOut(Schema):
    id: int
    client_id: int
    client_name: str
    name: str
    description: str
    status: str
    billing: str
    currency: str
    budget_amount: Decimal | None = Field(None, description="Null for client-role users.")
    budget_minutes: int | None = Field(None, description="Null for client-role users.")
    retainer_period: str | None
    period_budget_amount: Decimal | None = None
    period_budget_minutes: int | None = None
    start_date: date | None
    end_date: date | None
    project_manager_id: int | None
    project_manager_name: str | None = None
    member_ids: list[int]
    template_id: int | None
    task_count: int
    open_task_count: int
    overdue_task_count: int
    archived: bool
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_client_name(obj: Project) -> str:
        return obj.client.name

    @staticmethod
    def resolve_project_manager_name(obj: Project) -> str | None:
        return obj.project_manager.name if obj.project_manager_id and obj.project_manager else None

    @staticmethod
    def resolve_member_ids(obj: Project) -> list[int]:
        return sorted(p.pk for p in obj.members.all())

    @staticmethod
    def resolve_retainer_period(obj: Project) -> str | None:
        return obj.retainer_period or None

    @staticmethod
    def resolve_budget_amount(obj: Project, context: dict[str, Any]) -> Decimal | None:
        return obj.budget_amount if _budgets_visible(context) else None

    @staticmethod
    def resolve_budget_minutes(obj: Project, context: dict[str, Any]) -> int | None:
        return obj.budget_minutes if _budgets_visible(context) else None

    @staticmethod
    def resolve_period_budget_amount(obj: Project, context: dict[str, Any]) -> Decimal | None:
        return obj.period_budget_amount if _budgets_visible(context) else None

    @staticmethod
    def resolve_period_budget_minutes(obj: Project, context: dict[str, Any]) -> int | None:
        return obj.period_budget_minutes if _budgets_visible(context) else None

    @staticmethod
    def resolve_task_count(obj: Project) -> int:
        return getattr(obj, "task_count", 0)

    @staticmethod
    def resolve_open_task_count(obj: Project) -> int:
        return getattr(obj, "open_task_count", 0)

    @staticmethod
    def resolve_overdue_task_count(obj: Project) -> int:
        return getattr(obj, "overdue_task_count", 0)

    @staticmethod
    def resolve_archived(obj: Project) -> bool:
        return obj.archived_at is not None


class ProjectFilters(ListParams):
    client_id: int | None = None
    status: ProjectStatusName | None = None
    billing: BillingName | None = None
    project_manager_id: int | None = None
    template_id: int | None = None
    search: str | None = Field(None, description="Part of the project's or the client's name.")
    archived: bool | None = Field(False, description="false (default): current projects; true: archived only.")


@router.get("/projects", response={200: Page[ProjectOut], **ERRORS}, operation_id="baton_delivery_api_list_projects")
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> Any:
    qs = selectors.project_list(
        actor=actor_of(request),
        client_id=filters.client_id,
        status=filters.status,
        billing=filters.billing,
        project_manager_id=filters.project_manager_id,
        template_id=filters.template_id,
        search=filters.search,
        archived=filters.archived,
        counts=False,
    )
    return paginate(qs, filters, then=selectors.with_task_counts)


@router.post("/projects", response={201: ProjectOut, **ERRORS}, operation_id="baton_delivery_api_create_project")
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    data["retainer_period"] = data["retainer_period"] or ""
    project = services.project_create(actor=actor, **data)
    return Status(201, _project(actor, project.pk))


class FromTemplateIn(InputSchema):
    template_id: int
    client_id: int
    name: str = Field(..., min_length=1, max_length=200)
    start_date: date = Field(..., description="The template's day offsets count from this date.")
    project_manager_id: int | None = None
    description: str | None = None
    status: ProjectStatusName = "planned"
    billing: BillingName | None = Field(None, description="Defaults to the template's.")
    currency: str | None = None
    budget_amount: Money | None = Field(None, ge=0, description=MONEY)
    budget_minutes: int | None = Field(None, ge=0, description="Defaults to the sum of the template's estimates.")
    retainer_period: Literal["month"] | None = None
    period_budget_amount: Money | None = Field(None, ge=0)
    period_budget_minutes: int | None = Field(None, ge=0)
    end_date: date | None = Field(None, description="Defaults to the start date plus the template's duration.")
    member_ids: list[int] | None = None


@router.post(
    "/projects/from-template",
    response={201: ProjectOut, **ERRORS},
    operation_id="baton_delivery_api_create_project_from_template",
)
def create_project_from_template(request: HttpRequest, payload: FromTemplateIn) -> Any:
    """Start a project from a template: dates shifted to `start_date`, dependencies rebuilt, tasks staffed by role."""
    actor = actor_of(request)
    access.require(actor, "project", "create")  # before looking the template up: a role that may not learns nothing
    data = payload.model_dump()
    template = _in_body("template_id", selectors.template_get, actor=actor, template_id=data.pop("template_id"))
    data = {k: v for k, v in data.items() if v is not None or k in ("project_manager_id", "client_id")}
    project = services.project_create_from_template(actor=actor, template=template, **data)
    return Status(201, _project(actor, project.pk))


@router.get(
    "/projects/{project_id}", response={200: ProjectOut, **ERRORS}, operation_id="baton_delivery_api_get_project"
)
def get_project(request: HttpRequest, project_id: int) -> Any:
    return _project(actor_of(request), project_id)


@router.patch(
    "/projects/{project_id}", response={200: ProjectOut, **ERRORS}, operation_id="baton_delivery_api_update_project"
)
def update_project(request: HttpRequest, project_id: int, payload: ProjectPatch) -> Any:
    actor = actor_of(request)
    project = _project(actor, project_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    if "retainer_period" in changes:
        changes["retainer_period"] = changes["retainer_period"] or ""
    services.project_update(actor=actor, project=project, version=version, **changes)
    return _project(actor, project_id)


@router.post(
    "/projects/{project_id}/archive",
    response={200: ProjectOut, **ERRORS},
    operation_id="baton_delivery_api_archive_project",
)
def archive_project(request: HttpRequest, project_id: int) -> Any:
    actor = actor_of(request)
    services.project_archive(actor=actor, project=_project(actor, project_id))
    return _project(actor, project_id)


@router.post(
    "/projects/{project_id}/unarchive",
    response={200: ProjectOut, **ERRORS},
    operation_id="baton_delivery_api_unarchive_project",
)
def unarchive_project(request: HttpRequest, project_id: int) -> Any:
    actor = actor_of(request)
    services.project_unarchive(actor=actor, project=_project(actor, project_id))
    return _project(actor, project_id)


# --- Budget revisions -------------------------------------------------------------------------------------------


class BudgetRevisionIn(InputSchema):
    budget_amount: Money | None = Field(None, ge=0, description=MONEY)
    budget_minutes: int | None = Field(None, ge=0)
    period_budget_amount: Money | None = Field(None, ge=0, description="A retainer's budget per period. " + MONEY)
    period_budget_minutes: int | None = Field(None, ge=0)
    reason: str = Field(..., min_length=1, max_length=2000, description="Why the budget changes (kept with it).")


class BudgetRevisionOut(Schema):
    id: int
    project_id: int
    revised_by_id: int | None
    revised_on: date
    reason: str
    old_budget_amount: Decimal | None
    new_budget_amount: Decimal | None
    old_budget_minutes: int | None
    new_budget_minutes: int | None
    old_period_budget_amount: Decimal | None
    new_period_budget_amount: Decimal | None
    old_period_budget_minutes: int | None
    new_period_budget_minutes: int | None
    created_at: datetime
    updated_at: datetime
    version: int


@router.post(
    "/projects/{project_id}/budget-revisions",
    response={201: BudgetRevisionOut, **ERRORS},
    operation_id="baton_delivery_api_create_budget_revision",
)
def create_budget_revision(request: HttpRequest, project_id: int, payload: BudgetRevisionIn) -> Any:
    """Revise a project's budget outside change orders: the owner or finance, with a reason (recorded)."""
    actor = actor_of(request)
    data = payload.model_dump(exclude_unset=True)
    reason = data.pop("reason")
    revision = services.budget_revise(actor=actor, project=_project(actor, project_id), reason=reason, **data)
    return Status(201, revision)


@router.get(
    "/projects/{project_id}/budget-revisions",
    response={200: Page[BudgetRevisionOut], **ERRORS},
    operation_id="baton_delivery_api_list_budget_revisions",
)
def list_budget_revisions(request: HttpRequest, project_id: int, filters: Query[ListParams]) -> Any:
    """The project's budget revisions, newest first."""
    actor = actor_of(request)
    return paginate(selectors.budget_revisions(actor=actor, project=_project(actor, project_id)), filters)
