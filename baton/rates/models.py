"""Rate cards (bill rates by scope and currency, dated cost rates) and exchange rates.

Every bill rate row names its currency (a rate card can hold a person's rate in USD and in EUR); `Person.bill_rate` is
in the workspace's base currency, and so are cost rates. An entry's bill rate is in its project's currency: the rate
card is read in that currency first and a rate found only in another is converted at the exchange rate in force on
the entry's date (`baton.rates.resolution`). Time entries copy the rates that apply when they are logged (with the
source rate, its currency and the factor used), so changing a rate never rewrites history.
The tables keep the names finance gave them (`finance_billrate`, ...): the models moved here, the data did not.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from baton.core import formats
from baton.core.models import TimestampedModel, Workspace


class BillRateScope(models.TextChoices):
    """From the most specific to the least: the first that has a rate for the entry wins."""

    PROJECT_PERSON = "project_person", "Project and person"
    PROJECT = "project", "Project"
    CLIENT = "client", "Client"
    PERSON = "person", "Person"
    ROLE = "role", "Role"
    WORKSPACE = "workspace", "Workspace default"


BILL_RATE_PRECEDENCE: tuple[str, ...] = tuple(s.value for s in BillRateScope)

# Which of role/person/client/project each scope names (the rest stay empty).
SCOPE_FIELDS: dict[str, frozenset[str]] = {
    BillRateScope.PROJECT_PERSON: frozenset({"project", "person"}),
    BillRateScope.PROJECT: frozenset({"project"}),
    BillRateScope.CLIENT: frozenset({"client"}),
    BillRateScope.PERSON: frozenset({"person"}),
    BillRateScope.ROLE: frozenset({"role"}),
    BillRateScope.WORKSPACE: frozenset(),
}


def _scope_condition(scope: str) -> models.Q:
    named = SCOPE_FIELDS[scope]
    q = models.Q(scope=scope)
    for f in ("project", "person", "client"):
        q &= models.Q(**{f"{f}__isnull": f not in named})
    q &= ~models.Q(role="") if "role" in named else models.Q(role="")
    return q


class BillRate(TimestampedModel):
    """One row of the rate card: a bill rate for a scope, in a currency, optionally from a date on.

    `currency` is the rate's own (ISO 4217): by default a project row's is the project's, a client row's the client's,
    the rest the workspace's base currency. At each level of the precedence a row in the project's currency wins over
    rows in other currencies; a rate found only in another currency is converted on the entry's date. `role` matches a
    person's job title or, failing that, its access role.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="bill_rates")
    scope = models.CharField(max_length=20, choices=BillRateScope.choices)
    role = models.CharField(max_length=100, blank=True, help_text="A job title (e.g. Designer) or an access role.")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("crm.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("delivery.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    rate = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(max_length=3, help_text="The rate's currency (ISO 4217).")
    effective_from = models.DateField(null=True, blank=True, help_text="Empty: since always.")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "finance_billrate"  # the table finance created; the model moved here without moving data
        ordering = ["scope", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__gte=0),
                name="bill_rate_not_negative",
                violation_error_message="A rate cannot be negative.",
            ),
            models.CheckConstraint(
                condition=_scope_condition(BillRateScope.PROJECT_PERSON)
                | _scope_condition(BillRateScope.PROJECT)
                | _scope_condition(BillRateScope.CLIENT)
                | _scope_condition(BillRateScope.PERSON)
                | _scope_condition(BillRateScope.ROLE)
                | _scope_condition(BillRateScope.WORKSPACE),
                name="bill_rate_scope_fields",
                violation_error_message="A rate names exactly what its scope needs (e.g. a project rate names a "
                "project and nothing else).",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "scope"], name="bill_rate_ws_scope")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} rate {self.rate} {self.currency}"


class CostRate(TimestampedModel):
    """A person's loaded cost per hour from a date on (a raise adds a row; logged time keeps the rate it copied).
    Before a person's first dated row, `Person.cost_rate` applies."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="cost_rates")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="cost_rates")
    rate = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    effective_from = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "finance_costrate"
        ordering = ["person_id", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "effective_from"],
                name="cost_rate_one_per_person_per_date",
                violation_error_message="This person already has a cost rate from that date.",
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gte=0),
                name="cost_rate_not_negative",
                violation_error_message="A rate cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rate} from {self.effective_from}"


class ExchangeRate(TimestampedModel):
    """One unit of `currency` is worth `rate` units of the workspace's base currency, from `effective_on` on (until
    the currency's next row). A -> P converts at rate(A) / rate(P), the base currency's rate being 1. Adding a rate
    prices the time entries and expenses that were waiting for it (their `missing_rate_currency`)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="exchange_rates")
    currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=18, decimal_places=8)
    effective_on = models.DateField()

    class Meta:
        db_table = "finance_exchangerate"
        ordering = ["currency", "-effective_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "currency", "effective_on"],
                name="exchange_rate_one_per_day",
                violation_error_message="There is already a rate for this currency on that day.",
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gt=0),
                name="exchange_rate_positive",
                violation_error_message="An exchange rate is more than zero.",
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} on {formats.day(self.effective_on)}"
