"""The delivery pages: lists, forms, the board (htmx moves, the dependency block and the override), the timeline,
my tasks, templates; query ceilings on the board, the project list and the API lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client as WebClient
from django.utils import timezone

from baton.core.models import Event
from baton.delivery import selectors, services
from baton.delivery.models import Project, Task


def web(persona) -> WebClient:
    client = WebClient()
    client.force_login(persona.person.membership.user)
    return client


HTMX = {"HX-Request": "true"}


@pytest.fixture
def chain(personas, project):
    owner = personas["owner"].actor
    today = timezone.localdate()
    design = services.task_create(
        actor=owner,
        project=project,
        title="Design",
        start_date=today - timedelta(days=3),
        due_date=today - timedelta(days=1),
    )
    build = services.task_create(
        actor=owner,
        project=project,
        title="Build",
        depends_on=[design.id],
        start_date=today,
        due_date=today + timedelta(days=5),
        assignee_id=personas["member"].person.id,
    )
    return design, build


def test_pages_render_for_staff(personas, project, chain):
    design, _ = chain
    client = web(personas["owner"])
    milestone = services.milestone_create(actor=personas["owner"].actor, project=project, name="Beta")
    template = services.project_save_as_template(actor=personas["owner"].actor, project=project, name="T")
    for url in [
        "/projects/",
        "/projects/new/",
        "/projects/from-template/",
        "/projects/my-tasks/",
        "/projects/templates/",
        f"/projects/templates/{template.id}/",
        f"/projects/{project.id}/",
        f"/projects/{project.id}/edit/",
        f"/projects/{project.id}/board/",
        f"/projects/{project.id}/timeline/",
        f"/projects/{project.id}/save-as-template/",
        f"/projects/{project.id}/tasks/new/",
        f"/projects/{project.id}/milestones/new/",
        f"/projects/tasks/{design.id}/",
        f"/projects/tasks/{design.id}/edit/",
        f"/projects/milestones/{milestone.id}/edit/",
        "/projects/tasks/?status=blocked",
        "/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    home = web(personas["admin"]).get("/").content.decode()  # the operations home: what is stuck
    assert "Blocked tasks" in home and "/projects/tasks/?status=blocked" in home


def test_nav_marks_the_current_page(personas, project):
    page = web(personas["pm"]).get("/projects/").content.decode()
    assert 'href="/projects/" aria-current="page"' in page
    mine = web(personas["pm"]).get("/projects/my-tasks/").content.decode()
    assert 'href="/projects/my-tasks/" aria-current="page"' in mine


def test_client_user_pages(personas, project, chain):
    _design, _ = chain
    client = web(personas["client_a"])
    detail = client.get(f"/projects/{project.id}/")
    assert detail.status_code == 200
    assert "12000" not in detail.content.decode()  # no budget for the client
    assert client.get(f"/projects/{project.id}/board/").status_code == 200
    assert client.get(f"/projects/{project.id}/edit/").status_code == 403
    assert client.get("/projects/my-tasks/").status_code == 404
    board = client.get(f"/projects/{project.id}/board/").content.decode()
    assert "Move to" not in board  # read-only
    other = services.project_create(actor=personas["owner"].actor, client_id=personas.client_b.id, name="B")
    assert client.get(f"/projects/{other.id}/").status_code == 404


def test_create_project_form_bad_then_good(personas):
    client = web(personas["pm"])
    bad = client.post(
        "/projects/new/",
        {
            "client_id": personas.client_a.id,
            "name": "Site",
            "status": "planned",
            "billing": "fixed_fee",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
            "budget_hours": "10",
        },
        headers=HTMX,
    )
    assert bad.status_code == 200
    text = bad.content.decode()
    assert 'id="id_end_date_error"' in text and 'aria-invalid="true"' in text
    assert not Project.objects.filter(name="Site").exists()
    good = client.post(
        "/projects/new/",
        {
            "client_id": personas.client_a.id,
            "name": "Site",
            "status": "planned",
            "billing": "fixed_fee",
            "start_date": "2026-03-01",
            "end_date": "2026-04-01",
            "budget_hours": "12.5",
            "budget_amount": "900",
        },
        headers=HTMX,
    )
    assert good.status_code == 204
    project = Project.objects.get(name="Site")
    assert good["HX-Redirect"] == f"/projects/{project.id}/"
    assert project.budget_minutes == 750 and project.project_manager_id == personas["pm"].person.id


def test_create_task_form_and_cycle_error_on_the_field(personas, project, chain):
    design, build = chain
    client = web(personas["owner"])
    response = client.post(
        f"/projects/tasks/{design.id}/edit/",
        {"title": "Design", "depends_on": [build.id], "version": 1, "estimate_hours": "2"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'id="id_depends_on_error"' in response.content.decode()
    assert "cycle" in response.content.decode()
    created = client.post(
        f"/projects/{project.id}/tasks/new/",
        {"title": "QA", "status": "todo", "estimate_hours": "1.5", "depends_on": [build.id], "tags": "qa, a11y"},
    )
    assert created.status_code == 302
    qa = Task.objects.get(title="QA")
    assert qa.estimate_minutes == 90 and qa.tags == ["qa", "a11y"] and [t.id for t in qa.depends_on.all()] == [build.id]


def test_board_move_with_htmx(personas, project, chain):
    design, _ = chain
    response = web(personas["pm"]).post(
        f"/projects/tasks/{design.id}/status/", {"status": "in_progress", "from": "board"}, headers=HTMX
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="board"' in text and "just-moved" in text
    design.refresh_from_db()
    assert design.status == "in_progress"


def test_board_shows_the_dependency_block_and_offers_the_override_to_the_pm(personas, project, chain):
    design, build = chain
    response = web(personas["pm"]).post(
        f"/projects/tasks/{build.id}/status/", {"status": "in_progress", "from": "board"}, headers=HTMX
    )
    text = response.content.decode()
    assert 'role="alert"' in text and "cannot start" in text and f"#{design.id} Design" in text
    assert "Override: move" in text
    build.refresh_from_db()
    assert build.status == "todo"
    overridden = web(personas["pm"]).post(
        f"/projects/tasks/{build.id}/status/", {"status": "in_progress", "from": "board", "override": "1"}, headers=HTMX
    )
    assert overridden.status_code == 200
    build.refresh_from_db()
    assert build.status == "in_progress"
    assert Event.objects.filter(verb="task.dependency_overridden", target_id=build.id).exists()


def test_member_sees_the_block_without_an_override(personas, project, chain):
    _, build = chain
    text = (
        web(personas["member"])
        .post(f"/projects/tasks/{build.id}/status/", {"status": "in_progress", "from": "board"}, headers=HTMX)
        .content.decode()
    )
    assert "cannot start" in text and "Override: move" not in text and "Only the project manager" in text


def test_plain_post_status_redirects_back_with_a_message(personas, project, chain):
    _, build = chain
    client = web(personas["member"])
    response = client.post(
        f"/projects/tasks/{build.id}/status/", {"status": "in_progress", "next": "/projects/my-tasks/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/projects/my-tasks/"
    assert "cannot start" in response.content.decode()


def test_project_status_buttons_follow_the_workflow(personas, project):
    client = web(personas["pm"])
    client.post(f"/projects/{project.id}/status/", {"status": "done", "version": 1})
    project.refresh_from_db()
    assert project.status == "planned"
    client.post(f"/projects/{project.id}/status/", {"status": "active", "version": 1})
    project.refresh_from_db()
    assert project.status == "active"


def test_timeline_draws_bars_milestones_and_dependency_arrows(personas, project, chain):
    services.milestone_create(actor=personas["owner"].actor, project=project, name="Beta", due_date=date(2026, 3, 20))
    text = web(personas["owner"]).get(f"/projects/{project.id}/timeline/").content.decode()
    assert "<svg" in text and 'class="gantt"' in text
    assert text.count('class="gantt-arrow"') == 1
    assert "gantt-milestone" in text and "<polygon" in text
    assert "style=" not in text  # the CSP forbids inline styles


def test_my_tasks_groups_by_due_date(personas, project, chain):
    _, _build = chain
    owner = personas["owner"].actor
    today = timezone.localdate()
    services.task_create(
        actor=owner,
        project=project,
        title="Late one",
        assignee_id=personas["member"].person.id,
        due_date=today - timedelta(days=2),
    )
    text = web(personas["member"]).get("/projects/my-tasks/").content.decode()
    assert "Overdue" in text and "Late one" in text and "Build" in text
    assert text.index("Late one") < text.index("Build")


# --- Query ceilings ---------------------------------------------------------------------------------------------


@pytest.fixture
def many(personas, project):
    """30 projects and 30 tasks with dependencies, assignees and milestones."""
    owner = personas["owner"].actor
    for i in range(29):
        services.project_create(
            actor=owner,
            client_id=personas.client_b.id if i % 2 else personas.client_a.id,
            name=f"Project {i:02d}",
            project_manager_id=personas["pm"].person.id,
            member_ids=[personas["member"].person.id],
        )
    milestone = services.milestone_create(actor=owner, project=project, name="M")
    previous = None
    for i in range(30):
        previous = services.task_create(
            actor=owner,
            project=project,
            title=f"Task {i:02d}",
            milestone_id=milestone.id if i % 2 else None,
            assignee_id=personas["member"].person.id if i % 3 else None,
            depends_on=[previous.id] if previous else [],
            due_date=date(2026, 3, 2) + timedelta(days=i),
        )
    return project


def test_board_query_ceiling(personas, many, django_assert_max_num_queries):
    client = web(personas["pm"])
    with django_assert_max_num_queries(12):
        response = client.get(f"/projects/{many.id}/board/")
    assert response.status_code == 200 and response.content.decode().count("task-card") >= 30


def test_project_list_page_query_ceiling(personas, many, django_assert_max_num_queries):
    client = web(personas["owner"])
    with django_assert_max_num_queries(13):
        response = client.get("/projects/")
    assert response.content.decode().count("/board/") == 0 and "Project 28" in response.content.decode()


def test_timeline_and_detail_query_ceiling(personas, many, django_assert_max_num_queries):
    client = web(personas["owner"])
    with django_assert_max_num_queries(13):
        assert client.get(f"/projects/{many.id}/timeline/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(f"/projects/{many.id}/").status_code == 200


@pytest.mark.parametrize(
    ("url", "ceiling"),
    [("/api/v1/projects?limit=100", 7), ("/api/v1/tasks?limit=100", 6), ("/api/v1/milestones", 5)],
)
def test_api_list_query_ceilings(personas, many, django_assert_max_num_queries, url, ceiling):
    api = personas["owner"].api()
    with django_assert_max_num_queries(ceiling):
        response = api.get(url)
    assert response.status_code == 200 and response.json()["count"] >= 1


def test_template_list_query_ceiling(personas, many, django_assert_max_num_queries):
    owner = personas["owner"].actor
    for i in range(5):
        services.project_save_as_template(actor=owner, project=many, name=f"T{i}")
    with django_assert_max_num_queries(10):
        body = personas["owner"].api().get("/api/v1/project-templates").json()
    assert body["count"] == 5 and len(body["results"][0]["tasks"]) == 30


def test_am_choosing_a_client_outside_its_portfolio_sees_it_on_the_field(personas):
    response = web(personas["am"]).post(
        "/projects/new/",
        {"client_id": personas.client_b.id, "name": "Not mine", "status": "planned", "billing": "fixed_fee"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'id="id_client_id_error"' in response.content.decode()
    assert not Project.objects.filter(name="Not mine").exists()


def test_a_form_shows_whole_hours_without_an_exponent():
    from decimal import Decimal

    from baton.delivery.forms import minutes_to_hours

    assert str(minutes_to_hours(6000)) == "100"  # Decimal.normalize alone writes 1E+2 in the budget field
    assert str(minutes_to_hours(90)) == "1.5"
    assert str(minutes_to_hours(0)) == "0"
    assert minutes_to_hours(None) is None
    assert minutes_to_hours(100) == Decimal("1.67")


# --- Paging before counting -------------------------------------------------------------------------------------


def test_a_page_of_projects_counts_its_own_tasks_only(personas, project):
    """The list pages the bare projects in the database, then counts the tasks of that page only
    (`with_task_counts`): the second page must carry the counts of its own projects, in the list's order, and the
    projects of the first page (which have many tasks) must not leak into them."""
    owner = personas["owner"].actor
    created = [
        services.project_create(actor=owner, client_id=personas.client_b.id, name=f"P{i:02d}") for i in range(53)
    ]
    # Page 1 ("Client A website", P00..P48) and page 2 (P49..P52): tasks on both sides of the page break.
    for p, n in [(created[0], 4), (created[48], 3), (created[49], 1), (created[51], 2), (created[52], 5)]:
        for k in range(n):
            task = services.task_create(
                actor=owner,
                project=p,
                title=f"{p.name} task {k}",
                due_date=date(2020, 1, 1) if k % 2 else date(2100, 1, 1),
            )
            if k == 2:
                services.task_change_status(actor=owner, task=task, status="done", override=True)
    expected = {
        p.name: (
            Task.objects.filter(project=p).count(),
            Task.objects.filter(project=p, status="done").count(),
            Task.objects.filter(project=p, due_date__lt=date(2026, 1, 1)).exclude(status="done").count(),
        )
        for p in Project.objects.filter(workspace=owner.workspace)
    }
    full = list(selectors.project_list(actor=owner))
    paged = list(selectors.with_task_counts(selectors.project_list(actor=owner, counts=False)[50:]))
    assert [p.name for p in paged] == [p.name for p in full[50:]] == ["P49", "P50", "P51", "P52"]
    assert [(p.task_count, p.done_task_count, p.overdue_task_count) for p in paged] == [
        expected[p.name] for p in full[50:]
    ]
    assert [p.task_count for p in paged] == [1, 0, 2, 5]
    text = web(personas["owner"]).get("/projects/?page=2").content.decode()
    assert "Page 2 of 2" in text and "54 projects" in text
    assert 'aria-label="0 of 1 tasks done"' in text and 'aria-label="1 of 5 tasks done"' in text
    assert "2 overdue" in text and "1/5" in text and "1/4" not in text and "1/3" not in text
    body = personas["owner"].api().get("/api/v1/projects?offset=49&limit=3").json()
    assert body["count"] == 54
    assert [(r["name"], r["task_count"], r["overdue_task_count"]) for r in body["results"]] == [
        ("P48", *expected["P48"][::2]),
        ("P49", 1, 0),
        ("P50", 0, 0),
    ]


def test_a_page_of_milestones_counts_its_own_tasks_only(personas, project):
    owner = personas["owner"].actor
    milestones = [services.milestone_create(actor=owner, project=project, name=f"M{i}") for i in range(3)]
    for milestone, n in zip(milestones, (3, 1, 2), strict=True):
        for k in range(n):
            services.task_create(actor=owner, project=project, title=f"{milestone.name}.{k}", milestone_id=milestone.id)
    api = personas["owner"].api()
    body = api.get(f"/api/v1/milestones?project_id={project.id}&offset=1&limit=2").json()
    assert body["count"] == 3
    assert [(r["name"], r["task_count"], r["open_task_count"]) for r in body["results"]] == [("M1", 1, 1), ("M2", 2, 2)]
