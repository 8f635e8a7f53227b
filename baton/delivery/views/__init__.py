"""Delivery pages: projects (list, detail, create, edit, from a template), the task board, the timeline, my tasks,
tasks and milestones, and project templates. Every write goes through `baton.delivery.services`. One module per
responsibility; `urls.py` reads the views from here, and higher apps register task-page blocks in
`TASK_PAGE_BLOCKS` and project-page blocks in `PROJECT_PAGE_BLOCKS`."""

from baton.delivery.views.board import board, my_tasks, task_status, timeline
from baton.delivery.views.milestones import milestone_complete, milestone_delete, milestone_edit, milestone_new
from baton.delivery.views.projects import (
    PROJECT_PAGE_BLOCKS,
    project_archive,
    project_budget_revise,
    project_detail,
    project_edit,
    project_list,
    project_new,
    project_status,
)
from baton.delivery.views.tasks import TASK_PAGE_BLOCKS, task_delete, task_detail, task_edit, task_new
from baton.delivery.views.templates import (
    project_from_template,
    save_as_template,
    template_delete,
    template_detail,
    template_list,
)

__all__ = [
    "PROJECT_PAGE_BLOCKS",
    "TASK_PAGE_BLOCKS",
    "board",
    "milestone_complete",
    "milestone_delete",
    "milestone_edit",
    "milestone_new",
    "my_tasks",
    "project_archive",
    "project_budget_revise",
    "project_detail",
    "project_edit",
    "project_from_template",
    "project_list",
    "project_new",
    "project_status",
    "save_as_template",
    "task_delete",
    "task_detail",
    "task_edit",
    "task_new",
    "task_status",
    "template_delete",
    "template_detail",
    "template_list",
    "timeline",
]
