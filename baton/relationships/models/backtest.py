"""The health backtest: the last computed comparison of the current and the fitted signal weights
(`HealthBacktest`, one row per workspace, recomputed on demand or by the worker), and every acceptance of new
weights (`HealthWeightsChange`: who, when, the weights before and after, so it can be undone)."""

from __future__ import annotations

from django.db import models

from baton.core.models import Workspace


class HealthBacktest(models.Model):
    """The last backtest of a workspace: `result` is the whole report (`relationships.backtest.run_backtest`),
    `proposed_weights` the fitted weights (whole numbers adding up to 100), empty when nothing could be fitted."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="health_backtest")
    computed_at = models.DateTimeField()
    horizon_days = models.PositiveSmallIntegerField(default=90)
    result = models.JSONField(default=dict)
    proposed_weights = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Health backtest of {self.workspace} at {self.computed_at:%Y-%m-%d %H:%M}"


class HealthWeightsChange(models.Model):
    """Health weights accepted from a backtest (or restored by undoing an earlier change)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField()
    accepted_by = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accepted_by_name = models.CharField(max_length=200, blank=True)
    weights = models.JSONField(default=dict)
    previous_weights = models.JSONField(default=dict)
    auc = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    undoes = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="undone_by")

    class Meta:
        ordering = ["-accepted_at", "-id"]

    def __str__(self) -> str:
        return f"Health weights of {self.workspace} accepted {self.accepted_at:%Y-%m-%d}"
