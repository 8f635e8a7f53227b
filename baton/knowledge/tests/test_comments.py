"""Comments with @mentions, and attachments checked by size and by their bytes."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from baton.core.models import Event
from baton.knowledge.models import Attachment, Comment
from baton.knowledge.services import parse_mentions

from .helpers import fields, post

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def _decision(personas, client=None):
    body = {
        "client_id": (client or personas.client_a).id,
        "title": "Two-wave launch",
        "decision": "Launch to 20% first.",
        "decided_by": personas["am"].person.id,
    }
    author = "am" if client is None else "admin"  # an AM writes decisions of its portfolio's clients only
    response = post(personas[author].api(), "/api/v1/decisions", body)
    assert response.status_code == 201, response.content
    return response.json()


# --- Mentions -------------------------------------------------------------------------------------------------

PEOPLE = [(1, "Ann Lee", "ann@x.test"), (2, "Ann", "ann2@x.test"), (3, "Bo Diaz-Smith", "bo@x.test")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("@Ann Lee please check", [1]),
        ("@ann lee and @Ann", [1, 2]),
        ("cc @bo@x.test.", [3]),
        ("@Bo Diaz-Smith, thoughts?", [3]),
        ("mail ann@x.test or @Annabel", []),
        ("@Ann Leeway", [2]),
        ("(@Ann Lee)", [1]),
        ("@Ann Lee @Ann Lee", [1]),
        ("@nobody@x.test", []),
    ],
)
def test_mention_parsing(body, expected):
    assert parse_mentions(body, PEOPLE) == expected


def test_a_comment_with_mentions(personas):
    decision = _decision(personas)
    body = f"@Pm Persona can you check? Also @{personas['member'].email} and @Nobody Here."
    response = post(
        personas["am"].api(),
        "/api/v1/comments",
        {"target_type": "decision", "target_id": decision["id"], "body": body},
    )
    assert response.status_code == 201, response.content
    out = response.json()
    expected = sorted([personas["pm"].person.id, personas["member"].person.id])
    assert out["mentioned_ids"] == expected and out["author_id"] == personas["am"].person.id
    event = Event.objects.get(verb="comment.created")
    assert sorted(event.data["mentioned_ids"]) == expected
    assert event.data["target_type"] == "decision" and event.client_id == personas.client_a.id
    mentioning = personas["pm"].api().get(f"/api/v1/comments?mentioned_id={personas['pm'].person.id}").json()
    assert [c["id"] for c in mentioning["results"]] == [out["id"]]


def test_comment_targets_must_exist_and_be_visible(personas, work):
    decision_b = _decision(personas, personas.client_b)
    portal = personas["client_a"].api()
    hidden = post(portal, "/api/v1/comments", {"target_type": "decision", "target_id": decision_b["id"], "body": "Hi"})
    assert hidden.status_code == 422 and fields(hidden) == ["target_id"]
    foreign = post(
        personas["am"].api(), "/api/v1/comments", {"target_type": "task", "target_id": work.other_task.id, "body": "x"}
    )
    assert foreign.status_code == 422 and fields(foreign) == ["target_id"]
    bad_type = post(personas["am"].api(), "/api/v1/comments", {"target_type": "client", "target_id": 1, "body": "x"})
    assert bad_type.status_code == 422 and fields(bad_type) == ["target_type"]
    empty = post(
        personas["am"].api(), "/api/v1/comments", {"target_type": "task", "target_id": work.task_a.id, "body": ""}
    )
    assert empty.status_code == 422 and fields(empty) == ["body"]
    assert not Comment.objects.exists()
    assert portal.get(f"/api/v1/comments?target_type=decision&target_id={decision_b['id']}").status_code == 404


def test_a_client_comments_and_never_sees_internal_comments(personas, work):
    decision = _decision(personas)
    am = personas["am"].api()
    portal = personas["client_a"].api()
    target = {"target_type": "decision", "target_id": decision["id"]}
    post(am, "/api/v1/comments", target | {"body": "Internal: they will push back.", "internal": True})
    public = post(am, "/api/v1/comments", target | {"body": "Shared with the client."}).json()
    mine = post(portal, "/api/v1/comments", target | {"body": "Looks good", "internal": True})
    assert mine.status_code == 201, mine.content
    assert mine.json()["internal"] is False
    seen = portal.get(f"/api/v1/comments?target_type=decision&target_id={decision['id']}").json()
    assert [c["id"] for c in seen["results"]] == [public["id"], mine.json()["id"]]
    assert len(am.get(f"/api/v1/comments?target_type=decision&target_id={decision['id']}").json()["results"]) == 3
    # Tasks of their own client's projects are visible to the client; others are not.
    assert (
        post(portal, "/api/v1/comments", {"target_type": "task", "target_id": work.task_a.id, "body": "Q"}).status_code
        == 201
    )
    assert (
        post(portal, "/api/v1/comments", {"target_type": "task", "target_id": work.task_b.id, "body": "Q"}).status_code
        == 422
    )


def test_who_may_remove_a_comment(personas, work):
    target = {"target_type": "task", "target_id": work.task_a.id}
    comment = post(personas["member"].api(), "/api/v1/comments", target | {"body": "On it"}).json()
    url = f"/api/v1/comments/{comment['id']}"
    assert personas["pm"].api().delete(url).status_code == 403
    assert personas["member"].api().delete(url).status_code == 204
    assert Event.objects.filter(verb="comment.deleted", target_id=comment["id"]).exists()
    again = post(personas["member"].api(), "/api/v1/comments", target | {"body": "On it"}).json()
    assert personas["admin"].api().delete(f"/api/v1/comments/{again['id']}").status_code == 204
    assert not Comment.objects.exists()


# --- Attachments ----------------------------------------------------------------------------------------------


def _upload(api, target_type, target_id, name, content, content_type):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return api.post("/api/v1/attachments", {"target_type": target_type, "target_id": target_id, "file": upload})


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_upload_and_download(personas, work, settings):
    decision = _decision(personas)
    response = _upload(personas["member"].api(), "decision", decision["id"], "moodboard.png", PNG, "image/png")
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["content_type"] == "image/png" and out["size"] == len(PNG) and out["name"] == "moodboard.png"
    assert Event.objects.get(verb="attachment.created").data["target_id"] == decision["id"]

    download = personas["client_a"].api().get(out["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment;")
    decision_b = _decision(personas, personas.client_b)
    other = _upload(personas["admin"].api(), "decision", decision_b["id"], "brief.pdf", PDF, "application/pdf").json()
    assert personas["client_a"].api().get(other["download_url"]).status_code == 404
    assert personas["outsider"].api().get(out["download_url"]).status_code == 404

    docx = _upload(personas["am"].api(), "task", work.task_a.id, "brief.docx", _docx(), "application/octet-stream")
    assert docx.status_code == 201, docx.content
    assert docx.json()["content_type"].endswith("wordprocessingml.document")
    csv = _upload(
        personas["am"].api(), "client", personas.client_a.id, "leads.csv", b"name,email\nA,a@b.c\n", "text/csv"
    )
    assert csv.status_code == 201, csv.content
    assert csv.json()["content_type"] == "text/csv"
    # Client-level documents are internal, like the knowledge record.
    assert personas["client_a"].api().get(csv.json()["download_url"]).status_code == 404
    assert (
        _upload(personas["pm"].api(), "client", personas.client_a.id, "x.txt", b"hello", "text/plain").status_code
        == 403
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("invoice.pdf", PNG, "application/pdf"),  # the bytes are a PNG
        ("tool.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "application/pdf"),  # a Windows executable
        ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
        ("notes.txt", b"<html>hi</html>", "text/html"),  # declared HTML
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 60, "application/zip"),  # not an Office document
        ("picture.png", PDF, "application/octet-stream"),  # a PDF named .png
        ("empty.txt", b"", "text/plain"),
        ("binary.txt", bytes(range(256)), "text/plain"),
    ],
)
def test_files_are_checked_by_their_bytes(personas, name, content, content_type, tmp_path):
    decision = _decision(personas)
    response = _upload(personas["am"].api(), "decision", decision["id"], name, content, content_type)
    assert response.status_code == 422, response.content
    assert fields(response) == ["file"]
    assert not Attachment.objects.exists()
    assert not Event.objects.filter(verb="attachment.created").exists()


def test_size_limit(personas, settings, tmp_path):
    settings.ATTACHMENT_MAX_BYTES = 1024
    decision = _decision(personas)
    big = _upload(personas["am"].api(), "decision", decision["id"], "big.pdf", PDF + b"0" * 2000, "application/pdf")
    assert big.status_code == 422 and fields(big) == ["file"]
    assert "limit is 1 KB" in big.json()["errors"][0]["message"]
    assert not Attachment.objects.exists()
    stored = list((tmp_path / "media").rglob("*")) if (tmp_path / "media").exists() else []
    assert [p for p in stored if p.is_file()] == []
    assert (
        _upload(personas["am"].api(), "decision", decision["id"], "small.pdf", PDF, "application/pdf").status_code
        == 201
    )


def test_missing_multipart_fields_are_named(personas):
    response = personas["am"].api().post("/api/v1/attachments", {"target_type": "decision"})
    assert response.status_code == 422
    assert set(fields(response)) >= {"file", "target_id"}


def test_removing_an_attachment_removes_its_file(personas, django_capture_on_commit_callbacks, tmp_path):
    decision = _decision(personas)
    out = _upload(personas["member"].api(), "decision", decision["id"], "a.pdf", PDF, "application/pdf").json()
    stored = Attachment.objects.get(pk=out["id"]).file.path
    assert personas["pm"].api().delete(f"/api/v1/attachments/{out['id']}").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert personas["member"].api().delete(f"/api/v1/attachments/{out['id']}").status_code == 204
    import os

    assert not os.path.exists(stored)
    assert Event.objects.filter(verb="attachment.deleted").exists()


def test_a_deleted_task_leaves_no_discussion_behind(personas, work, django_capture_on_commit_callbacks):
    from baton.delivery import services as delivery
    from baton.knowledge.models import Brief

    am = personas["am"].api()
    brief = post(am, "/api/v1/briefs", {"project_id": work.project_a.id, "task_id": work.task_a.id}).json()
    post(am, "/api/v1/comments", {"target_type": "task", "target_id": work.task_a.id, "body": "On the task"})
    post(am, "/api/v1/comments", {"target_type": "brief", "target_id": brief["id"], "body": "On its brief"})
    kept = post(am, "/api/v1/comments", {"target_type": "task", "target_id": work.task_a2.id, "body": "Elsewhere"})
    _upload(am, "task", work.task_a.id, "a.pdf", PDF, "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        delivery.task_delete(actor=personas["owner"].actor, task=work.task_a)
    assert not Brief.objects.filter(pk=brief["id"]).exists()
    assert list(Comment.objects.values_list("id", flat=True)) == [kept.json()["id"]]
    assert not Attachment.objects.exists()
