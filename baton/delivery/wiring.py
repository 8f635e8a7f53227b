"""What delivery wires at start-up: its periodic sweeps (overdue tasks and milestones) in core's sweep framework, and
the project budgets that fix the workspace's base currency (MONEY.md §2)."""

from __future__ import annotations

from django.db.models import Q

from baton.core.models import Workspace
from baton.core.registry import register_money_holder
from baton.delivery import sweeps  # noqa: F401
from baton.delivery.models import Project


def _project_budgets(workspace: Workspace) -> int:
    return Project.objects.filter(Q(budget_amount__gt=0) | Q(period_budget_amount__gt=0), workspace=workspace).count()


register_money_holder("project budgets", _project_budgets)
