"""Fixtures for the knowledge tests: a project with a task for client A (managed by `pm`) and one for client B, in
the personas' workspace, and one in the other workspace."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache as django_cache

from baton.core.access import Actor
from baton.delivery import services as delivery
from baton.delivery.models import Project, Task
from baton.devdata.testing.personas import Personas


@pytest.fixture(autouse=True)
def _clear_throttle_cache():
    django_cache.clear()
    yield
    django_cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded files go to a scratch directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@dataclass
class Work:
    project_a: Project
    task_a: Task
    task_a2: Task
    project_b: Project
    task_b: Task
    other_project: Project
    other_task: Task


@pytest.fixture
def work(personas: Personas) -> Work:
    owner = personas["owner"].actor
    project_a = delivery.project_create(
        actor=owner,
        client_id=personas.client_a.id,
        name="Client A website",
        status="active",
        project_manager_id=personas["pm"].person.id,
    )
    project_b = delivery.project_create(
        actor=owner, client_id=personas.client_b.id, name="Client B rebrand", status="active"
    )
    other = Actor.system(personas.other_workspace)
    other_project = delivery.project_create(
        actor=other, client_id=personas.other_client.id, name="Other launch", status="active"
    )
    return Work(
        project_a=project_a,
        task_a=delivery.task_create(actor=owner, project=project_a, title="Design the homepage"),
        task_a2=delivery.task_create(actor=owner, project=project_a, title="Write the homepage copy"),
        project_b=project_b,
        task_b=delivery.task_create(actor=owner, project=project_b, title="Logo options"),
        other_project=other_project,
        other_task=delivery.task_create(actor=other, project=other_project, title="Other task"),
    )
