"""The downloads of delivery's pages (core/tables.py): projects, tasks by status, my tasks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from baton.core.tables import Column, Table
from baton.delivery.models import Project, Task


def project_table(projects: Iterable[Project], *, with_budgets: bool) -> Table:
    columns = [
        Column("Project", "name"),
        Column("Billing", "get_billing_display"),
        Column("Client", "client.name"),
        Column("Status", "get_status_display"),
        Column("Project manager", "project_manager.name"),
        Column("Dates from", "start_date", "date"),
        Column("Dates to", "end_date", "date"),
        Column("Progress: tasks done", "done_task_count", "number"),
        Column("Progress: tasks", "task_count", "number"),
        Column("Overdue tasks", "overdue_task_count", "number"),
    ]
    if with_budgets:
        columns += [
            Column("Budget", "budget_amount", "money", currency="currency"),
            Column("Budget time", "budget_minutes", "minutes"),
        ]
    return Table("Projects", columns, projects)


def _waiting_on(task: Task) -> str:
    return ", ".join(d.title for d in task.depends_on.all() if d.status != "done")


def task_table(tasks: Iterable[Task], *, title: str) -> Table:
    return Table(
        title,
        [
            Column("Task", "title"),
            Column("Waiting on", _waiting_on),
            Column("Project", "project.name"),
            Column("Client", "project.client.name"),
            Column("Assignee", "assignee.name"),
            Column("Due", "due_date", "date"),
            Column("Since", "updated_at", "datetime"),
        ],
        tasks,
    )


def my_task_table(groups: Sequence[Any]) -> Table:
    rows = [(group, task) for group in groups for task in group.tasks]
    return Table(
        "My tasks",
        [
            Column("Group", lambda r: r[0].label),
            Column("Task", lambda r: r[1].title),
            Column("Waiting on", lambda r: _waiting_on(r[1])),
            Column("Project", lambda r: r[1].project.name),
            Column("Client", lambda r: r[1].project.client.name),
            Column("Due", lambda r: r[1].due_date, "date"),
            Column("Estimate", lambda r: r[1].estimate_minutes, "minutes"),
            Column("Status", lambda r: r[1].get_status_display()),
        ],
        rows,
    )
