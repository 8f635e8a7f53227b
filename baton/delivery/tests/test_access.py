"""The delivery rows of the access policy, written out literally so a change is deliberate (see ARCHITECTURE.md),
and the object rules behind them."""

from __future__ import annotations

from baton.core import access
from baton.delivery.models import Milestone, Project, Task

ALL = {"owner", "admin", "finance", "account_manager", "project_manager", "member", "client"}
STAFF = ALL - {"client"}
EDITORS = {"owner", "admin", "account_manager", "project_manager"}

EXPECTED = {
    ("project", "view"): ALL,
    ("project", "view_budget"): STAFF,
    ("project", "create"): EDITORS,
    ("project", "update"): EDITORS,
    ("project", "archive"): {"owner", "admin", "project_manager"},
    ("milestone", "view"): ALL,
    ("milestone", "create"): EDITORS,
    ("milestone", "update"): EDITORS,
    ("milestone", "delete"): EDITORS,
    ("task", "view"): ALL,
    ("task", "create"): EDITORS,
    ("task", "update"): EDITORS | {"member"},
    ("task", "delete"): EDITORS,
    ("task", "override_dependencies"): {"owner", "admin", "project_manager"},
    ("project_template", "view"): STAFF,
    ("project_template", "create"): {"owner", "admin", "project_manager"},
    ("project_template", "update"): {"owner", "admin", "project_manager"},
    ("project_template", "delete"): {"owner", "admin", "project_manager"},
}


def test_delivery_policy_rows():
    delivery = {"project", "milestone", "task", "project_template"}
    current = {k: set(v) for k, v in access.POLICY.items() if k[0] in delivery}
    assert current == EXPECTED


def test_object_rules(personas, project):
    pm, am, member, admin = (personas[n].actor for n in ("pm", "am", "member", "admin"))
    task = Task(workspace=personas.workspace, project=project, assignee_id=member.person_id)
    other_task = Task(workspace=personas.workspace, project=project)
    milestone = Milestone(workspace=personas.workspace, project=project)
    b_project = Project(workspace=personas.workspace, client=personas.client_b, project_manager_id=admin.person_id)
    unmanaged = Project(workspace=personas.workspace, client=personas.client_b)

    assert access.allowed(pm, "project", "update", project)  # its own
    assert not access.allowed(pm, "project", "update", b_project)  # someone else's
    assert access.allowed(pm, "project", "update", unmanaged)  # nobody's
    assert access.allowed(pm, "task", "override_dependencies", task)
    assert not access.allowed(pm, "task", "override_dependencies", Task(project=b_project))
    assert access.allowed(am, "milestone", "update", milestone)  # client A is in am's portfolio
    assert not access.allowed(am, "project", "update", b_project)
    assert not access.allowed(am, "task", "override_dependencies", task)
    assert access.allowed(member, "task", "update", task)  # assigned
    assert not access.allowed(member, "task", "update", other_task)
    assert not access.allowed(member, "task", "create", other_task)
    client = personas["client_a"].actor
    assert access.allowed(client, "task", "view", task)
    assert not access.allowed(client, "project", "view", b_project)
    assert not access.allowed(client, "task", "update", task)
    assert not access.can_see_budgets(client) and access.can_see_budgets(member)
