"""Account-manager development: the trait framework (traits, behaviours, what 1-5 looks like), the evidence mapping
(event verb → behaviour), evidence, assessments, development plans, the practice library and project reviews."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from baton.core import formats
from baton.core.models import TimestampedModel, Workspace


class Polarity(models.TextChoices):
    POSITIVE = "positive", "Evidence"
    NEGATIVE = "negative", "Counter-evidence"


class EvidenceSource(models.TextChoices):
    EVENT = "event", "From work (event)"
    MANUAL = "manual", "Note"


class AssessmentKind(models.TextChoices):
    SELF = "self", "Self"
    MANAGER = "manager", "Manager"


class GoalStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class GrowthSetup(models.Model):
    """Marks that a workspace got the default framework, mapping and practice library (seeded once, lazily)."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="growth_setup")
    seeded_at = models.DateTimeField(auto_now_add=True)


class Trait(TimestampedModel):
    """One of the five traits. The key is fixed (`trust`, ...); name and description are the workspace's words."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="growth_traits")
    key = models.CharField(max_length=40)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "key"],
                name="growth_trait_key_unique",
                violation_error_message="This workspace already has a trait with this key.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Behaviour(TimestampedModel):
    """An observable behaviour of a trait (`trust.clarity`) with what each level 1-5 looks like."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="growth_behaviours")
    trait = models.ForeignKey(Trait, on_delete=models.CASCADE, related_name="behaviours")
    key = models.CharField(max_length=80, help_text="`<trait>.<behaviour>`, e.g. trust.clarity.")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    levels = models.JSONField(default=dict, blank=True, help_text='What each level looks like: {"1": "...", ...}.')
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["trait__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "key"],
                name="growth_behaviour_key_unique",
                violation_error_message="This workspace already has a behaviour with this key.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class EvidenceRule(TimestampedModel):
    """The mapping from work to evidence, as data: an event `verb` whose `conditions` hold credits a person (`credit`:
    `actor`, `data.<key>` or `client_account_manager`) with evidence (or counter-evidence) of a behaviour."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="growth_rules")
    name = models.CharField(max_length=200)
    verb = models.CharField(max_length=80)
    conditions = models.JSONField(default=list, blank=True)
    credit = models.CharField(max_length=80, default="actor")
    behaviour = models.ForeignKey(Behaviour, on_delete=models.PROTECT, related_name="rules")
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.POSITIVE)
    summary_template = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["verb", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(polarity__in=[p.value for p in Polarity]),
                name="growth_rule_polarity_valid",
                violation_error_message="Polarity is positive or negative.",
            )
        ]
        indexes = [models.Index(fields=["workspace", "verb", "active"], name="growth_rule_ws_verb")]

    def __str__(self) -> str:
        return self.name


class Evidence(TimestampedModel):
    """One observation of a behaviour for a person: written by a rule from an event (once per rule x event) or a
    note by the person or their manager."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="growth_evidence")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="growth_evidence")
    behaviour = models.ForeignKey(Behaviour, on_delete=models.PROTECT, related_name="evidence")
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.POSITIVE)
    source = models.CharField(max_length=10, choices=EvidenceSource.choices, default=EvidenceSource.MANUAL)
    rule = models.ForeignKey(EvidenceRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence")
    event = models.ForeignKey("core.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="authored_growth_evidence"
    )
    occurred_at = models.DateTimeField()
    summary = models.CharField(max_length=500)
    client_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "event"],
                condition=Q(event__isnull=False, rule__isnull=False),
                name="growth_evidence_once_per_rule_event",
                violation_error_message="This rule already produced evidence for this event.",
            ),
            models.CheckConstraint(
                condition=Q(source__in=[s.value for s in EvidenceSource]),
                name="growth_evidence_source_valid",
                violation_error_message="Unknown evidence source.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "person", "-occurred_at"], name="growth_ev_ws_person_time")]

    def __str__(self) -> str:
        # Shown as the event log's target label, which all staff read: no personal content.
        return f"Evidence #{self.pk}"

    @property
    def trait_key(self) -> str:
        return self.behaviour.key.split(".", 1)[0]


class Assessment(TimestampedModel):
    """Scores 1-5 per behaviour key for one person and period (`2026-H1`, `2026-Q2`), by the person (self) or
    their manager."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="growth_assessments")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="growth_assessments")
    assessor = models.ForeignKey(
        "people.Person", null=True, on_delete=models.SET_NULL, related_name="growth_assessments_given"
    )
    kind = models.CharField(max_length=10, choices=AssessmentKind.choices)
    period = models.CharField(max_length=10)
    scores = models.JSONField(default=dict)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-period", "person__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "period"],
                name="growth_assessment_one_per_kind_period",
                violation_error_message="There is already an assessment of this kind for this person and period.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in AssessmentKind]),
                name="growth_assessment_kind_valid",
                violation_error_message="Kind is self or manager.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} assessment {self.period}"


class DevelopmentGoal(TimestampedModel):
    """A goal of a person's development plan, for one trait: actions with due dates, and check-ins."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="growth_goals")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="growth_goals")
    trait = models.ForeignKey(Trait, on_delete=models.PROTECT, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    created_by = models.ForeignKey("people.Person", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["status", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in GoalStatus]),
                name="growth_goal_status_valid",
                violation_error_message="Unknown goal status.",
            )
        ]

    def __str__(self) -> str:
        return f"Development goal #{self.pk}"  # the event log's target label: no personal content


class GoalAction(TimestampedModel):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(DevelopmentGoal, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"Goal action #{self.pk}"


class GoalCheckIn(TimestampedModel):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(DevelopmentGoal, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey("people.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField()
    on_track = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Check-in #{self.pk}"


class PracticeScenario(TimestampedModel):
    """A role-play of a difficult client conversation with a what-good-looks-like rubric per trait."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="growth_scenarios")
    title = models.CharField(max_length=200)
    situation = models.TextField()
    rubric = models.JSONField(default=dict, help_text="{trait_key: what good looks like}")
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class PracticeSession(TimestampedModel):
    """One practice of a scenario by a person, with their reflection; peers or the manager rate it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="growth_practice")
    scenario = models.ForeignKey(PracticeScenario, on_delete=models.PROTECT, related_name="sessions")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="growth_practice")
    practised_on = models.DateField()
    reflection = models.TextField(blank=True)
    partner = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The peer who played the client; they may see and rate this session.",
    )

    class Meta:
        ordering = ["-practised_on", "-id"]

    def __str__(self) -> str:
        return f"{self.scenario} ({formats.day(self.practised_on)})"


class PracticeRating(TimestampedModel):
    """A peer's or manager's rating of a practice session: 1-5 per trait and feedback."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    scores = models.JSONField(default=dict)
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "rater"],
                name="growth_rating_one_per_rater",
                violation_error_message="You already rated this session.",
            )
        ]


class ProjectReview(TimestampedModel):
    """Opened when a project is done, for the AM of its client: short feedback mapped to traits."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="growth_reviews")
    project = models.ForeignKey("delivery.Project", on_delete=models.CASCADE, related_name="growth_reviews")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="growth_reviews")
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    feedback = models.JSONField(default=dict, blank=True, help_text="{trait_key: feedback}")
    reviewer = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "person"],
                name="growth_review_one_per_project_person",
                violation_error_message="This project already has a review for this person.",
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.project}"


# --- People who learn: onboarding plans for new hires, and the training library ----------------------------------


class OnboardingTemplate(TimestampedModel):
    """A checklist for new hires: items with a day offset from the start date and who ticks them (`hire`, `buddy`,
    `lead`). `role` empty: for any role; a role's own template wins over the general one when a person is created."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="onboarding_templates")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, blank=True, help_text="The role it is for; empty: any staff role.")
    items = models.JSONField(default=list, help_text='[{"title", "day_offset", "owner": "hire|buddy|lead"}]')
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ItemOwner(models.TextChoices):
    HIRE = "hire", "The new hire"
    BUDDY = "buddy", "The buddy"
    LEAD = "lead", "The lead"


class OnboardingPlan(TimestampedModel):
    """A new hire's plan, copied from a template (or written by hand): items due from the start date, a buddy."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="onboarding_plans")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="onboarding_plans")
    buddy = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="onboarding_buddy_of"
    )
    template = models.ForeignKey(OnboardingTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    start_date = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                name="growth_onboarding_one_per_person",
                violation_error_message="This person already has an onboarding plan.",
            )
        ]

    def __str__(self) -> str:
        return f"Onboarding plan #{self.pk}"  # the event log's label: no personal content


class OnboardingItem(TimestampedModel):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(OnboardingPlan, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=300)
    owner = models.CharField(max_length=10, choices=ItemOwner.choices, default=ItemOwner.HIRE)
    due_on = models.DateField()
    position = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "position", "id"]

    def __str__(self) -> str:
        return self.title  # the template's words ("Shadow a client call"): nothing personal


class LessonKind(models.TextChoices):
    READING = "reading", "Reading"
    QUIZ = "quiz", "Quiz"
    SCENARIO = "scenario", "Practice scenario"


class Lesson(TimestampedModel):
    """A lesson of the training library: a body, links, and a quiz (questions with choices, a pass mark) or a practice
    scenario (a prompt answered in free text, reviewed by the person's lead). Assigned to everyone of `roles`."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    links = models.JSONField(default=list, blank=True, help_text='[{"title", "url"}]')
    kind = models.CharField(max_length=10, choices=LessonKind.choices, default=LessonKind.READING)
    questions = models.JSONField(default=list, blank=True, help_text='[{"question", "choices": [...], "answer": i}]')
    pass_mark = models.PositiveSmallIntegerField(default=80, help_text="Per cent of questions right to pass a quiz.")
    prompt = models.TextField(blank=True, help_text="A practice scenario's situation to answer.")
    roles = models.JSONField(default=list, blank=True, help_text="Assigned to every person of these roles.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", "To do"
    SUBMITTED = "submitted", "Waiting for review"
    COMPLETED = "completed", "Completed"


class LessonAssignment(TimestampedModel):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="lesson_assignments")
    via_role = models.BooleanField(default=False, help_text="Assigned because of the person's role.")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED)
    completed_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["status", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "person"],
                name="growth_assignment_one_per_person",
                violation_error_message="This lesson is already assigned to this person.",
            )
        ]

    def __str__(self) -> str:
        return self.lesson.title


class LessonAttempt(TimestampedModel):
    """One try at an assignment: a quiz's answers and score, a scenario's answer (and its review), or a reading."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(LessonAssignment, on_delete=models.CASCADE, related_name="attempts")
    answers = models.JSONField(default=list, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Per cent right (quizzes).")
    passed = models.BooleanField(null=True, blank=True, help_text="None while a scenario waits for review.")
    response = models.TextField(blank=True)
    reviewed_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    review_note = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Attempt at {self.assignment.lesson.title}"  # never the score: the event log is read by all staff
