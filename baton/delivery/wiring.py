"""What delivery wires at start-up: its periodic sweeps (overdue tasks and milestones) in core's sweep framework, and
the project budgets that fix the workspace's base currency (MONEY.md §2), and the projects and open tasks a leaving
person hands to a successor (core's holding sources, for people's archive)."""

from __future__ import annotations

from django.db.models import Q

from baton.core.models import Workspace
from baton.core.registry import register_holding_source, register_money_holder
from baton.delivery import succession, sweeps  # noqa: F401
from baton.delivery.models import Project


def _project_budgets(workspace: Workspace) -> int:
    return Project.objects.filter(Q(budget_amount__gt=0) | Q(period_budget_amount__gt=0), workspace=workspace).count()


register_money_holder("project budgets", _project_budgets)
register_holding_source(
    "projects", "live projects they manage", succession.projects_managed, succession.move_projects, order=50
)
register_holding_source("tasks", "open tasks assigned to them", succession.open_tasks, succession.move_tasks, order=60)
