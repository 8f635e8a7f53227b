"""`/api/v1/tasks`, with status changes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema
from baton.delivery import selectors, services
from baton.delivery.api._common import _in_body
from baton.delivery.models import Task

router = Router(tags=["projects"])
TaskStatusName = Literal["todo", "in_progress", "in_review", "done", "blocked"]


# --- Tasks ------------------------------------------------------------------------------------------------------


class TaskIn(InputSchema):
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
    override: bool = Field(
        False, description="Start despite unfinished dependencies or a start gate (owner, admin, the PM)."
    )
    requires_approved_brief: bool = Field(
        False, description="It starts only once its brief (or the project's) is approved."
    )


class TaskPatch(InputSchema):
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
    requires_approved_brief: bool | None = None
    override: bool = False
    version: int | None = None


class TaskStatusIn(InputSchema):
    status: TaskStatusName
    override: bool = Field(
        False,
        description="Start despite unfinished dependencies, an unconfirmed handoff or a missing approved brief: "
        "owner, admin or the project's manager; recorded.",
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
    requires_approved_brief: bool
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


@router.get(
    "/tasks", response={200: Page[TaskOut], **ERRORS}, tags=["tasks"], operation_id="baton_delivery_api_list_tasks"
)
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


@router.post("/tasks", response={201: TaskOut, **ERRORS}, tags=["tasks"], operation_id="baton_delivery_api_create_task")
def create_task(request: HttpRequest, payload: TaskIn) -> Any:
    actor = actor_of(request)
    data = payload.model_dump()
    project = _in_body("project_id", selectors.project_get, actor=actor, project_id=data.pop("project_id"))
    task = services.task_create(actor=actor, project=project, **data)
    return Status(201, selectors.task_get(actor=actor, task_id=task.pk))


@router.get(
    "/tasks/{task_id}", response={200: TaskOut, **ERRORS}, tags=["tasks"], operation_id="baton_delivery_api_get_task"
)
def get_task(request: HttpRequest, task_id: int) -> Any:
    return selectors.task_get(actor=actor_of(request), task_id=task_id)


@router.patch(
    "/tasks/{task_id}", response={200: TaskOut, **ERRORS}, tags=["tasks"], operation_id="baton_delivery_api_update_task"
)
def update_task(request: HttpRequest, task_id: int, payload: TaskPatch) -> Any:
    actor = actor_of(request)
    task = selectors.task_get(actor=actor, task_id=task_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    override = bool(changes.pop("override", False))
    services.task_update(actor=actor, task=task, version=version, override=override, **changes)
    return selectors.task_get(actor=actor, task_id=task_id)


@router.post(
    "/tasks/{task_id}/status",
    response={200: TaskOut, **ERRORS},
    tags=["tasks"],
    operation_id="baton_delivery_api_change_task_status",
)
def change_task_status(request: HttpRequest, task_id: int, payload: TaskStatusIn) -> Any:
    """Move a task to another status. Starting a task whose dependencies are not done answers 409 naming them; one
    whose handoff (its own, or its project's with no task) is sent or has gaps raised answers 409 naming
    `handoff_id`; one that requires an approved brief and has none answers 409 naming `brief`: unless `override` is
    sent by an owner, an admin or the project's manager (recorded as an event)."""
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


@router.delete(
    "/tasks/{task_id}", response={204: None, **ERRORS}, tags=["tasks"], operation_id="baton_delivery_api_delete_task"
)
def delete_task(request: HttpRequest, task_id: int) -> Any:
    actor = actor_of(request)
    services.task_delete(actor=actor, task=selectors.task_get(actor=actor, task_id=task_id))
    return Status(204, None)
