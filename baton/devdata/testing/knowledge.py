"""Knowledge records for permission tests (the access matrix): one of each kind, in a given workspace."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from baton.core.access import Actor
from baton.crm.models import Client, Contact
from baton.delivery.models import Project, Task
from baton.knowledge import services
from baton.people.models import Person

TINY_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


def png_upload(name: str = "matrix.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, TINY_PNG, content_type="image/png")


def make_knowledge_records(
    *, actor: Actor, client: Client, contact: Contact, project: Project, task: Task, author: Person
) -> dict[str, int]:
    """A decision of `client`; an approved project brief with a v2 draft on top; `task` started from v1; a comment
    and an attachment by `author` on the decision. Returns their ids by path-parameter name. The caller rebuilds
    the search index when it needs one (records made inside a test transaction are not indexed on commit)."""
    decision = services.decision_create(
        actor=actor,
        client=client,
        title="Matrix decision",
        decision="Decided for the matrix.",
        decided_by=author.pk,
        decided_by_contact_id=contact.pk,
        project_id=project.pk,
    )
    brief = services.brief_create(
        actor=actor,
        project_id=project.pk,
        title="Matrix brief",
        objective="Objective",
        audience="Audience",
        deliverables="Deliverables",
        success_measures="Measures",
    )
    brief = services.brief_approve(actor=actor, brief=brief)
    services.task_brief_link_record(actor=actor, task=task)
    brief = services.brief_update(actor=actor, brief=brief, version=brief.version, references="Draft v2")
    author_actor = Actor.for_membership(author.membership)
    comment = services.comment_create(
        actor=author_actor, target_type="decision", target_id=decision.pk, body="Matrix comment"
    )
    attachment = services.attachment_create(
        actor=author_actor, target_type="decision", target_id=decision.pk, upload=png_upload()
    )
    return {
        "decision_id": decision.pk,
        "brief_id": brief.pk,
        "comment_id": comment.pk,
        "attachment_id": attachment.pk,
    }
