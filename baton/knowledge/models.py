"""Client knowledge: decisions with their rationale, versioned briefs, the client's preferences and stakeholder map,
comments with @mentions, attachments, and the full-text search index over all of it.

The point of this app is that what an account manager knows about a client lives in Baton, not in their head: a
new AM reads the client knowledge page on day one, and a task can always answer "which brief did we work from?".
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.db import models

from baton.core.models import TimestampedModel, Workspace

# --- Decisions ------------------------------------------------------------------------------------------------


class Decision(TimestampedModel):
    """A decision taken with or for a client: what was decided, why, and what was considered and rejected.

    `decided_by` is a person of the workspace (the contract's `decided_by` is a person id); a decision taken on the
    client's side names the contact in `decided_by_contact`. At least one of the two is set (the service checks).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="decisions")
    client = models.ForeignKey("crm.Client", on_delete=models.PROTECT, related_name="decisions")
    project = models.ForeignKey(
        "delivery.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    task = models.ForeignKey(
        "delivery.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    touchpoint_id = models.BigIntegerField(
        null=True, blank=True, help_text="The touchpoint (call, meeting) where it was decided; touchpoints come later."
    )
    title = models.CharField(max_length=300)
    decision = models.TextField(help_text="What was decided.")
    rationale = models.TextField(blank=True, help_text="Why.")
    alternatives_rejected = models.JSONField(default=list, blank=True, help_text="What was considered and rejected.")
    decided_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions_made"
    )
    decided_by_contact = models.ForeignKey(
        "crm.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions_made"
    )
    decided_on = models.DateField()
    internal = models.BooleanField(
        default=False,
        help_text="The account team's own decision: never shown to the client (portal, status updates, reports).",
    )
    created_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["workspace", "client", "-decided_on"], name="decision_ws_client_date"),
            models.Index(fields=["workspace", "project"], name="decision_ws_project"),
        ]

    def __str__(self) -> str:
        return self.title


# --- Briefs ---------------------------------------------------------------------------------------------------


class BriefStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"


# The sections of a brief, in reading order. A brief cannot be approved while a required section is empty: these
# are the ones whose absence sends creative work in the wrong direction (see ARCHITECTURE.md, Client knowledge).
BRIEF_SECTIONS: tuple[str, ...] = (
    "objective",
    "audience",
    "deliverables",
    "tone_of_voice_reference",
    "constraints",
    "success_measures",
    "references",
)
REQUIRED_BRIEF_SECTIONS: tuple[str, ...] = ("objective", "audience", "deliverables", "success_measures")
SECTION_LABELS: dict[str, str] = {
    "objective": "Objective",
    "audience": "Audience",
    "deliverables": "Deliverables",
    "tone_of_voice_reference": "Tone of voice reference",
    "constraints": "Constraints",
    "success_measures": "Success measures",
    "references": "References",
}


class Brief(TimestampedModel):
    """The brief of a project (task empty) or of one task: a series of versions, the latest one being worked on.

    `current_version` is the newest version (a draft while it is being edited); `approved_version` the newest
    approved one, which is what work starts from. Editing an approved brief opens a new draft version.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="briefs")
    client = models.ForeignKey("crm.Client", on_delete=models.PROTECT, related_name="briefs")
    project = models.ForeignKey("delivery.Project", on_delete=models.CASCADE, related_name="briefs")
    task = models.ForeignKey("delivery.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="briefs")
    title = models.CharField(max_length=300)
    created_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    current_version = models.ForeignKey(
        "BriefVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_version = models.ForeignKey(
        "BriefVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(task__isnull=True),
                name="brief_one_per_project",
                violation_error_message="This project already has a brief.",
            ),
            models.UniqueConstraint(
                fields=["task"],
                condition=models.Q(task__isnull=False),
                name="brief_one_per_task",
                violation_error_message="This task already has a brief.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "client"], name="brief_ws_client")]

    def __str__(self) -> str:
        return self.title


class BriefVersion(TimestampedModel):
    """One version of a brief: its sections, who wrote it, and whether (and by whom) it was approved."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=BriefStatus.choices, default=BriefStatus.DRAFT)
    objective = models.TextField(blank=True)
    audience = models.TextField(blank=True)
    deliverables = models.TextField(blank=True)
    tone_of_voice_reference = models.TextField(blank=True)
    constraints = models.TextField(blank=True)
    success_measures = models.TextField(blank=True)
    references = models.TextField(blank=True)
    created_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["brief", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["brief", "number"],
                name="brief_version_number_unique",
                violation_error_message="This brief already has a version with this number.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in BriefStatus]),
                name="brief_version_status_valid",
                violation_error_message="Unknown brief status.",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"

    def sections(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in BRIEF_SECTIONS}

    def missing_sections(self) -> list[str]:
        """The required sections that are still empty, in reading order."""
        return [name for name in REQUIRED_BRIEF_SECTIONS if not (getattr(self, name) or "").strip()]


class TaskBriefLink(TimestampedModel):
    """A task was started (moved to in progress) while this brief version was the approved one.

    Recorded from the `task.status_changed` event, so "which brief did we work from?" always has an answer.
    """

    event_target_type = "task_brief_link"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="task_brief_links")
    task = models.ForeignKey("delivery.Task", on_delete=models.CASCADE, related_name="brief_links")
    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="task_links")
    brief_version = models.ForeignKey(BriefVersion, on_delete=models.CASCADE, related_name="task_links")
    started_at = models.DateTimeField()
    started_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "brief_version"],
                name="task_brief_link_once_per_version",
                violation_error_message="This task is already linked to this brief version.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} from {self.brief} v{self.brief_version.number}"

    @property
    def client_id(self) -> int:
        return self.brief.client_id


# --- The client knowledge record ------------------------------------------------------------------------------


class ClientKnowledge(TimestampedModel):
    """What everyone working with a client should know: preferences, sensitivities, goals. One per client; its id
    is the client's id. Internal: client-role users never see it.

    `goals` is a list of `{"goal", "kpi", "target"}` (KPI and target are free text: "MQLs per month", "120 by Q3").
    """

    event_target_type = "client_knowledge"

    client = models.OneToOneField("crm.Client", primary_key=True, on_delete=models.CASCADE, related_name="knowledge")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="client_knowledge")
    preferences = models.TextField(blank=True, help_text="How they like to work: channels, formats, timing, taste.")
    sensitivities = models.TextField(blank=True, help_text="Brand and political sensitivities: what never to do.")
    goals = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Knowledge of {self.client}"


class Influence(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Attitude(models.TextChoices):
    CHAMPION = "champion", "Champion"
    SUPPORTER = "supporter", "Supporter"
    NEUTRAL = "neutral", "Neutral"
    SKEPTIC = "skeptic", "Skeptic"
    BLOCKER = "blocker", "Blocker"


class Stakeholder(TimestampedModel):
    """Where a client contact stands: influence on decisions and attitude towards the agency. Its id is the contact's
    id. Internal, like the knowledge record."""

    contact = models.OneToOneField(
        "crm.Contact", primary_key=True, on_delete=models.CASCADE, related_name="stakeholder"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="stakeholders")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="stakeholders")
    influence = models.CharField(max_length=10, choices=Influence.choices, default=Influence.MEDIUM)
    attitude = models.CharField(max_length=10, choices=Attitude.choices, default=Attitude.NEUTRAL)
    notes = models.TextField(blank=True)
    updated_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(influence__in=[i.value for i in Influence]),
                name="stakeholder_influence_valid",
                violation_error_message="Influence is low, medium or high.",
            ),
            models.CheckConstraint(
                condition=models.Q(attitude__in=[a.value for a in Attitude]),
                name="stakeholder_attitude_valid",
                violation_error_message="Attitude is champion, supporter, neutral, skeptic or blocker.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.contact)


# --- Comments and attachments ---------------------------------------------------------------------------------


class CommentTarget(models.TextChoices):
    TASK = "task", "Task"
    BRIEF = "brief", "Brief"
    DECISION = "decision", "Decision"


class AttachmentTarget(models.TextChoices):
    CLIENT = "client", "Client"
    TASK = "task", "Task"
    BRIEF = "brief", "Brief"
    DECISION = "decision", "Decision"


class Comment(TimestampedModel):
    """A comment on a task, brief or decision. `@First Last` and `@email` mentions of workspace people are stored in
    `mentions`. An internal comment is never shown to client-role users."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="comments")
    target_type = models.CharField(max_length=20, choices=CommentTarget.choices)
    target_id = models.BigIntegerField()
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="comments")
    project = models.ForeignKey("delivery.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="comments")
    body = models.TextField()
    internal = models.BooleanField(default=False)
    mentions = models.ManyToManyField("people.Person", blank=True, related_name="mentioned_in")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_type__in=[t.value for t in CommentTarget]),
                name="comment_target_type_valid",
                violation_error_message="Comments go on a task, a brief or a decision.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "target_type", "target_id"], name="comment_ws_target")]

    def __str__(self) -> str:
        text = " ".join(self.body.split())
        return text if len(text) <= 80 else text[:79] + "…"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Stored under a random name: the uploaded name is kept in the record, never trusted as a path."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"attachments/{instance.workspace_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(TimestampedModel):
    """A file on a client (brand guidelines, contracts), a task, a brief or a decision. Its type is the one detected
    from the file's content, not the one the uploader declared."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="attachments")
    target_type = models.CharField(max_length=20, choices=AttachmentTarget.choices)
    target_id = models.BigIntegerField()
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="attachments")
    project = models.ForeignKey("delivery.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(max_length=255, help_text="The uploaded file's name.")
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="attachments")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_type__in=[t.value for t in AttachmentTarget]),
                name="attachment_target_type_valid",
                violation_error_message="Attachments go on a client, a task, a brief or a decision.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "target_type", "target_id"], name="attachment_ws_target")]

    def __str__(self) -> str:
        return self.name


# --- Search ---------------------------------------------------------------------------------------------------


class SearchAudience(models.TextChoices):
    ALL = "all", "Everyone who may see the record"
    STAFF = "staff", "Staff only"
    CLIENT = "client", "Client-role users only"


class SearchEntry(models.Model):
    """One searchable document: a client, project, task, brief, decision or comment, as text.

    Written only by `services.search_index_update` (from the event subscriber) and `rebuild_search_index`. Most
    records have one `all` entry; a record whose client-visible text differs (a brief with an unapproved draft on
    top of an approved version) has a `staff` and a `client` entry. The full-text index lives beside this table:
    an FTS5 table kept in sync by triggers on SQLite, a generated tsvector column with a GIN index on PostgreSQL
    (migration 0002, `search_backend.py`). A later migration that alters this table on SQLite rebuilds it and
    drops the triggers: call `search_backend.install` again in that migration.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    audience = models.CharField(max_length=10, choices=SearchAudience.choices, default=SearchAudience.ALL)
    client_id = models.BigIntegerField(null=True, blank=True)
    project_id = models.BigIntegerField(null=True, blank=True)
    target_kind = models.CharField(
        max_length=20, blank=True, help_text="For a comment: the kind of record it is on (its visibility follows)."
    )
    label = models.CharField(max_length=400, help_text="What a result is called (a comment: “Comment on …”).")
    title = models.CharField(max_length=400, blank=True, help_text="Indexed, weighted above the body.")
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "audience"], name="search_entry_unique_per_audience"),
        ]
        indexes = [
            models.Index(fields=["workspace", "kind"], name="search_entry_ws_kind"),
            models.Index(fields=["workspace", "client_id"], name="search_entry_ws_client"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id} ({self.audience})"
