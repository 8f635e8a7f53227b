"""Writes for projects: create, update (with the status workflow), archive."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import bump_version, check_version, validate
from baton.core.validators import currency_code
from baton.crm.models import Client
from baton.delivery.models import (
    Billing,
    BudgetRevision,
    Project,
    ProjectStatus,
    ProjectStatusChange,
    ProjectTemplate,
)
from baton.delivery.services._common import (
    minutes_or_error,
    money_or_error,
    people_errors,
    reject_unknown,
    staff_person_error,
)

# The project workflow. A finished project can be reopened; a cancelled one can be planned again.
PROJECT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProjectStatus.PLANNED: (ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD, ProjectStatus.CANCELLED),
    ProjectStatus.ACTIVE: (ProjectStatus.ON_HOLD, ProjectStatus.DONE, ProjectStatus.CANCELLED),
    ProjectStatus.ON_HOLD: (ProjectStatus.ACTIVE, ProjectStatus.CANCELLED),
    ProjectStatus.DONE: (ProjectStatus.ACTIVE,),
    ProjectStatus.CANCELLED: (ProjectStatus.PLANNED,),
}

PROJECT_FIELDS = (
    "client_id",
    "name",
    "description",
    "status",
    "billing",
    "currency",
    "budget_amount",
    "budget_minutes",
    "retainer_period",
    "period_budget_amount",
    "period_budget_minutes",
    "start_date",
    "end_date",
    "project_manager_id",
    "member_ids",
)
RETAINER_FIELDS = ("retainer_period", "period_budget_amount", "period_budget_minutes")
BUDGET_FIELDS = ("budget_amount", "budget_minutes", "period_budget_amount", "period_budget_minutes")
BUDGET_LOCKED = (
    "The budget of a project under way moves only through an approved change order or a budget revision by the "
    "owner or finance, with its reason (POST /projects/{id}/budget-revisions; on the project page: Revise the budget)."
)
# The service checks these links itself (same workspace, not archived, active staff), and Project.clean() plus the
# money and minutes checks cover the table's constraints, so `validate` skips their per-row queries.
CHECKED_ELSEWHERE = ["workspace", "client", "project_manager", "template"]


def _label(status: str) -> str:
    return ProjectStatus(status).label.lower() if status in ProjectStatus.values else status


def check_transition(current: str, new: str) -> None:
    """409 unless the workflow allows `current` → `new` (naming where it may go instead)."""
    if new not in ProjectStatus.values:
        raise ValidationError({"status": f"Choose one of: {', '.join(ProjectStatus.values)}."})
    if new != current and new not in PROJECT_TRANSITIONS[current]:
        allowed = ", ".join(_label(s) for s in PROJECT_TRANSITIONS[current])
        raise Conflict(
            f"A project cannot go from {_label(current)} to {_label(new)}. From {_label(current)} it can go to: "
            f"{allowed}.",
            field="status",
        )


def ensure_live(project: Project) -> None:
    """Archived projects are read-only until unarchived."""
    if project.archived_at is not None:
        raise Conflict(f"The project “{project.name}” is archived; unarchive it before changing it.")


def _client(actor: Actor, client_id: Any, errors: dict[str, str]) -> Client | None:
    if client_id is None:
        errors["client_id"] = "Choose the client this project is for."
        return None
    client = Client.objects.filter(workspace=actor.workspace, pk=client_id).select_related("account_manager").first()
    if client is None or (actor.is_client and client.pk != actor.client_id):
        errors["client_id"] = "No such client in this workspace."
        return None
    if client.archived_at is not None:
        errors["client_id"] = f"{client.name} is archived."
    return client


def _currency(value: str | None, errors: dict[str, str]) -> str:
    return currency_code(value, "currency", errors)


def _normalise(data: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """Money to cents, minutes checked, names trimmed; field errors collected rather than raised one by one."""
    out = dict(data)
    if "name" in out:
        out["name"] = (out["name"] or "").strip()
    if "budget_amount" in out:
        out["budget_amount"] = money_or_error(out["budget_amount"], "budget_amount", errors)
    if "period_budget_amount" in out:
        out["period_budget_amount"] = money_or_error(
            out["period_budget_amount"], "period_budget_amount", errors, allow_none=True
        )
    if "budget_minutes" in out:
        out["budget_minutes"] = minutes_or_error(out["budget_minutes"], "budget_minutes", errors)
    if "period_budget_minutes" in out:
        out["period_budget_minutes"] = minutes_or_error(
            out["period_budget_minutes"], "period_budget_minutes", errors, allow_none=True
        )
    if "retainer_period" in out:
        out["retainer_period"] = (out["retainer_period"] or "").strip().lower()
    if "billing" in out and out["billing"] not in Billing.values:
        errors["billing"] = f"Choose one of: {', '.join(Billing.values)}."
    return {k: v for k, v in out.items() if k not in errors}


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    client_id: int | None,
    name: str,
    description: str = "",
    status: str = ProjectStatus.PLANNED,
    billing: str = Billing.TIME_AND_MATERIALS,
    currency: str | None = None,
    budget_amount: Any = "0",
    budget_minutes: int | None = 0,
    retainer_period: str = "",
    period_budget_amount: Any = None,
    period_budget_minutes: int | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    project_manager_id: int | None = None,
    member_ids: list[int] | None = None,
    template: ProjectTemplate | None = None,
) -> Project:
    """A new project for a client. The currency defaults to the client's; a project manager who creates a project
    manages it unless they name someone else; a retainer's period defaults to a month."""
    access.require(actor, "project", "create")
    errors: dict[str, str] = {}
    client = _client(actor, client_id, errors)
    if client is not None:
        access.require(actor, "project", "create", Project(workspace=actor.workspace, client=client))
    if project_manager_id is None and actor.role == access.PM:
        project_manager_id = actor.person_id
    if billing == Billing.RETAINER and not retainer_period:
        retainer_period = "month"
    fields = _normalise(
        {
            "name": name,
            "billing": billing,
            "budget_amount": budget_amount,
            "budget_minutes": budget_minutes,
            "retainer_period": retainer_period,
            "period_budget_amount": period_budget_amount,
            "period_budget_minutes": period_budget_minutes,
        },
        errors,
    )
    errors |= staff_person_error(actor, project_manager_id, "project_manager_id")
    errors |= people_errors(actor, member_ids or [], "member_ids")
    project = Project(
        workspace=actor.workspace,
        client=client,
        description=description or "",
        status=status,
        currency=_currency(currency or (client.currency if client else actor.workspace.currency), errors),
        start_date=start_date,
        end_date=end_date,
        project_manager_id=None if "project_manager_id" in errors else project_manager_id,
        template=template,
        **fields,
    )
    if status not in ProjectStatus.values:
        errors["status"] = f"Choose one of: {', '.join(ProjectStatus.values)}."
    validate(project, errors, exclude=CHECKED_ELSEWHERE, validate_constraints=False)
    project.save()
    ProjectStatusChange.objects.create(project=project, status=project.status, on=timezone.localdate())
    if member_ids:
        project.members.set(member_ids)
    events.emit(
        actor,
        "project.created",
        project,
        data={
            "name": project.name,
            "client_id": project.client_id,
            "status": project.status,
            "billing": project.billing,
            "budget_amount": project.budget_amount,
            "budget_minutes": project.budget_minutes,
            "project_manager_id": project.project_manager_id,
            "member_ids": sorted(set(member_ids or [])),
            "template_id": template.pk if template else None,
        },
    )
    return project


# Complexity: a table of per-field rules (status workflow, client, currency, retainer fields).
@transaction.atomic
def project_update(*, actor: Actor, project: Project, version: int | None, **changes: Any) -> Project:
    """Change a project's fields. A status change follows the workflow (409 otherwise) and is also recorded as
    `project.status_changed`. Leaving retainer billing clears the retainer fields."""
    access.require(actor, "project", "update", project)
    project = Project.objects.select_for_update().select_related("client").get(pk=project.pk)
    check_version(project, version)
    ensure_live(project)
    reject_unknown(changes, PROJECT_FIELDS)
    asked = set(changes)
    errors: dict[str, str] = {}
    if "status" in changes:
        check_transition(project.status, changes["status"])
    if "client_id" in changes and changes["client_id"] != project.client_id:
        client = _client(actor, changes["client_id"], errors)
        if client is not None:
            access.require(actor, "project", "create", Project(workspace=actor.workspace, client=client))
    if "currency" in changes:
        changes["currency"] = _currency(changes["currency"], errors)
    billing = changes.get("billing", project.billing)
    if billing != Billing.RETAINER:
        for f in RETAINER_FIELDS:
            changes.setdefault(f, "" if f == "retainer_period" else None)
    elif not changes.get("retainer_period", project.retainer_period):
        changes["retainer_period"] = "month"
    if "project_manager_id" in changes:
        errors |= staff_person_error(actor, changes["project_manager_id"], "project_manager_id")
    member_ids = changes.pop("member_ids", None)
    if member_ids is not None:
        errors |= people_errors(actor, member_ids, "member_ids")
    changes = _normalise(changes, errors)
    if budget_locked(project):
        for field in BUDGET_FIELDS:
            if field in asked and field in changes and changes[field] != getattr(project, field):
                errors[field] = BUDGET_LOCKED.replace("{id}", str(project.pk))
                changes.pop(field)
    if "project_manager_id" in errors:
        changes.pop("project_manager_id", None)
    if "client_id" in errors:
        changes.pop("client_id", None)
    changed = events.diff(project, changes)
    if member_ids is not None and "member_ids" not in errors:
        old = sorted(project.members.values_list("id", flat=True))
        if old != sorted(set(member_ids)):
            changed["member_ids"] = [old, sorted(set(member_ids))]
    if not changed and not errors:
        return project
    if "client_id" in changed:
        project.client = Client.objects.get(pk=project.client_id)
    validate(project, errors, exclude=CHECKED_ELSEWHERE, validate_constraints=False)
    bump_version(project)
    project.save()
    if "member_ids" in changed:
        project.members.set(member_ids or [])
    events.emit(actor, "project.updated", project, data={"changes": changed})
    if "status" in changed:
        _record_status(project, previous=changed["status"][0])
        events.emit(
            actor,
            "project.status_changed",
            project,
            data={"from": changed["status"][0], "to": changed["status"][1]},
        )
    return project


def budget_locked(project: Project) -> bool:
    """Whether the project's budget is past plain editing: it has one and the project is no longer planned."""
    has_budget = bool(
        project.budget_amount or project.budget_minutes or project.period_budget_amount or project.period_budget_minutes
    )
    return has_budget and project.status != ProjectStatus.PLANNED


@transaction.atomic
def budget_revise(*, actor: Actor, project: Project, reason: str, **values: Any) -> BudgetRevision:
    """An explicit, recorded budget revision by the owner or finance (403 for others): `values` takes the
    BUDGET_FIELDS to change and `reason` is required (422 naming it). Records who, when, the reason and each touched
    field's old and new value, and emits `project.budget_revised`. The retainer fields only on a retainer."""
    access.require(actor, "budget_revision", "create", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    ensure_live(project)
    reject_unknown(values, BUDGET_FIELDS)
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Say why the budget changes; the reason is kept with the revision."
    elif len(reason) > 2000:
        errors["reason"] = "At most 2000 characters."
    asked = {k: v for k, v in values.items() if v is not None}
    if project.billing != Billing.RETAINER:
        for f in ("period_budget_amount", "period_budget_minutes"):
            if f in asked:
                errors[f] = "Only a retainer has a budget per period."
    asked = _normalise(asked, errors)
    changed = {f: [getattr(project, f), v] for f, v in asked.items() if v != getattr(project, f)}
    if not changed and not errors:
        errors["budget_amount"] = "Give a new budget_amount, budget_minutes (or a retainer's period budget)."
    if errors:
        raise ValidationError(errors)
    for field, (_old, new) in changed.items():
        setattr(project, field, new)
    validate(project, {}, exclude=CHECKED_ELSEWHERE, validate_constraints=False)
    bump_version(project)
    project.save()
    revision = BudgetRevision(
        workspace=actor.workspace,
        project=project,
        revised_by_id=actor.person_id,
        revised_on=timezone.localdate(),
        reason=reason,
        **{f"{edge}_{field}": pair[i] for field, pair in changed.items() for i, edge in enumerate(("old", "new"))},
    )
    revision.save()
    events.emit(
        actor,
        "project.budget_revised",
        project,
        data={"budget_revision_id": revision.pk, "reason": reason}
        | {field: [events.jsonable(old), events.jsonable(new)] for field, (old, new) in changed.items()},
        client_id=project.client_id,
    )
    return revision


def _record_status(project: Project, *, previous: str) -> None:
    """Keep the status history (MONEY.md §3): today on, the project has its new status. A project made before the
    history was kept (or loaded in bulk) first gets its previous status, which then holds from its start."""
    today = timezone.localdate()
    if not ProjectStatusChange.objects.filter(project=project).exists():
        ProjectStatusChange.objects.create(project=project, status=previous, on=timezone.localdate(project.created_at))
    ProjectStatusChange.objects.create(project=project, status=project.status, on=today)


def project_change_status(*, actor: Actor, project: Project, status: str, version: int | None = None) -> Project:
    """The status buttons of the web UI: the same rule as a PATCH of `status`."""
    return project_update(
        actor=actor, project=project, version=project.version if version is None else version, status=status
    )


@transaction.atomic
def project_archive(*, actor: Actor, project: Project) -> Project:
    """Archive a project: hidden from default lists, read-only, history kept. Archiving twice is harmless."""
    access.require(actor, "project", "archive", project)
    project = Project.objects.select_for_update().select_related("client").get(pk=project.pk)
    if project.archived_at is None:
        project.archived_at = timezone.now()
        bump_version(project)
        project.save()
        events.emit(actor, "project.archived", project, data={"status": project.status})
    return project


@transaction.atomic
def project_unarchive(*, actor: Actor, project: Project) -> Project:
    access.require(actor, "project", "archive", project)
    project = Project.objects.select_for_update().select_related("client").get(pk=project.pk)
    if project.archived_at is not None:
        project.archived_at = None
        bump_version(project)
        project.save()
        events.emit(actor, "project.unarchived", project)
    return project


def require_editor(actor: Actor, project: Project, resource: str, action: str, obj: Any) -> None:
    """`access.require` with the project named in the message (a PM who does not manage it, an AM outside its
    portfolio)."""
    try:
        access.require(actor, resource, action, obj)
    except PermissionDenied as exc:
        if actor.role in (access.PM, access.AM):
            raise PermissionDenied(
                f"{exc} Only the project's manager (or, for an account manager, the client's) may change "
                f"“{project.name}”."
            ) from exc
        raise
