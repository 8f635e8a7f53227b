"""People: the workspace's members with capacity, working days, rates and skills."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from baton.core.models import Membership, Role, TimestampedModel, Workspace
from baton.people.capacity import split_week


def default_working_days() -> list[int]:
    return [1, 2, 3, 4, 5]


class Person(TimestampedModel):
    """A person of the workspace. Every person is a login (through its membership); the role lives there."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="people")
    membership = models.OneToOneField(Membership, on_delete=models.PROTECT, related_name="person")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    title = models.CharField(max_length=200, blank=True)
    weekly_capacity_minutes = models.PositiveIntegerField(default=2400, validators=[MinValueValidator(0)])
    working_days = models.JSONField(default=default_working_days)
    cost_rate = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))]
    )
    bill_rate = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))]
    )
    skills = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    client = models.ForeignKey(
        "crm.Client",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_users",
        help_text="For a client-role person: the client whose portal they use.",
    )
    lead = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="Who this person reports to: their lead, who gets their escalations and sees their growth record.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("email"),
                name="person_email_unique_per_workspace",
                violation_error_message="A person with this email already exists in this workspace.",
            ),
            models.CheckConstraint(
                condition=models.Q(weekly_capacity_minutes__lte=7 * 24 * 60),
                name="person_capacity_within_week",
                violation_error_message="Weekly capacity cannot exceed the minutes in a week.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "active", "name"], name="person_ws_active_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def resource_manager(self) -> bool:
        """The membership's resource-manager capability (plans the team's time; the resources home)."""
        return bool(self.membership.resource_manager)

    @property
    def daily_capacity_minutes(self) -> int:
        """A working day's whole share of the weekly capacity (the smallest day of `daily_capacity_split`)."""
        split = self.daily_capacity_split
        return min(split.values()) if split else 0

    @property
    def daily_capacity_split(self) -> dict[int, int]:
        """Minutes per working day (ISO weekday): the weekly capacity split by largest remainder (API.md: Capacity),
        so the days add up to the week exactly (2,000 over three days: 667, 667, 666)."""
        return split_week(self.weekly_capacity_minutes, self.working_days or [])

    @property
    def daily_capacity_most(self) -> int:
        """The largest day of `daily_capacity_split` (a minute more than the smallest when the week does not divide)."""
        split = self.daily_capacity_split
        return max(split.values()) if split else 0

    def clean_fields(self, exclude: Any = None) -> None:
        # `clean()` checks the lead under its API name, lead_id (same workspace, no reporting cycle).
        super().clean_fields(exclude={*(exclude or ()), "lead"})

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self._clean_lead(errors)
        self._clean_working_days(errors)
        self._clean_skills(errors)
        self._clean_client(errors)
        if errors:
            raise ValidationError(errors)

    def _clean_lead(self, errors: dict[str, str]) -> None:
        if self.lead_id is not None:
            lead = Person.objects.filter(pk=self.lead_id).only("workspace_id", "lead_id").first()
            if lead is None or lead.workspace_id != self.workspace_id:
                errors["lead_id"] = "No such person in this workspace."
            elif self.pk is not None and _reports_chain_reaches(lead, self.pk):
                errors["lead_id"] = "A person cannot report to themselves or to someone who reports to them."

    def _clean_working_days(self, errors: dict[str, str]) -> None:
        days = self.working_days
        if not isinstance(days, list) or any(
            not isinstance(d, int) or isinstance(d, bool) or not 1 <= d <= 7 for d in days
        ):
            errors["working_days"] = "List ISO weekdays as numbers from 1 (Monday) to 7 (Sunday)."
        elif not days and self.weekly_capacity_minutes:
            errors["working_days"] = "Name at least one working day, or set the weekly capacity to 0."
        elif len(set(days)) != len(days):
            errors["working_days"] = "Each weekday may appear once."
        else:
            self.working_days = sorted(days)

    def _clean_skills(self, errors: dict[str, str]) -> None:
        if not isinstance(self.skills, list) or any(not isinstance(s, str) or not s.strip() for s in self.skills):
            errors["skills"] = "Skills are a list of non-empty strings."
        else:
            self.skills = sorted({s.strip() for s in self.skills}, key=str.lower)

    def _clean_client(self, errors: dict[str, str]) -> None:
        role = self.membership.role if self.membership_id else None
        if role == Role.CLIENT and not self.client_id:
            errors["client_id"] = "A client-role person must name the client whose portal they use."
        if role and role != Role.CLIENT and self.client_id:
            errors["client_id"] = "Only a client-role person belongs to a client."
        if self.client_id:
            try:
                client_workspace_id = self.client.workspace_id  # type: ignore[union-attr]
            except ObjectDoesNotExist:  # an unknown id: a field error, not a crash
                client_workspace_id = None
            if client_workspace_id != self.workspace_id:
                errors["client_id"] = "No such client in this workspace."


def _reports_chain_reaches(lead: Person, person_id: int) -> bool:
    """Whether following `lead` upwards through each person's lead arrives at `person_id` (a cycle)."""
    seen: set[int] = set()
    current: Person | None = lead
    while current is not None and current.pk not in seen:
        if current.pk == person_id:
            return True
        seen.add(current.pk)
        current = Person.objects.filter(pk=current.lead_id).only("lead_id").first() if current.lead_id else None
    return False
