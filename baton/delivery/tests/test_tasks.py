"""Tasks: milestones of the same project, dependency cycles, the dependency gate and its override, what an assignee
may change, events, and the API around them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from baton.core.models import Event
from baton.delivery import services
from baton.delivery.models import Task
from baton.delivery.services import DependencyBlocked
from baton.delivery.tests.helpers import fields, patch, post, verbs


@pytest.fixture
def chain(personas, project):
    """design -> build -> launch (launch depends on build, build on design); build is the member's."""
    owner = personas["owner"].actor
    design = services.task_create(actor=owner, project=project, title="Design", estimate_minutes=600)
    build = services.task_create(
        actor=owner, project=project, title="Build", depends_on=[design.id], assignee_id=personas["member"].person.id
    )
    launch = services.task_create(actor=owner, project=project, title="Launch", depends_on=[build.id])
    return design, build, launch


# --- Creating ---------------------------------------------------------------------------------------------------


def test_create_task_through_the_api(personas, project):
    api = personas["pm"].api()
    milestone = post(api, "/api/v1/milestones", {"project_id": project.id, "name": "Beta", "due_date": "2026-03-20"})
    assert milestone.status_code == 201, milestone.content
    first = post(api, "/api/v1/tasks", {"project_id": project.id, "title": "Wireframes", "estimate_minutes": 240})
    response = post(
        api,
        "/api/v1/tasks",
        {
            "project_id": project.id,
            "milestone_id": milestone.json()["id"],
            "title": "Visual design",
            "description": "Two directions",
            "assignee_id": personas["member"].person.id,
            "estimate_minutes": 900,
            "due_date": "2026-03-18",
            "depends_on": [first.json()["id"]],
            "tags": ["design"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["depends_on"] == [first.json()["id"]] and body["blocked_by"] == [first.json()["id"]]
    assert body["status"] == "todo" and body["estimate_minutes"] == 900 and body["client_id"] == personas.client_a.id
    assert body["milestone_id"] == milestone.json()["id"] and body["assignee_id"] == personas["member"].person.id
    assert verbs(target_type="task", target_id=body["id"]) == ["task.created", "task.assigned"]


def test_milestone_must_belong_to_the_same_project(personas, project):
    owner = personas["owner"].actor
    other = services.project_create(actor=owner, client_id=personas.client_b.id, name="Other")
    foreign = services.milestone_create(actor=owner, project=other, name="Elsewhere")
    response = post(
        personas["owner"].api(), "/api/v1/tasks", {"project_id": project.id, "title": "X", "milestone_id": foreign.id}
    )
    assert response.status_code == 422
    assert fields(response) == {"milestone_id"}
    assert "another project" in response.json()["errors"][0]["message"]
    assert not Task.objects.filter(title="X").exists()

    task = services.task_create(actor=owner, project=project, title="Y")
    moved = patch(personas["owner"].api(), f"/api/v1/tasks/{task.id}", {"milestone_id": foreign.id}, task.version)
    assert moved.status_code == 422 and fields(moved) == {"milestone_id"}


def test_unknown_project_in_the_body_is_a_field_error(personas, project):
    api = personas["outsider"].api()
    response = post(api, "/api/v1/tasks", {"project_id": project.id, "title": "Sneaky"})
    assert response.status_code == 422
    assert fields(response) == {"project_id"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"estimate_minutes": -1}, "estimate_minutes"),
        ({"status": "someday"}, "status"),
        ({"title": ""}, "title"),
        ({"depends_on": [999999]}, "depends_on"),
        ({"assignee_id": 999999}, "assignee_id"),
        ({"start_date": "2026-03-10", "due_date": "2026-03-01"}, "due_date"),
    ],
)
def test_bad_task_input_is_named(personas, project, payload, field):
    response = post(personas["owner"].api(), "/api/v1/tasks", {"project_id": project.id, "title": "T"} | payload)
    assert response.status_code == 422, response.content
    assert field in fields(response)
    assert Task.objects.count() == 0


# --- Cycles -----------------------------------------------------------------------------------------------------


def test_self_dependency_is_refused(personas, chain):
    design, _, _ = chain
    response = patch(personas["owner"].api(), f"/api/v1/tasks/{design.id}", {"depends_on": [design.id]}, 1)
    assert response.status_code == 422
    assert fields(response) == {"depends_on"}
    assert "itself" in response.json()["errors"][0]["message"]


def test_a_cycle_is_refused_naming_its_path(personas, chain):
    design, build, launch = chain
    response = patch(personas["owner"].api(), f"/api/v1/tasks/{design.id}", {"depends_on": [launch.id]}, 1)
    assert response.status_code == 422
    assert fields(response) == {"depends_on"}
    message = response.json()["errors"][0]["message"]
    assert (
        f"“Design” (#{design.id}) → “Launch” (#{launch.id}) → “Build” (#{build.id}) → “Design” (#{design.id})"
        in message
    )
    design.refresh_from_db()
    assert list(design.depends_on.all()) == [] and design.version == 1


def test_cycle_detection_as_a_function(personas, chain):
    design, build, launch = chain
    assert services.dependency_cycle(design.id, [launch.id]) == [design.id, launch.id, build.id, design.id]
    assert services.dependency_cycle(launch.id, [design.id]) is None


def test_dependencies_may_cross_projects_of_the_workspace_but_not_workspaces(personas, project):
    owner = personas["owner"].actor
    other = services.project_create(actor=owner, client_id=personas.client_b.id, name="Platform")
    api_task = services.task_create(actor=owner, project=other, title="API ready")
    task = services.task_create(actor=owner, project=project, title="Integrate", depends_on=[api_task.id])
    assert [t.id for t in task.depends_on.all()] == [api_task.id]
    from baton.core.access import Actor

    foreign_project = services.project_create(
        actor=Actor.system(personas.other_workspace), client_id=personas.other_client.id, name="Foreign"
    )
    foreign = services.task_create(
        actor=Actor.system(personas.other_workspace), project=foreign_project, title="Foreign task"
    )
    with pytest.raises(ValidationError) as exc:
        services.task_create(actor=owner, project=project, title="Nope", depends_on=[foreign.id])
    assert "depends_on" in exc.value.message_dict


# --- The dependency gate ----------------------------------------------------------------------------------------


def test_cannot_start_while_a_dependency_is_not_done(personas, chain):
    design, build, _ = chain
    api = personas["pm"].api()
    response = post(api, f"/api/v1/tasks/{build.id}/status", {"status": "in_progress"})
    assert response.status_code == 409
    body = response.json()
    assert f"#{design.id} “Design”" in body["detail"] and "cannot start" in body["detail"]
    assert body["errors"][0]["field"] == "depends_on"
    build.refresh_from_db()
    assert build.status == "todo" and build.version == 1
    assert not Event.objects.filter(verb="task.status_changed", target_id=build.id).exists()

    # Once the dependency is done, it may start.
    services.task_change_status(actor=personas["owner"].actor, task=design, status="done")
    ok = post(api, f"/api/v1/tasks/{build.id}/status", {"status": "in_progress"})
    assert ok.status_code == 200 and ok.json()["status"] == "in_progress" and ok.json()["blocked_by"] == []


def test_patch_status_goes_through_the_same_gate(personas, chain):
    _, build, _ = chain
    api = personas["owner"].api()
    response = patch(api, f"/api/v1/tasks/{build.id}", {"status": "in_progress", "title": "Build it"}, build.version)
    assert response.status_code == 409
    build.refresh_from_db()
    assert build.title == "Build" and build.status == "todo"
    # Skipping straight to done is starting too.
    assert patch(api, f"/api/v1/tasks/{build.id}", {"status": "done"}, build.version).status_code == 409
    # Blocked and back to do are fine.
    assert patch(api, f"/api/v1/tasks/{build.id}", {"status": "blocked"}, build.version).status_code == 200


def test_pm_override_is_allowed_and_recorded(personas, chain):
    design, build, _ = chain
    pm = personas["pm"]
    response = post(pm.api(), f"/api/v1/tasks/{build.id}/status", {"status": "in_progress", "override": True})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress" and response.json()["blocked_by"] == [design.id]
    override = Event.objects.get(verb="task.dependency_overridden", target_id=build.id)
    assert override.data["blocking_task_ids"] == [design.id]
    assert override.data["overridden_by_id"] == pm.person.id and override.actor_id == pm.person.id
    changed = Event.objects.get(verb="task.status_changed", target_id=build.id)
    assert changed.data == {"from": "todo", "to": "in_progress", "project_id": build.project_id}
    assert override.id < changed.id


@pytest.mark.parametrize("persona", ["member", "am"])
def test_override_by_others_is_refused(personas, chain, persona):
    _, build, _ = chain  # assigned to the member; the AM manages client A's portfolio
    response = post(
        personas[persona].api(), f"/api/v1/tasks/{build.id}/status", {"status": "in_progress", "override": True}
    )
    assert response.status_code == 403
    build.refresh_from_db()
    assert build.status == "todo"
    assert not Event.objects.filter(verb="task.dependency_overridden").exists()


def test_owner_may_override_through_patch(personas, chain):
    _, build, _ = chain
    response = patch(
        personas["owner"].api(), f"/api/v1/tasks/{build.id}", {"status": "in_review", "override": True}, build.version
    )
    assert response.status_code == 200
    assert Event.objects.filter(verb="task.dependency_overridden", target_id=build.id).count() == 1


def test_override_without_a_blocker_records_nothing(personas, chain):
    design, _, _ = chain
    response = post(
        personas["pm"].api(), f"/api/v1/tasks/{design.id}/status", {"status": "in_progress", "override": True}
    )
    assert response.status_code == 200
    assert not Event.objects.filter(verb="task.dependency_overridden").exists()


def test_blocked_exception_names_blockers_for_the_ui(personas, chain):
    design, build, _ = chain
    with pytest.raises(DependencyBlocked) as exc:
        services.task_change_status(actor=personas["member"].actor, task=build, status="in_progress")
    assert [t.id for t in exc.value.blocking] == [design.id]
    assert exc.value.can_override is False


def test_status_changes_record_done_time_and_board_position(personas, chain):
    design, _, _ = chain
    owner = personas["owner"].actor
    done = services.task_change_status(actor=owner, task=design, status="done")
    assert done.completed_at is not None and done.position == 0
    back = services.task_change_status(actor=owner, task=done, status="in_review")
    assert back.completed_at is None


def test_status_version_is_optional_but_checked_when_sent(personas, chain):
    design, _, _ = chain
    api = personas["owner"].api()
    stale = post(api, f"/api/v1/tasks/{design.id}/status", {"status": "in_progress", "version": 7})
    assert stale.status_code == 409
    assert post(api, f"/api/v1/tasks/{design.id}/status", {"status": "in_progress", "version": 1}).status_code == 200


# --- What an assignee may change --------------------------------------------------------------------------------


def test_member_moves_its_own_task_but_not_others(personas, chain):
    design, build, _ = chain
    services.task_change_status(actor=personas["owner"].actor, task=design, status="done")
    member = personas["member"].api()
    assert post(member, f"/api/v1/tasks/{build.id}/status", {"status": "in_progress"}).status_code == 200
    build.refresh_from_db()
    described = patch(member, f"/api/v1/tasks/{build.id}", {"description": "Started"}, build.version)
    assert described.status_code == 200
    estimate = patch(member, f"/api/v1/tasks/{build.id}", {"estimate_minutes": 1}, build.version + 1)
    assert estimate.status_code == 403
    assert "estimate_minutes" in estimate.json()["detail"]
    assert post(member, f"/api/v1/tasks/{design.id}/status", {"status": "todo"}).status_code == 403
    assert member.delete(f"/api/v1/tasks/{build.id}").status_code == 403


def test_client_reads_tasks_of_its_own_client_only(personas, chain):
    design, _, _ = chain
    portal = personas["client_a"].api()
    assert portal.get("/api/v1/tasks").json()["count"] == 3
    assert portal.get(f"/api/v1/tasks/{design.id}").status_code == 200
    assert post(portal, f"/api/v1/tasks/{design.id}/status", {"status": "done"}).status_code == 403
    other = services.project_create(actor=personas["owner"].actor, client_id=personas.client_b.id, name="B")
    hidden = services.task_create(actor=personas["owner"].actor, project=other, title="B task")
    assert portal.get(f"/api/v1/tasks/{hidden.id}").status_code == 404


# --- Updates, assignment, deletion, listing ---------------------------------------------------------------------


def test_reassigning_emits_task_assigned(personas, chain):
    design, _, _ = chain
    response = patch(personas["pm"].api(), f"/api/v1/tasks/{design.id}", {"assignee_id": personas["pm"].person.id}, 1)
    assert response.status_code == 200
    event = Event.objects.get(verb="task.assigned", target_id=design.id)
    assert event.data == {"from": None, "to": personas["pm"].person.id, "project_id": design.project_id}
    assert Event.objects.filter(verb="task.updated", target_id=design.id).count() == 1


def test_stale_task_patch_changes_nothing(personas, chain):
    design, _, _ = chain
    api = personas["owner"].api()
    assert patch(api, f"/api/v1/tasks/{design.id}", {"title": "v2"}, 1).status_code == 200
    assert patch(api, f"/api/v1/tasks/{design.id}", {"title": "v3"}, 1).status_code == 409
    assert patch(api, f"/api/v1/tasks/{design.id}", {"title": "v3"}, None).status_code == 428
    design.refresh_from_db()
    assert design.title == "v2"


def test_delete_removes_the_dependency_from_dependents(personas, chain):
    design, build, _ = chain
    response = personas["pm"].api().delete(f"/api/v1/tasks/{design.id}")
    assert response.status_code == 204
    build.refresh_from_db()
    assert list(build.depends_on.all()) == []
    event = Event.objects.get(verb="task.deleted", target_id=design.id)
    assert event.data["dependent_ids"] == [build.id]


def test_task_filters(personas, chain):
    design, build, _ = chain
    api = personas["owner"].api()
    assert api.get(f"/api/v1/tasks?assignee_id={personas['member'].person.id}").json()["count"] == 1
    assert api.get(f"/api/v1/tasks?project_id={design.project_id}&status=todo").json()["count"] == 3
    assert api.get(f"/api/v1/tasks?client_id={personas.client_b.id}").json()["count"] == 0
    assert api.get("/api/v1/tasks?search=uil").json()["results"][0]["id"] == build.id
    services.task_update(
        actor=personas["owner"].actor, task=design, version=1, due_date=__import__("datetime").date(2020, 1, 1)
    )
    overdue = api.get("/api/v1/tasks?open=true&due_before=2026-01-01").json()
    assert [t["id"] for t in overdue["results"]] == [design.id]


def test_task_service_refuses_unknown_fields(personas, chain):
    design, _, _ = chain
    with pytest.raises(ValidationError):
        services.task_update(actor=personas["owner"].actor, task=design, version=1, project_id=5)
    with pytest.raises(PermissionDenied):
        services.task_update(actor=personas["finance"].actor, task=design, version=1, title="no")


def test_idempotent_task_post(personas, project):
    api = personas["owner"].api()
    body = {"project_id": project.id, "title": "Once"}
    a = post(api, "/api/v1/tasks", body, **{"Idempotency-Key": "t-1"})
    b = post(api, "/api/v1/tasks", body, **{"Idempotency-Key": "t-1"})
    assert a.json()["id"] == b.json()["id"] and Task.objects.filter(title="Once").count() == 1
