"""Meeting preparation: a scheduled client meeting (its brief is read from it) and the recap e-mail after a
touchpoint (drafted, edited, sent on confirmation)."""

from __future__ import annotations

from django.db import models

from baton.core.models import TimestampedModel, Workspace


class MeetingKind(models.TextChoices):
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    STRATEGIC_REVIEW = "strategic_review", "Strategic review"


class Meeting(TimestampedModel):
    """A client meeting planned for `starts_at`: who runs it (`person`), which client contacts attend and its agenda.
    A touchpoint logged for it afterwards is linked in `touchpoint` (the meeting is then held); cancelling sets
    `cancelled_at`. A meeting is never a touchpoint itself, so the cadence and health count only what happened."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="meetings")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices, default=MeetingKind.MEETING)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=60)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    contacts = models.ManyToManyField("crm.Contact", blank=True, related_name="meetings")
    agenda = models.TextField(blank=True)
    touchpoint = models.ForeignKey(
        "relationships.Touchpoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["workspace", "starts_at"], name="meeting_ws_starts")]

    def __str__(self) -> str:
        return f"{self.title} ({self.client})"


class RecapStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"


class TouchpointRecap(TimestampedModel):
    """The recap e-mail of a touchpoint to its attendees: drafted from its summary and next steps, edited, and sent
    only on confirmation (`sent_at`, `sent_by`, `recipients` record to whom)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    touchpoint = models.OneToOneField("relationships.Touchpoint", on_delete=models.CASCADE, related_name="recap")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    recipients = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=RecapStatus.choices, default=RecapStatus.DRAFT)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return self.subject
