"""What a leaving person holds in delivery (the live projects they manage, their open tasks) and how it goes to their
successor through the project and task services: registered from wiring.py with core's holding sources (people's
archive)."""

from __future__ import annotations

from django.db.models import QuerySet

from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.registry import HeldItem
from baton.delivery.models import Project, ProjectStatus, Task, TaskStatus
from baton.delivery.services import project_update, task_update

LIVE = (ProjectStatus.PLANNED, ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD)


def _projects(workspace: Workspace, person_id: int) -> QuerySet[Project]:
    return Project.objects.filter(
        workspace=workspace, project_manager_id=person_id, status__in=LIVE, archived_at__isnull=True
    ).order_by("name", "id")


def _tasks(workspace: Workspace, person_id: int) -> QuerySet[Task]:
    return (
        Task.objects.filter(workspace=workspace, assignee_id=person_id, project__archived_at__isnull=True)
        .exclude(status=TaskStatus.DONE)
        .select_related("project")
        .order_by("due_date", "id")
    )


def projects_managed(workspace: Workspace, person_id: int) -> list[HeldItem]:
    return [HeldItem(p.pk, p.name) for p in _projects(workspace, person_id)]


def open_tasks(workspace: Workspace, person_id: int) -> list[HeldItem]:
    return [HeldItem(t.pk, f"{t.project.name}: {t.title}") for t in _tasks(workspace, person_id)]


def move_projects(actor: Actor, person_id: int, successor_id: int) -> int:
    projects = list(_projects(actor.workspace, person_id))
    for project in projects:
        project_update(actor=actor, project=project, version=project.version, project_manager_id=successor_id)
    return len(projects)


def move_tasks(actor: Actor, person_id: int, successor_id: int) -> int:
    tasks = list(_tasks(actor.workspace, person_id))
    for task in tasks:
        task_update(actor=actor, task=task, version=task.version, assignee_id=successor_id)
    return len(tasks)
