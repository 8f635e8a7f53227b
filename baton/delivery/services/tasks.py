"""Writes for tasks: create, update, status changes through the dependency gate, delete.

The dependency gate: a task cannot *start* (leave `todo`/`blocked` for `in_progress`, `in_review` or `done`) while a
task it depends on is not done (409, naming the blockers). An owner, an admin or the project's manager may override
(`override=True`); the override is recorded as `task.dependency_overridden`. Dependencies never form a cycle (422).

The start gates (delivery/gates.py, filled by the apps above): an unconfirmed handoff of the task or of its project
(409 naming `handoff_id`), no approved brief when the task requires one (409 naming `brief`). The same people may
override them, recorded as `task.start_gate_overridden`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import bump_version, check_version, validate
from baton.delivery.gates import StartBlock, start_blocks
from baton.delivery.models import Milestone, Project, Task, TaskStatus
from baton.delivery.services._common import clean_tags, minutes_or_error, reject_unknown, staff_person_error
from baton.delivery.services.projects import ensure_live, require_editor

TASK_FIELDS = (
    "title",
    "description",
    "status",
    "milestone_id",
    "assignee_id",
    "estimate_minutes",
    "start_date",
    "due_date",
    "tags",
    "depends_on",
    "position",
    "requires_approved_brief",
)
# What an assignee who does not edit the project may change on its own task.
ASSIGNEE_FIELDS = frozenset({"status", "description", "position"})
NOT_STARTED = frozenset({TaskStatus.TODO, TaskStatus.BLOCKED})
STARTED = frozenset({TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW, TaskStatus.DONE})
Through = Task.depends_on.through
# The service checks these links itself (workspace, same project, active staff), and Task.clean() plus the status
# check cover the table's constraints, so `validate` skips the per-field and per-constraint queries for them.
CHECKED_ELSEWHERE = ["workspace", "project", "milestone", "assignee"]


class DependencyBlocked(Conflict):
    """409: the task depends on tasks that are not done. Carries them for the web UI."""

    def __init__(self, task_title: str, blocking: list[Task], *, can_override: bool) -> None:
        listed = ", ".join(f"#{t.pk} “{t.title}” ({TaskStatus(t.status).label.lower()})" for t in blocking)
        one = len(blocking) == 1
        noun = "a task" if one else f"{len(blocking)} tasks"
        hint = (
            f"Finish {'it' if one else 'them'} first, or send override: true to start anyway (recorded)."
            if can_override
            else f"Finish {'it' if one else 'them'} first, or ask the project's manager to override."
        )
        super().__init__(
            f"“{task_title}” cannot start: it depends on {noun} not done yet: {listed}. {hint}", field="depends_on"
        )
        # For the web UI, which lists the blockers and offers the override button itself.
        self.summary = f"“{task_title}” cannot start: it depends on {noun} not done yet."
        self.blocking = blocking
        self.can_override = can_override


class StartBlocked(Conflict):
    """409: a start gate holds the task back (an unconfirmed handoff, no approved brief). Every block is named in
    `errors` (`handoff_id`, `brief`); carries them for the web UI."""

    def __init__(self, task_title: str, blocks: list[StartBlock], *, can_override: bool) -> None:
        hint = (
            "Settle it first, or send override: true to start anyway (recorded)."
            if can_override
            else "Settle it first, or ask the project's manager to override."
        )
        reasons = " ".join(b.message for b in blocks)
        super().__init__(
            f"“{task_title}” cannot start: {reasons} {hint}",
            field=blocks[0].field,
            errors=[{"field": b.field, "message": b.message} for b in blocks],
        )
        self.summary = f"“{task_title}” cannot start yet."
        self.blocks = blocks
        self.blocking: list[Task] = []
        self.can_override = can_override


def is_project_editor(actor: Actor, project: Project) -> bool:
    """May the actor change any field of the project's tasks (not just the ones assigned to it)?"""
    return access.allowed(actor, "task", "create", Task(workspace=actor.workspace, project=project))


def can_override(actor: Actor, task: Task) -> bool:
    return access.allowed(actor, "task", "override_dependencies", task)


def _label(task_id: int, titles: dict[int, str]) -> str:
    return f"“{titles.get(task_id, '?')}” (#{task_id})"


def dependency_cycle(task_id: int, dependency_ids: list[int]) -> list[int] | None:
    """The path task → … → task that depending on `dependency_ids` would close, or None. One query per level."""
    parent: dict[int, int | None] = {d: None for d in dependency_ids}
    frontier = list(dependency_ids)
    while frontier:
        if task_id in parent:
            break
        following: list[int] = []
        for source, target in Through.objects.filter(from_task_id__in=frontier).values_list(
            "from_task_id", "to_task_id"
        ):
            if target not in parent:
                parent[target] = source
                following.append(target)
        frontier = following
    if task_id not in parent:
        return None
    chain: list[int] = [task_id]
    node = parent[task_id]
    while node is not None:
        chain.append(node)
        node = parent[node]
    return [task_id, *reversed(chain)]


def _dependency_ids(actor: Actor, task_id: int | None, raw: Any, errors: dict[str, str]) -> list[int]:
    """Validate `depends_on`: task ids of this workspace, not the task itself, no cycle."""
    if raw is None:
        return []
    if not isinstance(raw, list | tuple) or any(isinstance(v, bool) or not isinstance(v, int) for v in raw):
        errors["depends_on"] = "List the ids of the tasks this one depends on, e.g. [12, 15]."
        return []
    ids = sorted(set(raw))
    if task_id is not None and task_id in ids:
        errors["depends_on"] = "A task cannot depend on itself."
        return []
    titles = dict(Task.objects.filter(workspace=actor.workspace, pk__in=ids).values_list("id", "title"))
    missing = [i for i in ids if i not in titles]
    if missing:
        errors["depends_on"] = f"No such task in this workspace: {', '.join(map(str, missing))}."
        return []
    if task_id is not None and ids:
        cycle = dependency_cycle(task_id, ids)
        if cycle:
            titles |= dict(Task.objects.filter(pk__in=cycle).values_list("id", "title"))
            path = " → ".join(_label(i, titles) for i in cycle)
            errors["depends_on"] = (
                f"This would create a dependency cycle: {path} (→ reads “depends on”). A task cannot depend, "
                "directly or through other tasks, on itself."
            )
            return []
    return ids


def _milestone_error(actor: Actor, project: Project, milestone_id: int | None) -> dict[str, str]:
    if milestone_id is None:
        return {}
    project_of = (
        Milestone.objects.filter(workspace=actor.workspace, pk=milestone_id)
        .values_list("project_id", flat=True)
        .first()
    )
    if project_of is None:
        return {"milestone_id": "No such milestone in this workspace."}
    if project_of != project.pk:
        return {"milestone_id": f"This milestone belongs to another project, not to “{project.name}”."}
    return {}


def _status_error(status: Any) -> dict[str, str]:
    if status not in TaskStatus.values:
        return {"status": f"Choose one of: {', '.join(TaskStatus.values)}."}
    return {}


def _end_of_column(project_id: int, status: str, exclude_id: int | None = None) -> int:
    qs = Task.objects.filter(project_id=project_id, status=status)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    top = qs.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def _gate(
    actor: Actor, task: Task, old: str, new: str, dependency_ids: list[int], override: bool
) -> tuple[list[Task], list[StartBlock]]:
    """Refuse to start a task whose dependencies are not done, or that a start gate holds back (an unconfirmed
    handoff, no approved brief), unless overridden by someone allowed to. Returns what was overridden: the blocking
    tasks and the gates' blocks (both empty when nothing blocked)."""
    if not (old in NOT_STARTED and new in STARTED):
        return [], []
    blocking: list[Task] = []
    if dependency_ids:
        blocking = list(
            Task.objects.filter(pk__in=dependency_ids).exclude(status=TaskStatus.DONE).only("id", "title", "status")
        )
    blocks = start_blocks(task)
    if not blocking and not blocks:
        return [], []
    allowed = can_override(actor, task)
    if not override:
        if blocking:
            raise DependencyBlocked(task.title, blocking, can_override=allowed)
        raise StartBlocked(task.title, blocks, can_override=allowed)
    if not allowed:
        raise PermissionDenied(
            "Only an owner, an admin or the project's manager may start a task whose dependencies are not done, "
            "whose handoff is not confirmed or that lacks its approved brief."
        )
    return blocking, blocks


def _emit_status(actor: Actor, task: Task, old: str, overridden: list[Task], gates: list[StartBlock]) -> None:
    client_id = task.project.client_id
    if gates:
        events.emit(
            actor,
            "task.start_gate_overridden",
            task,
            data={
                "gates": sorted({b.field for b in gates}),
                "handoff_ids": [b.ref_id for b in gates if b.field == "handoff_id" and b.ref_id is not None],
                "reasons": [b.message for b in gates],
                "overridden_by_id": actor.person_id,
                "overridden_by": actor.person_name,
                "from": old,
                "to": task.status,
                "project_id": task.project_id,
            },
            client_id=client_id,
        )
    if overridden:
        events.emit(
            actor,
            "task.dependency_overridden",
            task,
            data={
                "blocking_task_ids": [t.pk for t in overridden],
                "overridden_by_id": actor.person_id,
                "overridden_by": actor.person_name,
                "from": old,
                "to": task.status,
                "project_id": task.project_id,
            },
            client_id=client_id,
        )
    events.emit(
        actor,
        "task.status_changed",
        task,
        data={"from": old, "to": task.status, "project_id": task.project_id},
        client_id=client_id,
    )


@transaction.atomic
def task_create(
    *,
    actor: Actor,
    project: Project,
    title: str,
    description: str = "",
    status: str = TaskStatus.TODO,
    milestone_id: int | None = None,
    assignee_id: int | None = None,
    estimate_minutes: int | None = 0,
    start_date: date | None = None,
    due_date: date | None = None,
    tags: list[str] | None = None,
    depends_on: list[int] | None = None,
    position: int | None = None,
    override: bool = False,
    requires_approved_brief: bool = False,
) -> Task:
    """A new task on a project. Created already started, it passes the dependency gate like a status change."""
    task = Task(workspace=actor.workspace, project=project, title=(title or "").strip(), description=description or "")
    require_editor(actor, project, "task", "create", task)
    ensure_live(project)
    errors = _status_error(status) | _milestone_error(actor, project, milestone_id)
    errors |= staff_person_error(actor, assignee_id, "assignee_id")
    task.status = status if "status" not in errors else TaskStatus.TODO
    task.milestone_id = None if "milestone_id" in errors else milestone_id
    task.assignee_id = None if "assignee_id" in errors else assignee_id
    task.estimate_minutes = minutes_or_error(estimate_minutes, "estimate_minutes", errors) or 0
    task.start_date, task.due_date = start_date, due_date
    task.tags = clean_tags(tags, "tags", errors)
    task.requires_approved_brief = requires_approved_brief is True
    dependency_ids = _dependency_ids(actor, None, depends_on, errors)
    if position is not None and (isinstance(position, bool) or not isinstance(position, int) or position < 0):
        errors["position"] = "A board position is a whole number from 0."
    validate(task, errors, exclude=CHECKED_ELSEWHERE, validate_constraints=False)
    overridden, gates = _gate(actor, task, TaskStatus.TODO, task.status, dependency_ids, override)
    task.position = position if position is not None else _end_of_column(project.pk, task.status)
    if task.status == TaskStatus.DONE:
        task.completed_at = timezone.now()
    task.save()
    if dependency_ids:
        task.depends_on.set(dependency_ids)
    client_id = project.client_id
    events.emit(
        actor,
        "task.created",
        task,
        data={
            "title": task.title,
            "project_id": project.pk,
            "milestone_id": task.milestone_id,
            "status": task.status,
            "assignee_id": task.assignee_id,
            "estimate_minutes": task.estimate_minutes,
            "depends_on": dependency_ids,
            "requires_approved_brief": task.requires_approved_brief,
        },
        client_id=client_id,
    )
    if task.assignee_id:
        events.emit(
            actor,
            "task.assigned",
            task,
            data={"from": None, "to": task.assignee_id, "project_id": project.pk},
            client_id=client_id,
        )
    if overridden or gates:
        _emit_status(actor, task, TaskStatus.TODO, overridden, gates)
    return task


# Complexity: a table of per-field rules (assignee limits, status, milestone, assignee, estimate, dependencies).
def _write(
    actor: Actor, task: Task, version: int | None, changes: dict[str, Any], *, override: bool, need_version: bool
) -> Task:
    access.require(actor, "task", "update", task)
    task = Task.objects.select_for_update().select_related("project", "project__client").get(pk=task.pk)
    if need_version:
        check_version(task, version)
    project = task.project
    ensure_live(project)
    reject_unknown(changes, TASK_FIELDS)
    if not is_project_editor(actor, project):
        beyond = sorted(set(changes) - ASSIGNEE_FIELDS)
        if beyond:
            raise PermissionDenied(
                "As the assignee you may change this task's status, description and board position; ask the "
                f"project's manager to change: {', '.join(beyond)}."
            )
    errors: dict[str, str] = {}
    new_status = changes.pop("status", None)
    if new_status is not None:
        errors |= _status_error(new_status)
    if "milestone_id" in changes:
        errors |= _milestone_error(actor, project, changes["milestone_id"])
    if "assignee_id" in changes:
        errors |= staff_person_error(actor, changes["assignee_id"], "assignee_id")
    if "estimate_minutes" in changes:
        changes["estimate_minutes"] = minutes_or_error(changes["estimate_minutes"], "estimate_minutes", errors)
    if "tags" in changes:
        changes["tags"] = clean_tags(changes["tags"], "tags", errors)
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
    if "description" in changes:
        changes["description"] = changes["description"] or ""
    if "requires_approved_brief" in changes and not isinstance(changes["requires_approved_brief"], bool):
        errors["requires_approved_brief"] = "Say true or false."
    position = changes.get("position")
    if "position" in changes and (isinstance(position, bool) or not isinstance(position, int) or position < 0):
        errors["position"] = "A board position is a whole number from 0."
    old_dependencies = sorted(task.depends_on.values_list("id", flat=True))
    dependency_ids = old_dependencies
    if "depends_on" in changes:
        dependency_ids = _dependency_ids(actor, task.pk, changes.pop("depends_on"), errors)
    changes = {k: v for k, v in changes.items() if k not in errors}
    changed = events.diff(task, changes)
    if "depends_on" not in errors and dependency_ids != old_dependencies:
        changed["depends_on"] = [old_dependencies, dependency_ids]
    old_status = task.status
    if new_status is not None and "status" not in errors:
        task.status = new_status
    if not changed and task.status == old_status and not errors:
        return task
    validate(task, errors, exclude=CHECKED_ELSEWHERE, validate_constraints=False)
    overridden: list[Task] = []
    gates: list[StartBlock] = []
    if task.status != old_status:
        overridden, gates = _gate(actor, task, old_status, task.status, dependency_ids, override)
        if "position" not in changes:
            task.position = _end_of_column(project.pk, task.status, exclude_id=task.pk)
        task.completed_at = timezone.now() if task.status == TaskStatus.DONE else None
    bump_version(task)
    task.save()
    if "depends_on" in changed:
        task.depends_on.set(dependency_ids)
    client_id = project.client_id
    if changed:
        events.emit(actor, "task.updated", task, data={"changes": changed}, client_id=client_id)
    if "assignee_id" in changed:
        events.emit(
            actor,
            "task.assigned",
            task,
            data={"from": changed["assignee_id"][0], "to": changed["assignee_id"][1], "project_id": project.pk},
            client_id=client_id,
        )
    if task.status != old_status:
        _emit_status(actor, task, old_status, overridden, gates)
    return task


@transaction.atomic
def task_update(*, actor: Actor, task: Task, version: int | None, override: bool = False, **changes: Any) -> Task:
    """Change a task's fields (status included, through the dependency gate). The assignee of a task who does not
    edit the project may change only its status, description and board position."""
    return _write(actor, task, version, changes, override=override, need_version=True)


@transaction.atomic
def task_change_status(
    *,
    actor: Actor,
    task: Task,
    status: str,
    override: bool = False,
    position: int | None = None,
    version: int | None = None,
) -> Task:
    """Move a task to another status (a board move). The version is optional here; when sent it must be current."""
    changes: dict[str, Any] = {"status": status}
    if position is not None:
        changes["position"] = position
    return _write(actor, task, version, changes, override=override, need_version=version is not None)


@transaction.atomic
def task_delete(*, actor: Actor, task: Task) -> None:
    """Delete a task; tasks that depended on it lose that dependency."""
    require_editor(actor, task.project, "task", "delete", task)
    ensure_live(task.project)
    dependents = list(task.dependents.values_list("id", flat=True))
    events.emit(
        actor,
        "task.deleted",
        task,
        data={"title": task.title, "project_id": task.project_id, "status": task.status, "dependent_ids": dependents},
        client_id=task.project.client_id,
    )
    task.delete()


def find_cycle(edges: dict[str, list[str]]) -> list[str] | None:
    """For templates: `edges[ref]` lists the refs it depends on. The first cycle found, as a closed path."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if state.get(nxt) is None:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for ref in edges:
        if state.get(ref) is None:
            cycle = visit(ref)
            if cycle:
                return cycle
    return None
