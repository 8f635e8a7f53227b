"""The portal as a workplace: a client's requests (triaged into tasks or change orders), its decisions on deliverables
(a task waiting in review), and the files shared with it per project."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.db import models

from baton.core.models import TimestampedModel, Workspace


class RequestKind(models.TextChoices):
    CHANGE = "change", "Change"
    BUG = "bug", "Bug"
    QUESTION = "question", "Question"
    NEW_WORK = "new_work", "New work"


class RequestPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class RequestStatus(models.TextChoices):
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    CONVERTED = "converted", "Converted"
    DECLINED = "declined", "Declined"


class ClientRequest(TimestampedModel):
    """Something a client asks of the agency in the portal (or staff log for it). The client's AM (or a PM, an
    owner or an admin) triages it, then converts it into a task or a change order on its project, or declines it
    with a reason the client reads."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="client_requests")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="requests")
    project = models.ForeignKey(
        "delivery.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="client_requests"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=RequestKind.choices, default=RequestKind.CHANGE)
    priority = models.CharField(max_length=10, choices=RequestPriority.choices, default=RequestPriority.NORMAL)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.NEW)
    requested_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="client_requests"
    )
    assignee = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_client_requests"
    )
    triage_notes = models.TextField(blank=True, help_text="Internal: never shown to the client.")
    triaged_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True, help_text="Shown to the client.")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="closed_client_requests"
    )
    task = models.ForeignKey(
        "delivery.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="client_requests"
    )
    change_order = models.ForeignKey(
        "finance.ChangeOrder", null=True, blank=True, on_delete=models.SET_NULL, related_name="client_requests"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "status", "client"], name="client_request_ws_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in RequestKind]),
                name="client_request_kind_valid",
                violation_error_message="Unknown kind of request.",
            ),
            models.CheckConstraint(
                condition=models.Q(priority__in=[p.value for p in RequestPriority]),
                name="client_request_priority_valid",
                violation_error_message="Unknown priority.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in RequestStatus]),
                name="client_request_status_valid",
                violation_error_message="Unknown request status.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DeliverableDecision(models.TextChoices):
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class DeliverableApproval(TimestampedModel):
    """The client's decision on a deliverable: a task of its project waiting in review ("waiting for your
    approval"). Approving moves the task to done; requesting changes moves it back to in progress, with the comment.
    Every decision is kept (who, when, what they said)."""

    event_target_type = "deliverable"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="deliverable_approvals")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="deliverable_approvals")
    task = models.ForeignKey("delivery.Task", on_delete=models.CASCADE, related_name="approvals")
    decision = models.CharField(max_length=20, choices=DeliverableDecision.choices)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="deliverable_decisions"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__in=[d.value for d in DeliverableDecision]),
                name="deliverable_decision_valid",
                violation_error_message="Approve or request changes.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.title}: {self.get_decision_display()}"


def shared_file_path(instance: SharedFile, filename: str) -> str:
    """Stored under a random name outside any public URL: downloads go through an access-checked view."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"portal/{instance.workspace_id}/{uuid.uuid4().hex}{suffix}"


class SharedFile(TimestampedModel):
    """A file in a project's files area, or attached to a client request. Staff choose whether the client sees it
    (`shared_with_client`); what a client uploads is always shared. An unshared file is internal: never shown in the
    portal, never downloadable by the client."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="shared_files")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="shared_files")
    project = models.ForeignKey(
        "delivery.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="shared_files"
    )
    request = models.ForeignKey(
        ClientRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=shared_file_path, max_length=300)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    shared_with_client = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="shared_files"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name
