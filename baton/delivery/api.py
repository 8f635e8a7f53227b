"""`/api/v1/projects`, `/milestones`, `/tasks` and `/project-templates`."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core import access
from baton.core.access import Actor, can_see_budgets
from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.delivery import selectors, services
from baton.delivery.models import Milestone, Project, ProjectTemplate, Task

router = Router(tags=["projects"])

ProjectStatusName = Literal["planned", "active", "on_hold", "done", "cancelled"]
BillingName = Literal["fixed_fee", "time_and_materials", "retainer", "non_billable"]
MilestoneStatusName = Literal["open", "done"]
TaskStatusName = Literal["todo", "in_progress", "in_review", "done", "blocked"]
MONEY = "Money as a decimal string, rounded to cents (half up)."


def _budgets_visible(context: dict[str, Any]) -> bool:
    return can_see_budgets(context["request"].auth)


def _in_body(field: str, finder: Any, **kwargs: Any) -> Any:
    """A record named in the body that the actor cannot see is an unknown id of that field (422), not a 404."""
    try:
        return finder(**kwargs)
    except Http404 as exc:
        raise ValidationError(
            {field: f"No such {field.removesuffix('_id').replace('_', ' ')} in this workspace."}
        ) from exc


# --- Projects ---------------------------------------------------------------------------------------------------


class ProjectIn(Schema):
    client_id: int
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    status: ProjectStatusName = "planned"
    billing: BillingName = "time_and_materials"
    currency: str | None = Field(None, description="ISO 4217; defaults to the client's currency.")
    budget_amount: Decimal = Field(Decimal("0.00"), ge=0, description=MONEY)
    budget_minutes: int = Field(0, ge=0)
    retainer_period: Literal["month"] | None = Field(None, description="Retainers only; defaults to month.")
    period_budget_amount: Decimal | None = Field(None, ge=0, description="A retainer's budget per period. " + MONEY)
    period_budget_minutes: int | None = Field(None, ge=0, description="A retainer's minutes per period.")
    start_date: date | None = None
    end_date: date | None = None
    project_manager_id: int | None = Field(None, description="Defaults to the creator when a project manager.")
    member_ids: list[int] = Field(default_factory=list)


class ProjectPatch(Schema):
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
    budget_amount: Decimal | None = Field(None, ge=0, description=MONEY)
    budget_minutes: int | None = Field(None, ge=0)
    retainer_period: Literal["month"] | None = None
    period_budget_amount: Decimal | None = Field(None, ge=0)
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


def _project(actor: Actor, project_id: int) -> Project:
    return selectors.project_get(actor=actor, project_id=project_id)


@router.get("/projects", response={200: Page[ProjectOut], **ERRORS})
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
    )
    return paginate(qs, filters)


@router.post("/projects", response={201: ProjectOut, **ERRORS})
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    data["retainer_period"] = data["retainer_period"] or ""
    project = services.project_create(actor=actor, **data)
    return Status(201, _project(actor, project.pk))


class FromTemplateIn(Schema):
    template_id: int
    client_id: int
    name: str = Field(..., min_length=1, max_length=200)
    start_date: date = Field(..., description="The template's day offsets count from this date.")
    project_manager_id: int | None = None
    description: str | None = None
    status: ProjectStatusName = "planned"
    billing: BillingName | None = Field(None, description="Defaults to the template's.")
    currency: str | None = None
    budget_amount: Decimal | None = Field(None, ge=0, description=MONEY)
    budget_minutes: int | None = Field(None, ge=0, description="Defaults to the sum of the template's estimates.")
    retainer_period: Literal["month"] | None = None
    period_budget_amount: Decimal | None = Field(None, ge=0)
    period_budget_minutes: int | None = Field(None, ge=0)
    end_date: date | None = Field(None, description="Defaults to the start date plus the template's duration.")
    member_ids: list[int] | None = None


@router.post("/projects/from-template", response={201: ProjectOut, **ERRORS})
def create_project_from_template(request: HttpRequest, payload: FromTemplateIn) -> Any:
    """Start a project from a template: dates shifted to `start_date`, dependencies rebuilt, tasks staffed by role."""
    actor = actor_of(request)
    access.require(actor, "project", "create")  # before looking the template up: a role that may not learns nothing
    data = payload.model_dump()
    template = _in_body("template_id", selectors.template_get, actor=actor, template_id=data.pop("template_id"))
    data = {k: v for k, v in data.items() if v is not None or k in ("project_manager_id", "client_id")}
    project = services.project_create_from_template(actor=actor, template=template, **data)
    return Status(201, _project(actor, project.pk))


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS})
def get_project(request: HttpRequest, project_id: int) -> Any:
    return _project(actor_of(request), project_id)


@router.patch("/projects/{project_id}", response={200: ProjectOut, **ERRORS})
def update_project(request: HttpRequest, project_id: int, payload: ProjectPatch) -> Any:
    actor = actor_of(request)
    project = _project(actor, project_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    if "retainer_period" in changes:
        changes["retainer_period"] = changes["retainer_period"] or ""
    services.project_update(actor=actor, project=project, version=version, **changes)
    return _project(actor, project_id)


@router.post("/projects/{project_id}/archive", response={200: ProjectOut, **ERRORS})
def archive_project(request: HttpRequest, project_id: int) -> Any:
    actor = actor_of(request)
    services.project_archive(actor=actor, project=_project(actor, project_id))
    return _project(actor, project_id)


@router.post("/projects/{project_id}/unarchive", response={200: ProjectOut, **ERRORS})
def unarchive_project(request: HttpRequest, project_id: int) -> Any:
    actor = actor_of(request)
    services.project_unarchive(actor=actor, project=_project(actor, project_id))
    return _project(actor, project_id)


class SaveAsTemplateIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""


# --- Project templates --------------------------------------------------------------------------------------------


class TemplateMilestoneIn(Schema):
    ref: str | None = Field(None, description="Any unique text; defaults to the position (“0”, “1”, ...).")
    name: str = Field(..., min_length=1, max_length=200)
    due_offset_days: int | None = Field(None, ge=0, description="Days after the project start.")
    amount: Decimal | None = Field(None, ge=0, description=MONEY)


class TemplateTaskIn(Schema):
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


class ProjectTemplateIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    billing: BillingName = "fixed_fee"
    duration_days: int = Field(0, ge=0)
    milestones: list[TemplateMilestoneIn] = Field(default_factory=list)
    tasks: list[TemplateTaskIn] = Field(default_factory=list)


class ProjectTemplatePatch(Schema):
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


class TemplateFilters(ListParams):
    search: str | None = None


def _plan_dump(data: dict[str, Any]) -> dict[str, Any]:
    for key in ("milestones", "tasks"):
        if data.get(key) is not None:
            for item in data[key]:
                if "depends_on" in item:
                    item["depends_on"] = [str(d) for d in item["depends_on"]]
    return data


@router.post("/projects/{project_id}/save-as-template", response={201: ProjectTemplateOut, **ERRORS})
def save_project_as_template(request: HttpRequest, project_id: int, payload: SaveAsTemplateIn) -> Any:
    """Capture the project's milestones, tasks, dependencies, estimates, tags and assignee roles as a template."""
    actor = actor_of(request)
    template = services.project_save_as_template(
        actor=actor, project=_project(actor, project_id), **payload.model_dump()
    )
    return Status(201, selectors.template_get(actor=actor, template_id=template.pk))


@router.get("/project-templates", response={200: Page[ProjectTemplateOut], **ERRORS}, tags=["project templates"])
def list_templates(request: HttpRequest, filters: Query[TemplateFilters]) -> Any:
    return paginate(selectors.template_list(actor=actor_of(request), search=filters.search), filters)


@router.post("/project-templates", response={201: ProjectTemplateOut, **ERRORS}, tags=["project templates"])
def create_template(request: HttpRequest, payload: ProjectTemplateIn) -> Any:
    actor = actor_of(request)
    template = services.project_template_create(actor=actor, **_plan_dump(payload.model_dump()))
    return Status(201, selectors.template_get(actor=actor, template_id=template.pk))


@router.get(
    "/project-templates/{template_id}", response={200: ProjectTemplateOut, **ERRORS}, tags=["project templates"]
)
def get_template(request: HttpRequest, template_id: int) -> Any:
    return selectors.template_get(actor=actor_of(request), template_id=template_id)


@router.patch(
    "/project-templates/{template_id}", response={200: ProjectTemplateOut, **ERRORS}, tags=["project templates"]
)
def update_template(request: HttpRequest, template_id: int, payload: ProjectTemplatePatch) -> Any:
    actor = actor_of(request)
    template = selectors.template_get(actor=actor, template_id=template_id)
    changes = _plan_dump(payload.model_dump(exclude_unset=True))
    version = requested_version(request, changes.pop("version", None))
    services.project_template_update(actor=actor, template=template, version=version, **changes)
    return selectors.template_get(actor=actor, template_id=template_id)


@router.delete("/project-templates/{template_id}", response={204: None, **ERRORS}, tags=["project templates"])
def delete_template(request: HttpRequest, template_id: int) -> Any:
    actor = actor_of(request)
    services.project_template_delete(actor=actor, template=selectors.template_get(actor=actor, template_id=template_id))
    return Status(204, None)


# --- Milestones -------------------------------------------------------------------------------------------------


class MilestoneIn(Schema):
    project_id: int
    name: str = Field(..., min_length=1, max_length=200)
    due_date: date | None = None
    status: MilestoneStatusName = "open"
    amount: Decimal | None = Field(None, ge=0, description="For milestone billing (optional). " + MONEY)


class MilestonePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    due_date: date | None = None
    status: MilestoneStatusName | None = None
    amount: Decimal | None = Field(None, ge=0)
    version: int | None = None


class MilestoneOut(Schema):
    id: int
    project_id: int
    client_id: int
    name: str
    due_date: date | None
    status: str
    amount: Decimal | None = Field(None, description="Null for client-role users.")
    completed_at: datetime | None
    task_count: int
    open_task_count: int
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_client_id(obj: Milestone) -> int:
        return obj.project.client_id

    @staticmethod
    def resolve_amount(obj: Milestone, context: dict[str, Any]) -> Decimal | None:
        return obj.amount if _budgets_visible(context) else None

    @staticmethod
    def resolve_task_count(obj: Milestone) -> int:
        return getattr(obj, "task_count", 0)

    @staticmethod
    def resolve_open_task_count(obj: Milestone) -> int:
        return getattr(obj, "open_task_count", 0)


class MilestoneFilters(ListParams):
    project_id: int | None = None
    client_id: int | None = None
    status: MilestoneStatusName | None = None


@router.get("/milestones", response={200: Page[MilestoneOut], **ERRORS}, tags=["milestones"])
def list_milestones(request: HttpRequest, filters: Query[MilestoneFilters]) -> Any:
    qs = selectors.milestone_list(
        actor=actor_of(request), project_id=filters.project_id, status=filters.status, client_id=filters.client_id
    )
    return paginate(qs, filters)


@router.post("/milestones", response={201: MilestoneOut, **ERRORS}, tags=["milestones"])
def create_milestone(request: HttpRequest, payload: MilestoneIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    project = _in_body("project_id", selectors.project_get, actor=actor, project_id=data.pop("project_id"))
    milestone = services.milestone_create(actor=actor, project=project, **data)
    return Status(201, selectors.milestone_get(actor=actor, milestone_id=milestone.pk))


@router.get("/milestones/{milestone_id}", response={200: MilestoneOut, **ERRORS}, tags=["milestones"])
def get_milestone(request: HttpRequest, milestone_id: int) -> Any:
    return selectors.milestone_get(actor=actor_of(request), milestone_id=milestone_id)


@router.patch("/milestones/{milestone_id}", response={200: MilestoneOut, **ERRORS}, tags=["milestones"])
def update_milestone(request: HttpRequest, milestone_id: int, payload: MilestonePatch) -> Any:
    actor = actor_of(request)
    milestone = selectors.milestone_get(actor=actor, milestone_id=milestone_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    services.milestone_update(actor=actor, milestone=milestone, version=version, **changes)
    return selectors.milestone_get(actor=actor, milestone_id=milestone_id)


@router.post("/milestones/{milestone_id}/complete", response={200: MilestoneOut, **ERRORS}, tags=["milestones"])
def complete_milestone(request: HttpRequest, milestone_id: int) -> Any:
    actor = actor_of(request)
    services.milestone_complete(actor=actor, milestone=selectors.milestone_get(actor=actor, milestone_id=milestone_id))
    return selectors.milestone_get(actor=actor, milestone_id=milestone_id)


@router.delete("/milestones/{milestone_id}", response={204: None, **ERRORS}, tags=["milestones"])
def delete_milestone(request: HttpRequest, milestone_id: int) -> Any:
    actor = actor_of(request)
    services.milestone_delete(actor=actor, milestone=selectors.milestone_get(actor=actor, milestone_id=milestone_id))
    return Status(204, None)


# --- Tasks ------------------------------------------------------------------------------------------------------


class TaskIn(Schema):
    project_id: int
    milestone_id: int | None = Field(None, description="A milestone of the same project.")
    title: str = Field(..., min_length=1, max_length=300)
    description: str = ""
    status: TaskStatusName = "todo"
    assignee_id: int | None = None
    estimate_minutes: int = Field(0, ge=0)
    start_date: date | None = None
    due_date: date | None = None
    tags: list[str] = Field(default_factory=list)
    depends_on: list[int] = Field(default_factory=list, description="Ids of the tasks that must be done first.")
    position: int | None = Field(None, ge=0, description="Order in its board column; defaults to the end.")
    override: bool = Field(False, description="Start despite unfinished dependencies (owner, admin, the PM).")


class TaskPatch(Schema):
    milestone_id: int | None = None
    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = None
    status: TaskStatusName | None = Field(None, description="Goes through the dependency gate (409 when blocked).")
    assignee_id: int | None = None
    estimate_minutes: int | None = Field(None, ge=0)
    start_date: date | None = None
    due_date: date | None = None
    tags: list[str] | None = None
    depends_on: list[int] | None = None
    position: int | None = Field(None, ge=0)
    override: bool = False
    version: int | None = None


class TaskStatusIn(Schema):
    status: TaskStatusName
    override: bool = Field(
        False, description="Start despite unfinished dependencies: owner, admin or the project's manager; recorded."
    )
    position: int | None = Field(None, ge=0, description="Order in the new column; defaults to the end.")
    version: int | None = Field(None, description="Optional here; when sent it must be current (409 otherwise).")


class TaskOut(Schema):
    id: int
    project_id: int
    client_id: int
    milestone_id: int | None
    title: str
    description: str
    status: str
    assignee_id: int | None
    assignee_name: str | None = None
    estimate_minutes: int
    start_date: date | None
    due_date: date | None
    position: int
    tags: list[str]
    depends_on: list[int]
    blocked_by: list[int] = Field(..., description="The ids in depends_on that are not done yet.")
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_client_id(obj: Task) -> int:
        return obj.project.client_id

    @staticmethod
    def resolve_assignee_name(obj: Task) -> str | None:
        return obj.assignee.name if obj.assignee_id and obj.assignee else None

    @staticmethod
    def resolve_depends_on(obj: Task) -> list[int]:
        return [t.pk for t in obj.depends_on.all()]

    @staticmethod
    def resolve_blocked_by(obj: Task) -> list[int]:
        return [t.pk for t in selectors.blocking_tasks(obj)]


class TaskFilters(ListParams):
    project_id: int | None = None
    milestone_id: int | None = None
    assignee_id: int | None = None
    client_id: int | None = None
    status: TaskStatusName | None = None
    open: bool | None = Field(None, description="true: only tasks not done.")
    due_before: date | None = Field(None, description="Due before this date (overdue: today's date and open=true).")
    search: str | None = Field(None, description="Part of the title.")


@router.get("/tasks", response={200: Page[TaskOut], **ERRORS}, tags=["tasks"])
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> Any:
    qs = selectors.task_list(
        actor=actor_of(request),
        project_id=filters.project_id,
        milestone_id=filters.milestone_id,
        assignee_id=filters.assignee_id,
        client_id=filters.client_id,
        status=filters.status,
        open_only=bool(filters.open),
        due_before=filters.due_before,
        search=filters.search,
    )
    return paginate(qs, filters)


@router.post("/tasks", response={201: TaskOut, **ERRORS}, tags=["tasks"])
def create_task(request: HttpRequest, payload: TaskIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    project = _in_body("project_id", selectors.project_get, actor=actor, project_id=data.pop("project_id"))
    task = services.task_create(actor=actor, project=project, **data)
    return Status(201, selectors.task_get(actor=actor, task_id=task.pk))


@router.get("/tasks/{task_id}", response={200: TaskOut, **ERRORS}, tags=["tasks"])
def get_task(request: HttpRequest, task_id: int) -> Any:
    return selectors.task_get(actor=actor_of(request), task_id=task_id)


@router.patch("/tasks/{task_id}", response={200: TaskOut, **ERRORS}, tags=["tasks"])
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> Any:
    actor = actor_of(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    override = bool(changes.pop("override", False))
    services.task_update(actor=actor, task=task, version=version, override=override, **changes)
    return selectors.task_get(actor=actor, task_id=task_id)


@router.post("/tasks/{task_id}/status", response={200: TaskOut, **ERRORS}, tags=["tasks"])
def change_task_status(request: HttpRequest, task_id: int, payload: TaskStatusIn) -> Any:
    """Move a task to another status. Starting a task whose dependencies are not done answers 409 naming them,
    unless `override` is sent by an owner, an admin or the project's manager (recorded as an event)."""
    actor = actor_of(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    version = requested_version(request, payload.version)
    services.task_change_status(
        actor=actor,
        task=task,
        status=payload.status,
        override=payload.override,
        position=payload.position,
        version=version,
    )
    return selectors.task_get(actor=actor, task_id=task_id)


@router.delete("/tasks/{task_id}", response={204: None, **ERRORS}, tags=["tasks"])
def delete_task(request: HttpRequest, task_id: int) -> Any:
    actor = actor_of(request)
    services.task_delete(actor=actor, task=selectors.task_get(actor=actor, task_id=task_id))
    return Status(204, None)
