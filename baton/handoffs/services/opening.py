"""Opening a handoff and the owner's side of it: open, update, send, cancel."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Workspace
from baton.core.services import bump_version, check_version, validate
from baton.crm.models import Client
from baton.delivery.models import Project, Task
from baton.handoffs.models import (
    Handoff,
    HandoffSource,
    HandoffStatus,
    HandoffTemplate,
)
from baton.handoffs.prefill import prefill
from baton.handoffs.services._common import _clean_values, _event_data, _locked, _person_error, _required_errors
from baton.handoffs.services.templates import template_for
from baton.people.models import Person

# --- Opening a handoff ----------------------------------------------------------------------------------------


def _default_title(template: HandoffTemplate, client: Client | None, project: Project | None, task: Task | None) -> str:
    about = task.title if task else project.name if project else client.name if client else ""
    return f"{template.name}: {about}" if about else template.name


def _links(
    workspace: Workspace, client: Client | None, project: Project | None, task: Task | None, errors: dict[str, str]
) -> tuple[Client | None, Project | None]:
    """The client and project a handoff is about, filled in from the task and project when not given, and checked:
    each in this workspace, the project the client's, the task the project's."""
    if task is not None and project is None:
        project = task.project
    if project is not None and client is None:
        client = project.client
    for obj, field in ((client, "client_id"), (project, "project_id"), (task, "task_id")):
        if obj is not None and obj.workspace_id != workspace.pk:
            errors[field] = "Not found in this workspace."
    if project is not None and client is not None and project.client_id != client.pk:
        errors["project_id"] = "This project belongs to another client."
    if task is not None and project is not None and task.project_id != project.pk:
        errors["task_id"] = "This task belongs to another project."
    return client, project


def _parties(
    actor: Actor,
    from_person: Person | None,
    to_person: Person | None,
    errors: dict[str, str],
    *,
    archived_owner: bool = False,
) -> Person | None:
    """The owner (the actor's own person when not given) and the receiver, checked; returns the owner. With
    `archived_owner` the owner may be archived (an AM change away from an archived AM: owners/admins act for them)."""
    if from_person is None and actor.person_id is not None:
        from_person = Person.objects.select_related("membership").filter(pk=actor.person_id).first()
    owner_errors: dict[str, str] = {}
    _person_error(actor, from_person, "from_person_id", owner_errors)
    if not (archived_owner and from_person is not None and not from_person.active and len(owner_errors) == 1):
        errors |= owner_errors
    _person_error(actor, to_person, "to_person_id", errors)
    if from_person is not None and to_person is not None and from_person.pk == to_person.pk:
        errors["to_person_id"] = "The receiver is someone other than the owner."
    return from_person


def _template(workspace: Workspace, kind: str, source: str, errors: dict[str, str]) -> HandoffTemplate:
    """The workspace's template of `kind` (422 when there is none), checked with the source: active, a known source."""
    template = template_for(workspace, kind or "")
    if template is None:
        raise ValidationError({"kind": f"No handoff template of kind “{kind}” in this workspace."})
    if not template.active:
        errors["kind"] = f"The “{template.name}” template is switched off."
    if source not in HandoffSource.values:
        errors["source"] = f"Choose one of: {', '.join(HandoffSource.values)}."
    return template


def _save_once(handoff: Handoff) -> Handoff | None:
    """Save a new handoff; None, or the handoff a concurrent request opened first from the same source."""
    workspace, source = handoff.workspace, handoff.source
    try:
        with transaction.atomic():
            handoff.save()
    except IntegrityError:
        existing = Handoff.objects.filter(workspace=workspace, source=source, source_ref=handoff.source_ref).first()
        if existing is not None and handoff.source_ref:
            return existing
        raise
    return None


def _prefilled(values: dict[str, str], fields: dict[str, Any] | None) -> list[str]:
    """The keys of the fields Baton filled in (not given by the caller), for the event."""
    return sorted(k for k, v in values.items() if v and k not in (fields or {}))


@transaction.atomic
def handoff_open(
    *,
    actor: Actor,
    kind: str,
    client: Client | None = None,
    project: Project | None = None,
    task: Task | None = None,
    from_person: Person | None,
    to_person: Person | None,
    fields: dict[str, Any] | None = None,
    due_by: datetime | None = None,
    source: str = "manual",
    source_ref: str = "",
    title: str = "",
    trigger_key: str = "",
    archived_owner: bool = False,
) -> Handoff:
    """A draft handoff of `kind` from the workspace's template (its fields snapshotted onto the handoff), prefilled
    with what Baton knows (see prefill.py) and `fields` over that. Works for Actor.system(workspace) too. A
    `source_ref` opens at most one handoff per source: a repeat returns the first. `archived_owner`: Baton's own
    triggers may open one from an archived owner (owners/admins act for them)."""
    access.require(actor, "handoff", "create")
    workspace = actor.workspace
    if source_ref:
        existing = Handoff.objects.filter(workspace=workspace, source=source, source_ref=source_ref).first()
        if existing is not None:
            return existing
    errors: dict[str, str] = {}
    template = _template(workspace, kind, source, errors)
    client, project = _links(workspace, client, project, task, errors)
    from_person = _parties(actor, from_person, to_person, errors, archived_owner=archived_owner)
    spec = [dict(f) for f in template.fields]
    values = {f["key"]: "" for f in spec}
    if not errors:
        values |= prefill(kind=template.kind, client=client, project=project, task=task, from_person=from_person)
    values |= _clean_values(fields, spec, errors, strict=source == HandoffSource.MANUAL)
    now = timezone.now()
    if due_by is not None and timezone.is_naive(due_by):
        errors["due_by"] = "Give the time with its offset (ISO 8601)."
    handoff = Handoff(
        workspace=workspace,
        template=template,
        kind=template.kind,
        title=((title or "").strip() or _default_title(template, client, project, task))[:300],
        client=client if "client_id" not in errors else None,
        project=project if "project_id" not in errors else None,
        task=task if "task_id" not in errors else None,
        from_person=from_person if "from_person_id" not in errors else None,
        to_person=to_person if "to_person_id" not in errors else None,
        due_by=due_by or now + timedelta(hours=template.confirmation_sla_hours),
        due_by_auto=due_by is None,
        field_spec=spec,
        fields=values,
        requires_walkthrough=template.requires_walkthrough,
        source=source,
        source_ref=(source_ref or "")[:120],
        trigger_key=(trigger_key or "")[:60],
        created_by_id=actor.person_id,
    )
    if errors:
        raise ValidationError(errors)
    access.require(actor, "handoff", "create", handoff)
    validate(handoff, exclude=["template", "from_person", "to_person"])
    existing = _save_once(handoff)
    if existing is not None:
        return existing
    events.emit(
        actor,
        "handoff.created",
        handoff,
        data=_event_data(
            handoff,
            source=handoff.source,
            project_id=handoff.project_id,
            task_id=handoff.task_id,
            prefilled=_prefilled(values, fields),
        ),
    )
    return handoff


HANDOFF_FIELDS = ("title", "to_person_id", "due_by", "fields", "client_id", "project_id", "task_id")
EDITABLE_STATUSES = (HandoffStatus.DRAFT, HandoffStatus.GAPS_RAISED)


def _draft_values(actor: Actor, handoff: Handoff, changes: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The changes only a draft takes, checked: the receiver, the due time (None: the template's SLA from now) and
    the links."""
    values: dict[str, Any] = {}
    if "to_person_id" in changes:
        person = (
            Person.objects.select_related("membership")
            .filter(workspace=actor.workspace, pk=changes["to_person_id"])
            .first()
        )
        _person_error(actor, person, "to_person_id", errors)
        if person is not None and person.pk == handoff.from_person_id:
            errors["to_person_id"] = "The receiver is someone other than the owner."
        values["to_person_id"] = changes["to_person_id"]
    if "due_by" in changes:
        if changes["due_by"] is None:
            values["due_by"] = timezone.now() + timedelta(hours=handoff.template.confirmation_sla_hours)
            values["due_by_auto"] = True
        else:
            values["due_by"] = changes["due_by"]
            values["due_by_auto"] = False
    for field, model in (("client_id", Client), ("project_id", Project), ("task_id", Task)):
        if field in changes:
            pk = changes[field]
            if pk is not None and not model.objects.filter(workspace=actor.workspace, pk=pk).exists():  # type: ignore[attr-defined]
                errors[field] = "Not found in this workspace."
            values[field] = pk
    return values


@transaction.atomic
def handoff_update(*, actor: Actor, handoff: Handoff, version: int | None, **changes: Any) -> Handoff:
    """Edit a draft (or a handoff whose gaps the owner is answering): fields are merged by key. The receiver, due
    time and links change only while it is a draft."""
    access.require(actor, "handoff", "update", handoff)
    handoff = Handoff.objects.select_for_update().get(pk=handoff.pk)
    check_version(handoff, version)
    unknown = set(changes) - set(HANDOFF_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    if handoff.status not in EDITABLE_STATUSES:
        raise Conflict(f"A {handoff.get_status_display().lower()} handoff cannot be edited.", field="status")
    draft_only = {"to_person_id", "due_by", "client_id", "project_id", "task_id"} & set(changes)
    if draft_only and handoff.status != HandoffStatus.DRAFT:
        raise Conflict("The receiver, due time and links change only while the handoff is a draft.", field="status")
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if "fields" in changes:
        values["fields"] = {**handoff.fields, **_clean_values(changes["fields"], handoff.field_spec, errors)}
    if "title" in changes:
        values["title"] = (changes["title"] or "").strip()[:300] or handoff.title
    values |= _draft_values(actor, handoff, changes, errors)
    if errors:
        raise ValidationError(errors)
    changed = events.diff(handoff, values)
    if not changed:
        return handoff
    validate(handoff, exclude=["template", "from_person", "to_person"])
    bump_version(handoff)
    handoff.save()
    if "fields" in changed:  # the event names which fields changed, not their (possibly sensitive) text
        old, new = changed.pop("fields")
        changed["fields"] = sorted(k for k in set(old) | set(new) if (old or {}).get(k) != (new or {}).get(k))
    events.emit(actor, "handoff.updated", handoff, data=_event_data(handoff, changes=changed))
    return handoff


@transaction.atomic
def handoff_send(*, actor: Actor, handoff: Handoff) -> Handoff:
    """The owner sends a draft to the receiver: 422 naming every empty required field. The confirmation clock
    (due_by, unless set by hand) starts now."""
    access.require(actor, "handoff", "send", handoff)
    handoff = _locked(handoff)
    if handoff.status != HandoffStatus.DRAFT:
        raise Conflict(f"Only a draft is sent; this handoff is {handoff.get_status_display().lower()}.", field="status")
    errors = _required_errors(handoff)
    if not handoff.to_person.active:
        errors["to_person_id"] = "The receiver is inactive; choose someone else."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    handoff.status = HandoffStatus.SENT
    handoff.sent_at = now
    if handoff.due_by_auto:
        handoff.due_by = now + timedelta(hours=handoff.template.confirmation_sla_hours)
    bump_version(handoff)
    handoff.save()
    events.emit(actor, "handoff.sent", handoff, data=_event_data(handoff, due_by=handoff.due_by))
    return handoff


@transaction.atomic
def handoff_cancel(*, actor: Actor, handoff: Handoff, reason: str = "") -> Handoff:
    """The owner (or an owner/admin) withdraws a handoff that is not confirmed."""
    access.require(actor, "handoff", "cancel", handoff)
    handoff = _locked(handoff)
    if handoff.status in (HandoffStatus.CONFIRMED, HandoffStatus.CANCELLED):
        raise Conflict(f"A {handoff.get_status_display().lower()} handoff cannot be cancelled.", field="status")
    was = handoff.status
    handoff.status = HandoffStatus.CANCELLED
    handoff.cancelled_at = timezone.now()
    bump_version(handoff)
    handoff.save()
    events.emit(actor, "handoff.cancelled", handoff, data=_event_data(handoff, was=was, reason=(reason or "")[:500]))
    return handoff


def ensure_can(actor: Actor, action: str, handoff: Handoff) -> None:
    """For views: PermissionDenied unless the actor may `action` this handoff."""
    if not access.allowed(actor, "handoff", action, handoff):
        raise PermissionDenied(f"You may not {action.replace('_', ' ')} this handoff.")
