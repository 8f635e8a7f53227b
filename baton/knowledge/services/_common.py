"""Shared checks of the knowledge services."""

from typing import Any

from baton.core.access import Actor
from baton.crm.models import Client
from baton.delivery.models import Project, Task
from baton.people.validators import person_of_workspace

# --- Shared checks --------------------------------------------------------------------------------------------


def person_errors(actor: Actor, person_id: int | None, field: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    person_of_workspace(actor.workspace, person_id, field, errors)
    return errors


def project_and_task(
    actor: Actor, client: Client, project_id: int | None, task_id: int | None
) -> tuple[Project | None, Task | None, dict[str, str]]:
    """The project and task a decision is about: both in the workspace and of the decision's client, the task on
    the project. A task without a project brings its project along."""
    errors: dict[str, str] = {}
    project: Project | None = None
    task: Task | None = None
    if task_id is not None:
        task = Task.objects.filter(workspace=actor.workspace, pk=task_id).select_related("project").first()
        if task is None:
            errors["task_id"] = "No such task in this workspace."
        elif task.project.client_id != client.pk:
            errors["task_id"] = "This task is on another client's project."
    if project_id is not None:
        project = Project.objects.filter(workspace=actor.workspace, pk=project_id).first()
        if project is None:
            errors["project_id"] = "No such project in this workspace."
        elif project.client_id != client.pk:
            errors["project_id"] = "This project belongs to another client."
        elif task is not None and "task_id" not in errors and task.project_id != project.pk:
            errors["task_id"] = "This task belongs to another project."
    elif task is not None and "task_id" not in errors:
        project = task.project
    return project, task, errors


def clean_text_list(values: Any, field: str, errors: dict[str, str]) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list | tuple) or any(not isinstance(v, str) for v in values):
        errors[field] = "Send a list of texts."
        return []
    cleaned = [v.strip() for v in values]
    if any(not v for v in cleaned):
        errors[field] = "Each entry must be a non-empty text."
    elif any(len(v) > 2000 for v in cleaned):
        errors[field] = "Keep each entry under 2,000 characters."
    return cleaned
