"""MONEY.md §7: a failure's remediator defaults to the handoff's receiver, never to whoever recorded it, and its cost
is the remediation minutes at the remediator's cost rate in force on the failure's date.

Failures recorded before this rule whose remediator is the person who recorded them got that person by the old
default, so they move to the handoff's receiver (a remediator named explicitly, someone other than the recorder, is
kept). Every failure's cost is then recomputed at its remediator's rate on its date. The lookup is written against
the historical models (a migration must not import today's code); it is the rule of `baton.rates.resolution`: the
latest dated `CostRate` on or before the day, else `Person.cost_rate`; amount = minutes / 60 x rate, cents half up.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

CENT = Decimal("0.01")


def _rate_on(cost_rates, person, day):
    rows = [r for r in cost_rates.get(person.pk, []) if r[0] <= day]
    if rows:
        return max(rows, key=lambda r: r[0])[1]
    return person.cost_rate or Decimal("0.00")


def forwards(apps, schema_editor):
    HandoffFailure = apps.get_model("handoffs", "HandoffFailure")
    CostRate = apps.get_model("rates", "CostRate")
    failures = HandoffFailure.objects.select_related("handoff__to_person", "remediated_by")
    cost_rates = {}
    for person_id, start, rate in CostRate.objects.values_list("person_id", "effective_from", "rate"):
        cost_rates.setdefault(person_id, []).append((start, rate))
    for failure in failures.iterator(chunk_size=2000):
        person = failure.remediated_by
        if failure.recorded_by_id is not None and failure.remediated_by_id == failure.recorded_by_id:
            person = failure.handoff.to_person
        rate = Decimal(_rate_on(cost_rates, person, failure.occurred_on)).quantize(CENT)
        cost = (Decimal(failure.remediation_minutes) * rate / Decimal(60)).quantize(CENT, rounding=ROUND_HALF_UP)
        if (person.pk, rate, cost) != (failure.remediated_by_id, failure.cost_rate, failure.remediation_cost):
            HandoffFailure.objects.filter(pk=failure.pk).update(
                remediated_by_id=person.pk, cost_rate=rate, remediation_cost=cost
            )


class Migration(migrations.Migration):
    dependencies = [
        ("handoffs", "0001_initial"),
        ("rates", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
