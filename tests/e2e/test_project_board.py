"""A project manager starts a project from a template, moves a task across the board, is stopped by an unfinished
dependency (and sees why), overrides it, and looks at the timeline."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from baton.core.events import Event
from baton.delivery import services
from baton.delivery.models import Project, Task
from baton.devdata.testing.personas import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_board_from_a_template(live_server, personas, page):
    services.project_template_create(
        actor=personas["owner"].actor,
        name="Landing page",
        duration_days=14,
        milestones=[{"ref": "go", "name": "Go live", "due_offset_days": 14}],
        tasks=[
            {
                "ref": "copy",
                "title": "Write copy",
                "start_offset_days": 0,
                "due_offset_days": 3,
                "estimate_minutes": 240,
                "assignee_role": "copywriting",
                "milestone": "go",
            },
            {
                "ref": "design",
                "title": "Design page",
                "start_offset_days": 2,
                "due_offset_days": 6,
                "estimate_minutes": 480,
                "assignee_role": "Designer",
                "milestone": "go",
                "depends_on": ["copy"],
            },
            {
                "ref": "build",
                "title": "Build page",
                "start_offset_days": 7,
                "due_offset_days": 12,
                "estimate_minutes": 600,
                "milestone": "go",
                "depends_on": ["design"],
            },
        ],
    )
    pm = personas["pm"]
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(pm.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Your projects").wait_for()

    # Start a project from the template.
    page.get_by_role("link", name="Projects", exact=True).click()
    page.get_by_role("link", name="From a template").click()
    page.get_by_label("Template").select_option(label="Landing page")
    page.get_by_label("Client").select_option(label="Client A")
    page.get_by_label("Name").fill("Client A landing page")
    start = timezone.localdate() - timedelta(days=3)
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_role("button", name="Create project").click()
    page.get_by_role("heading", name="Client A landing page").wait_for()
    project = Project.objects.get(name="Client A landing page")
    assert page.url.endswith(f"/projects/{project.id}/board/")
    assert project.project_manager_id == pm.person.id
    tasks = {t.title: t for t in project.tasks.all()}
    assert tasks["Design page"].start_date == start + timedelta(days=2)
    assert [d.title for d in tasks["Design page"].depends_on.all()] == ["Write copy"]
    assert tasks["Design page"].assignee_id == personas["member"].person.id  # the only Designer

    # Move "Write copy" from To do to In progress with the → button (htmx swaps the board).
    todo = page.locator("section.col-todo")
    in_progress = page.locator("section.col-in_progress")
    page.get_by_role("button", name="Move “Write copy” to In progress").click()
    in_progress.get_by_role("link", name="Write copy").wait_for()
    assert todo.get_by_role("link", name="Write copy").count() == 0
    assert Task.objects.get(pk=tasks["Write copy"].id).status == "in_progress"

    # "Design page" depends on "Write copy", which is not done: the move is refused and the reason shown in place.
    page.get_by_role("button", name="Move “Design page” to In progress").click()
    problem = page.locator("#board-problem")
    problem.wait_for()
    assert "cannot start" in problem.inner_text() and "Write copy" in problem.inner_text()
    assert todo.get_by_role("link", name="Design page").count() == 1
    assert Task.objects.get(pk=tasks["Design page"].id).status == "todo"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "board-blocked.png"), full_page=True)

    # The project manager may override; the override is recorded.
    page.get_by_role("button", name="Override: move “Design page” to in progress anyway").click()
    in_progress.get_by_role("link", name="Design page").wait_for()
    assert page.locator("#board-problem").count() == 0
    assert Event.objects.filter(verb="task.dependency_overridden", target_id=tasks["Design page"].id).exists()

    # Finish the copy: → twice (in review, done).
    page.get_by_role("button", name="Move “Write copy” to In review").click()
    page.locator("section.col-in_review").get_by_role("link", name="Write copy").wait_for()
    page.get_by_role("button", name="Move “Write copy” to Done").click()
    page.locator("section.col-done").get_by_role("link", name="Write copy").wait_for()
    page.screenshot(path=str(ARTIFACTS / "board.png"), full_page=True)

    # The timeline draws the bars, the milestone and the dependency arrows.
    page.get_by_role("link", name="Timeline").click()
    page.locator("svg.gantt").wait_for()
    assert page.locator("svg.gantt .gantt-arrow").count() == 2
    assert page.locator("svg.gantt .gantt-milestone").count() == 1
    page.screenshot(path=str(ARTIFACTS / "timeline.png"), full_page=True)
