"""Writes for decisions: what was decided with or for a client, why, and what was rejected."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.services import bump_version, check_version, validate
from baton.crm.models import Client, Contact
from baton.knowledge.models import (
    Decision,
)
from baton.knowledge.services._common import clean_text_list, person_errors, project_and_task

# --- Decisions ------------------------------------------------------------------------------------------------

DECISION_FIELDS = (
    "title",
    "decision",
    "rationale",
    "alternatives_rejected",
    "decided_by",
    "decided_by_contact_id",
    "decided_on",
    "project_id",
    "task_id",
    "touchpoint_id",
    "internal",
)


def _decider_errors(
    actor: Actor, client: Client, decided_by: int | None, decided_by_contact_id: int | None
) -> dict[str, str]:
    errors = person_errors(actor, decided_by, "decided_by")
    if (
        decided_by_contact_id is not None
        and not Contact.objects.filter(workspace=actor.workspace, client=client, pk=decided_by_contact_id).exists()
    ):
        errors["decided_by_contact_id"] = "No such contact at this client."
    if decided_by is None and decided_by_contact_id is None:
        errors["decided_by"] = (
            "Name who decided: a person of the workspace (decided_by) or a client contact (decided_by_contact_id)."
        )
    return errors


@transaction.atomic
def decision_create(
    *,
    actor: Actor,
    client: Client,
    title: str,
    decision: str,
    rationale: str = "",
    alternatives_rejected: list[str] | None = None,
    decided_by: int | None = None,
    decided_by_contact_id: int | None = None,
    decided_on: date | None = None,
    project_id: int | None = None,
    task_id: int | None = None,
    touchpoint_id: int | None = None,
    internal: bool = False,
) -> Decision:
    """Record a decision about a client (optionally a project or task of it): what, why, what was rejected.
    An `internal` one is the account team's own: the client never sees it (`core.client_view`)."""
    access.require(actor, "decision", "create", Decision(workspace=actor.workspace, client=client))
    project, task, errors = project_and_task(actor, client, project_id, task_id)
    errors |= _decider_errors(actor, client, decided_by, decided_by_contact_id)
    alternatives = clean_text_list(alternatives_rejected, "alternatives_rejected", errors)
    record = Decision(
        workspace=actor.workspace,
        client=client,
        project=project if "project_id" not in errors else None,
        task=task if "task_id" not in errors else None,
        touchpoint_id=touchpoint_id,
        title=(title or "").strip(),
        decision=(decision or "").strip(),
        rationale=(rationale or "").strip(),
        alternatives_rejected=alternatives,
        decided_by_id=decided_by if "decided_by" not in errors else None,
        decided_by_contact_id=decided_by_contact_id if "decided_by_contact_id" not in errors else None,
        decided_on=decided_on or timezone.localdate(),
        internal=bool(internal),
        created_by_id=actor.person_id,
    )
    validate(record, errors)
    record.save()
    events.emit(
        actor,
        "decision.created",
        record,
        data={
            "title": record.title,
            "decided_on": record.decided_on,
            "project_id": record.project_id,
            "task_id": record.task_id,
            "decided_by": record.decided_by_id,
            "decided_by_contact_id": record.decided_by_contact_id,
            "internal": record.internal,
        },
    )
    return record


@transaction.atomic
def decision_update(*, actor: Actor, record: Decision, version: int | None, **changes: Any) -> Decision:
    """Change a decision's fields (`record` is the decision; `decision` is its text field). The client cannot
    change; the project and task must stay the client's."""
    access.require(actor, "decision", "update", record)
    decision = Decision.objects.select_for_update().select_related("client").get(pk=record.pk)
    check_version(decision, version)
    unknown = set(changes) - set(DECISION_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    client = decision.client
    project_id = changes.get("project_id", decision.project_id)
    task_id = changes.get("task_id", decision.task_id)
    if "task_id" in changes and "project_id" not in changes and decision.project_id is None:
        project_id = None  # a task chosen on a decision without a project brings its project
    project, task, errors = project_and_task(actor, client, project_id, task_id)
    decided_by = changes.get("decided_by", decision.decided_by_id)
    contact_id = changes.get("decided_by_contact_id", decision.decided_by_contact_id)
    errors |= _decider_errors(actor, client, decided_by, contact_id)
    values: dict[str, Any] = {}
    for field in ("title", "decision", "rationale"):
        if field in changes:
            values[field] = (changes[field] or "").strip()
    if "alternatives_rejected" in changes:
        values["alternatives_rejected"] = clean_text_list(
            changes["alternatives_rejected"], "alternatives_rejected", errors
        )
    if "decided_on" in changes:
        if changes["decided_on"] is None:
            errors["decided_on"] = "A decision has a date."
        else:
            values["decided_on"] = changes["decided_on"]
    for field in ("touchpoint_id", "internal"):
        if field in changes:
            values[field] = changes[field]
    if values.get("internal", False) is None:
        errors["internal"] = "Say whether the decision is internal: true or false."
    if errors:
        raise ValidationError(errors)
    values |= {
        "project_id": project.pk if project else None,
        "task_id": task.pk if task else None,
        "decided_by_id": decided_by,
        "decided_by_contact_id": contact_id,
    }
    changed = events.diff(decision, values)
    if not changed:
        return decision
    validate(decision)
    bump_version(decision)
    decision.save()
    events.emit(actor, "decision.updated", decision, data={"changes": changed})
    return decision
