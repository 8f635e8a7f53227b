"""Projects, milestones, tasks with dependencies, and project templates."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from baton.core import formats
from baton.core.models import TimestampedModel, Workspace


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Billing(models.TextChoices):
    FIXED_FEE = "fixed_fee", "Fixed fee"
    TIME_AND_MATERIALS = "time_and_materials", "Time and materials"
    RETAINER = "retainer", "Retainer"
    NON_BILLABLE = "non_billable", "Non-billable"


class TaskStatus(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    IN_REVIEW = "in_review", "In review"
    DONE = "done", "Done"
    BLOCKED = "blocked", "Blocked"


class MilestoneStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class Project(TimestampedModel):
    """A piece of client work with a billing type, a budget, dates and a project manager."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="projects")
    client = models.ForeignKey("crm.Client", on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    billing = models.CharField(max_length=30, choices=Billing.choices, default=Billing.TIME_AND_MATERIALS)
    currency = models.CharField(max_length=3, default="USD")
    budget_amount = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))]
    )
    budget_minutes = models.PositiveIntegerField(default=0)
    retainer_period = models.CharField(max_length=10, blank=True, help_text="`month` for retainer projects.")
    period_budget_amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="A retainer's budget per period (money).",
    )
    period_budget_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="A retainer's budget per period (minutes)."
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    project_manager = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="managed_projects"
    )
    members = models.ManyToManyField("people.Person", blank=True, related_name="member_of_projects")
    template = models.ForeignKey(
        "ProjectTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="project_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ProjectStatus]),
                name="project_status_valid",
                violation_error_message="Unknown project status.",
            ),
            models.CheckConstraint(
                condition=models.Q(billing__in=[b.value for b in Billing]),
                name="project_billing_valid",
                violation_error_message="Unknown billing type.",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_amount__gte=0),
                name="project_budget_not_negative",
                violation_error_message="A budget cannot be negative.",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "client", "status"], name="project_ws_client_status"),
            models.Index(fields=["workspace", "project_manager"], name="project_ws_pm"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.billing == Billing.RETAINER and self.retainer_period not in ("month",):
            errors["retainer_period"] = "A retainer project needs a period: month."
        if self.billing != Billing.RETAINER and self.retainer_period:
            errors["retainer_period"] = "Only retainer projects have a period."
        if self.billing != Billing.RETAINER:
            if self.period_budget_amount is not None:
                errors["period_budget_amount"] = "Only retainer projects have a per-period budget."
            if self.period_budget_minutes is not None:
                errors["period_budget_minutes"] = "Only retainer projects have a per-period budget."
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date cannot be before the start date."
        if errors:
            raise ValidationError(errors)


class ProjectStatusChange(models.Model):
    """A project's status from a day on, kept so money can follow it (MONEY.md §3: a retainer earns on its active and
    on-hold days). The day it changes counts with the new status; the first row's status holds from the project's
    start. Written by the project services; a project without rows has had its current status all along."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(max_length=20, choices=ProjectStatus.choices)
    on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "on", "id"]
        indexes = [models.Index(fields=["project", "on"], name="project_status_on")]

    def __str__(self) -> str:
        return f"{self.status} from {self.on}"


class Milestone(TimestampedModel):
    """A dated checkpoint of a project, optionally carrying an amount for milestone billing."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="milestones")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=MilestoneStatus.choices, default=MilestoneStatus.OPEN)
    amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="For milestone billing (optional).",
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in MilestoneStatus]),
                name="milestone_status_valid",
                violation_error_message="Unknown milestone status.",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="milestone_amount_not_negative",
                violation_error_message="An amount cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def client_id(self) -> int:
        return self.project.client_id


class Task(TimestampedModel):
    """A unit of work on a project. `depends_on` lists the tasks that must be done before this one starts."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tasks")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=TaskStatus.choices, default=TaskStatus.TODO)
    assignee = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    estimate_minutes = models.PositiveIntegerField(default=0)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order within its status column on the board.")
    tags = models.JSONField(default=list, blank=True)
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="dependents")
    requires_approved_brief = models.BooleanField(
        default=False, help_text="The task starts only once its brief (or its project's) is approved."
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in TaskStatus]),
                name="task_status_valid",
                violation_error_message="Unknown task status.",
            ),
            models.CheckConstraint(
                condition=models.Q(due_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(due_date__gte=models.F("start_date")),
                name="task_due_after_start",
                violation_error_message="The due date cannot be before the start date.",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "project", "status"], name="task_ws_project_status"),
            models.Index(fields=["workspace", "assignee", "status"], name="task_ws_assignee_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def client_id(self) -> int:
        return self.project.client_id

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.due_date and self.start_date and self.due_date < self.start_date:
            errors["due_date"] = "The due date cannot be before the start date."
        if not isinstance(self.tags, list) or any(not isinstance(t, str) or not t.strip() for t in self.tags):
            errors["tags"] = "Tags are a list of non-empty strings."
        if errors:
            raise ValidationError(errors)


class ProjectTemplate(TimestampedModel):
    """A reusable project plan: milestones and tasks with offsets from the start date, estimates and roles."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="project_templates")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    billing = models.CharField(max_length=30, choices=Billing.choices, default=Billing.FIXED_FEE)
    duration_days = models.PositiveIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                name="template_name_unique_per_workspace",
                violation_error_message="A template with this name already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TemplateMilestone(models.Model):
    """A milestone of a template; its due date is an offset from the new project's start."""

    template = models.ForeignKey(ProjectTemplate, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200)
    due_offset_days = models.IntegerField(null=True, blank=True, help_text="Days after the project start.")
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class TemplateTask(models.Model):
    """A task of a template: offsets, estimate, the role to staff it with, tags and dependencies."""

    template = models.ForeignKey(ProjectTemplate, on_delete=models.CASCADE, related_name="tasks")
    milestone = models.ForeignKey(
        TemplateMilestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    start_offset_days = models.IntegerField(null=True, blank=True, help_text="Days after the project start.")
    due_offset_days = models.IntegerField(null=True, blank=True, help_text="Days after the project start.")
    estimate_minutes = models.PositiveIntegerField(default=0)
    assignee_role = models.CharField(
        max_length=100, blank=True, help_text="A skill or title to staff it with, e.g. `designer`."
    )
    tags = models.JSONField(default=list, blank=True)
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="dependents")
    requires_approved_brief = models.BooleanField(
        default=False, help_text="Tasks made from it start only once their brief (or the project's) is approved."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class BudgetRevision(TimestampedModel):
    """An explicit change of a project's budget outside change orders, by the owner or finance, with its reason
    (delivery's RULES.md, "The budget"). Old and new values of each budget field it touched (None: not touched).
    Profitability treats a fixed fee's revision like a change order decided on `revised_on` (MONEY.md §3)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="budget_revisions")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_revisions")
    revised_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revised_on = models.DateField(help_text="The workspace's day it was made; the new budget holds from it.")
    reason = models.TextField()
    old_budget_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    new_budget_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    old_budget_minutes = models.PositiveIntegerField(null=True, blank=True)
    new_budget_minutes = models.PositiveIntegerField(null=True, blank=True)
    old_period_budget_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    new_period_budget_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    old_period_budget_minutes = models.PositiveIntegerField(null=True, blank=True)
    new_period_budget_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "revised_on"], name="budget_revision_project_day")]

    def __str__(self) -> str:
        return f"Budget revision of {self.project} on {formats.day(self.revised_on)}"
