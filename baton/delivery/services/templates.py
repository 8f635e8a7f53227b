"""Project templates: CRUD with nested milestones and tasks, save a project as a template, start a project from one.

In a template, dates are day offsets from the project start; a task names the role to staff it with (a title or a
skill) instead of a person. Milestones and tasks refer to each other by `ref` (any unique text; by default the
position in the list, "0", "1", ...): a task's `milestone` is a milestone ref, its `depends_on` lists task refs.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch

from baton.core import access, events
from baton.core.access import Actor
from baton.core.services import bump_version, check_version, validate
from baton.delivery.models import (
    Billing,
    Milestone,
    MilestoneStatus,
    Project,
    ProjectStatus,
    ProjectTemplate,
    Task,
    TaskStatus,
    TemplateMilestone,
    TemplateTask,
)
from baton.delivery.selectors import open_load_by_person
from baton.delivery.services._common import clean_tags, money_or_error
from baton.delivery.services.projects import project_create
from baton.delivery.services.tasks import find_cycle
from baton.people.models import Person

TEMPLATE_FIELDS = ("name", "description", "billing", "duration_days", "milestones", "tasks")
DUPLICATE_NAME = "A template with this name already exists."
MAX_OFFSET = 3650


# --- Validating the nested plan ---------------------------------------------------------------------------------


def _offset(value: Any, field: str, errors: dict[str, str]) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_OFFSET:
        errors[field] = f"Offsets are whole days after the project start, from 0 to {MAX_OFFSET}."
        return None
    return value


def _ref(item: dict[str, Any], index: int) -> str:
    ref = item.get("ref")
    return str(index) if ref is None or str(ref).strip() == "" else str(ref).strip()


# Complexity: a table of per-field checks on every milestone and task, each naming its field.
def _clean_plan(
    milestones: list[dict[str, Any]], tasks: list[dict[str, Any]], errors: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Check every milestone and task, naming each bad field as `tasks.<i>.<field>`; return normalised copies."""
    clean_milestones: list[dict[str, Any]] = []
    milestone_refs: dict[str, int] = {}
    for i, raw in enumerate(milestones):
        at = f"milestones.{i}"
        if not isinstance(raw, dict):
            errors[at] = "Each milestone is an object with at least a name."
            continue
        name = str(raw.get("name") or "").strip()
        if not name:
            errors[f"{at}.name"] = "Name the milestone."
        ref = _ref(raw, i)
        if ref in milestone_refs:
            errors[f"{at}.ref"] = f"Another milestone already uses the ref “{ref}”."
        milestone_refs[ref] = i
        clean_milestones.append(
            {
                "ref": ref,
                "name": name[:200],
                "due_offset_days": _offset(raw.get("due_offset_days"), f"{at}.due_offset_days", errors),
                "amount": money_or_error(raw.get("amount"), f"{at}.amount", errors, allow_none=True),
            }
        )
    clean_tasks: list[dict[str, Any]] = []
    task_refs: dict[str, int] = {}
    for i, raw in enumerate(tasks):
        at = f"tasks.{i}"
        if not isinstance(raw, dict):
            errors[at] = "Each task is an object with at least a title."
            continue
        title = str(raw.get("title") or "").strip()
        if not title:
            errors[f"{at}.title"] = "Give the task a title."
        ref = _ref(raw, i)
        if ref in task_refs:
            errors[f"{at}.ref"] = f"Another task already uses the ref “{ref}”."
        task_refs[ref] = i
        start = _offset(raw.get("start_offset_days"), f"{at}.start_offset_days", errors)
        due = _offset(raw.get("due_offset_days"), f"{at}.due_offset_days", errors)
        if start is not None and due is not None and due < start:
            errors[f"{at}.due_offset_days"] = "A task cannot be due before it starts."
        estimate = raw.get("estimate_minutes") or 0
        if isinstance(estimate, bool) or not isinstance(estimate, int) or estimate < 0:
            errors[f"{at}.estimate_minutes"] = "Estimates are whole minutes from 0."
            estimate = 0
        milestone = raw.get("milestone", raw.get("milestone_ref"))
        milestone = None if milestone is None or str(milestone).strip() == "" else str(milestone).strip()
        role = str(raw.get("assignee_role") or "").strip()
        if len(role) > 100:
            errors[f"{at}.assignee_role"] = "A role is at most 100 characters."
        depends = raw.get("depends_on") or []
        if not isinstance(depends, list):
            errors[f"{at}.depends_on"] = "List the refs of the tasks this one depends on."
            depends = []
        clean_tasks.append(
            {
                "ref": ref,
                "title": title[:300],
                "description": str(raw.get("description") or ""),
                "milestone": milestone,
                "start_offset_days": start,
                "due_offset_days": due,
                "estimate_minutes": estimate,
                "assignee_role": role[:100],
                "tags": clean_tags(raw.get("tags"), f"{at}.tags", errors),
                "depends_on": [str(d).strip() for d in depends],
                "requires_approved_brief": raw.get("requires_approved_brief") is True,
            }
        )
    for i, task in enumerate(clean_tasks):
        if task["milestone"] is not None and task["milestone"] not in milestone_refs:
            errors[f"tasks.{i}.milestone"] = f"No milestone has the ref “{task['milestone']}”."
        unknown = [d for d in task["depends_on"] if d not in task_refs]
        if unknown:
            errors[f"tasks.{i}.depends_on"] = f"No task has the ref: {', '.join(unknown)}."
        elif task["ref"] in task["depends_on"]:
            errors[f"tasks.{i}.depends_on"] = "A task cannot depend on itself."
    if not any(k.endswith("depends_on") for k in errors):
        cycle = find_cycle({t["ref"]: t["depends_on"] for t in clean_tasks})
        if cycle:
            titles = {t["ref"]: t["title"] for t in clean_tasks}
            path = " → ".join(f"“{titles.get(r, r)}”" for r in cycle)
            errors[f"tasks.{task_refs[cycle[0]]}.depends_on"] = (
                f"This would create a dependency cycle: {path} (→ reads “depends on”)."
            )
    return clean_milestones, clean_tasks


def _save_plan(template: ProjectTemplate, milestones: list[dict[str, Any]], tasks: list[dict[str, Any]]) -> None:
    template.milestones.all().delete()
    template.tasks.all().delete()
    by_ref: dict[str, TemplateMilestone] = {}
    for position, m in enumerate(milestones):
        by_ref[m["ref"]] = TemplateMilestone.objects.create(
            template=template,
            name=m["name"],
            due_offset_days=m["due_offset_days"],
            amount=m["amount"],
            position=position,
        )
    created: dict[str, TemplateTask] = {}
    for position, t in enumerate(tasks):
        created[t["ref"]] = TemplateTask.objects.create(
            template=template,
            milestone=by_ref.get(t["milestone"]) if t["milestone"] else None,
            title=t["title"],
            description=t["description"],
            start_offset_days=t["start_offset_days"],
            due_offset_days=t["due_offset_days"],
            estimate_minutes=t["estimate_minutes"],
            assignee_role=t["assignee_role"],
            tags=t["tags"],
            requires_approved_brief=t.get("requires_approved_brief", False),
            position=position,
        )
    links = [
        TemplateTask.depends_on.through(from_templatetask_id=created[t["ref"]].pk, to_templatetask_id=created[d].pk)
        for t in tasks
        for d in dict.fromkeys(t["depends_on"])
    ]
    TemplateTask.depends_on.through.objects.bulk_create(links)


def template_plan(template: ProjectTemplate) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A template's milestones and tasks as plain data with position refs (the API output, and the input to edit)."""
    milestones = list(template.milestones.all())
    tasks = list(template.tasks.all())
    m_ref = {m.pk: str(i) for i, m in enumerate(milestones)}
    t_ref = {t.pk: str(i) for i, t in enumerate(tasks)}
    return (
        [
            {
                "id": m.pk,
                "ref": m_ref[m.pk],
                "name": m.name,
                "due_offset_days": m.due_offset_days,
                "amount": m.amount,
            }
            for m in milestones
        ],
        [
            {
                "id": t.pk,
                "ref": t_ref[t.pk],
                "title": t.title,
                "description": t.description,
                "milestone": m_ref.get(t.milestone_id) if t.milestone_id else None,
                "start_offset_days": t.start_offset_days,
                "due_offset_days": t.due_offset_days,
                "estimate_minutes": t.estimate_minutes,
                "assignee_role": t.assignee_role,
                "tags": list(t.tags or []),
                "depends_on": sorted((t_ref[d.pk] for d in t.depends_on.all() if d.pk in t_ref), key=int),
                "requires_approved_brief": t.requires_approved_brief,
            }
            for t in tasks
        ],
    )


def _name_errors(actor: Actor, name: str, exclude_id: int | None = None) -> dict[str, str]:
    if not name:
        return {}
    taken = ProjectTemplate.objects.filter(workspace=actor.workspace, name__iexact=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    return {"name": DUPLICATE_NAME} if taken.exists() else {}


def _summary(template: ProjectTemplate, milestones: list[Any], tasks: list[Any]) -> dict[str, Any]:
    return {"name": template.name, "milestones": len(milestones), "tasks": len(tasks), "billing": template.billing}


# --- CRUD -------------------------------------------------------------------------------------------------------


@transaction.atomic
def project_template_create(
    *,
    actor: Actor,
    name: str,
    description: str = "",
    billing: str = Billing.FIXED_FEE,
    duration_days: int | None = 0,
    milestones: list[dict[str, Any]] | None = None,
    tasks: list[dict[str, Any]] | None = None,
    from_project_id: int | None = None,
) -> ProjectTemplate:
    """A new template with its milestones and tasks, all validated before anything is saved."""
    access.require(actor, "project_template", "create")
    name = (name or "").strip()
    errors = _name_errors(actor, name)
    plan = _clean_plan(milestones or [], tasks or [], errors)
    template = ProjectTemplate(
        workspace=actor.workspace,
        name=name,
        description=description or "",
        billing=billing,
        duration_days=duration_days or 0,
    )
    validate(template, errors)
    template.save()
    _save_plan(template, *plan)
    data = _summary(template, *plan) | ({"from_project_id": from_project_id} if from_project_id else {})
    events.emit(actor, "project_template.created", template, data=data)
    return template


@transaction.atomic
def project_template_update(
    *, actor: Actor, template: ProjectTemplate, version: int | None, **changes: Any
) -> ProjectTemplate:
    """Change a template. `milestones` and `tasks`, when sent, replace the current ones (one left out keeps its
    current entries, which refer to the other by position)."""
    access.require(actor, "project_template", "update", template)
    template = ProjectTemplate.objects.select_for_update().get(pk=template.pk)
    check_version(template, version)
    unknown = set(changes) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    errors: dict[str, str] = {}
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
        errors |= _name_errors(actor, changes["name"], exclude_id=template.pk)
    if "description" in changes:
        changes["description"] = changes["description"] or ""
    if "duration_days" in changes:
        changes["duration_days"] = changes["duration_days"] or 0
    new_milestones, new_tasks = changes.pop("milestones", None), changes.pop("tasks", None)
    plan = None
    if new_milestones is not None or new_tasks is not None:
        current_m, current_t = template_plan(template)
        plan = _clean_plan(
            current_m if new_milestones is None else new_milestones,
            current_t if new_tasks is None else new_tasks,
            errors,
        )
    changed = events.diff(template, {k: v for k, v in changes.items() if k not in errors})
    if plan is not None:
        changed["plan"] = [None, {"milestones": len(plan[0]), "tasks": len(plan[1])}]
    if not changed and not errors:
        return template
    validate(template, errors)
    bump_version(template)
    template.save()
    if plan is not None:
        _save_plan(template, *plan)
    events.emit(actor, "project_template.updated", template, data={"changes": changed})
    return template


@transaction.atomic
def project_template_delete(*, actor: Actor, template: ProjectTemplate) -> None:
    """Delete a template. Projects started from it keep everything; they just no longer point at it."""
    access.require(actor, "project_template", "delete", template)
    events.emit(actor, "project_template.deleted", template, data={"name": template.name})
    template.delete()


# --- Project → template ------------------------------------------------------------------------------------------


def assignee_role_of(person: Person | None) -> str:
    """The role a template remembers for an assignee: their title, else their first skill."""
    if person is None:
        return ""
    if person.title.strip():
        return person.title.strip()[:100]
    skills = person.skills or []
    return str(skills[0])[:100] if skills else ""


# Complexity: one pass turning milestones, tasks, dependencies and roles into offset plan rows.
@transaction.atomic
def project_save_as_template(*, actor: Actor, project: Project, name: str, description: str = "") -> ProjectTemplate:
    """Capture a project's milestones, tasks, dependencies, estimates, tags and assignee roles as a template, with
    dates as day offsets from the project start (or its earliest date)."""
    access.require(actor, "project_template", "create")
    milestones = list(project.milestones.order_by("due_date", "id"))
    tasks = list(
        project.tasks.select_related("assignee")
        .prefetch_related(Prefetch("depends_on", queryset=Task.objects.only("id", "project_id")))
        .order_by("position", "id")
    )
    dates = [d for t in tasks for d in (t.start_date, t.due_date) if d] + [m.due_date for m in milestones if m.due_date]
    base = project.start_date or (min(dates) if dates else None)

    def offset(day: date | None) -> int | None:
        if day is None or base is None:
            return None
        return min(max((day - base).days, 0), MAX_OFFSET)

    m_ref = {m.pk: str(i) for i, m in enumerate(milestones)}
    t_ref = {t.pk: str(i) for i, t in enumerate(tasks)}
    plan_m = [
        {"ref": m_ref[m.pk], "name": m.name, "due_offset_days": offset(m.due_date), "amount": m.amount}
        for m in milestones
    ]
    plan_t = [
        {
            "ref": t_ref[t.pk],
            "title": t.title,
            "description": t.description,
            "milestone": m_ref.get(t.milestone_id) if t.milestone_id else None,
            "start_offset_days": offset(t.start_date),
            "due_offset_days": offset(t.due_date),
            "estimate_minutes": t.estimate_minutes,
            "assignee_role": assignee_role_of(t.assignee),
            "tags": list(t.tags or []),
            # Dependencies on tasks of other projects cannot travel with the template.
            "depends_on": [t_ref[d.pk] for d in t.depends_on.all() if d.pk in t_ref],
            "requires_approved_brief": t.requires_approved_brief,
        }
        for t in tasks
    ]
    if project.start_date and project.end_date:
        duration = (project.end_date - project.start_date).days
    else:
        duration = max((o for o in (offset(d) for d in dates) if o is not None), default=0)
    template = project_template_create(
        actor=actor,
        name=name,
        description=description or project.description,
        billing=project.billing,
        duration_days=duration,
        milestones=plan_m,
        tasks=plan_t,
        from_project_id=project.pk,
    )
    return template


# --- Template → project ------------------------------------------------------------------------------------------


def _matches(role: str, person: Person) -> bool:
    wanted = role.strip().lower()
    if not wanted:
        return False
    title = person.title.strip().lower()
    if title == wanted or any(str(s).strip().lower() == wanted for s in person.skills or []):
        return True
    return bool(re.search(rf"(?<![\w-]){re.escape(wanted)}(?![\w-])", title))


class _Staffing:
    """Chooses assignees by role: an active person whose title or skills match, least loaded by open estimates."""

    def __init__(self, actor: Actor) -> None:
        self.people = list(
            Person.objects.filter(workspace=actor.workspace, active=True)
            .exclude(membership__role="client")
            .only("id", "name", "title", "skills")
            .order_by("name", "id")
        )
        self.load = open_load_by_person(actor.workspace.pk)
        self.cache: dict[str, list[Person]] = {}

    def choose(self, role: str, estimate: int) -> Person | None:
        key = role.strip().lower()
        if key not in self.cache:
            self.cache[key] = [p for p in self.people if _matches(role, p)]
        candidates = self.cache[key]
        if not candidates:
            return None
        person = min(candidates, key=lambda p: (self.load.get(p.pk, 0), p.name.lower(), p.pk))
        self.load[person.pk] = self.load.get(person.pk, 0) + estimate
        return person


# Complexity: one pass creating milestones and tasks, dating, staffing by role, rebuilding dependencies.
@transaction.atomic
def project_create_from_template(
    *,
    actor: Actor,
    template: ProjectTemplate,
    client_id: int | None,
    name: str,
    start_date: date | None,
    project_manager_id: int | None = None,
    **project_fields: Any,
) -> Project:
    """A project from a template: milestones and tasks dated from `start_date`, dependencies rebuilt, and each task
    staffed by role (least loaded matching person, or unassigned when nobody matches)."""
    access.require(actor, "project", "create")
    if start_date is None:
        raise ValidationError({"start_date": "Choose the start date the template's offsets count from."})
    template_milestones = list(TemplateMilestone.objects.filter(template=template).order_by("position", "id"))
    template_tasks = list(
        TemplateTask.objects.filter(template=template)
        .prefetch_related(Prefetch("depends_on", queryset=TemplateTask.objects.only("id")))
        .order_by("position", "id")
    )

    def on(offset: int | None) -> date | None:
        return None if offset is None else start_date + timedelta(days=offset)

    latest = [o for o in [m.due_offset_days for m in template_milestones] + [t.due_offset_days for t in template_tasks]]
    span = template.duration_days or max((o for o in latest if o is not None), default=0)
    project_fields.setdefault("billing", template.billing)
    if project_fields.get("budget_minutes") is None:
        project_fields["budget_minutes"] = sum(t.estimate_minutes for t in template_tasks)
    if project_fields.get("end_date") is None:
        project_fields["end_date"] = start_date + timedelta(days=span) if span else None
    if not project_fields.get("description"):
        project_fields["description"] = template.description
    project_fields.setdefault("status", ProjectStatus.PLANNED)
    project = project_create(
        actor=actor,
        client_id=client_id,
        name=name,
        start_date=start_date,
        project_manager_id=project_manager_id,
        template=template,
        **{k: v for k, v in project_fields.items() if v is not None or k in ("end_date",)},
    )
    client_id = project.client_id
    milestones: dict[int, Milestone] = {}
    for tm in template_milestones:
        milestone = Milestone.objects.create(
            workspace=actor.workspace,
            project=project,
            name=tm.name,
            due_date=on(tm.due_offset_days),
            amount=tm.amount,
            status=MilestoneStatus.OPEN,
        )
        milestones[tm.pk] = milestone
        events.emit(
            actor,
            "milestone.created",
            milestone,
            data={
                "name": milestone.name,
                "project_id": project.pk,
                "due_date": milestone.due_date,
                "amount": milestone.amount,
                "from_template_id": template.pk,
            },
            client_id=client_id,
        )
    staffing = _Staffing(actor)
    created: dict[int, Task] = {}
    unstaffed: list[str] = []
    for position, tt in enumerate(template_tasks):
        assignee = staffing.choose(tt.assignee_role, tt.estimate_minutes) if tt.assignee_role else None
        if tt.assignee_role and assignee is None:
            unstaffed.append(tt.assignee_role)
        start, due = on(tt.start_offset_days), on(tt.due_offset_days)
        task = Task.objects.create(
            workspace=actor.workspace,
            project=project,
            milestone=milestones.get(tt.milestone_id) if tt.milestone_id else None,
            title=tt.title,
            description=tt.description,
            status=TaskStatus.TODO,
            assignee=assignee,
            estimate_minutes=tt.estimate_minutes,
            start_date=start,
            due_date=due if not (start and due and due < start) else start,
            position=position,
            tags=list(tt.tags or []),
            requires_approved_brief=tt.requires_approved_brief,
        )
        created[tt.pk] = task
    links = [
        Task.depends_on.through(from_task_id=created[tt.pk].pk, to_task_id=created[d.pk].pk)
        for tt in template_tasks
        for d in tt.depends_on.all()
        if d.pk in created
    ]
    Task.depends_on.through.objects.bulk_create(links)
    depends: dict[int, list[int]] = {}
    for link in links:
        depends.setdefault(link.from_task_id, []).append(link.to_task_id)
    for task in created.values():
        task.project = project
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
                "depends_on": sorted(depends.get(task.pk, [])),
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
    events.emit(
        actor,
        "project_template.applied",
        template,
        data={
            "project_id": project.pk,
            "client_id": client_id,
            "start_date": start_date,
            "milestones": len(milestones),
            "tasks": len(created),
            "assigned": sum(1 for t in created.values() if t.assignee_id),
            "unstaffed_roles": sorted(set(unstaffed)),
        },
        client_id=client_id,
    )
    return project
