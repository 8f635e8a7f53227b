"""The web pages: the client knowledge page (and its query ceiling), decisions, briefs, comments and files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as WebClient

from baton.crm.services import contact_create
from baton.delivery import services as delivery
from baton.knowledge import services
from baton.knowledge.models import Attachment, Brief, Comment, Decision, Stakeholder
from baton.relationships.services import goal_create


def _web(persona) -> WebClient:
    client = WebClient()
    client.force_login(persona.person.membership.user)
    return client


def _fill(personas, work, decisions: int, contacts: int) -> None:
    am = personas["am"].actor
    services.knowledge_update(
        actor=am,
        client=personas.client_a,
        preferences="Email summaries the same day.",
        sensitivities="Never mention the competitor.",
    )
    goal_create(actor=am, client=personas.client_a, title="Grow leads", metric="MQLs", target="120")
    for i in range(contacts):
        contact = contact_create(actor=am, client=personas.client_a, name=f"Contact {i}", role="CMO")
        services.stakeholder_update(actor=am, contact=contact, influence="high", attitude="skeptic", notes="Numbers")
    for i in range(decisions):
        services.decision_create(
            actor=am,
            client=personas.client_a,
            title=f"Decision {i}",
            decision="Do it.",
            alternatives_rejected=["Not do it"],
            decided_by=personas["am"].person.id,
            decided_by_contact_id=personas.contact_a.id,
            project_id=work.project_a.id,
        )
        task = delivery.task_create(actor=personas["owner"].actor, project=work.project_a, title=f"Task {i}")
        services.brief_create(actor=am, project_id=work.project_a.id, task_id=task.id, objective="Why")
    if not Brief.objects.filter(project=work.project_a, task__isnull=True).exists():
        services.brief_create(actor=am, project_id=work.project_a.id, title="Brief 0")
    png = SimpleUploadedFile("brand.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, content_type="image/png")
    services.attachment_create(actor=am, target_type="client", target_id=personas.client_a.id, upload=png)


def test_the_knowledge_page_shows_what_a_new_am_needs(personas, work):
    _fill(personas, work, decisions=2, contacts=2)
    page = _web(personas["am"]).get(f"/clients/{personas.client_a.id}/knowledge/")
    assert page.status_code == 200
    text = page.content.decode()
    for expected in (
        "Email summaries the same day.",
        "Never mention the competitor.",
        "MQLs",
        "Contact 1",
        "Skeptic",
        "Decision 1",
        "Not do it",
        "Brief 0",
        "brand.png",
        "decision.created",
    ):
        assert expected in text, expected
    assert 'href="/decisions/new/?client=' in text and "knowledge/edit/" in text
    # Linked from the client page.
    detail = _web(personas["member"]).get(f"/clients/{personas.client_a.id}/")
    assert f'href="/clients/{personas.client_a.id}/knowledge/"' in detail.content.decode()


def test_the_knowledge_page_query_count_does_not_grow(personas, work, django_assert_num_queries):
    _fill(personas, work, decisions=1, contacts=1)
    web = _web(personas["owner"])
    url = f"/clients/{personas.client_a.id}/knowledge/"
    web.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert web.get(url).status_code == 200
    _fill(personas, work, decisions=8, contacts=6)
    with CaptureQueriesContext(connection) as large:
        assert web.get(url).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
    assert len(small) <= 22


def test_who_may_open_the_knowledge_page(personas, work):
    url = f"/clients/{personas.client_a.id}/knowledge/"
    assert _web(personas["client_a"]).get(url).status_code == 403
    assert _web(personas["client_a"]).get(f"/clients/{personas.client_b.id}/knowledge/").status_code == 404
    assert _web(personas["finance"]).get(url).status_code == 200
    assert _web(personas["pm"]).get(f"/clients/{personas.client_a.id}/knowledge/edit/").status_code == 403
    assert _web(personas["am"]).get(f"/clients/{personas.client_b.id}/knowledge/edit/").status_code == 403
    assert _web(personas["outsider"]).get(url).status_code == 404


def test_edit_the_record_and_a_stakeholder_through_the_forms(personas):
    web = _web(personas["am"])
    base = f"/clients/{personas.client_a.id}"
    ok = web.post(f"{base}/knowledge/edit/", {"preferences": "Calls on Mondays", "version": 0})
    assert ok.status_code == 302
    record = personas.client_a.knowledge
    assert record.preferences == "Calls on Mondays"
    form = web.get(f"{base}/knowledge/edit/").content.decode()
    assert 'name="goals"' not in form  # goals are kept with their KPI on the account page (/client-goals)
    saved = web.post(
        f"{base}/stakeholders/{personas.contact_a.id}/edit/", {"influence": "high", "attitude": "champion"}
    )
    assert saved.status_code == 302
    assert Stakeholder.objects.get(pk=personas.contact_a.id).attitude == "champion"


def test_record_a_decision_with_an_inline_error_then_fixed(personas, work):
    web = _web(personas["am"])
    url = f"/decisions/new/?client={personas.client_a.id}"
    form = {
        "title": "Go with illustration",
        "decision": "Commission illustrations.",
        "decided_by": personas["am"].person.id,
        "decided_on": "2026-03-01",
        "project_id": work.project_b.id,  # client B's project: not offered, refused
    }
    bad = web.post(url, form, headers={"HX-Request": "true"})
    assert bad.status_code == 200 and "id_project_id_error" in bad.content.decode()
    assert not Decision.objects.exists()
    ok = web.post(url, form | {"project_id": work.project_a.id, "alternatives_rejected": "Photos\n\nStock"})
    assert ok.status_code == 302
    decision = Decision.objects.get()
    assert decision.alternatives_rejected == ["Photos", "Stock"]
    page = web.get(f"/decisions/{decision.id}/").content.decode()
    assert "Commission illustrations." in page and "Stock" in page


def test_brief_pages_edit_approve_and_versions(personas, work):
    web = _web(personas["pm"])
    created = web.post(
        f"/briefs/new/?project={work.project_a.id}", {"project_id": work.project_a.id, "objective": "Win"}
    )
    assert created.status_code == 302
    brief = Brief.objects.get()
    refused = web.post(f"/briefs/{brief.id}/approve/", follow=True)
    assert "Not approved: fill in audience, deliverables, success measures first." in refused.content.decode()
    web.post(
        f"/briefs/{brief.id}/edit/",
        {
            "objective": "Win",
            "audience": "Ops",
            "deliverables": "Pages",
            "success_measures": "Demos",
            "version": brief.version,
        },
    )
    approved = web.post(f"/briefs/{brief.id}/approve/", follow=True).content.decode()
    assert "Version 1 of" in approved and "is approved" in approved
    brief.refresh_from_db()
    edit_page = web.get(f"/briefs/{brief.id}/edit/").content.decode()
    assert "saving opens version 2" in edit_page
    web.post(
        f"/briefs/{brief.id}/edit/",
        {
            "objective": "Win more",
            "audience": "Ops",
            "deliverables": "Pages",
            "success_measures": "Demos",
            "version": brief.version,
        },
    )
    page = web.get(f"/briefs/{brief.id}/").content.decode()
    assert "Work still starts from the approved version 1" in page and "Approve v2" in page
    # The client's portal user reads v1 and cannot approve.
    portal = _web(personas["client_a"]).get(f"/briefs/{brief.id}/").content.decode()
    assert "Win more" not in portal
    assert "Approve v" not in portal and "Edit" not in portal


def test_comment_with_htmx_and_upload_a_file(personas, work):
    web = _web(personas["member"])
    decision = services.decision_create(
        actor=personas["am"].actor,
        client=personas.client_a,
        title="T",
        decision="D",
        decided_by=personas["am"].person.id,
    )
    partial = web.post(
        "/comments/new/",
        {"target_type": "decision", "target_id": decision.id, "body": "@Pm Persona please look", "next": "/x/"},
        headers={"HX-Request": "true"},
    )
    assert partial.status_code == 200
    text = partial.content.decode()
    assert 'id="discussion"' in text and "@Pm Persona" in text and "<html" not in text
    assert list(Comment.objects.get().mentions.values_list("id", flat=True)) == [personas["pm"].person.id]
    empty = web.post(
        "/comments/new/",
        {"target_type": "decision", "target_id": decision.id, "body": ""},
        headers={"HX-Request": "true"},
    )
    assert "id_body_error" in empty.content.decode() and Comment.objects.count() == 1

    upload = SimpleUploadedFile("notes.txt", b"Plain notes", content_type="text/plain")
    response = web.post(
        "/attachments/new/",
        {"target_type": "decision", "target_id": decision.id, "file": upload, "next": f"/decisions/{decision.id}/"},
    )
    assert response.status_code == 302 and response["Location"] == f"/decisions/{decision.id}/"
    attachment = Attachment.objects.get()
    download = _web(personas["client_a"]).get(f"/attachments/{attachment.id}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"Plain notes"
    fake = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00", content_type="application/pdf")
    refused = web.post(
        "/attachments/new/", {"target_type": "decision", "target_id": decision.id, "file": fake}, follow=True
    )
    assert "not accepted" in refused.content.decode()
    assert Attachment.objects.count() == 1


@pytest.mark.parametrize("url", ["/search/", "/search/?q=anything"])
def test_search_box_everywhere(personas, url):
    page = _web(personas["client_a"]).get(url)
    assert page.status_code == 200
    assert 'role="search"' in page.content.decode()


def test_the_task_page_carries_its_discussion(personas, work):
    task = delivery.task_create(actor=personas["owner"].actor, project=work.project_a, title="Homepage hero")
    services.comment_create(actor=personas["am"].actor, target_type="task", target_id=task.id, body="Client loves v2")
    page = _web(personas["pm"]).get(f"/projects/tasks/{task.id}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="discussion"' in text and "Client loves v2" in text
    assert f'name="target_id" value="{task.id}"' in text


def test_the_knowledge_page_shows_the_client_goals_of_the_account_page_and_api(personas):
    """The knowledge page kept goals of its own, unlike the account page and /client-goals: now one list."""
    am = personas["am"]
    services.knowledge_update(actor=am.actor, client=personas.client_a, preferences="Short emails.")
    goal_create(
        actor=am.actor, client=personas.client_a, title="Grow leads", metric="MQLs", target="120", unit="a month"
    )
    goal_create(
        actor=am.actor, client=personas.client_a, title="Cut churn", metric="Churn rate", target="3.5", unit="%"
    )
    listed = am.api().get(f"/api/v1/client-goals?client_id={personas.client_a.id}").json()["results"]
    page = _web(am).get(f"/clients/{personas.client_a.id}/knowledge/").content.decode()
    account = _web(am).get(f"/relationships/accounts/{personas.client_a.id}/").content.decode()
    goals_card = page[page.index('id="goals"') :]
    goals_card = goals_card[: goals_card.index("</section>")]
    for goal in listed:
        row = f"<tr><td>{goal['title']}</td><td>{goal['metric']}</td>"
        assert row in goals_card, row
        assert goal["title"] in account
    assert goals_card.count("<tr><td>") == len(listed) == 2
    assert "120 a month" in goals_card and "3.5 %" in goals_card
