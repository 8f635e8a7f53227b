"""Writes for handoff templates, handoffs (the confirmation loop), gaps and failures.

The loop: the owner (`from_person`) fills a draft and sends it (422 naming every empty required field); the
receiver (`to_person`) confirms it, or raises gaps; the owner answers them, which returns the handoff to the
receiver. Only the receiver confirms or raises gaps and only the owner answers (403 for anyone else); the owner
sends (an owner/admin, or Baton itself, may send on its behalf). Every step is an event; notifications follow
from them (`automation.py`).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Workspace
from baton.core.services import bump_version, check_version, validate
from baton.crm.models import Client
from baton.delivery.models import Project, ProjectTemplate, Task
from baton.handoffs.kinds import BUILTIN_KINDS
from baton.handoffs.models import (
    FailureCategory,
    Handoff,
    HandoffFailure,
    HandoffGap,
    HandoffSource,
    HandoffStatus,
    HandoffTemplate,
)
from baton.handoffs.prefill import prefill
from baton.people.models import Person
from baton.rates.resolution import RateBook, amount_for

logger = logging.getLogger(__name__)

TRIGGER_RECEIVERS = ("next_assignee", "project_manager", "client_am")
TASK_STATUSES = ("todo", "in_progress", "in_review", "done", "blocked")
FIELD_VALUE_MAX = 20000


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
        errors["fields"] = "List at least one field: {key, label, help, required}."
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
        cleaned.append(
            {
                "key": key[:60],
                "label": label[:200],
                "help": str(item.get("help") or "").strip()[:1000],
                "required": bool(item.get("required", False)),
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


# --- Opening a handoff ----------------------------------------------------------------------------------------


def _event_data(handoff: Handoff, **extra: Any) -> dict[str, Any]:
    return {
        "kind": handoff.kind,
        "from_person_id": handoff.from_person_id,
        "to_person_id": handoff.to_person_id,
        **extra,
    }


def _clean_values(
    values: Any, spec: list[dict[str, Any]], errors: dict[str, str], *, strict: bool = True
) -> dict[str, str]:
    """Field values are text: numbers become text, lists lines; unknown keys and objects are refused by name (or,
    not `strict` — Baton's own triggers and other apps' prefills — unknown keys are dropped)."""
    if values in (None, ""):
        return {}
    if not isinstance(values, dict):
        errors["fields"] = "Send the fields as an object: {key: value}."
        return {}
    keys = {f["key"] for f in spec}
    cleaned: dict[str, str] = {}
    for key, value in values.items():
        if key not in keys:
            if strict:
                errors[f"fields.{key}"] = "This handoff has no such field."
            else:
                logger.info("Dropped the unknown handoff field %r.", key)
            continue
        if value is None:
            text = ""
        elif isinstance(value, str):
            text = value
        elif isinstance(value, bool | int | float):
            text = str(value)
        elif isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
            text = "\n".join(str(v) for v in value)
        else:
            errors[f"fields.{key}"] = "A field's value is text."
            continue
        if len(text) > FIELD_VALUE_MAX:
            errors[f"fields.{key}"] = f"At most {FIELD_VALUE_MAX} characters."
            continue
        cleaned[key] = text
    return cleaned


def _person_error(actor: Actor, person: Person | None, field: str, errors: dict[str, str]) -> None:
    if person is None:
        errors[field] = "Name a person of this workspace."
    elif person.workspace_id != actor.workspace.pk:
        errors[field] = "No such person in this workspace."
    elif person.membership.role == access.CLIENT:
        errors[field] = "A client portal user cannot own or receive a handoff."
    elif not person.active:
        errors[field] = "This person is inactive."


def template_for(workspace: Workspace, kind: str) -> HandoffTemplate | None:
    templates_ensure(workspace)
    return HandoffTemplate.objects.filter(workspace=workspace, kind=kind).first()


def _default_title(template: HandoffTemplate, client: Client | None, project: Project | None, task: Task | None) -> str:
    about = task.title if task else project.name if project else client.name if client else ""
    return f"{template.name}: {about}" if about else template.name


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
) -> Handoff:
    """A draft handoff of `kind` from the workspace's template (its fields snapshotted onto the handoff), prefilled
    with what Baton knows (see prefill.py) and `fields` over that. Works for Actor.system(workspace) too. A
    `source_ref` opens at most one handoff per source: a repeat returns the first."""
    access.require(actor, "handoff", "create")
    workspace = actor.workspace
    if source_ref:
        existing = Handoff.objects.filter(workspace=workspace, source=source, source_ref=source_ref).first()
        if existing is not None:
            return existing
    errors: dict[str, str] = {}
    template = template_for(workspace, kind or "")
    if template is None:
        raise ValidationError({"kind": f"No handoff template of kind “{kind}” in this workspace."})
    if not template.active:
        errors["kind"] = f"The “{template.name}” template is switched off."
    if source not in HandoffSource.values:
        errors["source"] = f"Choose one of: {', '.join(HandoffSource.values)}."
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
    if from_person is None and actor.person_id is not None:
        from_person = Person.objects.select_related("membership").filter(pk=actor.person_id).first()
    _person_error(actor, from_person, "from_person_id", errors)
    _person_error(actor, to_person, "to_person_id", errors)
    if from_person is not None and to_person is not None and from_person.pk == to_person.pk:
        errors["to_person_id"] = "The receiver is someone other than the owner."
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
    try:
        with transaction.atomic():
            handoff.save()
    except IntegrityError:
        existing = Handoff.objects.filter(workspace=workspace, source=source, source_ref=handoff.source_ref).first()
        if existing is not None and handoff.source_ref:
            return existing
        raise
    events.emit(
        actor,
        "handoff.created",
        handoff,
        data=_event_data(
            handoff,
            source=handoff.source,
            project_id=handoff.project_id,
            task_id=handoff.task_id,
            prefilled=sorted(k for k, v in values.items() if v and k not in (fields or {})),
        ),
    )
    return handoff


HANDOFF_FIELDS = ("title", "to_person_id", "due_by", "fields", "client_id", "project_id", "task_id")
EDITABLE_STATUSES = (HandoffStatus.DRAFT, HandoffStatus.GAPS_RAISED)


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


def _locked(handoff: Handoff) -> Handoff:
    return Handoff.objects.select_for_update().select_related("template", "from_person", "to_person").get(pk=handoff.pk)


def _required_errors(handoff: Handoff) -> dict[str, str]:
    return {f"fields.{key}": f"{handoff.label_of(key)} is required." for key in handoff.missing_required}


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


def _clean_gaps(gaps: Any, handoff: Handoff) -> list[tuple[str, str]]:
    if not isinstance(gaps, list) or not gaps:
        raise ValidationError({"gaps": "List at least one question the owner must answer."})
    keys = {f["key"] for f in handoff.field_spec}
    cleaned: list[tuple[str, str]] = []
    errors: dict[str, str] = {}
    for i, gap in enumerate(gaps):
        if isinstance(gap, dict):
            question = str(gap.get("question") or "").strip()
            field_key = str(gap.get("field") or gap.get("field_key") or "").strip()
        else:
            question, field_key = str(gap or "").strip(), ""
        if not question:
            errors[f"gaps[{i}]"] = "A gap is a question; this one is empty."
        elif len(question) > 5000:
            errors[f"gaps[{i}]"] = "At most 5000 characters."
        if field_key and field_key not in keys:
            errors[f"gaps[{i}].field"] = "This handoff has no such field."
        cleaned.append((question, field_key))
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def handoff_raise_gaps(*, actor: Actor, handoff: Handoff, gaps: list[Any]) -> Handoff:
    """The receiver cannot proceed yet: each gap is a question (optionally about a field) for the owner."""
    access.require(actor, "handoff", "raise_gaps", handoff)
    handoff = _locked(handoff)
    if handoff.status != HandoffStatus.SENT:
        raise Conflict(
            f"Gaps are raised on a sent handoff; this one is {handoff.get_status_display().lower()}.", field="status"
        )
    cleaned = _clean_gaps(gaps, handoff)
    now = timezone.now()
    handoff.gap_rounds += 1
    HandoffGap.objects.bulk_create(
        [
            HandoffGap(
                handoff=handoff,
                round=handoff.gap_rounds,
                question=question,
                field_key=field_key,
                raised_by_id=actor.person_id,
                raised_at=now,
            )
            for question, field_key in cleaned
        ]
    )
    handoff.status = HandoffStatus.GAPS_RAISED
    bump_version(handoff)
    handoff.save()
    events.emit(
        actor,
        "handoff.gaps_raised",
        handoff,
        data=_event_data(handoff, gap_count=len(cleaned), round=handoff.gap_rounds),
    )
    return handoff


@transaction.atomic
def handoff_answer_gaps(
    *, actor: Actor, handoff: Handoff, answers: dict[str, Any], fields: dict[str, Any] | None = None
) -> Handoff:
    """The owner answers the open gaps and the handoff goes back to the receiver (status `sent`).

    `answers` is keyed by gap id (or the gap's question, or the field it is about); a key that is a field of the
    handoff also writes the answer into that field. Answers whose key matches no gap fill the remaining open gaps
    in order. Every open gap needs an answer (422 naming `answers`), and required fields must still be filled."""
    access.require(actor, "handoff", "answer_gaps", handoff)
    handoff = _locked(handoff)
    if handoff.status != HandoffStatus.GAPS_RAISED:
        raise Conflict(
            f"There are no gaps to answer; this handoff is {handoff.get_status_display().lower()}.", field="status"
        )
    if not isinstance(answers, dict) or not answers:
        raise ValidationError({"answers": "Answer the open gaps: {gap id: answer}."})
    errors: dict[str, str] = {}
    open_gaps = list(handoff.gaps.filter(answered_at__isnull=True).order_by("id"))
    field_keys = {f["key"] for f in handoff.field_spec}
    texts: dict[int, str] = {}
    leftovers: list[str] = []
    new_fields = dict(handoff.fields)
    for key, value in answers.items():
        text = "" if value is None else str(value).strip()
        if not text:
            errors[f"answers.{key}"] = "The answer is empty."
            continue
        key_s = str(key)
        gap = next(
            (
                g
                for g in open_gaps
                if g.pk not in texts
                and (str(g.pk) == key_s or g.question == key_s or (g.field_key and g.field_key == key_s))
            ),
            None,
        )
        if key_s in field_keys:
            new_fields[key_s] = (
                text if not new_fields.get(key_s, "").strip() else f"{new_fields[key_s].rstrip()}\n{text}"
            )
        if gap is not None:
            texts[gap.pk] = text
        elif key_s not in field_keys:
            leftovers.append(text)
        else:
            leftovers.append(text)
    for gap in open_gaps:
        if gap.pk not in texts and leftovers:
            texts[gap.pk] = leftovers.pop(0)
    unanswered = [g for g in open_gaps if g.pk not in texts]
    if unanswered:
        errors["answers"] = "Answer every open gap: " + "; ".join(f"#{g.pk} {g.question[:80]}" for g in unanswered)
    if fields:
        new_fields |= _clean_values(fields, handoff.field_spec, errors)
    if errors:
        raise ValidationError(errors)
    handoff.fields = new_fields
    missing = _required_errors(handoff)
    if missing:
        raise ValidationError(missing)
    now = timezone.now()
    for gap in open_gaps:
        gap.answer = texts[gap.pk]
        gap.answered_at = now
        gap.answered_by_id = actor.person_id
    HandoffGap.objects.bulk_update(open_gaps, ["answer", "answered_at", "answered_by"])
    handoff.status = HandoffStatus.SENT
    bump_version(handoff)
    handoff.save()
    events.emit(actor, "handoff.gaps_answered", handoff, data=_event_data(handoff, gap_count=len(open_gaps)))
    return handoff


@transaction.atomic
def handoff_confirm(*, actor: Actor, handoff: Handoff, note: str = "", walkthrough_held: bool | None = None) -> Handoff:
    """The receiver has enough to proceed. Records the minutes from the first send and whether it was first-time
    (no gap ever raised). A template that requires a walkthrough refuses `walkthrough_held: false`."""
    access.require(actor, "handoff", "confirm", handoff)
    handoff = _locked(handoff)
    if handoff.status == HandoffStatus.GAPS_RAISED:
        raise Conflict("The owner has not answered the gaps yet.", field="status")
    if handoff.status != HandoffStatus.SENT:
        raise Conflict(
            f"Only a sent handoff is confirmed; this one is {handoff.get_status_display().lower()}.", field="status"
        )
    if handoff.requires_walkthrough and walkthrough_held is False:
        raise ValidationError({"walkthrough_held": "Hold the walkthrough meeting before confirming this handoff."})
    now = timezone.now()
    sent_at = handoff.sent_at or now
    handoff.status = HandoffStatus.CONFIRMED
    handoff.confirmed_at = now
    handoff.first_time = handoff.gap_rounds == 0
    handoff.minutes_to_confirm = max(0, int((now - sent_at).total_seconds() // 60))
    handoff.walkthrough_held = True if handoff.requires_walkthrough else walkthrough_held
    handoff.confirmation_note = (note or "").strip()
    bump_version(handoff)
    handoff.save()
    events.emit(
        actor,
        "handoff.confirmed",
        handoff,
        data=_event_data(handoff, first_time=handoff.first_time, minutes_to_confirm=handoff.minutes_to_confirm),
    )
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


# --- Failures -------------------------------------------------------------------------------------------------


def cost_rate_on(person: Person, on: date) -> Any:
    """The person's loaded cost rate on a day (the rate resolution's: latest dated CostRate, else Person.cost_rate)."""
    book = RateBook.load(person.workspace_id, person_ids=[person.pk], only=Q(pk__in=[]))
    return book.resolve(
        person_id=person.pk,
        person_bill_rate=person.bill_rate,
        person_cost_rate=person.cost_rate,
        person_title=person.title,
        person_role="",
        project_id=0,
        client_id=0,
        on=on,
    ).cost_rate


@transaction.atomic
def failure_record(
    *,
    actor: Actor,
    handoff: Handoff,
    description: str,
    remediation_minutes: int,
    remediated_by_id: int | None = None,
    occurred_on: date | None = None,
    category: str = FailureCategory.REWORK,
) -> HandoffFailure:
    """A downstream failure traced to `handoff`: the remediation time of `remediated_by` (default: whoever
    records it) at their cost rate on the day, copied now like a time entry's."""
    access.require(actor, "handoff_failure", "create", handoff)
    if handoff.status == HandoffStatus.DRAFT:
        raise Conflict("A draft was never handed over; record failures against a sent handoff.", field="status")
    errors: dict[str, str] = {}
    person_id = remediated_by_id if remediated_by_id is not None else actor.person_id
    person = (
        Person.objects.select_related("membership").filter(workspace=actor.workspace, pk=person_id).first()
        if person_id is not None
        else None
    )
    if person is None:
        errors["remediated_by_id"] = "Name who did the remediation (a person of this workspace)."
    elif person.membership.role == access.CLIENT:
        errors["remediated_by_id"] = "Remediation is done by the agency's people, not a portal user."
    try:
        minutes = int(remediation_minutes)
    except (TypeError, ValueError):
        minutes = 0
    if minutes < 1:
        errors["remediation_minutes"] = "Give the remediation time in minutes (at least 1)."
    if not (description or "").strip():
        errors["description"] = "Say what went wrong."
    day = occurred_on or timezone.localdate()
    rate = cost_rate_on(person, day) if person is not None else None
    failure = HandoffFailure(
        workspace=actor.workspace,
        handoff=handoff,
        category=category,
        description=(description or "").strip(),
        remediation_minutes=max(minutes, 1),
        remediated_by=person,  # type: ignore[misc]
        occurred_on=day,
        cost_rate=rate if rate is not None else 0,
        remediation_cost=amount_for(minutes, rate) if rate is not None and minutes > 0 else 0,
        recorded_by_id=actor.person_id,
    )
    validate(failure, errors, exclude=["remediated_by", "handoff"] if errors else ["handoff"])
    failure.save()
    events.emit(
        actor,
        "handoff_failure.recorded",
        failure,
        data={
            "handoff_id": handoff.pk,
            "kind": handoff.kind,
            "from_person_id": handoff.from_person_id,
            "to_person_id": handoff.to_person_id,
            "remediated_by_id": failure.remediated_by_id,
            "remediation_minutes": failure.remediation_minutes,
            "remediation_cost": failure.remediation_cost,
            "category": failure.category,
            "occurred_on": failure.occurred_on,
        },
        client_id=handoff.client_id,
    )
    return failure


# --- Triggers (work without the rule engine; see subscribers.py) -----------------------------------------------


def _first_active(qs: Any) -> Person | None:
    return (
        qs.filter(active=True, membership__is_active=True).select_related("membership").order_by("name", "id").first()
    )  # type: ignore[no-any-return]


def trigger_receiver(task: Task, receiver: str) -> Person | None:
    """Who a task trigger hands to (see `_clean_triggers`)."""
    ws = task.workspace_id
    people = Person.objects.filter(workspace_id=ws).exclude(membership__role=access.CLIENT)
    if receiver == "next_assignee":
        nxt = (
            task.dependents.filter(assignee__isnull=False)
            .exclude(status="done")
            .select_related("assignee", "assignee__membership")
            .order_by("due_date", "position", "id")
            .first()
        )
        if nxt is not None and nxt.assignee is not None and nxt.assignee.active:
            return nxt.assignee
        receiver = "project_manager"
    if receiver == "project_manager":
        return _first_active(people.filter(pk=task.project.project_manager_id or 0))
    if receiver == "client_am":
        return _first_active(people.filter(pk=task.project.client.account_manager_id or 0))
    kind, _, rest = receiver.partition(":")
    if kind == "person" and rest.isdigit():
        return _first_active(people.filter(pk=int(rest)))
    if kind == "role":
        return _first_active(people.filter(membership__role=rest))
    if kind == "title":
        return _first_active(people.filter(title__iexact=rest.strip()))
    return None


def handoffs_for_task_status(*, workspace: Workspace, event_id: int, task_id: int, to_status: str) -> list[Handoff]:
    """A task entered `to_status`: open a draft for every active template trigger that matches (tag, project
    template), once per transition (the event) and not while the same trigger's handoff for this task is open."""
    task = (
        Task.objects.select_related("project", "project__client", "assignee")
        .filter(workspace=workspace, pk=task_id)
        .first()
    )
    if task is None:
        return []
    templates_ensure(workspace)
    tags = {t.lower() for t in task.tags or []}
    opened: list[Handoff] = []
    actor = Actor.system(workspace)
    for template in HandoffTemplate.objects.filter(workspace=workspace, active=True).order_by("id"):
        for trigger in template.triggers or []:
            if trigger.get("on", "task_status") != "task_status" or trigger.get("status") != to_status:
                continue
            if trigger.get("tag") and trigger["tag"].lower() not in tags:
                continue
            if trigger.get("project_template_id") and task.project.template_id != trigger["project_template_id"]:
                continue
            key = str(trigger.get("key") or "")
            already_open = Handoff.objects.filter(
                workspace=workspace,
                task=task,
                kind=template.kind,
                trigger_key=key,
                status__in=[HandoffStatus.DRAFT, HandoffStatus.SENT, HandoffStatus.GAPS_RAISED],
            ).exists()
            if already_open:
                continue
            owner = task.assignee if task.assignee and task.assignee.active else None
            if owner is None:
                owner = _first_active(
                    Person.objects.filter(workspace=workspace, pk=task.project.project_manager_id or 0)
                )
            receiver = trigger_receiver(task, str(trigger.get("receiver") or "next_assignee"))
            if owner is None or receiver is None or owner.pk == receiver.pk:
                logger.info("Trigger %s of %s on task %s: no owner or receiver.", key, template.kind, task.pk)
                continue
            opened.append(
                handoff_open(
                    actor=actor,
                    kind=template.kind,
                    task=task,
                    from_person=owner,
                    to_person=receiver,
                    source=HandoffSource.TASK_STATUS,
                    source_ref=f"event:{event_id}:{key}"[:120],
                    trigger_key=key,
                )
            )
    return opened


def handoff_for_am_change(
    *, workspace: Workspace, event_id: int, client_id: int, old_id: Any, new_id: Any
) -> Handoff | None:
    """A client changed account manager: an `account_transition` draft from the outgoing AM to the new one,
    prefilled from the client's knowledge record (once per change)."""
    if not old_id or not new_id or old_id == new_id:
        return None
    client = Client.objects.filter(workspace=workspace, pk=client_id).first()
    old = Person.objects.select_related("membership").filter(workspace=workspace, pk=old_id).first()
    new = Person.objects.select_related("membership").filter(workspace=workspace, pk=new_id).first()
    if client is None or old is None or new is None or not old.active:
        return None
    return handoff_open(
        actor=Actor.system(workspace),
        kind="account_transition",
        client=client,
        from_person=old,
        to_person=new,
        source=HandoffSource.AM_CHANGED,
        source_ref=f"event:{event_id}",
        title=f"Account transition: {client.name} ({old.name} → {new.name})",
    )


def ensure_can(actor: Actor, action: str, handoff: Handoff) -> None:
    """For views: PermissionDenied unless the actor may `action` this handoff."""
    if not access.allowed(actor, "handoff", action, handoff):
        raise PermissionDenied(f"You may not {action.replace('_', ' ')} this handoff.")
