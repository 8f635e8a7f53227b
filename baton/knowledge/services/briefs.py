"""Writes for briefs: versions, approval, and the link from a started task to the brief version in force."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Event, Workspace
from baton.core.services import bump_version, check_version, validate
from baton.delivery.models import Project, Task
from baton.knowledge.models import (
    BRIEF_SECTIONS,
    Brief,
    BriefStatus,
    BriefVersion,
    TaskBriefLink,
)
from baton.people.models import Person

# --- Briefs ---------------------------------------------------------------------------------------------------


def _section_values(sections: dict[str, Any], errors: dict[str, str]) -> dict[str, str]:
    unknown = set(sections) - set(BRIEF_SECTIONS)
    for name in sorted(unknown):
        errors[name] = "Not a section of a brief."
    values: dict[str, str] = {}
    for name in BRIEF_SECTIONS:
        if name in sections:
            value = sections[name]
            if value is not None and not isinstance(value, str):
                errors[name] = "Send text."
                continue
            values[name] = (value or "").strip()
    return values


@transaction.atomic
def brief_create(
    *,
    actor: Actor,
    project_id: int | None,
    task_id: int | None = None,
    title: str = "",
    **sections: Any,
) -> Brief:
    """A brief for a project, or for one task of it, starting as draft version 1."""
    access.require(actor, "brief", "create")
    errors: dict[str, str] = {}
    project = (
        Project.objects.filter(workspace=actor.workspace, pk=project_id).select_related("client").first()
        if project_id is not None
        else None
    )
    if project is None:
        errors["project_id"] = "No such project in this workspace." if project_id is not None else "Name the project."
    task = None
    if task_id is not None:
        task = Task.objects.filter(workspace=actor.workspace, pk=task_id).first()
        if task is None:
            errors["task_id"] = "No such task in this workspace."
        elif project is not None and task.project_id != project.pk:
            errors["task_id"] = "This task belongs to another project."
    if project is not None and "task_id" not in errors:
        existing = Brief.objects.filter(project=project, task=task).first()
        if existing is not None:
            field = "task_id" if task else "project_id"
            errors[field] = f"This {'task' if task else 'project'} already has a brief (#{existing.pk}); edit that one."
    values = _section_values(sections, errors)
    title = (title or "").strip()
    if len(title) > 300:
        errors["title"] = "Keep the title under 300 characters."
    if errors:
        raise ValidationError(errors)
    assert project is not None
    brief = Brief(
        workspace=actor.workspace,
        client_id=project.client_id,
        project=project,
        task=task,
        title=title or f"Brief: {task.title if task else project.name}"[:300],
        created_by_id=actor.person_id,
    )
    validate(brief, validate_constraints=False)
    brief.save()
    first = BriefVersion(brief=brief, number=1, created_by_id=actor.person_id, **values)
    validate(first, validate_constraints=False)
    first.save()
    brief.current_version = first
    brief.save(update_fields=["current_version", "updated_at"])
    events.emit(
        actor,
        "brief.created",
        brief,
        data={"project_id": project.pk, "task_id": task.pk if task else None, "version": 1, "title": brief.title},
    )
    return brief


@transaction.atomic
def brief_update(
    *, actor: Actor, brief: Brief, version: int | None, title: str | None = None, **sections: Any
) -> Brief:
    """Edit a brief. A draft is edited in place; an approved version is never changed: the edit opens a new draft
    version (`brief.version_created`) that needs approving again. Until then work starts from the approved one."""
    access.require(actor, "brief", "update", brief)
    brief = Brief.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=brief.pk)
    check_version(brief, version)
    errors: dict[str, str] = {}
    values = _section_values(sections, errors)
    if title is not None:
        title = title.strip()
        if not title:
            errors["title"] = "A brief has a title."
        elif len(title) > 300:
            errors["title"] = "Keep the title under 300 characters."
    if errors:
        raise ValidationError(errors)
    current = brief.current_version
    assert current is not None
    section_changes = {k: v for k, v in values.items() if getattr(current, k) != v}
    title_changed = title is not None and title != brief.title
    if not section_changes and not title_changed:
        return brief
    changed: dict[str, list[Any]] = {}
    if title_changed:
        changed |= events.diff(brief, {"title": title})
    verb = "brief.updated"
    data: dict[str, Any] = {}
    if section_changes:
        if current.status == BriefStatus.APPROVED:
            draft = BriefVersion(
                brief=brief,
                number=current.number + 1,
                created_by_id=actor.person_id,
                **(current.sections() | section_changes),
            )
            draft.save()
            changed |= {k: [getattr(current, k), v] for k, v in section_changes.items()}
            brief.current_version = draft
            verb = "brief.version_created"
            data = {"version": draft.number, "from_version": current.number}
        else:
            changed |= events.diff(current, section_changes)
            bump_version(current)
            current.save()
            data = {"version": current.number}
    bump_version(brief)
    brief.save()
    events.emit(actor, verb, brief, data=data | {"changes": changed})
    return brief


@transaction.atomic
def brief_approve(*, actor: Actor, brief: Brief) -> Brief:
    """Approve the brief's current draft version. Every required section must be filled in (422 names each empty
    one); an already approved version answers 409."""
    access.require(actor, "brief", "approve", brief)
    brief = Brief.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=brief.pk)
    current = brief.current_version
    assert current is not None
    if current.status == BriefStatus.APPROVED:
        raise Conflict(f"Version {current.number} of this brief is approved already.", field="status")
    missing = current.missing_sections()
    if missing:
        raise ValidationError({name: "Fill in this section before the brief is approved." for name in missing})
    current.status = BriefStatus.APPROVED
    current.approved_by_id = actor.person_id
    current.approved_at = timezone.now()
    bump_version(current)
    current.save()
    brief.approved_version = current
    bump_version(brief)
    brief.save()
    events.emit(actor, "brief.approved", brief, data={"version": current.number})
    return brief


# --- Task <-> brief links -------------------------------------------------------------------------------------


def brief_in_force(task: Task) -> Brief | None:
    """The brief a task starts from: its own brief when a version of it is approved, else its project's."""
    own = Brief.objects.filter(task=task, approved_version__isnull=False).select_related("approved_version").first()
    if own is not None:
        return own
    return (
        Brief.objects.filter(project_id=task.project_id, task__isnull=True, approved_version__isnull=False)
        .select_related("approved_version")
        .first()
    )


@transaction.atomic
def task_brief_link_record(*, actor: Actor, task: Task, started_at: datetime | None = None) -> TaskBriefLink | None:
    """Record that `task` was started from the approved brief version in force (none when there is no approved
    brief). Called for `task.status_changed` to in_progress; the task's change was authorised already."""
    brief = brief_in_force(task)
    if brief is None or brief.approved_version is None:
        return None
    link, created = TaskBriefLink.objects.get_or_create(
        task=task,
        brief_version=brief.approved_version,
        defaults={
            "workspace_id": task.workspace_id,
            "brief": brief,
            "started_at": started_at or timezone.now(),
            "started_by_id": actor.person_id,
        },
    )
    if created:
        events.emit(
            actor,
            "task_brief_link.created",
            link,
            data={
                "task_id": task.pk,
                "brief_id": brief.pk,
                "brief_version": brief.approved_version.number,
                "brief_version_id": brief.approved_version.pk,
            },
            client_id=brief.client_id,
        )
    return link


def _actor_for_event(event: Event) -> Actor:
    workspace = Workspace.objects.get(pk=event.workspace_id)
    if event.actor_id:
        person = (
            Person.objects.filter(workspace_id=event.workspace_id, pk=event.actor_id)
            .select_related("membership__workspace", "membership__user")
            .first()
        )
        if person is not None:
            return Actor.for_membership(person.membership)
    return Actor.system(workspace)


def task_brief_link_for_event(event: Event) -> TaskBriefLink | None:
    """The subscriber's entry point: link the task of a `task.status_changed` (to in_progress) event."""
    task = Task.objects.filter(workspace_id=event.workspace_id, pk=event.target_id).first()
    if task is None:
        return None
    return task_brief_link_record(actor=_actor_for_event(event), task=task, started_at=event.occurred_at)
