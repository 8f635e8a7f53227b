"""Every write of delivery: projects, milestones, tasks (with the dependency gate) and project templates.

Split by resource; import from here (`from baton.delivery import services`).
"""

from baton.delivery.services.milestones import (
    MILESTONE_FIELDS,
    milestone_complete,
    milestone_create,
    milestone_delete,
    milestone_update,
)
from baton.delivery.services.projects import (
    BUDGET_FIELDS,
    PROJECT_FIELDS,
    PROJECT_TRANSITIONS,
    budget_locked,
    budget_revise,
    check_transition,
    project_archive,
    project_change_status,
    project_create,
    project_unarchive,
    project_update,
)
from baton.delivery.services.tasks import (
    ASSIGNEE_FIELDS,
    TASK_FIELDS,
    DependencyBlocked,
    can_override,
    dependency_cycle,
    is_project_editor,
    task_change_status,
    task_create,
    task_delete,
    task_update,
)
from baton.delivery.services.templates import (
    assignee_role_of,
    project_create_from_template,
    project_save_as_template,
    project_template_create,
    project_template_delete,
    project_template_update,
    template_plan,
)

__all__ = [
    "ASSIGNEE_FIELDS",
    "BUDGET_FIELDS",
    "MILESTONE_FIELDS",
    "PROJECT_FIELDS",
    "PROJECT_TRANSITIONS",
    "TASK_FIELDS",
    "DependencyBlocked",
    "assignee_role_of",
    "budget_locked",
    "budget_revise",
    "can_override",
    "check_transition",
    "dependency_cycle",
    "is_project_editor",
    "milestone_complete",
    "milestone_create",
    "milestone_delete",
    "milestone_update",
    "project_archive",
    "project_change_status",
    "project_create",
    "project_create_from_template",
    "project_save_as_template",
    "project_template_create",
    "project_template_delete",
    "project_template_update",
    "project_unarchive",
    "project_update",
    "task_change_status",
    "task_create",
    "task_delete",
    "task_update",
    "template_plan",
]
