"""Clients and their contacts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from baton.core.models import TimestampedModel, Workspace


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
        if self.currency and (len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper()):
            errors["currency"] = "Use a three-letter ISO 4217 code in capitals, like USD."
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


class Contact(TimestampedModel):
    """A person at the client: who they are, how to reach them, and whether they are the primary contact."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="contacts")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    role = models.CharField(max_length=200, blank=True, help_text="Their job at the client, e.g. CMO.")
    is_primary = models.BooleanField(default=False)
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
