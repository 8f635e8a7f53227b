"""Briefs: required sections before approval, versions after approval, what a client sees, and which brief a task
was started from."""

from __future__ import annotations

from baton.core.models import Event
from baton.delivery import services as delivery
from baton.knowledge.models import REQUIRED_BRIEF_SECTIONS, Brief, BriefVersion, TaskBriefLink

from .helpers import fields, patch, post

FULL = {
    "objective": "Double demo requests.",
    "audience": "Operations leads at mid-size firms.",
    "deliverables": "Three landing pages, six ads.",
    "tone_of_voice_reference": "Brand book v3.",
    "constraints": "No competitor names.",
    "success_measures": "Demo requests per week.",
    "references": "Last year's debrief.",
}


def _approved_brief(personas, project, **sections):
    am = personas["am"].api()
    created = post(am, "/api/v1/briefs", {"project_id": project.id, **(FULL | sections)})
    assert created.status_code == 201, created.content
    approved = am.post(f"/api/v1/briefs/{created.json()['id']}/approve")
    assert approved.status_code == 200, approved.content
    return approved.json()


def test_approval_refuses_empty_required_sections_naming_each(personas, work):
    am = personas["am"].api()
    created = post(am, "/api/v1/briefs", {"project_id": work.project_a.id, "objective": "Double demo requests."})
    assert created.status_code == 201, created.content
    brief = created.json()
    assert brief["status"] == "draft" and brief["current_version"] == 1 and brief["approved_version"] is None
    assert brief["title"] == "Brief: Client A website"
    assert brief["required_sections"] == list(REQUIRED_BRIEF_SECTIONS)
    assert brief["missing_sections"] == ["audience", "deliverables", "success_measures"]

    refused = am.post(f"/api/v1/briefs/{brief['id']}/approve")
    assert refused.status_code == 422
    assert fields(refused) == ["audience", "deliverables", "success_measures"]
    version = BriefVersion.objects.get(brief_id=brief["id"])
    assert version.status == "draft" and version.approved_at is None
    assert not Event.objects.filter(verb="brief.approved").exists()

    # Whitespace is empty too.
    patched = patch(am, f"/api/v1/briefs/{brief['id']}", {"audience": "   ", "deliverables": "Pages"}, brief["version"])
    assert patched.status_code == 200, patched.content
    assert fields(am.post(f"/api/v1/briefs/{brief['id']}/approve")) == ["audience", "success_measures"]


def test_editing_a_draft_changes_it_in_place(personas, work):
    am = personas["am"].api()
    brief = post(am, "/api/v1/briefs", {"project_id": work.project_a.id}).json()
    edited = patch(am, f"/api/v1/briefs/{brief['id']}", {"objective": "New objective", "title": "Launch"}, 1)
    assert edited.status_code == 200, edited.content
    out = edited.json()
    assert out["current_version"] == 1 and out["objective"] == "New objective" and out["title"] == "Launch"
    assert BriefVersion.objects.filter(brief_id=brief["id"]).count() == 1
    assert Event.objects.filter(verb="brief.updated", target_id=brief["id"]).count() == 1


def test_editing_an_approved_brief_opens_a_new_version_to_approve_again(personas, work):
    am = personas["am"].api()
    brief = _approved_brief(personas, work.project_a)
    assert brief["status"] == "approved" and brief["approved_version"] == 1
    assert brief["versions"][0]["approved_by_id"] == personas["am"].person.id

    again = am.post(f"/api/v1/briefs/{brief['id']}/approve")
    assert again.status_code == 409

    edited = patch(am, f"/api/v1/briefs/{brief['id']}", {"deliverables": "Four landing pages."}, brief["version"])
    assert edited.status_code == 200, edited.content
    out = edited.json()
    assert out["current_version"] == 2 and out["status"] == "draft" and out["approved_version"] == 1
    assert out["deliverables"] == "Four landing pages." and out["objective"] == FULL["objective"]
    event = Event.objects.get(verb="brief.version_created", target_id=brief["id"])
    assert event.data["version"] == 2 and event.data["from_version"] == 1
    assert set(event.data["changes"]) == {"deliverables"}
    # v1 is untouched.
    assert BriefVersion.objects.get(brief_id=brief["id"], number=1).deliverables == FULL["deliverables"]

    # Editing the v2 draft stays in v2.
    out = patch(am, f"/api/v1/briefs/{brief['id']}", {"constraints": "Legal signs off."}, out["version"]).json()
    assert out["current_version"] == 2

    versions = am.get(f"/api/v1/briefs/{brief['id']}/versions").json()
    assert [(v["number"], v["status"]) for v in versions["results"]] == [(2, "draft"), (1, "approved")]

    approved = am.post(f"/api/v1/briefs/{brief['id']}/approve").json()
    assert approved["approved_version"] == 2 and approved["status"] == "approved"


def test_a_client_reads_only_approved_versions(personas, work):
    am = personas["am"].api()
    portal = personas["client_a"].api()
    draft = post(am, "/api/v1/briefs", {"project_id": work.project_a.id, "task_id": work.task_a.id}).json()
    assert portal.get(f"/api/v1/briefs/{draft['id']}").status_code == 404
    brief = _approved_brief(personas, work.project_a)
    patch(am, f"/api/v1/briefs/{brief['id']}", {"objective": "Secret draft objective"}, brief["version"])

    seen = portal.get(f"/api/v1/briefs/{brief['id']}").json()
    assert seen["objective"] == FULL["objective"] and seen["current_version"] == 1 and seen["status"] == "approved"
    assert [v["number"] for v in seen["versions"]] == [1]
    assert "Secret draft objective" not in portal.get(f"/api/v1/briefs/{brief['id']}/versions").content.decode()
    assert [b["id"] for b in portal.get("/api/v1/briefs").json()["results"]] == [brief["id"]]
    assert portal.post(f"/api/v1/briefs/{brief['id']}/approve").status_code == 403
    # Client B's approved brief is not theirs.
    brief_b = _approved_brief(personas, work.project_b)
    assert portal.get(f"/api/v1/briefs/{brief_b['id']}").status_code == 404
    assert personas["outsider"].api().get(f"/api/v1/briefs/{brief['id']}").status_code == 404


def test_brief_targets_are_checked(personas, work):
    am = personas["am"].api()
    wrong_task = post(am, "/api/v1/briefs", {"project_id": work.project_a.id, "task_id": work.task_b.id})
    assert wrong_task.status_code == 422 and fields(wrong_task) == ["task_id"]
    foreign = post(am, "/api/v1/briefs", {"project_id": work.other_project.id})
    assert foreign.status_code == 422 and fields(foreign) == ["project_id"]
    assert post(am, "/api/v1/briefs", {"project_id": work.project_a.id}).status_code == 201
    second = post(am, "/api/v1/briefs", {"project_id": work.project_a.id})
    assert second.status_code == 422 and fields(second) == ["project_id"]
    assert post(am, "/api/v1/briefs", {"project_id": work.project_a.id, "task_id": work.task_a.id}).status_code == 201
    again = post(am, "/api/v1/briefs", {"project_id": work.project_a.id, "task_id": work.task_a.id})
    assert again.status_code == 422 and fields(again) == ["task_id"]
    assert post(personas["member"].api(), "/api/v1/briefs", {"project_id": work.project_b.id}).status_code == 403
    assert Brief.objects.count() == 2


def _start(personas, task, django_capture_on_commit_callbacks):
    """Start a task through delivery's service; the link is made by the subscriber once the change commits."""
    with django_capture_on_commit_callbacks(execute=True):
        delivery.task_change_status(actor=personas["pm"].actor, task=task, status="in_progress")


def test_a_started_task_links_to_the_approved_brief_version(personas, work, django_capture_on_commit_callbacks):
    am = personas["am"].api()
    brief = _approved_brief(personas, work.project_a)
    patch(am, f"/api/v1/briefs/{brief['id']}", {"deliverables": "Changed after kick-off"}, brief["version"])

    _start(personas, work.task_a, django_capture_on_commit_callbacks)
    link = TaskBriefLink.objects.get(task=work.task_a)
    assert link.brief_id == brief["id"] and link.brief_version.number == 1  # the v2 draft is not approved yet
    assert link.started_by_id == personas["pm"].person.id
    event = Event.objects.get(verb="task_brief_link.created")
    assert event.data == {
        "task_id": work.task_a.id,
        "brief_id": brief["id"],
        "brief_version": 1,
        "brief_version_id": link.brief_version_id,
    }
    assert event.client_id == personas.client_a.id

    am.post(f"/api/v1/briefs/{brief['id']}/approve")
    _start(personas, work.task_a2, django_capture_on_commit_callbacks)
    assert TaskBriefLink.objects.get(task=work.task_a2).brief_version.number == 2

    detail = am.get(f"/api/v1/briefs/{brief['id']}").json()
    started = {v["number"]: [t["task_id"] for t in v["tasks_started"]] for v in detail["versions"]}
    assert started == {2: [work.task_a2.id], 1: [work.task_a.id]}

    links = am.get(f"/api/v1/tasks/{work.task_a.id}/brief-links").json()
    assert links["count"] == 1
    assert links["results"][0]["brief_version"] == 1 and links["results"][0]["brief_id"] == brief["id"]
    assert personas["client_a"].api().get(f"/api/v1/tasks/{work.task_a.id}/brief-links").json()["count"] == 1
    assert personas["client_a"].api().get(f"/api/v1/tasks/{work.task_b.id}/brief-links").status_code == 404
    assert personas["outsider"].api().get(f"/api/v1/tasks/{work.task_a.id}/brief-links").status_code == 404


def test_a_task_s_own_approved_brief_comes_first(personas, work, django_capture_on_commit_callbacks):
    am = personas["am"].api()
    _approved_brief(personas, work.project_a)
    own = post(am, "/api/v1/briefs", {"project_id": work.project_a.id, "task_id": work.task_a.id, **FULL}).json()
    # Not approved yet: the project's brief is in force.
    assert own["approved_version"] is None
    am.post(f"/api/v1/briefs/{own['id']}/approve")
    _start(personas, work.task_a, django_capture_on_commit_callbacks)
    assert TaskBriefLink.objects.get(task=work.task_a).brief_id == own["id"]
    # Restarting the same task from the same version records nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        delivery.task_change_status(actor=personas["pm"].actor, task=work.task_a, status="todo")
    _start(personas, work.task_a, django_capture_on_commit_callbacks)
    assert TaskBriefLink.objects.filter(task=work.task_a).count() == 1


def test_no_approved_brief_no_link(personas, work, django_capture_on_commit_callbacks):
    post(personas["am"].api(), "/api/v1/briefs", {"project_id": work.project_a.id, **FULL})  # a draft only
    _start(personas, work.task_a, django_capture_on_commit_callbacks)
    assert not TaskBriefLink.objects.exists()


def test_a_task_created_in_progress_is_linked(personas, work, django_capture_on_commit_callbacks):
    _approved_brief(personas, work.project_a)
    with django_capture_on_commit_callbacks(execute=True):
        task = delivery.task_create(
            actor=personas["pm"].actor, project=work.project_a, title="Hotfix", status="in_progress"
        )
    assert TaskBriefLink.objects.get(task=task).brief_version.number == 1
