"""Account management: the communication protocol and cadence per client, touchpoints with their next steps,
weekly status updates, client goals and KPIs, escalations, account health snapshots, growth opportunities and the
standard onboarding plan. Deals live in crm (`Deal`); decisions in knowledge (`Decision`), linked from here.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from baton.core import formats
from baton.core.models import TimestampedModel, Workspace


class PortfolioMode(models.TextChoices):
    WARN = "warn", "Warn"
    REFUSE = "refuse", "Refuse"


DEFAULT_HEALTH_WEIGHTS: dict[str, int] = {
    "cadence_kept": 20,
    "overdue_next_steps": 10,
    "open_escalations": 15,
    "budget_vs_progress": 15,
    "unmanaged_scope": 10,
    "handoff_failures": 10,
    "response_time": 10,
    "sentiment": 10,
    "goals_on_track": 20,  # counted only for a client with a goal that has a KPI value
}


def default_health_weights() -> dict[str, int]:
    return dict(DEFAULT_HEALTH_WEIGHTS)


class RelationshipsSettings(TimestampedModel):
    """Per workspace, made on first change: portfolio limit behaviour, health weights and bands, escalation rules."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="relationships_settings")
    portfolio_mode = models.CharField(max_length=10, choices=PortfolioMode.choices, default=PortfolioMode.WARN)
    health_weights = models.JSONField(default=default_health_weights)
    healthy_from = models.PositiveSmallIntegerField(default=70, help_text="Scores from here up are healthy.")
    watch_from = models.PositiveSmallIntegerField(default=50, help_text="Scores from here up (below healthy): watch.")
    escalate_cadence_after_days = models.PositiveSmallIntegerField(default=5)
    escalate_on_health_at_risk = models.BooleanField(default=True)
    escalate_on_budget_over = models.BooleanField(default=True)
    escalate_on_unconfirmed_handoff = models.BooleanField(default=True)
    status_update_weekday = models.PositiveSmallIntegerField(default=5, help_text="ISO weekday the drafts are made.")

    def __str__(self) -> str:
        return f"Relationship settings of {self.workspace}"


class CommunicationProtocol(TimestampedModel):
    """What was agreed with the client at the start: channels, response time and the rhythm of updates, meetings and
    strategic reviews. One per client (made with the client). The cadence plan is derived from it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="protocols")
    client = models.OneToOneField("crm.Client", on_delete=models.CASCADE, related_name="protocol")
    channels = models.JSONField(default=list, blank=True, help_text="e.g. email, phone, slack, video.")
    response_time_hours = models.PositiveSmallIntegerField(default=24)
    update_every_days = models.PositiveSmallIntegerField(default=7)
    meeting_every_days = models.PositiveSmallIntegerField(default=14)
    strategic_review_every_days = models.PositiveSmallIntegerField(default=90)
    onboarding_started_on = models.DateField(null=True, blank=True)
    onboarding_update_every_days = models.PositiveSmallIntegerField(default=1, help_text="Near-daily at the start.")
    share_budget_with_client = models.BooleanField(default=False, help_text="Show budget figures in the portal.")
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(update_every_days__gte=1)
                & models.Q(meeting_every_days__gte=1)
                & models.Q(strategic_review_every_days__gte=1)
                & models.Q(onboarding_update_every_days__gte=1),
                name="protocol_intervals_positive",
                violation_error_message="Intervals are at least one day.",
            )
        ]

    def __str__(self) -> str:
        return f"Protocol of {self.client}"


class TouchpointKind(models.TextChoices):
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    STATUS_UPDATE = "status_update", "Status update"
    STRATEGIC_REVIEW = "strategic_review", "Strategic review"


class Sentiment(models.TextChoices):
    NONE = "", "Not recorded"
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"


class Touchpoint(TimestampedModel):
    """A contact with the client and its structured summary: who was there, what was discussed and decided, and
    what happens next. Logging one satisfies the matching cadence item."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="touchpoints")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="touchpoints")
    project = models.ForeignKey(
        "delivery.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="touchpoints"
    )
    milestone = models.ForeignKey(
        "delivery.Milestone", null=True, blank=True, on_delete=models.SET_NULL, related_name="touchpoints"
    )
    kind = models.CharField(max_length=20, choices=TouchpointKind.choices)
    occurred_at = models.DateTimeField()
    summary = models.TextField()
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    contacts = models.ManyToManyField("crm.Contact", blank=True, related_name="touchpoints")
    attendees = models.JSONField(default=list, blank=True)
    discussed = models.TextField(blank=True)
    decisions = models.ManyToManyField("knowledge.Decision", blank=True, related_name="touchpoints")
    agenda_prepared = models.BooleanField(default=False)
    goal_report = models.BooleanField(default=False, help_text="A goal-tied client report was presented.")
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices, blank=True, default="")
    response_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="How long the client waited for this reply, when it answers a request."
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in TouchpointKind]),
                name="touchpoint_kind_valid",
                violation_error_message="Unknown touchpoint kind.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "client", "-occurred_at"], name="touchpoint_ws_client_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.client}"


class NextStep(TimestampedModel):
    """An agreed next step from a touchpoint, with its owner and due date."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="next_steps")
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.CASCADE, related_name="next_steps")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="next_steps")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    owner_contact = models.ForeignKey("crm.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description


class StatusUpdateStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"


class StatusUpdate(TimestampedModel):
    """A weekly status update: drafted from the week's events, edited by the AM, sent by email."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="status_updates")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="status_updates")
    week_start = models.DateField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    compiled = models.JSONField(default=dict, blank=True, help_text="The week's facts the draft was made from.")
    status = models.CharField(max_length=10, choices=StatusUpdateStatus.choices, default=StatusUpdateStatus.DRAFT)
    recipients = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    touchpoint = models.ForeignKey(Touchpoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-week_start", "-id"]
        indexes = [models.Index(fields=["workspace", "client", "-week_start"], name="status_update_ws_client")]

    def __str__(self) -> str:
        return self.subject


class ClientGoal(TimestampedModel):
    """A business goal of the client with a KPI: metric, baseline, target and dated values."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="client_goals")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    metric = models.CharField(max_length=200)
    unit = models.CharField(max_length=30, blank=True)
    baseline = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    target = models.DecimalField(max_digits=16, decimal_places=2)
    target_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    lower_is_better = models.BooleanField(
        default=False, help_text="A cost (CPA, CPL): with no baseline, progress is target ÷ latest value."
    )
    source_handoff_id = models.BigIntegerField(
        null=True, blank=True, help_text="The sales-to-account handoff whose commitment this goal is."
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["client_id", "id"]

    def __str__(self) -> str:
        return self.title


class GoalValue(TimestampedModel):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(ClientGoal, on_delete=models.CASCADE, related_name="values")
    recorded_on = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["recorded_on", "id"]

    def __str__(self) -> str:
        return f"{self.goal}: {self.value} on {formats.day(self.recorded_on)}"


class EscalationRule(models.TextChoices):
    HEALTH_AT_RISK = "health_at_risk", "Account health at risk"
    CADENCE_OVERDUE = "cadence_overdue", "Cadence overdue"
    BUDGET_OVER = "budget_over", "Budget over 100 %"
    HANDOFF_UNCONFIRMED = "handoff_unconfirmed", "Critical handoff unconfirmed"
    MANUAL = "manual", "Raised by hand"
    AUTOMATION = "automation", "Automation rule"


class EscalationStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Escalation(TimestampedModel):
    """A problem taken above the account manager: who has it, and how it was resolved."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="escalations")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="escalations")
    rule = models.CharField(max_length=30, choices=EscalationRule.choices, default=EscalationRule.MANUAL)
    source_key = models.CharField(max_length=100, blank=True, help_text="What triggered it, to raise it once.")
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=EscalationStatus.choices, default=EscalationStatus.OPEN)
    assignee = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    raised_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    before_client_complaint = models.BooleanField(default=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["status", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "rule", "source_key"],
                condition=models.Q(status="open") & ~models.Q(source_key=""),
                name="escalation_one_open_per_source",
                violation_error_message="This escalation is already open.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class HealthSnapshot(models.Model):
    """A client's health score on a day (the daily sweep), for the trend."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="health_snapshots")
    taken_on = models.DateField()
    score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=10)
    signals = models.JSONField(default=list)

    class Meta:
        ordering = ["client_id", "taken_on"]
        constraints = [
            models.UniqueConstraint(fields=["client", "taken_on"], name="health_snapshot_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.taken_on}: {self.score}"


class OpportunityStatus(models.TextChoices):
    IDEA = "idea", "Idea"
    PROPOSED = "proposed", "Proposed"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class GrowthOpportunity(TimestampedModel):
    """An upsell or cross-sell idea for a client, with its value and where it stands."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="growth_opportunities")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="growth_opportunities")
    title = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=20, choices=[("upsell", "Upsell"), ("cross_sell", "Cross-sell")], default="upsell"
    )
    value = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    status = models.CharField(max_length=10, choices=OpportunityStatus.choices, default=OpportunityStatus.IDEA)
    owner = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(blank=True)
    deal = models.ForeignKey("crm.Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["status", "-value", "id"]
        verbose_name_plural = "growth opportunities"

    def __str__(self) -> str:
        return self.title


class OnboardingStep(TimestampedModel):
    """One step of the workspace's standard first-30-days plan: a touchpoint to hold or a task to do."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="onboarding_steps")
    day_offset = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, help_text="A touchpoint kind, or `task`.")
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["day_offset", "position", "id"]

    def __str__(self) -> str:
        return self.title


class OnboardingItem(TimestampedModel):
    """A client's copy of an onboarding step, dated from its onboarding start; done by a matching touchpoint (or by
    hand, for tasks)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="onboarding_items")
    kind = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    touchpoint = models.ForeignKey(Touchpoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


# Each concern's models in its own module, re-exported here (Django finds them through this package).
from baton.relationships.models.backtest import HealthBacktest, HealthWeightsChange  # noqa: E402, F401
from baton.relationships.models.engagements import Engagement, EngagementStatus  # noqa: E402, F401
from baton.relationships.models.meetings import (  # noqa: E402, F401
    Meeting,
    MeetingKind,
    RecapStatus,
    TouchpointRecap,
)
from baton.relationships.models.portal import (  # noqa: E402, F401
    ClientRequest,
    DeliverableApproval,
    DeliverableDecision,
    RequestKind,
    RequestPriority,
    RequestStatus,
    SharedFile,
)
