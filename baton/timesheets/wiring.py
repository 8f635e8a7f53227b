"""What timesheets wires at start-up: time entries with an amount fix the workspace's base currency (MONEY.md §2)."""

from __future__ import annotations

from django.db.models import Q

from baton.core.models import Workspace
from baton.core.registry import register_money_holder
from baton.timesheets.models import TimeEntry


def _entries_with_amount(workspace: Workspace) -> int:
    return TimeEntry.objects.filter(~Q(bill_amount=0) | ~Q(cost_amount=0), workspace=workspace).count()


register_money_holder("time entries with an amount", _entries_with_amount, singular="time entry with an amount")
