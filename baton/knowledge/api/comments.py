"""`/api/v1/comments` and `/api/v1/attachments`."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from baton.core.api_support import ERRORS, ListParams, Page, actor_of, paginate
from baton.core.schemas import InputSchema
from baton.knowledge import selectors, services
from baton.knowledge.files import ALLOWED_TYPES
from baton.knowledge.models import (
    Attachment,
)

router = Router(tags=["comments"])

InfluenceName = Literal["low", "medium", "high"]
AttitudeName = Literal["champion", "supporter", "neutral", "skeptic", "blocker"]
CommentTargetName = Literal["task", "brief", "decision"]
AttachmentTargetName = Literal["client", "task", "brief", "decision"]


class CommentIn(InputSchema):
    target_type: CommentTargetName
    target_id: int
    body: str = Field(..., min_length=1, max_length=10000, description="Mention people as @First Last or @email.")
    internal: bool = Field(False, description="Hidden from the client's portal users.")


class CommentOut(Schema):
    id: int
    target_type: str
    target_id: int
    client_id: int
    author_id: int
    author_name: str
    body: str
    internal: bool
    mentioned_ids: list[int]
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_author_name(obj: Any) -> str:
        return obj.author.name  # type: ignore[no-any-return]

    @staticmethod
    def resolve_mentioned_ids(obj: Any) -> list[int]:
        return sorted(p.pk for p in obj.mentions.all())


class CommentFilters(ListParams):
    target_type: CommentTargetName | None = None
    target_id: int | None = None
    mentioned_id: int | None = Field(None, description="Comments that mention this person.")
    author_id: int | None = None


@router.get("/comments", response={200: Page[CommentOut], **ERRORS}, tags=["comments"])
def list_comments(request: HttpRequest, filters: Query[CommentFilters]) -> Any:
    qs = selectors.comment_list(
        actor=actor_of(request),
        target_type=filters.target_type,
        target_id=filters.target_id,
        mentioned_id=filters.mentioned_id,
        author_id=filters.author_id,
    )
    return paginate(qs, filters)


@router.post("/comments", response={201: CommentOut, **ERRORS}, tags=["comments"])
def create_comment(request: HttpRequest, payload: CommentIn) -> Any:
    actor = actor_of(request)
    comment = services.comment_create(actor=actor, **payload.model_dump())
    return Status(201, selectors.comment_get(actor=actor, comment_id=comment.pk))


@router.get("/comments/{comment_id}", response={200: CommentOut, **ERRORS}, tags=["comments"])
def get_comment(request: HttpRequest, comment_id: int) -> Any:
    return selectors.comment_get(actor=actor_of(request), comment_id=comment_id)


@router.delete("/comments/{comment_id}", response={204: None, **ERRORS}, tags=["comments"])
def delete_comment(request: HttpRequest, comment_id: int) -> Any:
    actor = actor_of(request)
    services.comment_delete(actor=actor, comment=selectors.comment_get(actor=actor, comment_id=comment_id))
    return Status(204, None)


# --- Attachments ----------------------------------------------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    target_type: str
    target_id: int
    client_id: int
    name: str
    content_type: str = Field(description="Detected from the file's content.")
    size: int = Field(description="Bytes.")
    sha256: str
    uploaded_by_id: int
    uploaded_by_name: str
    download_url: str
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_uploaded_by_name(obj: Any) -> str:
        return obj.uploaded_by.name  # type: ignore[no-any-return]

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        return reverse("api-v1:download_attachment", args=[obj.pk])


class AttachmentFilters(ListParams):
    target_type: AttachmentTargetName | None = None
    target_id: int | None = None


@router.get("/attachments", response={200: Page[AttachmentOut], **ERRORS}, tags=["attachments"])
def list_attachments(request: HttpRequest, filters: Query[AttachmentFilters]) -> Any:
    qs = selectors.attachment_list(
        actor=actor_of(request), target_type=filters.target_type, target_id=filters.target_id
    )
    return paginate(qs, filters)


@router.post("/attachments", response={201: AttachmentOut, **ERRORS}, tags=["attachments"])
def create_attachment(
    request: HttpRequest,
    target_type: Form[AttachmentTargetName],
    target_id: Form[int],
    file: File[UploadedFile],
) -> Any:
    """Upload a file (multipart/form-data: target_type, target_id, file). PDF, PNG, JPEG, GIF, WebP, plain text,
    CSV, DOCX, XLSX or PPTX, checked by content; at most `ATTACHMENT_MAX_BYTES` (10 MB by default)."""
    actor = actor_of(request)
    attachment = services.attachment_create(actor=actor, target_type=target_type, target_id=target_id, upload=file)
    return Status(201, selectors.attachment_get(actor=actor, attachment_id=attachment.pk))


@router.get("/attachments/{attachment_id}", response={200: AttachmentOut, **ERRORS}, tags=["attachments"])
def get_attachment(request: HttpRequest, attachment_id: int) -> Any:
    return selectors.attachment_get(actor=actor_of(request), attachment_id=attachment_id)


@router.get(
    "/attachments/{attachment_id}/download",
    response=ERRORS,
    url_name="download_attachment",
    tags=["attachments"],
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment, with its detected content type (one of those accepted).",
                "content": {kind: {"schema": {"type": "string", "format": "binary"}} for kind in ALLOWED_TYPES},
            }
        }
    },
)
def download_attachment(request: HttpRequest, attachment_id: int) -> Any:
    attachment = selectors.attachment_get(actor=actor_of(request), attachment_id=attachment_id)
    return attachment_response(attachment)


def attachment_response(attachment: Attachment) -> FileResponse:
    """The stored file, always as a download (never rendered inline), with its detected type."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage.") from exc
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@router.delete("/attachments/{attachment_id}", response={204: None, **ERRORS}, tags=["attachments"])
def delete_attachment(request: HttpRequest, attachment_id: int) -> Any:
    actor = actor_of(request)
    services.attachment_delete(
        actor=actor, attachment=selectors.attachment_get(actor=actor, attachment_id=attachment_id)
    )
    return Status(204, None)
