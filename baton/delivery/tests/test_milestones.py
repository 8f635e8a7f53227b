"""Milestones: create, complete (event), reopen, delete (tasks stay), amounts, access."""

from __future__ import annotations

from baton.core.models import Event
from baton.delivery import services
from baton.delivery.models import Milestone, Task
from baton.delivery.tests.helpers import fields, patch, post, verbs


def test_milestone_lifecycle(personas, project):
    api = personas["pm"].api()
    created = post(
        api,
        "/api/v1/milestones",
        {"project_id": project.id, "name": "Beta", "due_date": "2026-03-20", "amount": "2500.5"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["amount"] == "2500.50" and body["status"] == "open" and body["client_id"] == personas.client_a.id
    mid = body["id"]
    done = post(api, f"/api/v1/milestones/{mid}/complete", {})
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["completed_at"]
    completed = Event.objects.get(verb="milestone.completed", target_id=mid)
    assert completed.data["amount"] == "2500.50" and completed.client_id == personas.client_a.id
    reopened = patch(api, f"/api/v1/milestones/{mid}", {"status": "open"}, done.json()["version"])
    assert reopened.status_code == 200 and reopened.json()["completed_at"] is None
    assert verbs(target_type="milestone", target_id=mid) == [
        "milestone.created",
        "milestone.updated",
        "milestone.completed",
        "milestone.updated",
    ]


def test_deleting_a_milestone_keeps_its_tasks(personas, project):
    owner = personas["owner"].actor
    milestone = services.milestone_create(actor=owner, project=project, name="Alpha")
    task = services.task_create(actor=owner, project=project, title="Keep me", milestone_id=milestone.id)
    response = personas["pm"].api().delete(f"/api/v1/milestones/{milestone.id}")
    assert response.status_code == 204
    task.refresh_from_db()
    assert task.milestone_id is None
    assert Event.objects.get(verb="milestone.deleted", target_id=milestone.id).data["task_ids"] == [task.id]
    assert Task.objects.filter(pk=task.id).exists()


def test_milestone_bad_input_and_access(personas, project):
    api = personas["owner"].api()
    bad = post(api, "/api/v1/milestones", {"project_id": project.id, "name": "X", "amount": "-5"})
    assert bad.status_code == 422 and fields(bad) == {"amount"}
    assert (
        post(personas["member"].api(), "/api/v1/milestones", {"project_id": project.id, "name": "No"}).status_code
        == 403
    )
    assert not Milestone.objects.exists()
    milestone = services.milestone_create(actor=personas["owner"].actor, project=project, name="Paid", amount="100")
    portal = personas["client_a"].api()
    seen = portal.get(f"/api/v1/milestones/{milestone.id}").json()
    assert seen["name"] == "Paid" and seen["amount"] is None  # no money for client users
    assert personas["outsider"].api().get(f"/api/v1/milestones/{milestone.id}").status_code == 404
    assert api.get(f"/api/v1/milestones?project_id={project.id}&status=open").json()["count"] == 1
