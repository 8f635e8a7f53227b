"""The client goals written on knowledge records (free-text {goal, kpi, target}) become client goals (/client-goals),
the one list of a client's goals: each one the client does not already have by title, with its target's number (the
one after "to", else the first, else 0) and its original KPI and target kept in the description. The records' lists
are emptied; the knowledge record now shows the client goals."""

import re
from decimal import Decimal, InvalidOperation

from django.db import migrations

NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def _target(text: str) -> Decimal:
    """The number to reach: the one after "to" ("from 1.8% to 2.5%"), else the first ("120 by Q3"), else 0."""
    match = re.search(r"\bto\s+(" + NUMBER.pattern + ")", text or "", re.IGNORECASE) or NUMBER.search(text or "")
    if match is None:
        return Decimal("0")
    try:
        value = Decimal(match.group(match.lastindex or 0).replace(",", ""))
    except InvalidOperation:
        return Decimal("0")
    return value if abs(value) < Decimal("1e14") else Decimal("0")


def forwards(apps, schema_editor):
    ClientKnowledge = apps.get_model("knowledge", "ClientKnowledge")
    ClientGoal = apps.get_model("relationships", "ClientGoal")
    for record in ClientKnowledge.objects.exclude(goals=[]).iterator():
        titles = ClientGoal.objects.filter(client_id=record.client_id).values_list("title", flat=True)
        have = {t.strip().lower() for t in titles}
        for item in record.goals or []:
            if not isinstance(item, dict) or not str(item.get("goal") or "").strip():
                continue
            title = str(item["goal"]).strip()[:200]
            if title.lower() in have:
                continue
            kpi, target = str(item.get("kpi") or "").strip(), str(item.get("target") or "").strip()
            ClientGoal.objects.create(
                workspace_id=record.workspace_id,
                client_id=record.client_id,
                title=title,
                metric=(kpi or title)[:200],
                target=_target(target),
                description=f"From the client knowledge record: KPI “{kpi or '—'}”, target “{target or '—'}”.",
            )
            have.add(title.lower())
        record.goals = []
        record.save(update_fields=["goals"])


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0001_initial"),
        ("knowledge", "0003_decision_internal"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
