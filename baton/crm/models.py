"""Clients and their contacts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from baton.core.models import TimestampedModel, Workspace
from baton.core.validators import currency_code


class ClientStatus(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    CHURNED = "churned", "Churned"


class Client(TimestampedModel):
    """A client company. Its account manager owns the relationship."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="clients")
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=ClientStatus.choices, default=ClientStatus.ACTIVE)
    account_manager = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="managed_clients"
    )
    currency = models.CharField(max_length=3, default="USD")
    industry = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # The client as invoices and e-invoices name it (the buyer).
    legal_name = models.CharField(max_length=200, blank=True, help_text="The registered company name on invoices.")
    address = models.TextField(blank=True, help_text="Street, then postal code and city, one per line.")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 two-letter code, e.g. DE or US.")
    vat_id = models.CharField(max_length=40, blank=True, help_text="VAT or sales-tax id, e.g. DE123456789.")
    number = models.CharField(
        max_length=60, blank=True, help_text="The client's number in your books (Kimai's customer number on import)."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                name="client_name_unique_per_workspace",
                violation_error_message="A client with this name already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ClientStatus]),
                name="client_status_valid",
                violation_error_message="Unknown client status.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "account_manager"], name="client_ws_am")]

    def __str__(self) -> str:
        return self.name

    @property
    def client_id(self) -> int:
        """Events about a client are about that client."""
        return self.pk

    def clean(self) -> None:
        errors: dict[str, str] = {}
        currency_code(self.currency, "currency", errors)
        if self.account_manager_id and self.account_manager:
            am = self.account_manager
            if am.workspace_id != self.workspace_id:
                errors["account_manager_id"] = "No such person in this workspace."
            elif am.membership.role == "client":
                errors["account_manager_id"] = "A client portal user cannot be an account manager."
            elif not am.active:
                errors["account_manager_id"] = "This person is inactive."
        if errors:
            raise ValidationError(errors)


class AccountManagerChange(models.Model):
    """Who was the client's account manager from a day on, kept so money can follow it (MONEY.md §4: the account
    manager P&L attributes each day to the AM responsible that day). The first row's AM is responsible from the
    client's beginning. Written by the client services; a client without rows has had its current AM all along."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="am_history")
    account_manager = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client_id", "on", "id"]
        indexes = [models.Index(fields=["client", "on"], name="client_am_on")]

    def __str__(self) -> str:
        return f"AM {self.account_manager_id} from {self.on}"


class Contact(TimestampedModel):
    """A person at the client: who they are, how to reach them, and whether they are the primary contact."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="contacts")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    role = models.CharField(max_length=200, blank=True, help_text="Their job at the client, e.g. CMO.")
    is_primary = models.BooleanField(default=False)
    is_billing = models.BooleanField(default=False, help_text="Invoices are e-mailed to billing contacts.")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(is_primary=True),
                name="contact_one_primary_per_client",
                violation_error_message="A client has one primary contact.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DealStage(models.TextChoices):
    LEAD = "lead", "Lead"
    QUALIFIED = "qualified", "Qualified"
    PROPOSAL = "proposal", "Proposal"
    NEGOTIATION = "negotiation", "Negotiation"
    WON = "won", "Won"
    LOST = "lost", "Lost"


OPEN_DEAL_STAGES = (DealStage.LEAD, DealStage.QUALIFIED, DealStage.PROPOSAL, DealStage.NEGOTIATION)


class Deal(TimestampedModel):
    """A sales opportunity with a client (or prospect): its value, stage, probability and the delivery effort it
    would bring. Winning it creates the project and opens the sales-to-account handoff (`deal_win`)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="deals")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="deals")
    name = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="USD")
    stage = models.CharField(max_length=20, choices=DealStage.choices, default=DealStage.LEAD)
    probability = models.PositiveSmallIntegerField(default=10, help_text="0-100 %.")
    expected_close = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="owned_deals"
    )
    contacts = models.ManyToManyField(Contact, blank=True, related_name="deals")
    expected_effort_minutes = models.PositiveIntegerField(default=0, help_text="Delivery effort if won.")
    effort_role = models.CharField(
        max_length=100, blank=True, help_text="The skill or job title the effort needs (for the demand forecast)."
    )
    effort_weeks = models.PositiveSmallIntegerField(
        default=4, help_text="Weeks after the close the effort spreads over."
    )
    recurring = models.BooleanField(
        default=False, help_text="A retainer: won, its project is a retainer and its engagement recurs."
    )
    term_months = models.PositiveSmallIntegerField(
        default=12, help_text="A recurring deal's term in months; its value is the whole term's."
    )
    service = models.CharField(max_length=100, blank=True, help_text="The service line (retention by service).")
    template = models.ForeignKey(
        "delivery.ProjectTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    primary_goals = models.TextField(blank=True)
    objections = models.TextField(blank=True)
    agreed_deliverables = models.TextField(blank=True)
    timeline_expectations = models.TextField(blank=True)
    sales_commitments = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    project = models.ForeignKey(
        "delivery.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    handoff_id = models.BigIntegerField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    lost_reason = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["expected_close", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__in=[s.value for s in DealStage]),
                name="deal_stage_valid",
                violation_error_message="Unknown deal stage.",
            ),
            models.CheckConstraint(
                condition=models.Q(probability__lte=100),
                name="deal_probability_0_100",
                violation_error_message="Probability is a percentage from 0 to 100.",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0),
                name="deal_value_not_negative",
                violation_error_message="A deal's value cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(term_months__gte=1, term_months__lte=120),
                name="deal_term_months_1_120",
                violation_error_message="A term is 1 to 120 months.",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "stage"], name="deal_ws_stage")]

    def __str__(self) -> str:
        return self.name

    @property
    def weighted_value(self) -> Any:
        return (self.value * Decimal(self.probability) / Decimal(100)).quantize(Decimal("0.01"), ROUND_HALF_UP)
