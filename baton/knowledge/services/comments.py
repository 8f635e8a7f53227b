"""Writes for comments (with @mentions) and attachments (checked by content, size-limited)."""

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.http import Http404

from baton.core import access, events
from baton.core.access import Actor
from baton.core.services import validate
from baton.delivery.models import Task
from baton.knowledge import files
from baton.knowledge.models import (
    Attachment,
    Brief,
    Comment,
    SearchEntry,
)
from baton.knowledge.selectors import target_get
from baton.people.models import Person

# --- Comments and mentions ------------------------------------------------------------------------------------

_MENTION_AT = re.compile(r"(?<![\w@.])@")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def parse_mentions(body: str, people: Iterable[tuple[int, str, str]]) -> list[int]:
    """Ids of the people mentioned as `@First Last` (their full name, any case) or `@email`, in order of first
    mention. `people` is (id, name, email). The longest matching name wins (`@Ann Lee` over `@Ann`)."""
    by_email = {email.lower(): pid for pid, _, email in people if email}
    names = sorted(((name.lower(), pid) for pid, name, _ in people if name.strip()), key=lambda n: -len(n[0]))
    lowered = body.lower()
    found: list[int] = []
    for at in _MENTION_AT.finditer(body):
        start = at.end()
        pid: int | None = None
        email = _EMAIL.match(body, start)
        if email is not None:
            pid = by_email.get(email.group(0).lower())
        if pid is None:
            for name, candidate in names:
                end = start + len(name)
                if lowered.startswith(name, start) and (end == len(body) or not body[end].isalnum()):
                    pid = candidate
                    break
        if pid is not None and pid not in found:
            found.append(pid)
    return found


def _target_or_error(actor: Actor, target_type: str, target_id: int, allowed_types: Iterable[str]) -> Any:
    if target_type not in allowed_types:
        raise ValidationError({"target_type": f"Use one of: {', '.join(allowed_types)}."})
    try:
        return target_get(actor=actor, target_type=target_type, target_id=target_id)
    except Http404 as exc:
        raise ValidationError({"target_id": f"No such {target_type} in this workspace."}) from exc


@transaction.atomic
def comment_create(*, actor: Actor, target_type: str, target_id: int, body: str, internal: bool = False) -> Comment:
    """A comment on a task, brief or decision the actor can see. Mentions are resolved to people and listed in the
    `comment.created` event (notifications build on it). A client-role user's comments are never internal."""
    target = _target_or_error(actor, target_type, target_id, ("task", "brief", "decision"))
    if actor.person_id is None:
        raise ValidationError({"body": "Only a person of the workspace can comment."})
    comment = Comment(
        workspace=actor.workspace,
        target_type=target.type,
        target_id=target.id,
        client_id=target.client_id,
        project_id=target.project_id,
        author_id=actor.person_id,
        body=(body or "").strip(),
        internal=bool(internal) and not actor.is_client,
    )
    access.require(actor, "comment", "create", comment)
    errors: dict[str, str] = {}
    if len(comment.body) > 10000:
        errors["body"] = "Keep a comment under 10,000 characters."
    validate(comment, errors)
    people = Person.objects.filter(workspace=actor.workspace, active=True).values_list("id", "name", "email")
    mentioned = parse_mentions(comment.body, list(people))
    comment.save()
    if mentioned:
        comment.mentions.set(mentioned)
    events.emit(
        actor,
        "comment.created",
        comment,
        data={
            "target_type": target.type,
            "target_id": target.id,
            "target_label": target.label,
            "mentioned_ids": mentioned,
            "internal": comment.internal,
            "excerpt": str(comment),
        },
    )
    return comment


@transaction.atomic
def comment_delete(*, actor: Actor, comment: Comment) -> None:
    """Remove a comment: its author, or an owner or admin."""
    access.require(actor, "comment", "delete", comment)
    events.emit(
        actor,
        "comment.deleted",
        comment,
        data={"target_type": comment.target_type, "target_id": comment.target_id, "excerpt": str(comment)},
    )
    comment.delete()


# --- Attachments ----------------------------------------------------------------------------------------------


def attachment_max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


@transaction.atomic
def attachment_create(*, actor: Actor, target_type: str, target_id: int, upload: UploadedFile) -> Attachment:
    """Store a file on a client, task, brief or decision. Refused (422 naming `file`) when it is empty, larger than
    `ATTACHMENT_MAX_BYTES`, or its content is not an allowed type or contradicts its declared type or name."""
    target = _target_or_error(actor, target_type, target_id, ("client", "task", "brief", "decision"))
    if actor.person_id is None:
        raise ValidationError({"file": "Only a person of the workspace can upload files."})
    attachment = Attachment(
        workspace=actor.workspace,
        target_type=target.type,
        target_id=target.id,
        client_id=target.client_id,
        project_id=target.project_id,
        uploaded_by_id=actor.person_id,
    )
    if target.type == "client":
        access.require(actor, "knowledge", "update", target.obj)
    access.require(actor, "attachment", "create", attachment)
    limit = attachment_max_bytes()
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    if size > limit:
        raise ValidationError({"file": f"The file is {_megabytes(size)}; the limit is {_megabytes(limit)}."})
    name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:255] or "file"
    if upload.file is None:
        raise ValidationError({"file": "Send a file."})
    sniffed = files.check(upload.file, name, upload.content_type)
    if sniffed.content_type is None:
        raise ValidationError({"file": sniffed.problem})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment.name = name
    attachment.content_type = sniffed.content_type
    attachment.size = size
    attachment.sha256 = digest.hexdigest()
    attachment.file.save(name, upload, save=False)
    stored = attachment.file.name
    try:
        validate(attachment)
        attachment.save()
        events.emit(
            actor,
            "attachment.created",
            attachment,
            data={
                "target_type": target.type,
                "target_id": target.id,
                "name": name,
                "content_type": attachment.content_type,
                "size": size,
            },
        )
    except Exception:
        default_storage.delete(stored)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor: Actor, attachment: Attachment) -> None:
    """Remove an attachment (its uploader, or an owner or admin); the file goes once the change is committed."""
    access.require(actor, "attachment", "delete", attachment)
    stored = attachment.file.name
    events.emit(
        actor,
        "attachment.deleted",
        attachment,
        data={"target_type": attachment.target_type, "target_id": attachment.target_id, "name": attachment.name},
    )
    attachment.delete()
    transaction.on_commit(lambda: default_storage.delete(stored))


@transaction.atomic
def discussion_orphans_remove(*, workspace_id: int) -> int:
    """Remove the comments and attachments of tasks and briefs that no longer exist (a deleted task takes its own
    brief with it), with their search entries and files. A cascade, like the database's: no events of its own.
    Returns how many records went."""
    tasks = Task.objects.filter(workspace_id=workspace_id).values("pk")
    briefs = Brief.objects.filter(workspace_id=workspace_id).values("pk")
    gone = Q(target_type="task") & ~Q(target_id__in=tasks) | Q(target_type="brief") & ~Q(target_id__in=briefs)
    comment_ids = list(Comment.objects.filter(gone, workspace_id=workspace_id).values_list("pk", flat=True))
    attachments = list(Attachment.objects.filter(gone, workspace_id=workspace_id))
    SearchEntry.objects.filter(kind="comment", object_id__in=comment_ids).delete()
    Comment.objects.filter(pk__in=comment_ids).delete()
    stored = [a.file.name for a in attachments]
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    SearchEntry.objects.filter(kind="brief", workspace_id=workspace_id).exclude(object_id__in=briefs).delete()
    if stored:

        def delete_files() -> None:
            for name in stored:
                default_storage.delete(name)

        transaction.on_commit(delete_files)
    return len(comment_ids) + len(attachments)
