"""`/api/v1/briefs` (versions, approval) and `/api/v1/tasks/{id}/brief-links`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from baton.core.access import Actor
from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate, requested_version
from baton.core.schemas import InputSchema
from baton.knowledge import selectors, services
from baton.knowledge.models import (
    BRIEF_SECTIONS,
    REQUIRED_BRIEF_SECTIONS,
    Brief,
    BriefVersion,
)

router = Router(tags=["briefs"])


class BriefSectionsPatch(InputSchema):
    objective: str | None = None
    audience: str | None = None
    deliverables: str | None = None
    tone_of_voice_reference: str | None = None
    constraints: str | None = None
    success_measures: str | None = None
    references: str | None = None


class BriefIn(InputSchema):
    project_id: int
    task_id: int | None = Field(None, description="For a task's own brief; empty for the project's brief.")
    title: str = Field("", max_length=300, description="Defaults to 'Brief: <project or task>'.")
    objective: str = ""
    audience: str = ""
    deliverables: str = ""
    tone_of_voice_reference: str = ""
    constraints: str = ""
    success_measures: str = ""
    references: str = ""


class BriefPatch(BriefSectionsPatch):
    title: str | None = Field(None, min_length=1, max_length=300)
    version: int | None = None


class TaskStartedOut(Schema):
    task_id: int
    task_title: str
    started_at: datetime
    started_by_id: int | None


class BriefVersionOut(Schema):
    id: int
    number: int
    status: str
    objective: str
    audience: str
    deliverables: str
    tone_of_voice_reference: str
    constraints: str
    success_measures: str
    references: str
    missing_sections: list[str]
    created_by_id: int | None
    created_by_name: str | None
    created_at: datetime
    approved_by_id: int | None
    approved_by_name: str | None
    approved_at: datetime | None
    tasks_started: list[TaskStartedOut] = Field(description="Tasks started while this version was the approved one.")


class BriefOut(Schema):
    id: int
    client_id: int
    project_id: int
    task_id: int | None
    title: str
    status: str = Field(description="Of the version shown: draft or approved.")
    current_version: int | None = Field(
        description="The number of the newest version (for a client user: the newest approved one)."
    )
    approved_version: int | None = Field(description="The number of the newest approved version, if any.")
    objective: str
    audience: str
    deliverables: str
    tone_of_voice_reference: str
    constraints: str
    success_measures: str
    references: str
    required_sections: list[str]
    missing_sections: list[str] = Field(description="Required sections still empty: approval is refused until none.")
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int


class BriefDetailOut(BriefOut):
    versions: list[BriefVersionOut]


class BriefFilters(ListParams):
    client_id: int | None = None
    project_id: int | None = None
    task_id: int | None = None
    status: Literal["draft", "approved"] | None = Field(None, description="Status of the newest version.")


def _version_out(version: BriefVersion) -> dict[str, Any]:
    links = getattr(version, "started_links", [])
    return {
        "id": version.pk,
        "number": version.number,
        "status": version.status,
        **version.sections(),
        "missing_sections": version.missing_sections(),
        "created_by_id": version.created_by_id,
        "created_by_name": version.created_by.name if version.created_by else None,
        "created_at": version.created_at,
        "approved_by_id": version.approved_by_id,
        "approved_by_name": version.approved_by.name if version.approved_by else None,
        "approved_at": version.approved_at,
        "tasks_started": [
            {
                "task_id": link.task_id,
                "task_title": link.task.title,
                "started_at": link.started_at,
                "started_by_id": link.started_by_id,
            }
            for link in links
        ],
    }


def _brief_out(actor: Actor, brief: Brief, *, detail: bool = False) -> dict[str, Any]:
    shown = selectors.shown_version(actor, brief)
    sections = shown.sections() if shown else dict.fromkeys(BRIEF_SECTIONS, "")
    out: dict[str, Any] = {
        "id": brief.pk,
        "client_id": brief.client_id,
        "project_id": brief.project_id,
        "task_id": brief.task_id,
        "title": brief.title,
        "status": shown.status if shown else "draft",
        "current_version": shown.number if shown else None,
        "approved_version": brief.approved_version.number if brief.approved_version else None,
        **sections,
        "required_sections": list(REQUIRED_BRIEF_SECTIONS),
        "missing_sections": shown.missing_sections() if shown else list(REQUIRED_BRIEF_SECTIONS),
        "created_by_id": brief.created_by_id,
        "created_at": brief.created_at,
        "updated_at": brief.updated_at,
        "version": brief.version,
    }
    if detail:
        out["versions"] = [_version_out(v) for v in selectors.brief_versions(actor=actor, brief=brief)]
    return out


def _brief_detail(actor: Actor, brief_id: int) -> dict[str, Any]:
    return _brief_out(actor, selectors.brief_get(actor=actor, brief_id=brief_id), detail=True)


@router.get("/briefs", response={200: Page[BriefOut], **ERRORS}, tags=["briefs"])
def list_briefs(request: HttpRequest, filters: Query[BriefFilters]) -> Any:
    actor = actor_of(request)
    qs = selectors.brief_list(
        actor=actor,
        client_id=filters.client_id,
        project_id=filters.project_id,
        task_id=filters.task_id,
        status=filters.status,
    )
    page = paginate(qs, filters)
    page["results"] = [_brief_out(actor, b) for b in page["results"]]
    return page


@router.post("/briefs", response={201: BriefDetailOut, **ERRORS}, tags=["briefs"])
def create_brief(request: HttpRequest, payload: BriefIn) -> Any:
    actor = actor_of(request)
    brief = services.brief_create(actor=actor, **payload.model_dump())
    return Status(201, _brief_detail(actor, brief.pk))


@router.get("/briefs/{brief_id}", response={200: BriefDetailOut, **ERRORS}, tags=["briefs"])
def get_brief(request: HttpRequest, brief_id: int) -> Any:
    """The brief as the actor reads it, with every version and the tasks started from each."""
    return _brief_detail(actor_of(request), brief_id)


@router.patch("/briefs/{brief_id}", response={200: BriefDetailOut, **ERRORS}, tags=["briefs"])
def update_brief(request: HttpRequest, brief_id: int, payload: BriefPatch) -> Any:
    """Edit a brief. When its newest version is approved, the edit becomes a new draft version to approve again."""
    actor = actor_of(request)
    brief = selectors.brief_get(actor=actor, brief_id=brief_id)
    changes = payload.model_dump(exclude_unset=True)
    version = requested_version(request, changes.pop("version", None))
    services.brief_update(actor=actor, brief=brief, version=version, **changes)
    return _brief_detail(actor, brief_id)


@router.post("/briefs/{brief_id}/approve", response={200: BriefDetailOut, **ERRORS}, tags=["briefs"])
def approve_brief(request: HttpRequest, brief_id: int) -> Any:
    """Approve the newest version: 422 naming every empty required section; 409 when it is approved already."""
    actor = actor_of(request)
    services.brief_approve(actor=actor, brief=selectors.brief_get(actor=actor, brief_id=brief_id))
    return _brief_detail(actor, brief_id)


@router.get("/briefs/{brief_id}/versions", response={200: Page[BriefVersionOut], **ERRORS}, tags=["briefs"])
def list_brief_versions(request: HttpRequest, brief_id: int) -> Any:
    actor = actor_of(request)
    brief = selectors.brief_get(actor=actor, brief_id=brief_id)
    versions = [_version_out(v) for v in selectors.brief_versions(actor=actor, brief=brief)]
    return {"count": len(versions), "results": versions}


class TaskBriefLinkOut(Schema):
    id: int
    task_id: int
    brief_id: int
    brief_title: str
    brief_version: int = Field(description="The number of the approved version the task was started from.")
    brief_version_id: int
    started_at: datetime
    started_by_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_brief_title(obj: Any) -> str:
        return obj.brief.title  # type: ignore[no-any-return]

    @staticmethod
    def resolve_brief_version(obj: Any) -> int:
        return obj.brief_version.number  # type: ignore[no-any-return]


@router.get("/tasks/{task_id}/brief-links", response={200: Page[TaskBriefLinkOut], **ERRORS}, tags=["briefs"])
def list_task_brief_links(request: HttpRequest, task_id: int, params: Query[ListParams]) -> Any:
    """Which brief version(s) the task was started from, newest first: the answer to "which brief did we work
    from?"."""
    return paginate(selectors.task_brief_links(actor=actor_of(request), task_id=task_id), params)
