"""Project templates: CRUD with nested milestones and tasks, save a project as a template, start a project from
one (dates shifted, dependencies rebuilt, staffed by role)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from baton.core.models import Event
from baton.delivery import services
from baton.delivery.models import Project, ProjectTemplate, Task
from baton.delivery.tests.helpers import fields, patch, post, verbs
from baton.people.services import person_create

PLAN: dict[str, Any] = {
    "name": "Website build",
    "billing": "fixed_fee",
    "duration_days": 30,
    "milestones": [
        {"ref": "design", "name": "Design approved", "due_offset_days": 10, "amount": "5000"},
        {"ref": "launch", "name": "Launch", "due_offset_days": 30},
    ],
    "tasks": [
        {
            "ref": "wires",
            "title": "Wireframes",
            "start_offset_days": 0,
            "due_offset_days": 4,
            "estimate_minutes": 600,
            "assignee_role": "Designer",
            "milestone": "design",
            "tags": ["ux"],
        },
        {
            "ref": "visual",
            "title": "Visual design",
            "start_offset_days": 5,
            "due_offset_days": 10,
            "estimate_minutes": 900,
            "assignee_role": "designer",
            "milestone": "design",
            "depends_on": ["wires"],
        },
        {
            "ref": "build",
            "title": "Build",
            "start_offset_days": 11,
            "due_offset_days": 25,
            "estimate_minutes": 2400,
            "assignee_role": "django",
            "milestone": "launch",
            "depends_on": ["visual"],
        },
        {
            "ref": "qa",
            "title": "QA",
            "start_offset_days": 26,
            "due_offset_days": 29,
            "estimate_minutes": 300,
            "assignee_role": "astronaut",
            "milestone": "launch",
            "depends_on": ["build", "visual"],
        },
    ],
}


@pytest.fixture
def template(personas) -> ProjectTemplate:
    response = post(personas["pm"].api(), "/api/v1/project-templates", PLAN)
    assert response.status_code == 201, response.content
    return ProjectTemplate.objects.get(pk=response.json()["id"])


def test_create_template_with_nested_plan(personas, template):
    body = personas["member"].api().get(f"/api/v1/project-templates/{template.id}").json()
    assert [m["name"] for m in body["milestones"]] == ["Design approved", "Launch"]
    assert body["milestones"][0]["amount"] == "5000.00"
    tasks = {t["title"]: t for t in body["tasks"]}
    assert tasks["QA"]["depends_on"] == [tasks["Visual design"]["ref"], tasks["Build"]["ref"]]
    assert tasks["Wireframes"]["milestone"] == body["milestones"][0]["ref"]
    assert tasks["Wireframes"]["tags"] == ["ux"] and tasks["Build"]["assignee_role"] == "django"
    assert body["estimate_minutes"] == 4200
    assert Event.objects.filter(verb="project_template.created", target_id=template.id).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: p["tasks"][0].update(depends_on=["qa"]), "tasks.0.depends_on"),  # wires -> qa -> ... -> wires
        (lambda p: p["tasks"][1].update(depends_on=["nope"]), "tasks.1.depends_on"),
        (lambda p: p["tasks"][1].update(depends_on=["visual"]), "tasks.1.depends_on"),
        (lambda p: p["tasks"][2].update(milestone="nowhere"), "tasks.2.milestone"),
        (lambda p: p["tasks"][2].update(start_offset_days=20, due_offset_days=3), "tasks.2.due_offset_days"),
        (lambda p: p["tasks"][3].update(ref="build"), "tasks.3.ref"),
    ],
)
def test_bad_plans_are_refused_naming_the_entry(personas, change, field):
    import copy

    plan = copy.deepcopy(PLAN)
    change(plan)
    response = post(personas["owner"].api(), "/api/v1/project-templates", plan)
    assert response.status_code == 422, response.content
    assert field in fields(response)
    assert ProjectTemplate.objects.count() == 0


def test_template_cycle_message_names_the_path(personas):
    import copy

    plan = copy.deepcopy(PLAN)
    plan["tasks"][0]["depends_on"] = ["qa"]
    message = post(personas["owner"].api(), "/api/v1/project-templates", plan).json()["errors"][0]["message"]
    assert "cycle" in message and "“Wireframes”" in message and "“QA”" in message


def test_duplicate_template_name(personas, template):
    response = post(personas["owner"].api(), "/api/v1/project-templates", PLAN | {"name": "website BUILD"})
    assert response.status_code == 422 and fields(response) == {"name"}


def test_patch_replaces_the_plan_and_delete(personas, template):
    api = personas["admin"].api()
    new_tasks = [{"title": "Only task", "estimate_minutes": 60}]
    response = patch(api, f"/api/v1/project-templates/{template.id}", {"tasks": new_tasks, "name": "Slim"}, 1)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Slim" and [t["title"] for t in body["tasks"]] == ["Only task"]
    assert len(body["milestones"]) == 2 and body["version"] == 2
    assert patch(api, f"/api/v1/project-templates/{template.id}", {"name": "Stale"}, 1).status_code == 409
    assert api.delete(f"/api/v1/project-templates/{template.id}").status_code == 204
    assert verbs(target_type="project_template", target_id=template.id) == [
        "project_template.created",
        "project_template.updated",
        "project_template.deleted",
    ]


@pytest.mark.parametrize("persona", ["member", "finance", "am"])
def test_who_may_not_write_templates(personas, persona):
    assert post(personas[persona].api(), "/api/v1/project-templates", PLAN).status_code == 403


def test_client_may_not_see_templates(personas, template):
    portal = personas["client_a"].api()
    assert portal.get("/api/v1/project-templates").status_code == 403
    assert portal.get(f"/api/v1/project-templates/{template.id}").status_code == 404  # not told it exists


# --- Template -> project -------------------------------------------------------------------------------------------


@pytest.fixture
def designers(personas):
    """Two designers (one busy) and a developer with a django skill."""
    owner = personas["owner"].actor
    busy = person_create(actor=owner, name="Busy Designer", email="busy@studio.test", title="Senior Designer")
    free = person_create(actor=owner, name="Free Designer", email="free@studio.test", title="Designer")
    dev = person_create(actor=owner, name="Dev", email="dev@studio.test", title="Developer", skills=["Django", "css"])
    person_create(
        actor=owner, name="Gone Designer", email="gone@studio.test", title="Designer", active=False
    )  # inactive: never chosen
    other = services.project_create(actor=owner, client_id=personas.client_b.id, name="Load", status="active")
    services.task_create(actor=owner, project=other, title="Big job", assignee_id=busy.id, estimate_minutes=10000)
    return busy, free, dev


def test_project_from_template_shifts_dates_rebuilds_dependencies_and_staffs_by_role(personas, template, designers):
    busy, free, dev = designers
    start = date(2026, 6, 1)
    response = post(
        personas["pm"].api(),
        "/api/v1/projects/from-template",
        {
            "template_id": template.id,
            "client_id": personas.client_a.id,
            "name": "Client A site",
            "start_date": start.isoformat(),
            "project_manager_id": personas["pm"].person.id,
            "budget_amount": "20000",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["template_id"] == template.id and body["billing"] == "fixed_fee"
    assert body["end_date"] == (start + timedelta(days=30)).isoformat()
    assert body["budget_minutes"] == 4200 and body["budget_amount"] == "20000.00"
    project = Project.objects.get(pk=body["id"])
    milestones = {m.name: m for m in project.milestones.all()}
    assert milestones["Design approved"].due_date == start + timedelta(days=10)
    assert milestones["Design approved"].amount == Decimal("5000.00")
    tasks = {t.title: t for t in project.tasks.all()}
    assert tasks["Wireframes"].start_date == start and tasks["Wireframes"].due_date == start + timedelta(days=4)
    assert tasks["QA"].due_date == start + timedelta(days=29)
    assert {d.title for d in tasks["QA"].depends_on.all()} == {"Build", "Visual design"}
    assert [d.id for d in tasks["Visual design"].depends_on.all()] == [tasks["Wireframes"].id]
    assert tasks["Wireframes"].milestone == milestones["Design approved"]
    assert tasks["Wireframes"].tags == ["ux"]
    # Staffing: "Designer"/"designer" matches the titles of the free designer, the member persona (a Designer) and
    # the busy Senior Designer; each task goes to the least loaded (ties by name): free, then the member.
    member = personas["member"].person
    assert tasks["Wireframes"].assignee_id == free.id
    assert tasks["Visual design"].assignee_id == member.id
    assert busy.id not in {t.assignee_id for t in tasks.values()}
    assert tasks["Build"].assignee_id == dev.id  # skill match, case-insensitive
    assert tasks["QA"].assignee_id is None  # nobody is an astronaut
    applied = Event.objects.get(verb="project_template.applied", target_id=template.id)
    assert applied.data["project_id"] == project.id and applied.data["unstaffed_roles"] == ["astronaut"]
    assert Event.objects.filter(verb="task.created", client_id=personas.client_a.id).count() == 4
    # The rebuilt dependencies gate like any other.
    api = personas["pm"].api()
    blocked = post(api, f"/api/v1/tasks/{tasks['Build'].id}/status", {"status": "in_progress"})
    assert blocked.status_code == 409


def test_least_loaded_designer_takes_turns(personas, designers):
    _busy, free, _ = designers
    template = services.project_template_create(
        actor=personas["owner"].actor,
        name="Many designs",
        tasks=[{"title": f"Design {i}", "estimate_minutes": 6000, "assignee_role": "designer"} for i in range(3)],
    )
    project = services.project_create_from_template(
        actor=personas["owner"].actor,
        template=template,
        client_id=personas.client_a.id,
        name="Spread",
        start_date=date(2026, 1, 5),
    )
    assignees = list(project.tasks.order_by("position").values_list("assignee_id", flat=True))
    member = personas["member"].person
    # free 0 -> 6000; member 0 -> 6000; then a tie at 6000 goes by name; busy (10000) never wins.
    assert assignees == [free.id, member.id, free.id]


def test_from_template_needs_a_start_date_and_a_known_template(personas, template):
    api = personas["owner"].api()
    no_start = post(
        api,
        "/api/v1/projects/from-template",
        {"template_id": template.id, "client_id": personas.client_a.id, "name": "X"},
    )
    assert no_start.status_code == 422 and "start_date" in fields(no_start)
    unknown = post(
        personas["outsider"].api(),
        "/api/v1/projects/from-template",
        {"template_id": template.id, "client_id": personas.other_client.id, "name": "X", "start_date": "2026-01-01"},
    )
    assert unknown.status_code == 422 and fields(unknown) == {"template_id"}
    assert not Project.objects.filter(name="X").exists()


def test_member_may_not_start_a_project_from_a_template(personas, template):
    response = post(
        personas["member"].api(),
        "/api/v1/projects/from-template",
        {"template_id": template.id, "client_id": personas.client_a.id, "name": "No", "start_date": "2026-01-01"},
    )
    assert response.status_code == 403
    assert Task.objects.count() == 0


# --- Project -> template -------------------------------------------------------------------------------------------


def test_save_as_template_captures_offsets_dependencies_estimates_tags_and_roles(personas, project):
    owner = personas["owner"].actor
    designer = personas["member"].person  # title "Designer"
    m = services.milestone_create(actor=owner, project=project, name="Beta", due_date=date(2026, 3, 16))
    a = services.task_create(
        actor=owner,
        project=project,
        title="Research",
        start_date=date(2026, 3, 2),
        due_date=date(2026, 3, 6),
        estimate_minutes=480,
        assignee_id=designer.id,
        milestone_id=m.id,
        tags=["research"],
    )
    b = services.task_create(
        actor=owner,
        project=project,
        title="Prototype",
        start_date=date(2026, 3, 9),
        due_date=date(2026, 3, 13),
        estimate_minutes=960,
        depends_on=[a.id],
    )
    services.task_create(actor=owner, project=project, title="Undated", depends_on=[a.id, b.id])
    response = post(
        personas["pm"].api(), f"/api/v1/projects/{project.id}/save-as-template", {"name": "Discovery sprint"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["duration_days"] == (project.end_date - project.start_date).days
    assert body["billing"] == "fixed_fee"
    assert body["milestones"] == [
        {"id": body["milestones"][0]["id"], "ref": "0", "name": "Beta", "due_offset_days": 14, "amount": None}
    ]
    tasks = {t["title"]: t for t in body["tasks"]}
    assert (tasks["Research"]["start_offset_days"], tasks["Research"]["due_offset_days"]) == (0, 4)
    assert (tasks["Prototype"]["start_offset_days"], tasks["Prototype"]["due_offset_days"]) == (7, 11)
    assert tasks["Undated"]["start_offset_days"] is None and tasks["Undated"]["due_offset_days"] is None
    assert tasks["Research"]["assignee_role"] == "Designer"  # the assignee's title
    assert tasks["Research"]["tags"] == ["research"] and tasks["Research"]["estimate_minutes"] == 480
    assert tasks["Research"]["milestone"] == "0"
    assert tasks["Prototype"]["depends_on"] == [tasks["Research"]["ref"]]
    assert sorted(tasks["Undated"]["depends_on"]) == sorted([tasks["Research"]["ref"], tasks["Prototype"]["ref"]])
    created = Event.objects.get(verb="project_template.created", target_id=body["id"])
    assert created.data["from_project_id"] == project.id

    # Round trip: a new project from it has the same shape, shifted.
    start = date(2026, 9, 7)
    copy = services.project_create_from_template(
        actor=personas["owner"].actor,
        template=ProjectTemplate.objects.get(pk=body["id"]),
        client_id=personas.client_b.id,
        name="Client B discovery",
        start_date=start,
    )
    shifted = {t.title: t for t in copy.tasks.all()}
    assert shifted["Prototype"].start_date == start + timedelta(days=7)
    assert shifted["Prototype"].due_date == start + timedelta(days=11)
    assert {d.title for d in shifted["Undated"].depends_on.all()} == {"Research", "Prototype"}
    assert shifted["Research"].assignee_id == designer.id  # the only active "Designer"
    assert copy.milestones.get().due_date == start + timedelta(days=14)


def test_assignee_role_falls_back_to_the_first_skill(personas):
    from baton.people.models import Person

    person = Person(title="", skills=["copywriting", "seo"])
    assert services.assignee_role_of(person) == "copywriting"
    assert services.assignee_role_of(None) == ""


def test_template_service_validates_everything_first(personas):
    with pytest.raises(ValidationError) as exc:
        services.project_template_create(
            actor=personas["owner"].actor,
            name="",
            tasks=[{"title": ""}, {"title": "ok", "estimate_minutes": -3}],
        )
    assert {"name", "tasks.0.title", "tasks.1.estimate_minutes"} <= set(exc.value.message_dict)
    assert ProjectTemplate.objects.count() == 0
