"""Time entries (with the rates copied when they are logged), weekly timesheets and their approval, timers."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from baton.core import formats
from baton.core.models import TimestampedModel, Workspace

MINUTES_PER_DAY = 24 * 60


class TimeEntry(TimestampedModel):
    """Minutes a person worked on a project (and task) on a day.

    The bill and cost rates are resolved once, when the entry is logged, and copied here together with the amounts
    (minutes / 60 x rate, rounded to cents half up): a later raise or rate card change never rewrites history.
    `bill_rate`/`bill_amount` are in the project's currency (`currency`); `cost_rate`/`cost_amount` in the
    workspace's base currency. An entry on an approved week or on an invoice is locked.

    Currencies (MONEY.md §2): `source_rate` is the rate card's number in `source_currency`, `exchange_rate` the factor
    that turned it into `bill_rate` (1 in the same currency). `bill_amount_base` is `bill_amount` in the base currency
    at the rate in force on the entry's date, stored when it is saved. Without an exchange rate for a currency on that
    day, `missing_rate_currency` names it: the bill figures that need it are 0.00 until the rate is added, which
    prices the entry again (un-invoiced entries) through the time entry service.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="time_entries")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="time_entries")
    project = models.ForeignKey("delivery.Project", on_delete=models.PROTECT, related_name="time_entries")
    task = models.ForeignKey(
        "delivery.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="time_entries"
    )
    date = models.DateField()
    minutes = models.PositiveIntegerField()
    note = models.TextField(blank=True)
    billable = models.BooleanField(default=True)
    bill_rate = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    cost_rate = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    bill_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    cost_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    currency = models.CharField(max_length=3, default="USD", help_text="The currency of the bill rate and amount.")
    bill_rate_source = models.CharField(max_length=20, blank=True, help_text="The rate card scope that applied.")
    source_rate = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00"), help_text="The rate card's rate, in source_currency."
    )
    source_currency = models.CharField(max_length=3, blank=True, help_text="The rate card row's currency.")
    exchange_rate = models.DecimalField(
        max_digits=20,
        decimal_places=10,
        null=True,
        blank=True,
        default=Decimal("1"),
        help_text="source_currency -> currency factor used (1: the same currency; empty: a rate is missing).",
    )
    bill_amount_base = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"), help_text="bill_amount in the base currency."
    )
    missing_rate_currency = models.CharField(
        max_length=3, blank=True, help_text="A currency without an exchange rate on the entry's date (empty: none)."
    )
    approved = models.BooleanField(default=False)
    invoiced = models.BooleanField(default=False)
    invoice_line = models.ForeignKey(
        "finance.InvoiceLine", null=True, blank=True, on_delete=models.SET_NULL, related_name="time_entries"
    )
    tags = models.JSONField(default=list, blank=True)
    source = models.CharField(
        max_length=20, blank=True, help_text="Where an imported entry came from: harvest, toggl, ... (empty: Baton)."
    )
    source_key = models.CharField(
        max_length=64, blank=True, help_text="A stable hash of the source row, so re-importing creates nothing new."
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "time entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1) & models.Q(minutes__lte=MINUTES_PER_DAY),
                name="time_entry_minutes_in_a_day",
                violation_error_message="An entry is between 1 minute and 24 hours.",
            ),
            models.CheckConstraint(
                condition=models.Q(bill_amount__gte=0) & models.Q(cost_amount__gte=0),
                name="time_entry_amounts_not_negative",
                violation_error_message="Amounts cannot be negative.",
            ),
            models.UniqueConstraint(
                fields=["workspace", "source", "source_key"],
                condition=~models.Q(source_key=""),
                name="time_entry_source_row_once",
                violation_error_message="This source row has already been imported.",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "person", "date"], name="time_ws_person_date"),
            models.Index(fields=["workspace", "project", "date"], name="time_ws_project_date"),
            models.Index(fields=["workspace", "date"], name="time_ws_date"),
            models.Index(fields=["project", "billable", "invoice_line"], name="time_project_uninvoiced"),
            models.Index(fields=["task"], name="time_task"),
            models.Index(
                fields=["workspace", "missing_rate_currency"],
                name="time_missing_rate",
                condition=~models.Q(missing_rate_currency=""),
            ),
            # finance's "ready to invoice" (the finance home): approved, billable, uninvoiced time by project up to a
            # day, read from the index alone (half the entries at agency-L: 2.2 s as a table scan on SQLite, 0.1 s)
            models.Index(
                fields=["project", "date", "minutes", "bill_amount_base"],
                name="time_ready_to_invoice",
                condition=models.Q(billable=True, approved=True, invoiced=False, invoice_line__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{formats.duration(self.minutes)} on {formats.day(self.date)}"

    @property
    def client_id(self) -> int:
        return self.project.client_id


class TimesheetStatus(models.TextChoices):
    DRAFT = "draft", "Open"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Timesheet(TimestampedModel):
    """A person's week (Monday to Sunday). Submitted for approval; an approved week is locked; a rejected one is
    open again with the reason."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="timesheets")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="timesheets")
    week_start = models.DateField(help_text="The Monday of the week.")
    status = models.CharField(max_length=20, choices=TimesheetStatus.choices, default=TimesheetStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="decided_timesheets"
    )
    reason = models.TextField(blank=True, help_text="Why it was rejected.")

    class Meta:
        ordering = ["-week_start", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "week_start"],
                name="timesheet_one_per_person_per_week",
                violation_error_message="This person already has a timesheet for that week.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in TimesheetStatus]),
                name="timesheet_status_valid",
                violation_error_message="Unknown timesheet status.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "status", "week_start"], name="timesheet_ws_status_week")]

    def __str__(self) -> str:
        return f"Week of {formats.day(self.week_start)}"


class Timer(TimestampedModel):
    """A running timer: stopping it logs an entry for the minutes since it started. One per person."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="timers")
    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="running_timer")
    project = models.ForeignKey("delivery.Project", on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey("delivery.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    billable = models.BooleanField(null=True, blank=True, help_text="Empty: the project's default.")
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Timer since {self.started_at:%H:%M}"

    @property
    def client_id(self) -> int:
        return self.project.client_id


class TimeRollup(models.Model):
    """Derived totals of time entries per project x person x month x billable: minutes, money in cents (the bill amount
    in the project's currency, `bill_base_cents` in the base currency, cost in the base currency), count.

    Kept current by the time entry services in the same transaction (`baton.timesheets.rollups`), rebuilt by
    `manage.py rebuild_rollups`, and read by the reports (profitability, budget burn) for whole months so they never
    scan a year of raw entries. Money is stored as integer cents (exact on SQLite too); the project's client is not
    stored (the reports join through the project). Derived data: no version, no events.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("delivery.Project", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month.")
    billable = models.BooleanField()
    minutes = models.BigIntegerField(default=0)
    bill_cents = models.BigIntegerField(default=0)
    bill_base_cents = models.BigIntegerField(default=0, help_text="The entries' bill_amount_base, in cents.")
    cost_cents = models.BigIntegerField(default=0)
    entries = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "person", "month", "billable"],
                name="time_rollup_one_per_cell",
                violation_error_message="One rollup row per project, person, month and billable flag.",
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "month"], name="time_rollup_ws_month"),
            models.Index(fields=["person", "month"], name="time_rollup_person_month"),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min in {self.month:%Y-%m}"


class ProjectMonthRollup(models.Model):
    """The time rollup summed over people and the billable flag: per project x month, minutes, billable minutes,
    billable bill cents (the project's currency and the base currency), cost cents and the entry count. A report by
    client, project, month or account manager reads a fraction of TimeRollup's rows from it.

    Kept equal to TimeRollup by database triggers on timesheets_timerollup (migration
    `0006_project_month_rollup`): every write to TimeRollup, whatever makes it (the services' upsert, a bulk import,
    `rebuild`, a cascade), adds its difference here in the same statement, so a row never lags its cells and costs
    the write path no statement. A row whose entries all go is deleted. Derived data: no version, no events, not
    exported (an import rebuilds it from TimeRollup's rows)."""

    # No database foreign keys: the triggers write these rows while the cascade of a project's or workspace's
    # deletion removes its TimeRollup cells, so the rows go through the triggers, not through Django's collector.
    workspace = models.ForeignKey(Workspace, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    project = models.ForeignKey("delivery.Project", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    month = models.DateField(help_text="The first day of the month.")
    minutes = models.BigIntegerField(default=0)
    billable_minutes = models.BigIntegerField(default=0)
    billable_bill_cents = models.BigIntegerField(default=0)
    billable_bill_base_cents = models.BigIntegerField(default=0)
    cost_cents = models.BigIntegerField(default=0)
    entries = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month"],
                name="project_month_rollup_one",
                violation_error_message="One project-month rollup row per project and month.",
            )
        ]
        indexes = [models.Index(fields=["workspace", "month"], name="project_month_rollup_ws_month")]

    def __str__(self) -> str:
        return f"{self.minutes} min in {self.month:%Y-%m}"
