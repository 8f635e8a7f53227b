"""Handoff templates: the built-ins, a workspace's own kinds, their fields and task triggers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from baton.core import access, events
from baton.core.access import Actor
from baton.core.models import Workspace
from baton.core.services import bump_version, check_version, validate
from baton.delivery.models import ProjectTemplate
from baton.handoffs.kinds import BUILTIN_KINDS
from baton.handoffs.models import (
    FIELD_KINDS,
    HandoffTemplate,
)
from baton.people.models import Person

TRIGGER_RECEIVERS = ("next_assignee", "project_manager", "client_am")
TASK_STATUSES = ("todo", "in_progress", "in_review", "done", "blocked")


# --- Templates ------------------------------------------------------------------------------------------------


def templates_ensure(workspace: Workspace) -> None:
    """Give the workspace the built-in templates it lacks (on creation, and lazily on first use, so workspaces made
    before this app existed get them too). Idempotent and safe against a concurrent call."""
    have = set(HandoffTemplate.objects.filter(workspace=workspace).values_list("kind", flat=True))
    for kind, spec in BUILTIN_KINDS.items():
        if kind in have:
            continue
        try:
            with transaction.atomic():
                HandoffTemplate.objects.create(
                    workspace=workspace,
                    kind=kind,
                    name=spec["name"],
                    description=spec["description"],
                    fields=[dict(f) for f in spec["fields"]],
                    confirmation_sla_hours=spec["confirmation_sla_hours"],
                    requires_walkthrough=spec["requires_walkthrough"],
                    impact=spec["impact"],
                    triggers=[dict(t) for t in spec.get("triggers", [])],
                    builtin=True,
                )
        except IntegrityError:  # made by a concurrent request
            continue


def _clean_fields(value: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        errors["fields"] = "List at least one field: {key, label, help, required, kind}."
        return []
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            errors[f"fields[{i}]"] = "Each field is an object: {key, label, help, required}."
            continue
        key = str(item.get("key") or "").strip()
        if not key or not key.replace("_", "").isalnum() or not key[0].isalpha() or key.lower() != key:
            errors[f"fields[{i}].key"] = "A field key is a lower-case snake_case word, like primary_goals."
            continue
        if key in seen:
            errors[f"fields[{i}].key"] = f"The key “{key}” appears twice."
            continue
        seen.add(key)
        label = str(item.get("label") or "").strip() or key.replace("_", " ").capitalize()
        kind = item.get("kind") or "text"
        if kind not in FIELD_KINDS:
            errors[f"fields[{i}].kind"] = f"Choose one of: {', '.join(FIELD_KINDS)}."
            continue
        cleaned.append(
            {
                "key": key[:60],
                "label": label[:200],
                "help": str(item.get("help") or "").strip()[:1000],
                "required": bool(item.get("required", False)),
                "kind": kind,
            }
        )
    return cleaned


def _clean_triggers(workspace: Workspace, value: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    """Each trigger: a task entering `status`, optionally only with `tag` or on projects started from
    `project_template_id`; `receiver`: next_assignee (the assignee of the next task, i.e. the first task that
    depends on this one; else the project manager), project_manager, client_am, `person:<id>`, `role:<access role>`
    or `title:<job title>`."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        errors["triggers"] = "List the triggers (or send an empty list)."
        return []
    cleaned: list[dict[str, Any]] = []
    keys: set[str] = set()
    for i, item in enumerate(value):
        where = f"triggers[{i}]"
        if not isinstance(item, dict):
            errors[where] = "Each trigger is an object: {on, status, tag, project_template_id, receiver}."
            continue
        on = item.get("on") or "task_status"
        if on != "task_status":
            errors[f"{where}.on"] = "Triggers fire when a task enters a status (on: task_status)."
        status = item.get("status")
        if status not in TASK_STATUSES:
            errors[f"{where}.status"] = f"Choose one of: {', '.join(TASK_STATUSES)}."
        receiver = str(item.get("receiver") or "next_assignee").strip()
        if not _receiver_valid(workspace, receiver):
            errors[f"{where}.receiver"] = (
                "Use next_assignee, project_manager, client_am, person:<id>, role:<role> or title:<job title>."
            )
        template_id = item.get("project_template_id")
        if template_id not in (None, ""):
            try:
                template_id = int(template_id)
            except (TypeError, ValueError):
                template_id = -1
            if not ProjectTemplate.objects.filter(workspace=workspace, pk=template_id).exists():
                errors[f"{where}.project_template_id"] = "No such project template in this workspace."
        else:
            template_id = None
        key = str(item.get("key") or "").strip()[:60] or f"{status}-{item.get('tag') or 'any'}-{i + 1}"
        if key in keys:
            errors[f"{where}.key"] = f"The key “{key}” appears twice."
        keys.add(key)
        cleaned.append(
            {
                "key": key,
                "on": "task_status",
                "status": status,
                "tag": str(item.get("tag") or "").strip()[:60],
                "project_template_id": template_id,
                "receiver": receiver[:100],
            }
        )
    return cleaned


def _receiver_valid(workspace: Workspace, receiver: str) -> bool:
    if receiver in TRIGGER_RECEIVERS:
        return True
    kind, _, rest = receiver.partition(":")
    if kind == "person" and rest.isdigit():
        return Person.objects.filter(workspace=workspace, pk=int(rest)).exists()
    if kind == "role":
        return rest in access.ALL_ROLES - {access.CLIENT}
    return kind == "title" and bool(rest.strip())


TEMPLATE_FIELDS = (
    "name",
    "description",
    "fields",
    "confirmation_sla_hours",
    "requires_walkthrough",
    "impact",
    "triggers",
    "active",
)


@transaction.atomic
def template_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    fields: list[dict[str, Any]],
    description: str = "",
    confirmation_sla_hours: int = 48,
    requires_walkthrough: bool = False,
    impact: int = 2,
    triggers: list[dict[str, Any]] | None = None,
) -> HandoffTemplate:
    """A workspace's own kind of handoff."""
    access.require(actor, "handoff_template", "create")
    templates_ensure(actor.workspace)
    errors: dict[str, str] = {}
    spec = _clean_fields(fields, errors)
    trig = _clean_triggers(actor.workspace, triggers, errors)
    kind = (kind or "").strip()
    if kind and HandoffTemplate.objects.filter(workspace=actor.workspace, kind=kind).exists():
        errors["kind"] = "A handoff template of this kind already exists."
    template = HandoffTemplate(
        workspace=actor.workspace,
        kind=kind,
        name=(name or "").strip(),
        description=description or "",
        fields=spec,
        confirmation_sla_hours=confirmation_sla_hours,
        requires_walkthrough=requires_walkthrough,
        impact=impact,
        triggers=trig,
        builtin=False,
    )
    validate(template, errors)
    template.save()
    events.emit(actor, "handoff_template.created", template, data={"kind": template.kind, "name": template.name})
    return template


@transaction.atomic
def template_update(*, actor: Actor, template: HandoffTemplate, version: int | None, **changes: Any) -> HandoffTemplate:
    """Edit a template. Handoffs already opened keep the field spec they were opened with."""
    access.require(actor, "handoff_template", "update", template)
    template = HandoffTemplate.objects.select_for_update().get(pk=template.pk)
    check_version(template, version)
    unknown = set(changes) - set(TEMPLATE_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    errors: dict[str, str] = {}
    if "fields" in changes:
        changes["fields"] = _clean_fields(changes["fields"], errors)
        if template.builtin and not errors:
            # The contract's keys of a built-in kind stay (other apps prefill them); labels and help may change.
            missing = [f["key"] for f in template.fields if f["key"] not in {c["key"] for c in changes["fields"]}]
            builtin_keys = {f["key"] for f in BUILTIN_KINDS.get(template.kind, {}).get("fields", [])}
            missing = [k for k in missing if k in builtin_keys]
            if missing:
                errors["fields"] = f"A built-in template keeps its fields: {', '.join(missing)} (you may relabel them)."
    if "triggers" in changes:
        changes["triggers"] = _clean_triggers(actor.workspace, changes["triggers"], errors)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    if errors:
        raise ValidationError(errors)
    changed = events.diff(template, changes)
    if not changed:
        return template
    validate(template)
    bump_version(template)
    template.save()
    events.emit(actor, "handoff_template.updated", template, data={"kind": template.kind, "changes": changed})
    return template


def template_for(workspace: Workspace, kind: str) -> HandoffTemplate | None:
    templates_ensure(workspace)
    return HandoffTemplate.objects.filter(workspace=workspace, kind=kind).first()
