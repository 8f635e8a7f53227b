"""`/api/v1/project-templates` and saving a project as a template."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, MONEY, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema, Money
from baton.delivery import selectors, services
from baton.delivery.api._common import _project
from baton.delivery.api.projects import BillingName
from baton.delivery.models import ProjectTemplate

router = Router(tags=["projects"])


class SaveAsTemplateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""


# --- Project templates --------------------------------------------------------------------------------------------


class TemplateMilestoneIn(InputSchema):
    ref: str | None = Field(None, description="Any unique text; defaults to the position (“0”, “1”, ...).")
    name: str = Field(..., min_length=1, max_length=200)
    due_offset_days: int | None = Field(None, ge=0, description="Days after the project start.")
    amount: Money | None = Field(None, ge=0, description=MONEY)


class TemplateTaskIn(InputSchema):
    ref: str | None = Field(None, description="Any unique text; defaults to the position (“0”, “1”, ...).")
    title: str = Field(..., min_length=1, max_length=300)
    description: str = ""
    milestone: str | None = Field(None, description="The ref of one of this template's milestones.")
    start_offset_days: int | None = Field(None, ge=0)
    due_offset_days: int | None = Field(None, ge=0)
    estimate_minutes: int = Field(0, ge=0)
    assignee_role: str = Field("", max_length=100, description="A title or skill to staff the task with.")
    tags: list[str] = Field(default_factory=list)
    depends_on: list[str | int] = Field(default_factory=list, description="Refs of tasks of this template.")
    requires_approved_brief: bool = Field(
        False, description="Tasks made from it start only once their brief (or the project's) is approved."
    )


class ProjectTemplateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    billing: BillingName = "fixed_fee"
    duration_days: int = Field(0, ge=0)
    milestones: list[TemplateMilestoneIn] = Field(default_factory=list)
    tasks: list[TemplateTaskIn] = Field(default_factory=list)


class ProjectTemplatePatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    billing: BillingName | None = None
    duration_days: int | None = Field(None, ge=0)
    milestones: list[TemplateMilestoneIn] | None = Field(None, description="Replaces the milestones.")
    tasks: list[TemplateTaskIn] | None = Field(None, description="Replaces the tasks.")
    version: int | None = None


class TemplateMilestoneOut(Schema):
    id: int
    ref: str
    name: str
    due_offset_days: int | None
    amount: Decimal | None


class TemplateTaskOut(Schema):
    id: int
    ref: str
    title: str
    description: str
    milestone: str | None
    start_offset_days: int | None
    due_offset_days: int | None
    estimate_minutes: int
    assignee_role: str
    tags: list[str]
    depends_on: list[str]
    requires_approved_brief: bool = False


class ProjectTemplateOut(Schema):
    id: int
    name: str
    description: str
    billing: str
    duration_days: int
    milestones: list[TemplateMilestoneOut]
    tasks: list[TemplateTaskOut]
    estimate_minutes: int
    project_count: int
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_milestones(obj: ProjectTemplate) -> list[dict[str, Any]]:
        return services.template_plan(obj)[0]

    @staticmethod
    def resolve_tasks(obj: ProjectTemplate) -> list[dict[str, Any]]:
        return services.template_plan(obj)[1]

    @staticmethod
    def resolve_estimate_minutes(obj: ProjectTemplate) -> int:
        return sum(t.estimate_minutes for t in obj.tasks.all())

    @staticmethod
    def resolve_project_count(obj: ProjectTemplate) -> int:
        return getattr(obj, "project_count", None) or 0


class ProjectTemplateFilters(ListParams):
    search: str | None = None


def _plan_dump(data: dict[str, Any]) -> dict[str, Any]:
    for key in ("milestones", "tasks"):
        if data.get(key) is not None:
            for item in data[key]:
                if "depends_on" in item:
                    item["depends_on"] = [str(d) for d in item["depends_on"]]
    return data


@router.post(
    "/projects/{project_id}/save-as-template",
    response={201: ProjectTemplateOut, **ERRORS},
    operation_id="baton_delivery_api_save_project_as_template",
)
def save_project_as_template(request: HttpRequest, project_id: int, payload: SaveAsTemplateIn) -> Any:
    """Capture the project's milestones, tasks, dependencies, estimates, tags and assignee roles as a template."""
    actor = actor_of(request)
    template = services.project_save_as_template(
        actor=actor, project=_project(actor, project_id), **payload.model_dump()
    )
    return Status(201, selectors.template_get(actor=actor, template_id=template.pk))


@router.get(
    "/project-templates",
    response={200: Page[ProjectTemplateOut], **ERRORS},
    tags=["project templates"],
    operation_id="baton_delivery_api_list_templates",
)
def list_templates(request: HttpRequest, filters: Query[ProjectTemplateFilters]) -> Any:
    return paginate(selectors.template_list(actor=actor_of(request), search=filters.search), filters)


@router.post(
    "/project-templates",
    response={201: ProjectTemplateOut, **ERRORS},
    tags=["project templates"],
    operation_id="baton_delivery_api_create_template",
)
def create_template(request: HttpRequest, payload: ProjectTemplateIn) -> Any:
    actor = actor_of(request)
    template = services.project_template_create(actor=actor, **_plan_dump(payload.model_dump()))
    return Status(201, selectors.template_get(actor=actor, template_id=template.pk))


@router.get(
    "/project-templates/{template_id}",
    response={200: ProjectTemplateOut, **ERRORS},
    tags=["project templates"],
    operation_id="baton_delivery_api_get_template",
)
def get_template(request: HttpRequest, template_id: int) -> Any:
    return selectors.template_get(actor=actor_of(request), template_id=template_id)


@router.patch(
    "/project-templates/{template_id}",
    response={200: ProjectTemplateOut, **ERRORS},
    tags=["project templates"],
    operation_id="baton_delivery_api_update_template",
)
def update_template(request: HttpRequest, template_id: int, payload: ProjectTemplatePatch) -> Any:
    actor = actor_of(request)
    template = selectors.template_get(actor=actor, template_id=template_id)
    changes = _plan_dump(payload.model_dump(exclude_unset=True))
    version = requested_version(request, changes.pop("version", None))
    services.project_template_update(actor=actor, template=template, version=version, **changes)
    return selectors.template_get(actor=actor, template_id=template_id)


@router.delete(
    "/project-templates/{template_id}",
    response={204: None, **ERRORS},
    tags=["project templates"],
    operation_id="baton_delivery_api_delete_template",
)
def delete_template(request: HttpRequest, template_id: int) -> Any:
    actor = actor_of(request)
    services.project_template_delete(actor=actor, template=selectors.template_get(actor=actor, template_id=template_id))
    return Status(204, None)
