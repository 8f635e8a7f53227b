"""Contracts: a client's engagements with their term, renewal date, value and notice period. Retention, churn and
revenue retention are read from them (``../shared/API.md`` "Wave 2 resources": `/engagements`)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from baton.core.models import TimestampedModel, Workspace


class EngagementStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RENEWED = "renewed", "Renewed"
    ENDED = "ended", "Ended"
    CHURNED = "churned", "Churned"


class Engagement(TimestampedModel):
    """A contract with a client: from `start_date` to `end_date` (the term), renewing on `renewal_date` unless
    notice is given `notice_days` before it, worth `value` over the whole term. A recurring engagement's MRR is its
    value divided by the months of its term. `ended_on` is the day it stopped (ended or churned); a renewal is a new
    engagement pointing at the one it renews (`renewed_from`), which becomes `renewed`."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="engagements")
    client = models.ForeignKey("crm.Client", on_delete=models.CASCADE, related_name="engagements")
    name = models.CharField(max_length=200)
    service = models.CharField(max_length=100, blank=True, help_text="The service line, for retention by service.")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    renewal_date = models.DateField(null=True, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, blank=True)
    recurring = models.BooleanField(default=False)
    notice_days = models.PositiveSmallIntegerField(default=30)
    status = models.CharField(max_length=10, choices=EngagementStatus.choices, default=EngagementStatus.ACTIVE)
    ended_on = models.DateField(null=True, blank=True)
    churn_reason = models.TextField(blank=True)
    project = models.ForeignKey(
        "delivery.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="engagements"
    )
    deal = models.ForeignKey("crm.Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="engagements")
    renewed_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewals")

    class Meta:
        ordering = ["client_id", "start_date", "id"]
        indexes = [models.Index(fields=["workspace", "status", "renewal_date"], name="engagement_ws_status_renewal")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in EngagementStatus]),
                name="engagement_status_valid",
                violation_error_message="Unknown engagement status.",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0),
                name="engagement_value_not_negative",
                violation_error_message="An engagement's value cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="engagement_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return self.name
