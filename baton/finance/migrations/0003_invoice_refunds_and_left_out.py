"""Refunds and the time a draft left out (issue 15, MONEY.md §5).

- `Invoice.left_out_minutes`: the unapproved billable minutes a draft from time left out (0 for earlier invoices:
  they were drafted with every entry of their period, approved or not).
- A payment may be negative (a refund to the client): `payment_amount_positive` becomes `payment_amount_not_zero`.
- Every invoice's `amount_credited` is recomputed from its issued credit notes, since its balance (which may now go
  negative: a refund owed) is read from it.
"""

from decimal import Decimal

from django.db import migrations, models
from django.db.models import Sum


def recompute_amount_credited(apps, schema_editor):
    Invoice = apps.get_model("finance", "Invoice")
    credited = (
        Invoice.objects.filter(kind="credit_note", status__in=["sent", "paid"], credit_for__isnull=False)
        .values("credit_for_id")
        .annotate(s=Sum("total"))
    )
    by_invoice = {row["credit_for_id"]: -(row["s"] or Decimal("0.00")) for row in credited}
    for invoice in Invoice.objects.filter(kind="invoice").exclude(amount_credited=0).only("id", "amount_credited"):
        if invoice.pk not in by_invoice:
            by_invoice[invoice.pk] = Decimal("0.00")
    for pk, amount in by_invoice.items():
        Invoice.objects.filter(pk=pk).exclude(amount_credited=amount).update(amount_credited=amount)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_sweepmark_sweeprun"),
        ("finance", "0002_rates_moved_to_the_rates_app"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="payment",
            name="payment_amount_positive",
        ),
        migrations.AddField(
            model_name="invoice",
            name="left_out_minutes",
            field=models.PositiveIntegerField(
                default=0,
                help_text="A draft from time: unapproved billable un-invoiced minutes of its period it left out.",
            ),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount", 0), _negated=True),
                name="payment_amount_not_zero",
                violation_error_message="A payment (or a refund, negative) is not zero.",
            ),
        ),
        migrations.RunPython(recompute_amount_credited, migrations.RunPython.noop),
    ]
