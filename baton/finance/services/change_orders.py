"""Writes for change orders: every change request is logged (draft or submitted), then approved or rejected.
Approving one moves the project's budget in the same transaction (the only way a budget moves after the baseline)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.money import money
from baton.core.services import bump_version, check_version, validate
from baton.crm.models import Contact
from baton.delivery.models import Project, ProjectStatus, Task
from baton.finance.models import ChangeOrder, ChangeOrderStatus
from baton.finance.services._common import visible_project, whole_minutes
from baton.finance.services.budgets import baseline_freeze, project_budget_move
from baton.people.models import Person
from baton.people.validators import person_of_workspace

OPEN = (ChangeOrderStatus.DRAFT, ChangeOrderStatus.SUBMITTED)
CANCELLED_MESSAGE = "“{name}” is cancelled; a cancelled project takes no change orders."
CHANGE_ORDER_FIELDS = (
    "title",
    "description",
    "amount_delta",
    "minutes_delta",
    "requested_by",
    "requested_by_contact_id",
    "requested_on",
    "task_ids",
)


def _requesters(
    actor: Actor, project: Project | None, requested_by: Any, contact_id: Any, errors: dict[str, str]
) -> tuple[Person | None, Contact | None]:
    person = contact = None
    if requested_by is not None:
        if isinstance(requested_by, bool) or not isinstance(requested_by, int):
            errors["requested_by"] = (
                "Name the requesting person by id (or the client contact in requested_by_contact_id)."
            )
        else:
            person = person_of_workspace(actor.workspace, requested_by, "requested_by", errors)
    if contact_id is not None:
        contact = Contact.objects.filter(workspace=actor.workspace, pk=contact_id).first()
        if contact is None or (project is not None and contact.client_id != project.client_id):
            errors["requested_by_contact_id"] = "No such contact at this project's client."
            contact = None
    return person, contact


def _tasks(project: Project | None, task_ids: Any, errors: dict[str, str]) -> list[Task]:
    ids = list(task_ids or [])
    if not ids or project is None:
        return []
    found = list(Task.objects.filter(project_id=project.pk, id__in=ids))
    missing = sorted(set(ids) - {t.pk for t in found})
    if missing:
        errors["task_ids"] = f"No such task on this project: {', '.join(map(str, missing))}."
    return found


def _data(order: ChangeOrder) -> dict[str, Any]:
    return {
        "project_id": order.project_id,
        "title": order.title,
        "status": order.status,
        "amount_delta": order.amount_delta,
        "minutes_delta": order.minutes_delta,
        "requested_by": order.requested_by_id,
        "requested_by_contact_id": order.requested_by_contact_id,
    }


@transaction.atomic
def change_order_create(
    *,
    actor: Actor,
    project_id: int | None,
    title: str,
    description: str = "",
    amount_delta: Any = "0",
    minutes_delta: Any = 0,
    requested_by: Any = None,
    requested_by_contact_id: int | None = None,
    requested_on: date | None = None,
    status: str = ChangeOrderStatus.DRAFT,
    task_ids: list[int] | None = None,
) -> ChangeOrder:
    """Log a change request (as a draft, or submitted for a decision at once). It moves nothing until approved."""
    access.require(actor, "change_order", "create")
    errors: dict[str, str] = {}
    project = visible_project(actor, project_id, errors)
    if project is not None:
        access.require(actor, "change_order", "create", ChangeOrder(project=project))
        if project.archived_at is not None:
            errors["project_id"] = f"“{project.name}” is archived."
        elif project.status == ProjectStatus.CANCELLED:
            errors["project_id"] = CANCELLED_MESSAGE.format(name=project.name)
    amount = money(amount_delta, "amount_delta", errors, allow_negative=True)
    minutes = whole_minutes(minutes_delta, "minutes_delta", errors, allow_negative=True)
    if requested_by is None and requested_by_contact_id is None:
        requested_by = actor.person_id
    person, contact = _requesters(actor, project, requested_by, requested_by_contact_id, errors)
    tasks = _tasks(project, task_ids, errors)
    if status not in OPEN:
        errors["status"] = "A new change order is a draft or submitted; approve it with POST …/approve."
    if not (title or "").strip():
        errors["title"] = "Give the change a short title."
    if errors or amount is None or minutes is None:
        raise ValidationError(errors)
    order = ChangeOrder(
        workspace=actor.workspace,
        project=project,
        title=title.strip(),
        description=description or "",
        amount_delta=amount,
        minutes_delta=minutes,
        requested_by=person,
        requested_by_contact=contact,
        requested_on=requested_on or timezone.localdate(),
        status=status,
        submitted_at=timezone.now() if status == ChangeOrderStatus.SUBMITTED else None,
    )
    validate(order)
    if project is not None:
        baseline_freeze(actor=actor, project=project)  # a change request is measured against the baseline
    order.save()
    if tasks:
        order.tasks.set(tasks)
    events.emit(actor, "change_order.created", order, data=_data(order))
    if status == ChangeOrderStatus.SUBMITTED:
        events.emit(actor, "change_order.submitted", order, data=_data(order))
    return order


def _locked(actor: Actor, order: ChangeOrder, action: str) -> ChangeOrder:
    order = (
        ChangeOrder.objects.select_for_update(of=("self",))
        .select_related("project", "project__client")
        .get(pk=order.pk)
    )
    access.require(actor, "change_order", action, order)
    return order


@transaction.atomic
def change_order_update(*, actor: Actor, order: ChangeOrder, version: int | None, **changes: Any) -> ChangeOrder:
    """Change a draft or submitted change order; a decided one is history (409)."""
    order = _locked(actor, order, "update")
    check_version(order, version)
    unknown = set(changes) - set(CHANGE_ORDER_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in sorted(unknown)})
    if order.status not in OPEN:
        raise Conflict(f"This change order is {order.status}; it can no longer change.", field="status")
    errors: dict[str, str] = {}
    if "amount_delta" in changes:
        changes["amount_delta"] = money(changes["amount_delta"], "amount_delta", errors, allow_negative=True)
    if "minutes_delta" in changes:
        changes["minutes_delta"] = whole_minutes(changes["minutes_delta"], "minutes_delta", errors, allow_negative=True)
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
        if not changes["title"]:
            errors["title"] = "Give the change a short title."
    if "requested_by" in changes or "requested_by_contact_id" in changes:
        person, contact = _requesters(
            actor,
            order.project,
            changes.pop("requested_by", order.requested_by_id),
            changes.pop("requested_by_contact_id", order.requested_by_contact_id),
            errors,
        )
        changes["requested_by_id"] = person.pk if person else None
        changes["requested_by_contact_id"] = contact.pk if contact else None
    tasks = None
    if "task_ids" in changes:
        tasks = _tasks(order.project, changes.pop("task_ids"), errors)
    if errors:
        raise ValidationError(errors)
    changed = events.diff(order, changes)
    if tasks is not None:
        old = sorted(order.tasks.values_list("id", flat=True))
        new = sorted(t.pk for t in tasks)
        if old != new:
            changed["task_ids"] = [old, new]
    if not changed:
        return order
    validate(order)
    bump_version(order)
    order.save()
    if tasks is not None:
        order.tasks.set(tasks)
    events.emit(actor, "change_order.updated", order, data={"changes": changed, "project_id": order.project_id})
    return order


@transaction.atomic
def change_order_submit(*, actor: Actor, order: ChangeOrder) -> ChangeOrder:
    order = _locked(actor, order, "update")
    if order.status != ChangeOrderStatus.DRAFT:
        raise Conflict(f"Only a draft can be submitted; this change order is {order.status}.", field="status")
    order.status = ChangeOrderStatus.SUBMITTED
    order.submitted_at = timezone.now()
    bump_version(order)
    order.save()
    events.emit(actor, "change_order.submitted", order, data=_data(order))
    return order


@transaction.atomic
def change_order_approve(*, actor: Actor, order: ChangeOrder, reason: str = "") -> ChangeOrder:
    """Approve a draft or submitted change order: the project's budget (amount and minutes) moves by its deltas in
    this transaction, and so does the forecast."""
    order = _locked(actor, order, "decide")
    if order.status not in OPEN:
        raise Conflict(f"This change order is already {order.status}.", field="status")
    # The project's status as it is now (locked), not as it was read with the order.
    project = Project.objects.select_for_update().get(pk=order.project_id)
    if project.status == ProjectStatus.CANCELLED:
        raise ValidationError({"project_id": CANCELLED_MESSAGE.format(name=project.name)})
    baseline_freeze(actor=actor, project=project)  # the baseline is what the project was before this change
    order.budget_amount_before = project.budget_amount
    order.budget_minutes_before = project.budget_minutes
    project_budget_move(
        actor=actor,
        project=project,
        amount_delta=order.amount_delta,
        minutes_delta=order.minutes_delta,
        change_order=order,
    )
    order.status = ChangeOrderStatus.APPROVED
    order.decided_at = timezone.now()
    order.decided_by_id = actor.person_id
    order.decision_reason = (reason or "").strip()
    bump_version(order)
    order.save()
    events.emit(actor, "change_order.approved", order, data=_data(order))
    return order


@transaction.atomic
def change_order_reject(*, actor: Actor, order: ChangeOrder, reason: str = "") -> ChangeOrder:
    """Reject a draft or submitted change order; the budget stays. Its tasks count as unmanaged scope again."""
    order = _locked(actor, order, "decide")
    if order.status not in OPEN:
        raise Conflict(f"This change order is already {order.status}.", field="status")
    order.status = ChangeOrderStatus.REJECTED
    order.decided_at = timezone.now()
    order.decided_by_id = actor.person_id
    order.decision_reason = (reason or "").strip()
    bump_version(order)
    order.save()
    events.emit(actor, "change_order.rejected", order, data=_data(order) | {"reason": order.decision_reason})
    return order
