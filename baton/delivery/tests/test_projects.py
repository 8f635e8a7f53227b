"""Projects: creation rules, money, the status workflow, archiving, versions, idempotency, and who may do what."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from baton.core.errors import Conflict
from baton.core.models import Event
from baton.crm.services import client_create, client_update
from baton.delivery import services
from baton.delivery.models import Project
from baton.delivery.tests.helpers import fields, patch, post, verbs


def test_create_project_through_the_api(personas):
    response = post(
        personas["owner"].api(),
        "/api/v1/projects",
        {
            "client_id": personas.client_a.id,
            "name": "Spring campaign",
            "billing": "fixed_fee",
            "budget_amount": "1250.01",
            "budget_minutes": 3000,
            "start_date": "2026-03-02",
            "end_date": "2026-04-30",
            "project_manager_id": personas["pm"].person.id,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["budget_amount"] == "1250.01"  # a decimal string (more decimals than cents: 422, test_strict_input)
    assert body["currency"] == "USD"
    assert body["status"] == "planned"
    assert body["start_date"] == "2026-03-02" and body["end_date"] == "2026-04-30"
    assert body["project_manager_id"] == personas["pm"].person.id
    assert body["version"] == 1 and body["member_ids"] == []
    for key in ("id", "created_at", "updated_at", "version", "client_id", "billing", "budget_minutes"):
        assert key in body
    event = Event.objects.get(verb="project.created", target_id=body["id"])
    assert event.client_id == personas.client_a.id
    assert event.data["budget_amount"] == "1250.01"


def test_currency_defaults_to_the_clients(personas):
    owner = personas["owner"].actor
    client = client_create(actor=owner, name="Euro Client", currency="EUR")
    project = services.project_create(actor=owner, client_id=client.id, name="Euro work")
    assert project.currency == "EUR"


def test_pm_who_creates_a_project_manages_it(personas):
    response = post(personas["pm"].api(), "/api/v1/projects", {"client_id": personas.client_b.id, "name": "PM's own"})
    assert response.status_code == 201
    assert response.json()["project_manager_id"] == personas["pm"].person.id


def test_bad_input_names_every_field_and_saves_nothing(personas):
    before = Project.objects.count()
    response = post(
        personas["owner"].api(),
        "/api/v1/projects",
        {
            "client_id": personas.other_client.id,  # another workspace's client
            "name": "Bad",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
            "project_manager_id": personas["client_a"].person.id,  # a portal user
        },
    )
    assert response.status_code == 422
    assert fields(response) >= {"client_id", "end_date", "project_manager_id"}
    assert Project.objects.count() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"budget_amount": "-1"}, "budget_amount"),
        ({"budget_amount": "lots"}, "budget_amount"),
        ({"budget_minutes": -5}, "budget_minutes"),
        ({"billing": "barter"}, "billing"),
        ({"status": "dreaming"}, "status"),
        ({"currency": "DOLLARS"}, "currency"),
        ({"name": ""}, "name"),
    ],
)
def test_invalid_fields_are_named(personas, payload, field):
    body = {"client_id": personas.client_a.id, "name": "X"} | payload
    response = post(personas["owner"].api(), "/api/v1/projects", body)
    assert response.status_code == 422, response.content
    assert field in fields(response)


def test_retainer_needs_a_period_and_has_a_per_period_budget(personas):
    api = personas["owner"].api()
    response = post(
        api,
        "/api/v1/projects",
        {
            "client_id": personas.client_a.id,
            "name": "Care plan",
            "billing": "retainer",
            "period_budget_amount": "4500",
            "period_budget_minutes": 1800,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["retainer_period"] == "month"  # the default period
    assert body["period_budget_amount"] == "4500.00" and body["period_budget_minutes"] == 1800

    not_retainer = post(
        api, "/api/v1/projects", {"client_id": personas.client_a.id, "name": "Fixed", "period_budget_amount": "10"}
    )
    assert not_retainer.status_code == 422
    assert fields(not_retainer) == {"period_budget_amount"}

    # Leaving retainer billing clears the retainer fields.
    changed = patch(api, f"/api/v1/projects/{body['id']}", {"billing": "fixed_fee"}, body["version"])
    assert changed.status_code == 200, changed.content
    assert changed.json()["retainer_period"] is None and changed.json()["period_budget_amount"] is None


# --- The status workflow ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        (["active", "on_hold", "active", "done"], True),
        (["active", "done", "active"], True),  # reopen
        (["cancelled", "planned"], True),
        (["on_hold", "cancelled"], True),
        (["done"], False),  # planned -> done skips the work
        (["active", "planned"], False),
        (["cancelled", "active"], False),
        (["active", "done", "on_hold"], False),
    ],
)
def test_status_workflow(personas, project, path, ok):
    actor = personas["owner"].actor
    current = project
    *steps, last = path
    for status in steps:
        current = services.project_update(actor=actor, project=current, version=current.version, status=status)
    if ok:
        current = services.project_update(actor=actor, project=current, version=current.version, status=last)
        assert current.status == last
    else:
        with pytest.raises(Conflict) as exc:
            services.project_update(actor=actor, project=current, version=current.version, status=last)
        assert "cannot go from" in exc.value.detail and exc.value.field == "status"


def test_invalid_transition_answers_409_and_changes_nothing(personas, project):
    response = patch(personas["owner"].api(), f"/api/v1/projects/{project.id}", {"status": "done"}, project.version)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert "planned to done" in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "status"
    project.refresh_from_db()
    assert project.status == "planned" and project.version == 1


def test_status_change_emits_updated_and_status_changed(personas, project):
    response = patch(personas["pm"].api(), f"/api/v1/projects/{project.id}", {"status": "active"}, project.version)
    assert response.status_code == 200, response.content
    assert verbs(target_type="project", target_id=project.id)[-2:] == ["project.updated", "project.status_changed"]
    event = Event.objects.get(verb="project.status_changed", target_id=project.id)
    assert event.data == {"from": "planned", "to": "active"}


# --- Versions, archiving, idempotency ---------------------------------------------------------------------------


def test_patch_needs_the_current_version(personas, project):
    api = personas["owner"].api()
    url = f"/api/v1/projects/{project.id}"
    assert patch(api, url, {"name": "Renamed"}, None).status_code == 428
    ok = patch(api, url, {"name": "Renamed"}, 1)
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = patch(api, url, {"name": "Stale"}, 1)
    assert stale.status_code == 409
    project.refresh_from_db()
    assert project.name == "Renamed" and project.version == 2
    # A version in the body works too.
    assert patch(api, url, {"name": "Body version", "version": 2}, None).status_code == 200


def test_archive_hides_from_lists_and_freezes_the_project(personas, project):
    api = personas["owner"].api()
    response = post(api, f"/api/v1/projects/{project.id}/archive", {})
    assert response.status_code == 200 and response.json()["archived"] is True
    assert api.get("/api/v1/projects").json()["count"] == 0
    assert api.get("/api/v1/projects?archived=true").json()["count"] == 1
    assert api.get(f"/api/v1/projects/{project.id}").status_code == 200
    frozen = patch(api, f"/api/v1/projects/{project.id}", {"name": "x"}, response.json()["version"])
    assert frozen.status_code == 409 and "archived" in frozen.json()["detail"]
    blocked_task = post(api, "/api/v1/tasks", {"project_id": project.id, "title": "late"})
    assert blocked_task.status_code == 409
    assert post(api, f"/api/v1/projects/{project.id}/unarchive", {}).json()["archived"] is False
    assert verbs(target_type="project", target_id=project.id)[-2:] == ["project.archived", "project.unarchived"]


def test_idempotent_post_creates_one_project(personas):
    api = personas["owner"].api()
    body = {"client_id": personas.client_a.id, "name": "Once"}
    first = post(api, "/api/v1/projects", body, **{"Idempotency-Key": "proj-1"})
    again = post(api, "/api/v1/projects", body, **{"Idempotency-Key": "proj-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Project.objects.filter(name="Once").count() == 1


# --- Who may do what --------------------------------------------------------------------------------------------


def test_am_creates_projects_only_for_its_portfolio(personas):
    am = personas["am"].api()
    assert post(am, "/api/v1/projects", {"client_id": personas.client_a.id, "name": "Mine"}).status_code == 201
    denied = post(am, "/api/v1/projects", {"client_id": personas.client_b.id, "name": "Not mine"})
    assert denied.status_code == 403
    assert not Project.objects.filter(name="Not mine").exists()


@pytest.mark.parametrize("persona", ["finance", "member", "client_a"])
def test_roles_that_may_not_create_projects(personas, persona):
    response = post(personas[persona].api(), "/api/v1/projects", {"client_id": personas.client_a.id, "name": "No"})
    assert response.status_code == 403


def test_pm_updates_only_the_projects_it_manages(personas, project):
    other_pm = services.project_create(
        actor=personas["owner"].actor,
        client_id=personas.client_b.id,
        name="Admin's project",
        project_manager_id=personas["admin"].person.id,
    )
    pm = personas["pm"].api()
    assert patch(pm, f"/api/v1/projects/{project.id}", {"description": "ok"}, project.version).status_code == 200
    denied = patch(pm, f"/api/v1/projects/{other_pm.id}", {"description": "no"}, other_pm.version)
    assert denied.status_code == 403
    assert "project's manager" in denied.json()["detail"] or "may not" in denied.json()["detail"]
    assert pm.get(f"/api/v1/projects/{other_pm.id}").status_code == 200  # but it may read it


def test_client_user_sees_only_its_clients_projects_without_budgets(personas, project):
    services.project_create(actor=personas["owner"].actor, client_id=personas.client_b.id, name="B's project")
    portal = personas["client_a"].api()
    listing = portal.get("/api/v1/projects").json()
    assert [p["name"] for p in listing["results"]] == ["Client A website"]
    row = listing["results"][0]
    assert row["budget_amount"] is None and row["budget_minutes"] is None
    assert "12000" not in portal.get(f"/api/v1/projects/{project.id}").content.decode()
    b_project = Project.objects.get(name="B's project")
    assert portal.get(f"/api/v1/projects/{b_project.id}").status_code == 404
    assert patch(portal, f"/api/v1/projects/{project.id}", {"name": "mine now"}, project.version).status_code == 403
    # Staff see the budget.
    assert personas["member"].api().get(f"/api/v1/projects/{project.id}").json()["budget_amount"] == "12000.00"


def test_other_workspace_project_is_not_found(personas, project):
    outsider = personas["outsider"].api()
    assert outsider.get(f"/api/v1/projects/{project.id}").status_code == 404
    assert patch(outsider, f"/api/v1/projects/{project.id}", {"name": "x"}, 1).status_code == 404
    assert post(outsider, f"/api/v1/projects/{project.id}/archive", {}).status_code == 404
    assert outsider.get("/api/v1/projects").json()["count"] == 0


def test_members_see_only_their_projects_when_the_workspace_says_so(personas, project):
    owner = personas["owner"].actor
    member = personas["member"]
    mine = services.project_create(actor=owner, client_id=personas.client_b.id, name="Tasked")
    services.task_create(actor=owner, project=mine, title="Design", assignee_id=member.person.id)
    team = services.project_create(
        actor=owner, client_id=personas.client_b.id, name="Team", member_ids=[member.person.id]
    )
    api = member.api()
    assert api.get("/api/v1/projects").json()["count"] == 3  # flag off: every project

    ws = personas.workspace
    ws.members_see_only_their_projects = True
    ws.save()
    api = member.api()
    names = sorted(p["name"] for p in api.get("/api/v1/projects").json()["results"])
    assert names == ["Tasked", "Team"]
    assert api.get(f"/api/v1/projects/{project.id}").status_code == 404
    assert api.get(f"/api/v1/tasks?project_id={project.id}").json()["count"] == 0
    assert api.get(f"/api/v1/projects/{team.id}").status_code == 200
    # Other roles are not restricted by the flag.
    assert personas["finance"].api().get(f"/api/v1/projects/{project.id}").status_code == 200


def test_filters_by_field_name(personas, project):
    owner = personas["owner"].actor
    services.project_create(actor=owner, client_id=personas.client_b.id, name="Retainer B", billing="retainer")
    api = personas["owner"].api()
    assert api.get(f"/api/v1/projects?client_id={personas.client_a.id}").json()["count"] == 1
    assert api.get("/api/v1/projects?billing=retainer").json()["results"][0]["name"] == "Retainer B"
    assert api.get("/api/v1/projects?status=planned").json()["count"] == 2
    assert api.get(f"/api/v1/projects?project_manager_id={personas['pm'].person.id}").json()["count"] == 1
    assert api.get("/api/v1/projects?search=website").json()["count"] == 1
    assert api.get("/api/v1/projects?status=bogus").status_code == 422
    assert api.get("/api/v1/projects?limit=501").status_code == 422


def test_service_refuses_an_archived_client(personas):
    owner = personas["owner"].actor
    from baton.crm.services import client_archive

    client_archive(actor=owner, client=personas.client_b)
    with pytest.raises(ValidationError) as exc:
        services.project_create(actor=owner, client_id=personas.client_b.id, name="Too late")
    assert "client_id" in exc.value.message_dict


def test_am_loses_edit_rights_when_the_client_changes_hands(personas, project):
    am = personas["am"].actor
    services.project_update(actor=am, project=project, version=project.version, description="AM edit")
    client_update(
        actor=personas["owner"].actor,
        client=personas.client_a,
        version=personas.client_a.version,
        account_manager_id=personas["admin"].person.id,
    )
    project.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.project_update(actor=am, project=project, version=project.version, description="no longer")


def test_dates_are_iso(personas, project):
    body = personas["owner"].api().get(f"/api/v1/projects/{project.id}").json()
    assert body["start_date"] == date(2026, 3, 2).isoformat()
    assert body["created_at"].endswith("Z") or "+" in body["created_at"]
