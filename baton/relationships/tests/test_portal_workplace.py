"""The portal as a workplace: client requests (isolation, validation, triage, conversion exactly once, decline),
deliverable approvals (recorded and evented), and shared files (client isolation, internal files never reached)."""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as WebClient
from django.test import override_settings

from baton.automation.models import Notification
from baton.core import client_view
from baton.core.access import Actor
from baton.core.models import Event
from baton.delivery import services as delivery
from baton.delivery.models import Task
from baton.devdata.demo.portal import extend_demo
from baton.devdata.testing.knowledge import png_upload
from baton.finance.models import ChangeOrder
from baton.relationships import services
from baton.relationships.models import ClientRequest, DeliverableApproval, SharedFile


@pytest.fixture
def media(tmp_path):
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield tmp_path


def _project(personas, client=None, name="Portal project"):
    client = client or personas.client_a
    return delivery.project_create(
        actor=Actor.system(personas.workspace),
        client_id=client.pk,
        name=name,
        start_date=date(2026, 1, 5),
        project_manager_id=personas["pm"].person.pk,
    )


def _file_request(api, **body):
    return api.post("/api/v1/client-requests", body, content_type="application/json")


# --- Requests -------------------------------------------------------------------------------------------------------


def test_a_client_files_a_request_for_its_own_client_and_reads_only_its_own(personas):
    project = _project(personas)
    portal = personas["client_a"].api()
    made = _file_request(portal, project_id=project.pk, title="New banner", kind="change", priority="high")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["client_id"] == personas.client_a.pk and body["status"] == "new" and body["priority"] == "high"
    assert body["triage_notes"] is None  # internal: never to the client
    assert Event.objects.filter(verb="client_request.created", target_id=body["id"]).count() == 1

    project_b = _project(personas, personas.client_b, "B's project")
    other = services.client_request_create(
        actor=personas["admin"].actor, client_id=personas.client_b.pk, project_id=project_b.pk, title="B asks"
    )
    assert portal.get(f"/api/v1/client-requests/{other.pk}").status_code == 404
    assert portal.post(
        f"/api/v1/client-requests/{other.pk}/triage", {}, content_type="application/json"
    ).status_code in (403, 404)
    listed = portal.get("/api/v1/client-requests").json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]
    # another client's id in the body, or another client's project, is not the client's to use
    assert _file_request(portal, client_id=personas.client_b.pk, title="Sneaky").status_code == 404
    refused = _file_request(portal, project_id=project_b.pk, title="Sneaky")
    assert refused.status_code == 422 and [e["field"] for e in refused.json()["errors"]] == ["project_id"]
    assert ClientRequest.objects.filter(title="Sneaky").count() == 0


def test_bad_request_fields_are_named_at_once(personas):
    portal = personas["client_a"].api()
    bad = _file_request(portal, title="", kind="wish", priority="asap", colour="red")
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"kind", "priority"} <= fields or "colour" in fields
    staff = personas["am"].api()
    missing = _file_request(staff, title="Logged by the AM")
    assert missing.status_code == 422 and [e["field"] for e in missing.json()["errors"]] == ["client_id"]
    assert not ClientRequest.objects.exists()


def web(persona) -> WebClient:
    client = WebClient()
    client.force_login(persona.person.membership.user)
    return client


def test_the_am_hears_of_a_new_request_and_the_client_of_its_status(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        req = services.client_request_create(actor=personas["client_a"].actor, title="Question about the launch")
    note = Notification.objects.get(recipient=personas["am"].person, verb="client_request.created")
    assert "Question about the launch" in note.title
    with django_capture_on_commit_callbacks(execute=True):
        services.client_request_decline(actor=personas["am"].actor, request=req, reason="Answered on the call")
    told = Notification.objects.get(recipient=personas["client_a"].person, verb="client_request.declined")
    assert "declined" in told.title and told.body == "Answered on the call"


def test_convert_into_a_task_creates_exactly_one_and_twice_is_409(personas):
    project = _project(personas)
    req = services.client_request_create(actor=personas["client_a"].actor, project_id=project.pk, title="Fix typo")
    am = personas["am"].api()
    triaged = am.post(
        f"/api/v1/client-requests/{req.pk}/triage",
        {"priority": "urgent", "assignee_id": personas["member"].person.pk, "notes": "Quick one"},
        content_type="application/json",
    )
    assert triaged.status_code == 200 and triaged.json()["status"] == "triaged"
    assert triaged.json()["triage_notes"] == "Quick one"
    before = Task.objects.filter(project=project).count()
    done = am.post(f"/api/v1/client-requests/{req.pk}/convert", {"into": "task"}, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "converted"
    task = Task.objects.get(pk=done.json()["task_id"])
    assert (
        task.project_id == project.pk and task.title == "Fix typo" and task.assignee_id == personas["member"].person.pk
    )
    assert Task.objects.filter(project=project).count() == before + 1
    again = am.post(f"/api/v1/client-requests/{req.pk}/convert", {"into": "task"}, content_type="application/json")
    assert again.status_code == 409
    assert Task.objects.filter(project=project).count() == before + 1
    verbs = list(Event.objects.filter(target_type="client_request", target_id=req.pk).values_list("verb", flat=True))
    assert sorted(verbs) == ["client_request.converted", "client_request.created", "client_request.triaged"]
    seen = personas["client_a"].api().get(f"/api/v1/client-requests/{req.pk}").json()
    assert seen["status"] == "converted" and seen["task_id"] == task.pk and seen["triage_notes"] is None


def test_convert_into_a_change_order_and_without_a_project_is_422(personas):
    project = _project(personas)
    loose = services.client_request_create(actor=personas["client_a"].actor, title="New landing page")
    am = personas["am"].api()
    refused = am.post(f"/api/v1/client-requests/{loose.pk}/convert", {"into": "task"}, content_type="application/json")
    assert refused.status_code == 422 and [e["field"] for e in refused.json()["errors"]] == ["project_id"]
    am.post(f"/api/v1/client-requests/{loose.pk}/triage", {"project_id": project.pk}, content_type="application/json")
    done = am.post(
        f"/api/v1/client-requests/{loose.pk}/convert",
        {"into": "change_order", "amount_delta": "1500.00", "minutes_delta": 600},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    order = ChangeOrder.objects.get(pk=done.json()["change_order_id"])
    assert order.project_id == project.pk and str(order.amount_delta) == "1500.00"
    assert ChangeOrder.objects.filter(project=project).count() == 1
    assert (
        am.post(
            f"/api/v1/client-requests/{loose.pk}/convert", {"into": "change_order"}, content_type="application/json"
        ).status_code
        == 409
    )


def test_decline_needs_a_reason_the_client_reads(personas):
    req = services.client_request_create(actor=personas["client_a"].actor, title="Free redesign")
    am = personas["am"].api()
    empty = am.post(f"/api/v1/client-requests/{req.pk}/decline", {"reason": ""}, content_type="application/json")
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "reason"
    done = am.post(
        f"/api/v1/client-requests/{req.pk}/decline",
        {"reason": "Not in this year's scope"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "declined"
    seen = personas["client_a"].api().get(f"/api/v1/client-requests/{req.pk}").json()
    assert seen["decline_reason"] == "Not in this year's scope"
    assert Event.objects.filter(verb="client_request.declined", target_id=req.pk).count() == 1


def test_an_am_triages_only_its_own_clients_requests(personas):
    req = services.client_request_create(actor=personas["admin"].actor, client_id=personas.client_b.pk, title="B")
    answer = (
        personas["am"]
        .api()
        .post(f"/api/v1/client-requests/{req.pk}/triage", {"priority": "low"}, content_type="application/json")
    )
    assert answer.status_code == 403
    assert personas["finance"].api().get("/api/v1/client-requests").status_code == 403


# --- Deliverables ---------------------------------------------------------------------------------------------------


def test_a_client_approves_a_deliverable_recorded_and_evented(personas):
    project = _project(personas)
    task = delivery.task_create(
        actor=personas["pm"].actor, project=project, title="Homepage design", status="in_review"
    )
    portal = personas["client_a"].api()
    waiting = portal.get("/api/v1/deliverables").json()
    assert [d["task_id"] for d in waiting["results"]] == [task.pk]
    approved = portal.post(
        f"/api/v1/deliverables/{task.pk}/approve", {"comment": "Lovely"}, content_type="application/json"
    )
    assert approved.status_code == 200, approved.content
    record = DeliverableApproval.objects.get(pk=approved.json()["id"])
    assert record.decision == "approved" and record.comment == "Lovely"
    assert record.decided_by_id == personas["client_a"].person.pk and record.decided_at is not None
    task.refresh_from_db()
    assert task.status == "done"
    event = Event.objects.get(verb="deliverable.approved")
    assert event.data["task_id"] == task.pk and event.data["comment"] == "Lovely"
    again = portal.post(f"/api/v1/deliverables/{task.pk}/approve", {}, content_type="application/json")
    assert again.status_code == 409
    assert portal.get("/api/v1/deliverables").json()["count"] == 0


def test_requesting_changes_needs_a_comment_and_sends_the_task_back(personas):
    project = _project(personas)
    task = delivery.task_create(actor=personas["pm"].actor, project=project, title="Logo", status="in_review")
    portal = personas["client_a"].api()
    empty = portal.post(f"/api/v1/deliverables/{task.pk}/request-changes", {}, content_type="application/json")
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "comment"
    done = portal.post(
        f"/api/v1/deliverables/{task.pk}/request-changes",
        {"comment": "Bolder, please"},
        content_type="application/json",
    )
    assert done.status_code == 200
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert Event.objects.filter(verb="deliverable.changes_requested").count() == 1
    assert (
        personas["member"]
        .api()
        .post(f"/api/v1/deliverables/{task.pk}/approve", {}, content_type="application/json")
        .status_code
        == 403
    )


def test_a_client_cannot_decide_another_clients_deliverable(personas):
    project_b = _project(personas, personas.client_b, "B's project")
    task = delivery.task_create(actor=personas["admin"].actor, project=project_b, title="B's work", status="in_review")
    answer = (
        personas["client_a"].api().post(f"/api/v1/deliverables/{task.pk}/approve", {}, content_type="application/json")
    )
    assert answer.status_code == 404
    assert not DeliverableApproval.objects.exists()


# --- Files ----------------------------------------------------------------------------------------------------------


def test_files_isolation_a_client_never_reaches_another_clients_or_internal_files(personas, media):
    project_a, project_b = _project(personas), _project(personas, personas.client_b, "B's project")
    am = personas["am"].actor
    shared = services.shared_file_create(
        actor=am, upload=png_upload("brief.png"), project_id=project_a.pk, shared_with_client=True
    )
    internal = services.shared_file_create(actor=am, upload=png_upload("margin.png"), project_id=project_a.pk)
    other = services.shared_file_create(
        actor=personas["admin"].actor, upload=png_upload("b.png"), project_id=project_b.pk, shared_with_client=True
    )
    assert Event.objects.filter(verb="shared_file.created").count() == 3
    portal = personas["client_a"].api()
    listed = portal.get("/api/v1/shared-files").json()
    assert [f["id"] for f in listed["results"]] == [shared.pk]
    ok = portal.get(f"/api/v1/shared-files/{shared.pk}/download")
    assert ok.status_code == 200 and b"".join(ok.streaming_content)
    assert ok["Content-Disposition"].startswith("attachment")
    assert portal.get(f"/api/v1/shared-files/{internal.pk}/download").status_code == 404
    assert portal.get(f"/api/v1/shared-files/{other.pk}/download").status_code == 404
    browser = web(personas["client_a"])
    assert browser.get(f"/relationships/files/{shared.pk}/download/").status_code == 200
    assert browser.get(f"/relationships/files/{internal.pk}/download/").status_code == 404
    assert browser.get(f"/relationships/files/{other.pk}/download/").status_code == 404
    page = browser.get("/relationships/portal/files/").content.decode()
    assert "brief.png" in page and "margin.png" not in page and "b.png" not in page
    # staff see both of client A's files
    staff = personas["pm"].api().get(f"/api/v1/shared-files?project_id={project_a.pk}").json()
    assert {f["id"] for f in staff["results"]} == {shared.pk, internal.pk}


def test_a_client_upload_is_shared_and_the_type_and_size_are_checked(personas, media):
    project = _project(personas)
    portal = personas["client_a"].api()
    up = portal.post("/api/v1/shared-files", {"project_id": project.pk, "file": png_upload("mine.png")})
    assert up.status_code == 201, up.content
    assert up.json()["shared_with_client"] is True
    fake = SimpleUploadedFile("evil.png", b"MZ\x90\x00 not a png at all", content_type="image/png")
    bad = portal.post("/api/v1/shared-files", {"project_id": project.pk, "file": fake})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "file"
    with override_settings(ATTACHMENT_MAX_BYTES=10):
        big = portal.post("/api/v1/shared-files", {"project_id": project.pk, "file": png_upload("big.png")})
    assert big.status_code == 422
    assert SharedFile.objects.count() == 1


# --- Demo -----------------------------------------------------------------------------------------------------------


def test_demo_portal_requests_and_decisions(personas):
    project = _project(personas)
    delivery.project_change_status(actor=Actor.system(personas.workspace), project=project, status="active")
    extend_demo(personas.workspace, Actor.system(personas.workspace), random.Random(1), [personas.client_a])
    assert sorted(ClientRequest.objects.values_list("status", flat=True)) == [
        "converted",
        "declined",
        "new",
        "triaged",
    ]
    assert DeliverableApproval.objects.filter(decision="approved").count() == 1
    assert Task.objects.filter(project=project, status="in_review").count() == 1


# --- Staff pages ----------------------------------------------------------------------------------------------------


def test_the_inbox_shows_the_ams_clients_first_and_downloads(personas):
    admin = personas["admin"].actor
    b = services.client_request_create(actor=admin, client_id=personas.client_b.pk, title="From client B")
    a = services.client_request_create(actor=personas["client_a"].actor, title="From client A")
    browser = web(personas["am"])
    page = browser.get("/relationships/requests/").content.decode()
    assert page.index("From client A") < page.index("From client B")
    csv = browser.get("/relationships/requests/?format=csv")
    assert csv.status_code == 200 and b"From client B" in csv.content
    assert browser.get(f"/relationships/requests/{a.pk}/").status_code == 200
    answer = browser.post(f"/relationships/requests/{a.pk}/decline/", {"reason": "Covered by the FAQ"})
    assert answer.status_code == 302
    a.refresh_from_db()
    assert a.status == "declined"
    b.refresh_from_db()
    assert b.status == "new"
    assert web(personas["client_a"]).get(f"/relationships/requests/{b.pk}/").status_code == 404
    assert web(personas["member"]).get("/relationships/requests/").status_code == 403


def test_client_view_keeps_internal_files_and_triage_notes_out_of_the_portal(personas, media):
    audience = client_view.audience_for(personas.client_a)
    assert not audience.may_see(client_view.INTERNAL_FILE)
    assert all(
        audience.may_see(k) for k in (client_view.SHARED_FILE, client_view.CLIENT_REQUEST, client_view.DELIVERABLE)
    )
    req = services.client_request_create(actor=personas["client_a"].actor, title="Password reset")
    services.client_request_triage(actor=personas["am"].actor, request=req, notes="kestrel: they forgot it again")
    page = web(personas["client_a"]).get("/relationships/portal/requests/").content.decode()
    assert "Password reset" in page and "Triaged" in page and "kestrel" not in page
