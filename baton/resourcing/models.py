"""Resourcing: bookings of people onto projects, time off, capacity history, holidays and the workspace's settings.

Capacity arithmetic lives in `calendar.py`; these models hold data and invariants only.
"""

from __future__ import annotations

import secrets

import holidays
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from baton.core import formats
from baton.core.models import TimestampedModel, Workspace

MINUTES_PER_DAY = 24 * 60


class OverbookingMode(models.TextChoices):
    WARN = "warn", "Accept and warn"
    REFUSE = "refuse", "Refuse (409)"


class ResourcingSettings(TimestampedModel):
    """One per workspace, created lazily: public holiday country, what overbooking does, utilization targets."""

    event_target_type = "resourcing_settings"

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="resourcing_settings")
    holiday_country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166 country whose public holidays close the workspace (e.g. US)."
    )
    holiday_subdivision = models.CharField(max_length=10, blank=True, help_text="A state or region, e.g. CA.")
    overbooking_mode = models.CharField(max_length=10, choices=OverbookingMode.choices, default=OverbookingMode.WARN)
    utilization_target_pct = models.PositiveSmallIntegerField(
        default=80, validators=[MaxValueValidator(100)], help_text="Target share of capacity logged."
    )
    billable_target_pct = models.PositiveSmallIntegerField(
        default=70, validators=[MaxValueValidator(100)], help_text="Target share of capacity logged as billable."
    )
    role_targets = models.JSONField(
        default=dict, blank=True, help_text='Utilization target per job title, e.g. {"Designer": 85}.'
    )
    missing_time_reminders = models.BooleanField(
        default=False,
        help_text="Remind people who logged less than their capacity, the next working morning (resourcing/"
        "missing_time.py).",
    )
    missing_time_threshold_pct = models.PositiveSmallIntegerField(
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="A day or week logged below this share of capacity is missing time.",
    )

    class Meta:
        verbose_name_plural = "resourcing settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overbooking_mode__in=[m.value for m in OverbookingMode]),
                name="resourcing_overbooking_mode_valid",
                violation_error_message="Overbooking mode is warn or refuse.",
            ),
        ]

    def __str__(self) -> str:
        return f"Resourcing settings of {self.workspace_id}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.holiday_country:
            self.holiday_country = self.holiday_country.upper()
            supported = holidays.list_supported_countries()
            if self.holiday_country not in supported:
                errors["holiday_country"] = "Use a supported ISO 3166 country code, like US or GB."
            elif self.holiday_subdivision:
                canonical = {s.upper(): s for s in supported[self.holiday_country]}
                if self.holiday_subdivision.upper() in canonical:
                    self.holiday_subdivision = canonical[self.holiday_subdivision.upper()]
                else:
                    errors["holiday_subdivision"] = f"Unknown subdivision of {self.holiday_country}."
        elif self.holiday_subdivision:
            errors["holiday_subdivision"] = "Choose the country first."
        if not isinstance(self.role_targets, dict) or any(
            not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 100 for v in self.role_targets.values()
        ):
            errors["role_targets"] = "Role targets map a job title to a whole percentage from 0 to 100."
        if errors:
            raise ValidationError(errors)


class CapacityPeriod(TimestampedModel):
    """A person's weekly capacity and working days from `effective_from` until the next period.

    The Person's own fields are the current value and the default for dates before the first period.
    """

    event_target_type = "capacity"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="capacity_periods")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="capacity_periods")
    effective_from = models.DateField()
    weekly_capacity_minutes = models.PositiveIntegerField(validators=[MaxValueValidator(7 * MINUTES_PER_DAY)])
    working_days = models.JSONField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["person_id", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "effective_from"],
                name="capacity_period_one_per_day",
                violation_error_message="This person already has a capacity change on that date.",
            ),
            models.CheckConstraint(
                condition=models.Q(weekly_capacity_minutes__lte=7 * MINUTES_PER_DAY),
                name="capacity_period_within_week",
                violation_error_message="Weekly capacity cannot exceed the minutes in a week.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "person", "effective_from"], name="capacity_ws_person_from")]

    def __str__(self) -> str:
        return f"{formats.duration(self.weekly_capacity_minutes)} a week from {formats.day(self.effective_from)}"

    def clean(self) -> None:
        days = self.working_days
        if not isinstance(days, list) or any(
            not isinstance(d, int) or isinstance(d, bool) or not 1 <= d <= 7 for d in days
        ):
            raise ValidationError({"working_days": "List ISO weekdays as numbers from 1 (Monday) to 7 (Sunday)."})
        if len(set(days)) != len(days):
            raise ValidationError({"working_days": "Each weekday may appear once."})
        self.working_days = sorted(days)


class HolidaySource(models.TextChoices):
    COUNTRY = "country", "Public holiday"
    CUSTOM = "custom", "Workspace holiday"


class Holiday(TimestampedModel):
    """A workspace closure day added by hand (public holidays of the workspace's country come from `holidays`)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="custom_holidays")
    date = models.DateField()
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "date"],
                name="holiday_one_per_day",
                violation_error_message="There is already a workspace holiday on this date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({formats.day(self.date)})"


class TimeOffKind(models.TextChoices):
    VACATION = "vacation", "Vacation"
    SICK = "sick", "Sick"
    PERSONAL = "personal", "Personal"
    PUBLIC_HOLIDAY = "public_holiday", "Public holiday"
    OTHER = "other", "Other"


class TimeOffStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class TimeOff(TimestampedModel):
    """Days a person is away. Only approved time off reduces capacity; `minutes_per_day` null = the whole day."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="time_off")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="time_off")
    start_date = models.DateField()
    end_date = models.DateField()
    minutes_per_day = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MINUTES_PER_DAY)],
        help_text="Empty: the whole working day.",
    )
    kind = models.CharField(max_length=20, choices=TimeOffKind.choices, default=TimeOffKind.VACATION)
    status = models.CharField(max_length=20, choices=TimeOffStatus.choices, default=TimeOffStatus.REQUESTED)
    note = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approver = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    external_uid = models.CharField(max_length=300, blank=True, help_text="UID of the imported calendar event.")

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="time_off_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in TimeOffKind]),
                name="time_off_kind_valid",
                violation_error_message="Unknown kind of time off.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in TimeOffStatus]),
                name="time_off_status_valid",
                violation_error_message="Unknown time off status.",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "person", "start_date"], name="time_off_ws_person_start"),
            models.Index(fields=["workspace", "status", "end_date"], name="time_off_ws_status_end"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {formats.day(self.start_date)} to {formats.day(self.end_date)}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})
        if self.start_date and self.end_date and (self.end_date - self.start_date).days > 366:
            raise ValidationError({"end_date": "Time off spans at most a year; split longer absences."})


class Booking(TimestampedModel):
    """A person (or, for a placeholder, a role/skill still to staff) booked onto a project for some minutes a day.

    Bookings count on the person's working days only, and not on workspace holidays.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="bookings")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    project = models.ForeignKey("delivery.Project", on_delete=models.CASCADE, related_name="bookings")
    start_date = models.DateField()
    end_date = models.DateField()
    minutes_per_day = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MINUTES_PER_DAY)])
    tentative = models.BooleanField(default=False)
    role = models.CharField(
        max_length=100, blank=True, help_text="For a placeholder: the role to staff, e.g. Designer."
    )
    skill = models.CharField(max_length=100, blank=True, help_text="The skill the work needs, e.g. react.")
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="booking_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes_per_day__gte=1) & models.Q(minutes_per_day__lte=MINUTES_PER_DAY),
                name="booking_minutes_per_day_range",
                violation_error_message="Minutes per day are between 1 and 1440.",
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | ~models.Q(role="") | ~models.Q(skill=""),
                name="booking_placeholder_names_role_or_skill",
                violation_error_message="A placeholder booking (no person) needs a role or a skill.",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "person", "end_date", "start_date"], name="booking_ws_person_dates"),
            models.Index(fields=["workspace", "project"], name="booking_ws_project"),
            # The reports' read of a range (load_calendar's columns; the id for PostgreSQL) from the index alone,
            # without a lookup in the table per booking (a quarter at agency-L: 3,000 bookings, 2.5x faster on SQLite).
            models.Index(
                fields=[
                    "workspace",
                    "end_date",
                    "start_date",
                    "person",
                    "minutes_per_day",
                    "tentative",
                    "project",
                    "id",
                ],
                name="booking_ws_dates_cover",
            ),
        ]

    def __str__(self) -> str:
        who = self.person.name if self.person_id and self.person else (self.role or self.skill or "placeholder")
        where = self.project.name if self.project_id else "a project"
        return f"{who} on {where} {formats.day(self.start_date)} to {formats.day(self.end_date)}"

    @property
    def is_placeholder(self) -> bool:
        return self.person_id is None

    @property
    def client_id(self) -> int | None:
        """Events about a booking concern its project's client."""
        return self.project.client_id if self.project_id else None

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                errors["end_date"] = "The end date cannot be before the start date."
            elif (self.end_date - self.start_date).days > 731:
                errors["end_date"] = "A booking spans at most two years; split longer ones."
        if self.person_id is None and not (self.role or "").strip() and not (self.skill or "").strip():
            errors["person_id"] = "Name a person, or a role or skill for a placeholder booking."
        if errors:
            raise ValidationError(errors)


def new_feed_nonce() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's private iCalendar feed. The URL carries an HMAC of (feed, nonce); resetting changes the nonce."""

    event_target_type = "calendar_feed"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="calendar_feeds")
    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="calendar_feed")
    nonce = models.CharField(max_length=64, default=new_feed_nonce)
    created_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of person {self.person_id}"
