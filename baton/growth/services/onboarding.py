"""Onboarding plans for new hires: templates (a checklist with day offsets, per role), plans copied from them when a
person is created (people's `person.created`, reacted to in the same transaction) or by hand, and ticking items.

Who ticks an item: the hire, their buddy, their lead (up the chain) and owners/admins — whoever sees the plan
(`access` resource `onboarding_plan`, object rule `_onboarding_allowed`); an item's `owner` says whose job it is."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Role
from baton.core.services import bump_version, check_version, validate
from baton.growth.models import ItemOwner, OnboardingItem, OnboardingPlan, OnboardingTemplate
from baton.growth.services._common import _growth_person
from baton.people.models import Person

logger = logging.getLogger(__name__)

STAFF_ROLES = tuple(r.value for r in Role if r != Role.CLIENT)
MAX_OFFSET = 365


def _clean_items(items: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    """A template's checklist: each item a title, a whole day offset 0-365 and an owner; every bad one named."""
    if not isinstance(items, list) or not items:
        errors["items"] = "List at least one item."
        return []
    clean: list[dict[str, Any]] = []
    owners = {o.value for o in ItemOwner}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            errors[f"items[{i}]"] = "An item is {title, day_offset, owner}."
            continue
        title = str(item.get("title") or "").strip()
        offset = item.get("day_offset", 0)
        owner = item.get("owner") or ItemOwner.HIRE.value
        if not title:
            errors[f"items[{i}].title"] = "Say what to do."
        if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
            errors[f"items[{i}].day_offset"] = f"A whole number of days from the start date, 0-{MAX_OFFSET}."
        if owner not in owners:
            errors[f"items[{i}].owner"] = "hire, buddy or lead."
        clean.append({"title": title[:300], "day_offset": offset, "owner": owner})
    return clean


@transaction.atomic
def onboarding_template_save(
    *,
    actor: Actor,
    template: OnboardingTemplate | None = None,
    name: str,
    items: Any,
    role: str = "",
    active: bool = True,
    version: int | None = None,
) -> OnboardingTemplate:
    """Add an onboarding template or change one (owners/admins); plans already made keep their items."""
    access.require(actor, "learning_library", "update")
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = "Name the template."
    if role and role not in STAFF_ROLES:
        errors["role"] = f"One of {', '.join(STAFF_ROLES)}, or empty for any role."
    clean = _clean_items(items, errors)
    if errors:
        raise ValidationError(errors)
    created = template is None
    if template is None:
        template = OnboardingTemplate(workspace=actor.workspace)
    else:
        template = OnboardingTemplate.objects.select_for_update().get(pk=template.pk)
        check_version(template, version)
        bump_version(template)
    template.name, template.role, template.items, template.active = name.strip(), role or "", clean, active
    validate(template)
    template.save()
    events.emit(actor, "onboarding_template.created" if created else "onboarding_template.updated", template)
    return template


def template_for_role(workspace_id: int, role: str) -> OnboardingTemplate | None:
    """The active template a new person of `role` gets: the role's own, else the general one (oldest first)."""
    templates = OnboardingTemplate.objects.filter(workspace_id=workspace_id, active=True).order_by("created_at", "id")
    return templates.filter(role=role).first() or templates.filter(role="").first()


@transaction.atomic
def onboarding_plan_create(
    *,
    actor: Actor,
    person_id: Any,
    template_id: Any = None,
    buddy_id: Any = None,
    start_date: date | None = None,
    items: Any = None,
) -> OnboardingPlan:
    """A plan for a hire from a template (its items due start date + day offset) and/or items given by hand."""
    access.require(actor, "onboarding_plan", "create")
    errors: dict[str, str] = {}
    person = _growth_person(actor, person_id, errors)
    buddy = _growth_person(actor, buddy_id, errors, "buddy_id") if buddy_id is not None else None
    if person is not None and buddy is not None and buddy.pk == person.pk:
        errors["buddy_id"] = "A buddy is someone other than the new hire."
    template = None
    if template_id is not None:
        template = OnboardingTemplate.objects.filter(workspace=actor.workspace, pk=template_id).first()
        if template is None:
            errors["template_id"] = "No such onboarding template."
    extra = _clean_items(items, errors) if items else []
    if template is None and not items and "template_id" not in errors:
        errors["template_id"] = "Choose a template or list the items."
    if person is not None and OnboardingPlan.objects.filter(person=person).exists():
        errors["person_id"] = "This person already has an onboarding plan."
    if errors or person is None:
        raise ValidationError(errors)
    return _make_plan(actor, person, buddy, template, start_date or timezone.localdate(), extra)


def _make_plan(
    actor: Actor,
    person: Person,
    buddy: Person | None,
    template: OnboardingTemplate | None,
    start: date,
    extra: list[dict[str, Any]],
) -> OnboardingPlan:
    plan = OnboardingPlan(
        workspace=actor.workspace,
        person=person,
        buddy=buddy,
        template=template,
        start_date=start,
        created_by_id=actor.person_id,
    )
    validate(plan, exclude=["person", "buddy", "template", "created_by"])
    plan.save()
    rows = [*(template.items if template else []), *extra]
    OnboardingItem.objects.bulk_create(
        OnboardingItem(
            workspace=actor.workspace,
            plan=plan,
            title=row["title"],
            owner=row["owner"],
            due_on=start + timedelta(days=int(row["day_offset"])),
            position=i,
        )
        for i, row in enumerate(rows)
    )
    events.emit(
        actor,
        "onboarding_plan.created",
        plan,
        data={"person_id": person.pk, "buddy_id": buddy.pk if buddy else None, "items": len(rows)},
    )
    return plan


def plan_for_new_person(actor: Actor, person: Any) -> None:
    """`person.created` (in its transaction): a staff person gets the plan of their role's template, starting today,
    without a buddy (set one later). A failure is logged and never undoes the person."""
    role = Person.objects.filter(pk=person.pk).values_list("membership__role", flat=True).first()
    if role is None or role == Role.CLIENT:
        return
    template = template_for_role(person.workspace_id, role)
    if template is None or OnboardingPlan.objects.filter(person_id=person.pk).exists():
        return
    try:
        with transaction.atomic():
            _make_plan(
                actor,
                person,
                None,
                template,
                timezone.localdate(),
                [],
            )
    except Exception:
        logger.exception("Could not start an onboarding plan for person %s.", person.pk)


@transaction.atomic
def onboarding_plan_update(
    *,
    actor: Actor,
    plan: OnboardingPlan,
    version: int | None,
    buddy_id: Any = ...,
    start_date: date | None = None,
) -> OnboardingPlan:
    """Set the buddy or move the start date (owners/admins and the hire's lead); moving it moves every open item."""
    plan = OnboardingPlan.objects.select_for_update().select_related("person").get(pk=plan.pk)
    access.require(actor, "onboarding_plan", "update", plan)
    check_version(plan, version)
    if not (actor.is_leader or access.manages(actor, plan.person)):
        raise PermissionDenied("Owners, admins and the hire's lead change a plan.")
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    if buddy_id is not ...:
        buddy = _growth_person(actor, buddy_id, errors, "buddy_id") if buddy_id is not None else None
        if buddy is not None and buddy.pk == plan.person_id:
            errors["buddy_id"] = "A buddy is someone other than the new hire."
        changes["buddy_id"] = buddy.pk if buddy else None
    if errors:
        raise ValidationError(errors)
    if start_date is not None and start_date != plan.start_date:
        shift = start_date - plan.start_date
        for item in plan.items.filter(completed_at__isnull=True):
            item.due_on += shift
            item.save(update_fields=["due_on", "updated_at"])
        plan.start_date = start_date
        changes["start_date"] = start_date
    if "buddy_id" in changes:
        plan.buddy_id = changes["buddy_id"]
    bump_version(plan)
    plan.save()
    events.emit(actor, "onboarding_plan.updated", plan, data={"person_id": plan.person_id, **changes})
    return plan


@transaction.atomic
def onboarding_item_set(*, actor: Actor, item: OnboardingItem, done: bool = True) -> OnboardingItem:
    """Tick an item (or untick it): the hire, the buddy, the hire's lead or an owner/admin. The plan is complete
    when its last item is ticked."""
    item = OnboardingItem.objects.select_for_update().select_related("plan", "plan__person").get(pk=item.pk)
    plan = item.plan
    access.require(actor, "onboarding_plan", "update", plan)
    if done == (item.completed_at is not None):
        raise Conflict("This item is already done." if done else "This item is not done.")
    item.completed_at = timezone.now() if done else None
    item.completed_by_id = actor.person_id if done else None
    bump_version(item)
    item.save()
    open_left = plan.items.filter(completed_at__isnull=True).exists()
    complete = None if open_left else timezone.now()
    if (plan.completed_at is None) != (complete is None):
        plan.completed_at = complete
        plan.save(update_fields=["completed_at", "updated_at"])
    events.emit(
        actor,
        "onboarding_item.completed" if done else "onboarding_item.reopened",
        item,
        data={"plan_id": plan.pk, "person_id": plan.person_id, "plan_complete": not open_left},
    )
    return item
