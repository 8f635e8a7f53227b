"""Budgets, scope baselines, change orders, expenses, invoices and payments (rate cards and exchange rates:
`baton.rates`).

Money is Decimal rounded to cents (half up) and belongs to a currency: bill rates, bill amounts, budgets, expenses and
invoices are in the project's currency; cost rates and cost amounts in the workspace's (its base currency).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from baton.core.models import TimestampedModel, Workspace


class ProjectBudget(TimestampedModel):
    """Budget settings the project itself does not hold: a retainer's rollover of unused time.

    The amounts live on the project (`budget_amount`, `budget_minutes`, a retainer's `period_budget_*`); a time and
    materials project with a budget amount treats it as its cap (0: uncapped)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="project_budgets")
    project = models.OneToOneField("delivery.Project", on_delete=models.CASCADE, related_name="finance_budget")
    retainer_rollover = models.BooleanField(
        default=False, help_text="Unused retainer minutes carry over into the next period."
    )
    rollover_cap_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="At most this many minutes carry over (empty: no limit)."
    )
    notes = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Budget of {self.project.name}"

    @property
    def client_id(self) -> int:
        return self.project.client_id


class ScopeBaseline(models.Model):
    """What a project was sold as, frozen when it starts: its budget and its tasks. Later changes are measured
    against it: approved change orders explain them; tasks added without one are unmanaged scope."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="scope_baselines")
    project = models.OneToOneField("delivery.Project", on_delete=models.CASCADE, related_name="scope_baseline")
    budget_amount = models.DecimalField(max_digits=14, decimal_places=2)
    budget_minutes = models.PositiveIntegerField()
    end_date = models.DateField(null=True, blank=True)
    task_ids = models.JSONField(default=list, blank=True)
    frozen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Baseline of {self.project.name}"

    @property
    def client_id(self) -> int:
        return self.project.client_id


class ChangeOrderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ChangeOrder(TimestampedModel):
    """A change to a project's scope, even an informal one: who asked, when, what it adds in money and time, and
    its decision. Only an approved change order moves the project's budget."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="change_orders")
    project = models.ForeignKey("delivery.Project", on_delete=models.PROTECT, related_name="change_orders")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    amount_delta = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    minutes_delta = models.IntegerField(default=0)
    requested_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="requested_change_orders"
    )
    requested_by_contact = models.ForeignKey(
        "crm.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="requested_change_orders"
    )
    requested_on = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=20, choices=ChangeOrderStatus.choices, default=ChangeOrderStatus.DRAFT)
    tasks = models.ManyToManyField("delivery.Task", blank=True, related_name="change_orders")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="decided_change_orders"
    )
    decision_reason = models.TextField(blank=True)
    budget_amount_before = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    budget_minutes_before = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ChangeOrderStatus]),
                name="change_order_status_valid",
                violation_error_message="Unknown change order status.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "project", "status"], name="co_ws_project_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def client_id(self) -> int:
        return self.project.client_id


class ScopeReviewOutcome(models.TextChoices):
    IN_SCOPE = "in_scope", "In scope"
    CHANGE_ORDER_NEEDED = "change_order_needed", "Change order needed"


class ScopeReview(TimestampedModel):
    """At a milestone the project's manager looks back at the scope: still what was sold (`in_scope`), or grown so
    that a change order is needed (with a note saying what, and the change order when there is one). A milestone
    done without a review is "scope review due" on its manager's home. Several reviews of a milestone may exist;
    the latest counts."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="scope_reviews")
    project = models.ForeignKey("delivery.Project", on_delete=models.CASCADE, related_name="scope_reviews")
    milestone = models.ForeignKey("delivery.Milestone", on_delete=models.CASCADE, related_name="scope_reviews")
    outcome = models.CharField(max_length=30, choices=ScopeReviewOutcome.choices)
    note = models.TextField(blank=True)
    change_order = models.ForeignKey(
        ChangeOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="scope_reviews"
    )
    reviewed_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=[o.value for o in ScopeReviewOutcome]),
                name="scope_review_outcome_valid",
                violation_error_message="A scope review is in_scope or change_order_needed.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "milestone"], name="scope_review_ws_milestone")]

    def __str__(self) -> str:
        return f"Scope review of {self.milestone.name}: {self.get_outcome_display()}"

    @property
    def client_id(self) -> int:
        return self.project.client_id


class Expense(TimestampedModel):
    """Money spent on a project (travel, stock photos, ad spend): billable with a markup, or not.
    In the project's currency; `billable_amount` is the amount plus the markup, rounded to cents.

    `amount_base` and `billable_amount_base` are the same in the workspace's base currency, at the exchange rate in
    force on the expense's date, stored when it is saved (MONEY.md §2). Without a rate that day,
    `missing_rate_currency` names the currency and both are 0.00 until the rate is added (then they are filled)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="expenses")
    project = models.ForeignKey("delivery.Project", on_delete=models.PROTECT, related_name="expenses")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    date = models.DateField(default=timezone.localdate)
    description = models.CharField(max_length=300)
    category = models.CharField(max_length=100, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(max_length=3)
    billable = models.BooleanField(default=True)
    markup_pct = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
    )
    billable_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    amount_base = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"), help_text="amount in the base currency."
    )
    billable_amount_base = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"), help_text="billable_amount in the base currency."
    )
    missing_rate_currency = models.CharField(
        max_length=3, blank=True, help_text="A currency without an exchange rate on the expense's date (empty: none)."
    )
    invoice_line = models.ForeignKey(
        "finance.InvoiceLine", null=True, blank=True, on_delete=models.SET_NULL, related_name="expenses"
    )
    invoiced = models.BooleanField(default=False)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="expense_amount_not_negative",
                violation_error_message="An amount cannot be negative.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "project", "date"], name="expense_ws_project_date")]

    def __str__(self) -> str:
        return self.description

    @property
    def client_id(self) -> int:
        return self.project.client_id


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    PAID = "paid", "Paid"
    VOID = "void", "Void"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class InvoiceSource(models.TextChoices):
    TIME = "time", "Tracked time"
    FIXED_FEE = "fixed_fee", "Fixed fee"
    MILESTONE = "milestone", "Milestone"
    RETAINER = "retainer", "Retainer period"
    MANUAL = "manual", "By hand"
    CREDIT = "credit", "Credit note"


class Invoice(TimestampedModel):
    """An invoice (or a credit note correcting an issued one). Its number is assigned when it is issued, from a
    gapless per-workspace sequence; totals are computed by the service from the lines."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invoices")
    client = models.ForeignKey("crm.Client", on_delete=models.PROTECT, related_name="invoices")
    project = models.ForeignKey(
        "delivery.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    credit_for = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField(max_length=30, null=True, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    currency = models.CharField(max_length=3)
    tax_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Percent, e.g. 20.00 for 20 %.",
    )
    subtotal = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    tax = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    amount_paid = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    amount_credited = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    source = models.CharField(max_length=20, choices=InvoiceSource.choices, default=InvoiceSource.MANUAL)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    left_out_minutes = models.PositiveIntegerField(
        default=0, help_text="A draft from time: unapproved billable un-invoiced minutes of its period it left out."
    )
    milestone = models.ForeignKey(
        "delivery.Milestone", null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices"
    )
    notes = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When its PDF was last e-mailed to the client's billing contacts."
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "number"],
                condition=models.Q(number__isnull=False),
                name="invoice_number_unique_per_workspace",
                violation_error_message="This invoice number is already used.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in InvoiceStatus]),
                name="invoice_status_valid",
                violation_error_message="Unknown invoice status.",
            ),
            models.CheckConstraint(
                condition=models.Q(tax_rate__gte=0) & models.Q(tax_rate__lte=100),
                name="invoice_tax_rate_range",
                violation_error_message="A tax rate is a percentage from 0 to 100.",
            ),
            models.CheckConstraint(
                condition=models.Q(due_date__isnull=True)
                | models.Q(issue_date__isnull=True)
                | models.Q(due_date__gte=models.F("issue_date")),
                name="invoice_due_after_issue",
                violation_error_message="The due date cannot be before the issue date.",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "status"], name="invoice_ws_status"),
            models.Index(fields=["workspace", "client"], name="invoice_ws_client"),
            models.Index(fields=["workspace", "project"], name="invoice_ws_project"),
        ]

    def __str__(self) -> str:
        label = "Credit note" if self.kind == InvoiceKind.CREDIT_NOTE else "Invoice"
        return f"{label} {self.number}" if self.number else f"Draft {label.lower()} #{self.pk}"

    @property
    def balance_due(self) -> Decimal:
        """total - payments (refunds are negative payments) - issued credit notes; negative when a refund is owed
        to the client; 0 for drafts, void invoices and credit notes (a credit note counts on its invoice)."""
        if self.kind == InvoiceKind.CREDIT_NOTE or self.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID):
            return Decimal("0.00")
        return self.total - self.amount_paid - self.amount_credited

    @property
    def refund_owed(self) -> Decimal:
        """What the agency owes the client back (a negative balance, as a positive amount); 0 otherwise."""
        return max(Decimal("0.00"), -self.balance_due)


class InvoiceLine(models.Model):
    """One line. A line drawn from time groups entries and its amount is the sum of their bill amounts; any other
    line's amount is quantity x unit price rounded to cents (half up)."""

    KINDS = ("time", "expense", "fee", "milestone", "retainer", "manual", "credit")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, default="manual")
    description = models.CharField(max_length=500)
    quantity = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("1.00"))
    unit_price = models.DecimalField(max_digits=14, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def shown_unit_price(self) -> Decimal:
        """As people read it: a credit note's lines (stored negative, so sums stay signed) positive, as entered."""
        return -self.unit_price if self.invoice.kind == InvoiceKind.CREDIT_NOTE else self.unit_price

    @property
    def shown_amount(self) -> Decimal:
        return -self.amount if self.invoice.kind == InvoiceKind.CREDIT_NOTE else self.amount


class Payment(TimestampedModel):
    """Money received against an issued invoice (positive), or refunded to the client (negative, at most the refund
    owed); the invoice is paid when its payments (and credits) cover it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="payments")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    paid_on = models.DateField(default=timezone.localdate)
    method = models.CharField(max_length=50, blank=True)
    reference = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=0),
                name="payment_amount_not_zero",
                violation_error_message="A payment (or a refund, negative) is not zero.",
            ),
        ]

    def __str__(self) -> str:
        return f"Refund of {-self.amount}" if self.amount < 0 else f"Payment of {self.amount}"

    @property
    def client_id(self) -> int:
        return self.invoice.client_id


class InvoiceCounter(models.Model):
    """The next number of a workspace's invoice (or credit note) sequence. Issuing locks this row
    (select_for_update) inside its transaction, so concurrent issues queue and numbers stay gapless and unique."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invoice_counters")
    kind = models.CharField(max_length=20, choices=InvoiceKind.choices)
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "kind"], name="invoice_counter_one_per_kind"),
        ]


class BudgetAlert(models.Model):
    """A budget threshold (50/80/100 %) a project crossed, recorded once (per period for retainers)."""

    event_target_type = "budget"  # its event is `budget.threshold_crossed`

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="budget_alerts")
    project = models.ForeignKey("delivery.Project", on_delete=models.CASCADE, related_name="budget_alerts")
    threshold = models.PositiveSmallIntegerField()
    period = models.CharField(max_length=7, blank=True, help_text="YYYY-MM for a retainer's period.")
    pct = models.DecimalField(max_digits=9, decimal_places=2)
    crossed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-crossed_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "threshold", "period"], name="budget_alert_once_per_threshold"),
        ]

    def __str__(self) -> str:
        return f"{self.threshold}% of the budget of {self.project.name}"

    @property
    def client_id(self) -> int:
        return self.project.client_id


# --- Quotes (issue 19) -------------------------------------------------------------------------------------------


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Quote(TimestampedModel):
    """An estimate sent to a client: lines by role or person x hours x rate, fixed items and optional items, a
    discount (a percentage of the lines), tax. Accepting it creates (or re-budgets) the project it sells.

    Totals (stored, computed by the service): `lines_total` = Σ amounts of the lines that count (every line that is
    not optional, and the optional ones chosen: `selected`); `discount_amount` = lines_total x discount_pct, cents half
    up; `subtotal` = lines_total - discount; `tax` = subtotal x tax_rate, cents half up; `total` = subtotal + tax.
    `revision` counts the versions sent (0: never sent); `revisions` keeps a snapshot of each sent version."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="quotes")
    client = models.ForeignKey("crm.Client", on_delete=models.PROTECT, related_name="quotes")
    project = models.ForeignKey(
        "delivery.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="quotes"
    )
    deal = models.ForeignKey("crm.Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes")
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True, help_text="Shown to the client on the quote.")
    currency = models.CharField(max_length=3)
    billing = models.CharField(max_length=30, default="fixed_fee")
    retainer_period = models.CharField(max_length=10, blank=True)
    period_fee = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))
    discount_pct = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))
    lines_total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    discount_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    subtotal = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    tax = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    status = models.CharField(max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    valid_until = models.DateField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    revisions = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=200, blank=True, help_text="Who accepted or declined (person or contact).")
    decided_by_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in QuoteStatus]),
                name="quote_status_valid",
                violation_error_message="Unknown quote status.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "status"], name="quote_ws_status")]


# --- Collections: reminders, recurring invoices, retainer rollover, bank statements (issue 19) ----------------------


class ReminderStep(models.TextChoices):
    """The steps of a payment reminder schedule, each a number of days from the due date."""

    BEFORE_3 = "before_3", "3 days before due"
    DUE = "due", "On the due date"
    AFTER_7 = "after_7", "7 days overdue"
    AFTER_14 = "after_14", "14 days overdue"
    AFTER_30 = "after_30", "30 days overdue"


REMINDER_OFFSETS: dict[str, int] = {"before_3": -3, "due": 0, "after_7": 7, "after_14": 14, "after_30": 30}


class ReminderSchedule(TimestampedModel):
    """A workspace's payment reminder schedule: which steps e-mail the client's billing contacts about an issued
    invoice with a balance owed. Off until a workspace turns it on (`enabled`)."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="reminder_schedule")
    enabled = models.BooleanField(default=False)
    before_3 = models.BooleanField(default=True, help_text="3 days before the due date.")
    due = models.BooleanField(default=True, help_text="On the due date.")
    after_7 = models.BooleanField(default=True, help_text="7 days after the due date.")
    after_14 = models.BooleanField(default=True, help_text="14 days after the due date.")
    after_30 = models.BooleanField(default=True, help_text="30 days after the due date.")

    def __str__(self) -> str:
        return f"Reminder schedule of {self.workspace}"

    def steps(self) -> list[str]:
        """The steps turned on, in order (none while the schedule is off)."""
        if not self.enabled:
            return []
        return [step for step in REMINDER_OFFSETS if getattr(self, step)]


class InvoiceReminder(models.Model):
    """One reminder step sent for one invoice: the row is taken (unique per invoice and step) before the e-mail is
    queued, in the same transaction, so a step is never sent twice."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invoice_reminders")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="reminders")
    step = models.CharField(max_length=20, choices=ReminderStep.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list, blank=True)
    balance_due = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["invoice", "step"], name="invoice_reminder_once_per_step")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} reminder of {self.invoice}"

    @property
    def client_id(self) -> int:
        return self.invoice.client_id


class RecurringPeriod(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"


class RecurringMode(models.TextChoices):
    DRAFT = "draft", "Create a draft"
    ISSUE = "issue", "Issue it"


class RecurringInvoice(TimestampedModel):
    """A schedule that makes one invoice per period: fixed lines (hosting, licences), or, for a retainer project
    without lines, its period fee. `next_run` is the start of the next period to invoice."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="recurring_invoices")
    client = models.ForeignKey("crm.Client", on_delete=models.PROTECT, related_name="recurring_invoices")
    project = models.ForeignKey(
        "delivery.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="recurring_invoices"
    )
    title = models.CharField(max_length=200)
    lines = models.JSONField(default=list, blank=True, help_text="[{description, quantity, unit_price}]")
    currency = models.CharField(max_length=3)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))
    period = models.CharField(max_length=10, choices=RecurringPeriod.choices, default=RecurringPeriod.MONTHLY)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    mode = models.CharField(max_length=10, choices=RecurringMode.choices, default=RecurringMode.DRAFT)
    next_run = models.DateField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["next_run", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="recurring_invoice_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuoteLine(models.Model):
    """One line of a quote: amount = quantity x unit_price, cents half up. A line by `role` (free text) or `person`
    sells hours (quantity) at a rate, its unit price from the rate card when none is given; `minutes` is the effort
    it sells (by default quantity x 60 for a line by role or person). `phase` groups lines into the project's
    milestones; an `optional` line counts only when `selected`."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=500)
    quantity = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("1.00"))
    unit_price = models.DecimalField(max_digits=14, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    role = models.CharField(max_length=100, blank=True)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    minutes = models.PositiveIntegerField(null=True, blank=True)
    phase = models.CharField(max_length=200, blank=True)
    optional = models.BooleanField(default=False)
    selected = models.BooleanField(default=False, help_text="An optional line the client chose.")
    rate_source = models.CharField(max_length=30, blank=True, help_text="Where the unit price came from.")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def counts(self) -> bool:
        return not self.optional or self.selected


class AccountingSettings(TimestampedModel):
    """A workspace's account codes for the accounting export (Xero, QuickBooks Online, the journal) and the seller
    contact its e-invoices name (XRechnung requires one). One per workspace, made with defaults when first read."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="accounting_settings")
    revenue_account = models.CharField(max_length=40, default="200", help_text="Sales / revenue account code.")
    receivables_account = models.CharField(max_length=40, default="610", help_text="Accounts receivable code.")
    tax_account = models.CharField(max_length=40, default="820", help_text="Sales tax (VAT) payable account code.")
    bank_account = models.CharField(max_length=40, default="090", help_text="Bank account code payments land in.")
    xero_tax_type = models.CharField(
        max_length=60, default="OUTPUT", help_text="Xero's TaxType for taxed lines, e.g. OUTPUT or OUTPUT2."
    )
    xero_tax_free_type = models.CharField(
        max_length=60, default="NONE", help_text="Xero's TaxType for lines without tax, e.g. NONE or EXEMPTOUTPUT."
    )
    contact_name = models.CharField(max_length=200, blank=True, help_text="Who answers questions on invoices.")
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"Accounting settings of {self.workspace}"


class RecurringRun(models.Model):
    """One period of a recurring schedule, invoiced: unique per (schedule, period start), taken in the transaction
    that creates the invoice, so a period is invoiced once however often the sweep runs."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="recurring_runs")
    schedule = models.ForeignKey(RecurringInvoice, on_delete=models.CASCADE, related_name="runs")
    period_start = models.DateField()
    period_end = models.DateField()
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["period_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "period_start"], name="recurring_run_once_per_period")
        ]


class RetainerRollover(models.Model):
    """A retainer period closed: the minutes it had (its budget plus what came in), used, and carried into the next
    period by the project's rule (`ProjectBudget.retainer_rollover`, capped by `rollover_cap_minutes`). Once per
    project and period; budget burn reads the same carry."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="retainer_rollovers")
    project = models.ForeignKey("delivery.Project", on_delete=models.CASCADE, related_name="retainer_rollovers")
    period_start = models.DateField(help_text="The period closed (its first day).")
    available_minutes = models.PositiveIntegerField()
    used_minutes = models.PositiveIntegerField()
    carried_minutes = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["period_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period_start"], name="retainer_rollover_once_per_period")
        ]

    @property
    def client_id(self) -> int:
        return self.project.client_id


class BankStatement(TimestampedModel):
    """An imported bank statement file (CAMT.053, MT940 or a mapped CSV) and what its import did."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="bank_statements")
    format = models.CharField(max_length=10)
    filename = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    account = models.CharField(max_length=64, blank=True)
    imported_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    transactions_read = models.PositiveIntegerField(default=0)
    duplicates = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Bank statement #{self.pk} ({self.format})"


class BankTransactionStatus(models.TextChoices):
    MATCHED = "matched", "Matched"
    UNMATCHED = "unmatched", "To review"
    IGNORED = "ignored", "Ignored"
    DEBIT = "debit", "Debit"


class BankTransaction(models.Model):
    """One booked line of a statement. `dedupe_key` (the bank's transaction id, else a hash of its fields) is
    unique per workspace: a transaction imported again is a duplicate and never matched twice."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="bank_transactions")
    statement = models.ForeignKey(BankStatement, on_delete=models.CASCADE, related_name="transactions")
    dedupe_key = models.CharField(max_length=100)
    transaction_id = models.CharField(max_length=100, blank=True)
    booking_date = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text="Signed: credits positive.")
    fee = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"), help_text="Bank charges taken off a credit."
    )
    currency = models.CharField(max_length=3, blank=True)
    remittance = models.TextField(blank=True)
    counterparty = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=BankTransactionStatus.choices)
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="bank_transactions"
    )
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    applied = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    suggestions = models.JSONField(default=list, blank=True, help_text="Invoice ids that may match (review).")
    note = models.CharField(max_length=300, blank=True)
    reviewed = models.BooleanField(default=False, help_text="A person confirmed or ignored it: out of review.")

    class Meta:
        ordering = ["booking_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "dedupe_key"], name="bank_transaction_once_per_workspace")
        ]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.amount} {self.currency}"

    @property
    def needs_review(self) -> bool:
        """A credit no invoice took (wholly or in part) that nobody confirmed or ignored yet."""
        return self.amount > 0 and not self.reviewed and self.status != "ignored" and self.unapplied > 0

    @property
    def unapplied(self) -> Decimal:
        """Of a credit, what no invoice took (an over-payment, or all of it while unmatched)."""
        return max(Decimal("0.00"), self.amount + self.fee - self.applied) if self.amount > 0 else Decimal("0.00")
