"""Workspaces (tenants), users, memberships with roles, API tokens, the event log, idempotency records, and the sweep
framework's bookkeeping (which object a sweep announced in which period, and its runs)."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    FINANCE = "finance", "Finance"
    ACCOUNT_MANAGER = "account_manager", "Account manager"
    PROJECT_MANAGER = "project_manager", "Project manager"
    MEMBER = "member", "Team member"
    CLIENT = "client", "Client"


class TimestampedModel(models.Model):
    """Every record carries created_at, updated_at and a version for optimistic concurrency."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. One user can belong to several workspaces through memberships."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    duration_style = models.CharField(
        max_length=10,
        choices=[("hm", "Hours and minutes (1:30)"), ("decimal", "Decimal hours (1.5 h)")],
        default="hm",
        help_text="How durations are written for this person.",
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email


class Workspace(TimestampedModel):
    """One agency. Every tenant record carries its workspace."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3, default="USD")
    timezone = models.CharField(max_length=60, default="UTC")
    locale = models.CharField(
        max_length=10,
        default="en_US",
        help_text="How dates and numbers are written: en_US Dec 6, 2026 and 1,234.50; de_DE 06.12.2026, 1.234,50.",
    )
    max_portfolio_size = models.PositiveIntegerField(default=5)
    members_see_only_their_projects = models.BooleanField(
        default=False, help_text="Team members see only projects they manage, belong to or have tasks on."
    )
    two_factor_required = models.BooleanField(
        default=False,
        help_text="Owners, admins and finance must sign in with a second factor (an authenticator app's code).",
    )
    # The agency as its invoices, quotes and e-invoices name it (the seller).
    legal_name = models.CharField(max_length=200, blank=True, help_text="The registered company name on invoices.")
    address = models.TextField(blank=True, help_text="Street, then postal code and city, one per line.")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 two-letter code, e.g. DE or US.")
    vat_id = models.CharField(max_length=40, blank=True, help_text="VAT or sales-tax id, e.g. DE123456789.")
    bank_name = models.CharField(max_length=200, blank=True)
    iban = models.CharField(max_length=34, blank=True, help_text="The account clients pay into.")
    bic = models.CharField(max_length=11, blank=True)
    payment_terms_days = models.PositiveIntegerField(default=30, help_text="Days from issue to due date.")
    process_changes_need_approval = models.BooleanField(
        default=False,
        help_text="Changes to handoff templates, automation rules, protocols and the onboarding plan by anyone but an "
        "owner wait for an owner's approval.",
    )

    def __str__(self) -> str:
        return self.name


class Membership(TimestampedModel):
    """A user's place in a workspace, with one role. The role decides what the access policy allows."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    resource_manager = models.BooleanField(
        default=False,
        help_text="A capability, not a role: plans the team's time (the resources home; books like a project manager).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_one_per_user_per_workspace"),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]),
                name="membership_role_valid",
                violation_error_message="Unknown role.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} as {self.role}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for one user in one workspace. Only its SHA-256 is stored."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="api")
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class Event(models.Model):
    """One entry of the append-only event log: who did what to which record, with the change's data."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(max_length=80)
    actor_id = models.BigIntegerField(null=True, blank=True, help_text="The acting person's id, if any.")
    actor_name = models.CharField(max_length=200, blank=True)
    target_type = models.CharField(max_length=60)
    target_id = models.BigIntegerField()
    target_label = models.CharField(max_length=300, blank=True)
    client_id = models.BigIntegerField(null=True, blank=True, help_text="The client the change concerns, if any.")
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "-occurred_at"], name="event_ws_time"),
            models.Index(fields=["workspace", "verb", "-occurred_at"], name="event_ws_verb_time"),
            models.Index(fields=["workspace", "target_type", "target_id"], name="event_ws_target"),
            models.Index(fields=["workspace", "client_id", "-occurred_at"], name="event_ws_client_time"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_type}#{self.target_id}"


IDEMPOTENCY_KEY_MAX_LENGTH = 255


class IdempotencyRecord(models.Model):
    """The first response to a POST with an Idempotency-Key, replayed for repeats with the same key and body.

    The row is inserted (the key claimed, `status_code` PENDING) before the request runs, so a concurrent repeat finds
    it and waits; the response is stored in the same transaction as the request's own writes."""

    PENDING = 0

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()  # PENDING (0) while the first request runs
    content_type = models.CharField(max_length=100)
    body = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="idempotency_key_unique_per_token")]


class SweepMark(models.Model):
    """A sweep announced this object for this period (e.g. handoff 7 overdue on 2026-03-02): never twice."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    sweep = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60)
    target_id = models.BigIntegerField()
    period = models.CharField(max_length=20)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "automation_sweepmark"  # made by automation before the sweep framework moved to core
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "sweep", "target_type", "target_id", "period"],
                name="sweep_mark_once_per_object_and_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sweep} {self.target_type}#{self.target_id} {self.period}"


class SweepRun(models.Model):
    """One run of one sweep over one workspace: when, how many events it emitted, or why it failed."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=60)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    emitted = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        db_table = "automation_sweeprun"  # made by automation before the sweep framework moved to core
        indexes = [models.Index(fields=["workspace", "name", "-started_at"], name="sweep_run_log")]

    def __str__(self) -> str:
        return f"{self.name} at {self.started_at:%Y-%m-%d %H:%M}"


class PeriodicRun(models.Model):
    """One period of one periodic Huey task, claimed before it runs (`core/periodic.py`): a second copy of the same
    period's job (a scheduler restarted in the same minute, a scheduler on another machine) finds the row and skips.
    `period_start` is the minute the scheduler queued it for, not when a worker got to it."""

    task = models.CharField(max_length=200)
    period_start = models.DateTimeField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    worker = models.CharField(max_length=100, blank=True)  # host:pid of the worker that ran it

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "period_start"], name="periodic_run_once")]
        indexes = [models.Index(fields=["-started_at"], name="periodic_run_recent")]

    def __str__(self) -> str:
        return f"{self.task} for {self.period_start:%Y-%m-%d %H:%M}"


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ChangeRequest(models.Model):
    """A process change (a handoff template, an automation rule, a protocol, ...) proposed by someone who is not an
    owner while the workspace requires an owner's approval (`Workspace.process_changes_need_approval`): the proposed
    payload waits here until an owner approves it (applied through the owning app's service) or rejects it.

    Core knows no domain: `kind` names an entry of `core.changes`' registry, which each app fills from its wiring."""

    event_target_type = "change_request"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(max_length=60, help_text="What is changed, e.g. handoff_template (core.changes).")
    action = models.CharField(max_length=20, help_text="create or update.")
    target_id = models.BigIntegerField(null=True, blank=True, help_text="The record changed; none for a create.")
    target_label = models.CharField(max_length=300, blank=True)
    payload = models.JSONField(default=dict, blank=True, help_text="The proposed fields, as the service takes them.")
    diff = models.JSONField(default=dict, blank=True, help_text="{field: [old, new]} as the change would apply.")
    status = models.CharField(max_length=10, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING)
    requested_by_id = models.BigIntegerField(null=True, blank=True, help_text="The proposing person's id.")
    requested_by_name = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by_id = models.BigIntegerField(null=True, blank=True, help_text="The deciding owner's person id.")
    decided_by_name = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was rejected.")
    result_id = models.BigIntegerField(null=True, blank=True, help_text="The record the approved change wrote.")

    class Meta:
        indexes = [models.Index(fields=["workspace", "status", "-requested_at"], name="change_request_queue")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ChangeRequestStatus]),
                name="change_request_status_valid",
                violation_error_message="Status is pending, approved or rejected.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.action} {self.target_label or self.target_id or ''}".strip()
