"""Handoffs: the moments where work, context and accountability move from one person to another.

A workspace has a `HandoffTemplate` per kind (six built in, plus its own): the fields a handoff of that kind must
carry, how long the receiver has to confirm, and the points where Baton opens one by itself (`triggers`). A
`Handoff` has one owner (`from_person`, accountable for completeness) and one receiver (`to_person`); it copies its
template's field spec when it is opened, so editing a template never changes a handoff already under way. The
receiver confirms or raises `HandoffGap`s; the owner answers them. A `HandoffFailure` is a downstream failure
(rework, wrong messaging, a client repeating themselves) traced to a handoff, with the remediation time and its cost.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from baton.core.models import TimestampedModel, Workspace


class HandoffStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    GAPS_RAISED = "gaps_raised", "Gaps raised"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (HandoffStatus.SENT, HandoffStatus.GAPS_RAISED)  # waiting for someone

# What a template field holds: `text` (anything), `reference` (a link or an attached file, never a description).
FIELD_KINDS = ("text", "reference")


class HandoffSource(models.TextChoices):
    MANUAL = "manual", "Opened by hand"
    DEAL_WON = "deal_won", "Deal won"
    AM_CHANGED = "am_changed", "Account manager changed"
    TASK_STATUS = "task_status", "Task entered a status"
    AUTOMATION = "automation", "Automation rule"


class WalkthroughHow(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO_CALL = "video_call", "Video call"
    PHONE = "phone", "Phone call"


class HandoffTemplate(TimestampedModel):
    """The standard document of one kind of handoff in a workspace.

    `fields`: a list of `{"key", "label", "help", "required", "kind"}`; `kind` is one of FIELD_KINDS (`text` when
    absent); a `reference` field takes a link or an attached file, checked on sending. `impact` (1 low - 3 high) is
    what a failure here costs the agency; the handoff map multiplies it by the observed failure rate. `triggers`: a
    list of `{"key", "on": "task_status", "status", "tag", "project_template_id", "receiver"}` (see services.templates).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="handoff_templates")
    kind = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    fields = models.JSONField(default=list, blank=True)
    confirmation_sla_hours = models.PositiveIntegerField(
        default=48, validators=[MinValueValidator(1), MaxValueValidator(24 * 90)]
    )
    requires_walkthrough = models.BooleanField(
        default=False, help_text="The receiver confirms only after a walkthrough meeting took place."
    )
    impact = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1), MaxValueValidator(3)])
    triggers = models.JSONField(default=list, blank=True)
    builtin = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind"],
                name="handoff_template_kind_unique_per_workspace",
                violation_error_message="A handoff template of this kind already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(impact__gte=1, impact__lte=3),
                name="handoff_template_impact_1_to_3",
                violation_error_message="Impact is 1 (low), 2 (medium) or 3 (high).",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def required_keys(self) -> list[str]:
        return [f["key"] for f in self.fields if f.get("required")]


class Handoff(TimestampedModel):
    """One transfer of work and context from its owner to its receiver."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="handoffs")
    template = models.ForeignKey(HandoffTemplate, on_delete=models.PROTECT, related_name="handoffs")
    kind = models.SlugField(max_length=60)
    title = models.CharField(max_length=300)
    client = models.ForeignKey("crm.Client", null=True, blank=True, on_delete=models.PROTECT, related_name="handoffs")
    project = models.ForeignKey(
        "delivery.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="handoffs"
    )
    task = models.ForeignKey("delivery.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="handoffs")
    from_person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="handoffs_owned")
    to_person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="handoffs_received")
    due_by = models.DateTimeField()
    due_by_auto = models.BooleanField(default=True, help_text="due_by follows the template's SLA from sending.")
    field_spec = models.JSONField(default=list, blank=True, help_text="The template's fields when it was opened.")
    fields = models.JSONField(default=dict, blank=True)
    requires_walkthrough = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=HandoffStatus.choices, default=HandoffStatus.DRAFT)
    source = models.CharField(max_length=20, choices=HandoffSource.choices, default=HandoffSource.MANUAL)
    source_ref = models.CharField(max_length=120, blank=True, help_text="What opened it (an event), for once-only.")
    trigger_key = models.CharField(max_length=60, blank=True, help_text="The template trigger that opened it.")
    sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    gap_rounds = models.PositiveIntegerField(default=0)
    first_time = models.BooleanField(null=True, blank=True, help_text="Confirmed without any gap raised.")
    minutes_to_confirm = models.PositiveIntegerField(null=True, blank=True)
    walkthrough_held = models.BooleanField(null=True, blank=True)
    walkthrough_at = models.DateTimeField(null=True, blank=True, help_text="When the walkthrough took place.")
    walkthrough_how = models.CharField(max_length=20, choices=WalkthroughHow.choices, blank=True)
    walkthrough_attested_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    walkthrough_attested_at = models.DateTimeField(null=True, blank=True)
    confirmation_note = models.TextField(blank=True)
    created_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in HandoffStatus]),
                name="handoff_status_valid",
                violation_error_message="Unknown handoff status.",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_person=models.F("to_person")),
                name="handoff_owner_is_not_receiver",
                violation_error_message="The owner and the receiver of a handoff are two different people.",
            ),
            models.UniqueConstraint(
                fields=["workspace", "source", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="handoff_once_per_source",
                violation_error_message="This trigger opened a handoff already.",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "status", "due_by"], name="handoff_ws_status_due"),
            # The metrics report's read of a period from the index alone: a handoff's row is wide (its fields and
            # their spec), and reading 4,000 of them cost ten times the count at agency-L.
            models.Index(
                fields=[
                    "workspace",
                    "sent_at",
                    "kind",
                    "status",
                    "first_time",
                    "minutes_to_confirm",
                    "from_person",
                    "id",
                ],
                name="handoff_ws_sent_cover",
            ),
            models.Index(fields=["workspace", "to_person", "status"], name="handoff_ws_to_status"),
            models.Index(fields=["workspace", "from_person", "status"], name="handoff_ws_from_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def label_of(self, key: str) -> str:
        for spec in self.field_spec:
            if spec.get("key") == key:
                return str(spec.get("label") or key)
        return key

    @property
    def missing_required(self) -> list[str]:
        """Required field keys that are still empty."""
        return [
            f["key"]
            for f in self.field_spec
            if f.get("required") and not str((self.fields or {}).get(f["key"]) or "").strip()
        ]


class HandoffGap(models.Model):
    """A question the receiver needs answered before it can proceed; `round` counts the gap rounds."""

    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="gaps")
    round = models.PositiveIntegerField(default=1)
    question = models.TextField()
    field_key = models.CharField(max_length=60, blank=True, help_text="The field it is about, if any.")
    raised_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "id"]

    def __str__(self) -> str:
        return self.question[:80]


class FailureCategory(models.TextChoices):
    REWORK = "rework", "Rework"
    WRONG_MESSAGING = "wrong_messaging", "Wrong messaging"
    CLIENT_REPEATED = "client_repeated", "Client had to repeat themselves"
    MISSED_DEADLINE = "missed_deadline", "Missed deadline"
    EXPECTATIONS = "expectations", "Expectations set wrongly"
    OTHER = "other", "Other"


class HandoffFailure(TimestampedModel):
    """A downstream failure traced to a handoff: what went wrong, how long fixing it took and who did it. The cost
    is the remediation time at that person's loaded cost rate on the day, copied when recorded."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="handoff_failures")
    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="failures")
    category = models.CharField(max_length=30, choices=FailureCategory.choices, default=FailureCategory.REWORK)
    description = models.TextField()
    remediation_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    remediated_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="handoff_remediations")
    occurred_on = models.DateField()
    cost_rate = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    remediation_cost = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    recorded_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(remediation_minutes__gte=1),
                name="handoff_failure_minutes_positive",
                violation_error_message="Remediation takes at least a minute.",
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=[c.value for c in FailureCategory]),
                name="handoff_failure_category_valid",
                violation_error_message="Unknown failure category.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "occurred_on"], name="handoff_failure_ws_day")]

    def __str__(self) -> str:
        return f"Failure of {self.handoff}: {self.description[:60]}"

    @property
    def client_id(self) -> int | None:
        return self.handoff.client_id
