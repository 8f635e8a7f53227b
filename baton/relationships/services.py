"""Writes for account management: protocols, onboarding, touchpoints and next steps, status updates, goals,
escalations, health snapshots, growth opportunities, settings, and the client's change-order decisions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Workspace
from baton.core.services import bump_version, check_version, validate
from baton.crm.models import Client, Contact
from baton.delivery.models import Milestone, Project
from baton.finance.services.change_orders import change_order_approve, change_order_reject
from baton.knowledge.models import Decision
from baton.people.models import Person
from baton.people.validators import person_of_workspace
from baton.relationships import cadence as cad
from baton.relationships import selectors
from baton.relationships.models import (
    DEFAULT_HEALTH_WEIGHTS,
    ClientGoal,
    CommunicationProtocol,
    Escalation,
    EscalationStatus,
    GoalValue,
    GrowthOpportunity,
    HealthSnapshot,
    NextStep,
    OnboardingItem,
    OnboardingStep,
    RelationshipsSettings,
    StatusUpdate,
    StatusUpdateStatus,
    Touchpoint,
    TouchpointKind,
)
from baton.relationships.selectors import client_cadence_items, client_health, protocol_for, settings_for, week_facts

# --- Settings ------------------------------------------------------------------------------------------------

SETTINGS_FIELDS = (
    "portfolio_mode",
    "health_weights",
    "healthy_from",
    "watch_from",
    "escalate_cadence_after_days",
    "escalate_on_health_at_risk",
    "escalate_on_budget_over",
    "escalate_on_unconfirmed_handoff",
    "status_update_weekday",
)


@transaction.atomic
def settings_update(*, actor: Actor, version: int | None, **changes: Any) -> RelationshipsSettings:
    access.require(actor, "relationships_settings", "update")
    current, _ = RelationshipsSettings.objects.select_for_update().get_or_create(workspace=actor.workspace)
    if version is not None or current.version > 1:
        check_version(current, version)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    errors: dict[str, str] = {}
    if "health_weights" in changes:
        weights = changes["health_weights"] or {}
        bad = set(weights) - set(DEFAULT_HEALTH_WEIGHTS)
        if bad:
            errors["health_weights"] = f"Unknown signal(s): {', '.join(sorted(bad))}."
        elif any(not isinstance(v, int) or v < 0 for v in weights.values()):
            errors["health_weights"] = "Weights are whole numbers from 0 up."
        else:
            merged = {**DEFAULT_HEALTH_WEIGHTS, **(current.health_weights or {}), **weights}
            if not sum(merged.values()):
                errors["health_weights"] = "At least one signal needs a weight."
            changes["health_weights"] = merged
    healthy = changes.get("healthy_from", current.healthy_from)
    watch = changes.get("watch_from", current.watch_from)
    if not 0 < watch < healthy <= 100:
        errors["watch_from"] = "Bands need 0 < watch_from < healthy_from <= 100."
    if "status_update_weekday" in changes and not 1 <= int(changes["status_update_weekday"]) <= 7:
        errors["status_update_weekday"] = "An ISO weekday, 1 (Monday) to 7."
    changed = events.diff(current, {k: v for k, v in changes.items() if k not in errors})
    validate(current, errors)
    if changed:
        bump_version(current)
        current.save()
        events.emit(actor, "relationships_settings.updated", current, data={"changes": changed})
    return current


# --- Protocol and onboarding ------------------------------------------------------------------------------------

PROTOCOL_FIELDS = (
    "channels",
    "response_time_hours",
    "update_every_days",
    "meeting_every_days",
    "strategic_review_every_days",
    "onboarding_started_on",
    "onboarding_update_every_days",
    "share_budget_with_client",
    "notes",
)

# The standard first 30 days when a workspace has not written its own (day offset, kind, title).
DEFAULT_ONBOARDING: tuple[tuple[int, str, str], ...] = (
    (0, "meeting", "Kick-off: agree the communication protocol, goals and KPIs"),
    (1, "email", "Welcome e-mail: who is who, channels, response times"),
    (2, "task", "Record the client's goals and KPIs (metric, baseline, target)"),
    (3, "call", "Access and assets check"),
    (5, "task", "Write and approve the first brief"),
    (7, "status_update", "First weekly status update"),
    (14, "meeting", "Two-week check-in"),
    (21, "status_update", "Week three status update"),
    (28, "strategic_review", "30-day review: validate goals, agree the ongoing rhythm"),
)


@transaction.atomic
def protocol_put(*, actor: Actor, client: Client, version: int | None = None, **fields: Any) -> CommunicationProtocol:
    """Set the client's communication protocol (created on first write). Setting an onboarding start for the first
    time applies the standard onboarding plan."""
    access.require(actor, "protocol", "update", client)
    unknown = set(fields) - set(PROTOCOL_FIELDS)
    if unknown:
        raise ValidationError({f: "Unknown field." for f in unknown})
    protocol = CommunicationProtocol.objects.select_for_update().filter(client=client).first()
    created = protocol is None
    if protocol is None:
        protocol = CommunicationProtocol(workspace=actor.workspace, client=client)
    elif version is not None:
        check_version(protocol, version)
    had_start = protocol.onboarding_started_on
    if "channels" in fields:
        fields["channels"] = [str(c).strip() for c in fields["channels"] or [] if str(c).strip()]
    changed = events.diff(protocol, fields)
    if not changed and not created:
        return protocol
    validate(protocol, exclude=["client"] if created else None)
    if not created:
        bump_version(protocol)
    protocol.save()
    events.emit(actor, "protocol.updated", protocol, data={"changes": changed}, client_id=client.pk)
    if protocol.onboarding_started_on and protocol.onboarding_started_on != had_start:
        onboarding_apply(actor=actor, client=client, start=protocol.onboarding_started_on)
    return protocol


def onboarding_plan(workspace: Workspace) -> list[tuple[int, str, str]]:
    steps = list(OnboardingStep.objects.filter(workspace=workspace).values_list("day_offset", "kind", "title"))
    return steps or list(DEFAULT_ONBOARDING)


ONBOARDING_KINDS = {k.value for k in TouchpointKind} | {"task"}


@transaction.atomic
def onboarding_template_put(*, actor: Actor, steps: list[dict[str, Any]]) -> list[OnboardingStep]:
    """Replace the workspace's standard onboarding plan (each step: day_offset 0-30, kind, title)."""
    access.require(actor, "relationships_settings", "update")
    errors: dict[str, str] = {}
    for i, step in enumerate(steps):
        if step.get("kind") not in ONBOARDING_KINDS:
            errors[f"steps[{i}].kind"] = f"One of {', '.join(sorted(ONBOARDING_KINDS))}."
        if not str(step.get("title") or "").strip():
            errors[f"steps[{i}].title"] = "Give the step a title."
        if not 0 <= int(step.get("day_offset") or 0) <= cad.ONBOARDING_DAYS:
            errors[f"steps[{i}].day_offset"] = "A day from 0 to 30."
    if errors:
        raise ValidationError(errors)
    OnboardingStep.objects.filter(workspace=actor.workspace).delete()
    made = [
        OnboardingStep.objects.create(
            workspace=actor.workspace,
            day_offset=int(s.get("day_offset") or 0),
            kind=s["kind"],
            title=str(s["title"]).strip(),
            position=i,
        )
        for i, s in enumerate(steps)
    ]
    events.emit(actor, "onboarding_template.updated", actor.workspace, data={"steps": len(made)})
    return made


@transaction.atomic
def onboarding_apply(
    *, actor: Actor, client: Client, start: date | None = None, emit: bool = True
) -> list[OnboardingItem]:
    """Give the client the standard first-30-days plan from `start` (its protocol's onboarding start, else today);
    pending items of an earlier plan are replaced, done ones kept. `emit=False` when it follows from an event that
    already says so (a new client: `client.created`)."""
    access.require(actor, "protocol", "update", client)
    protocol = protocol_for(client)
    start = start or protocol.onboarding_started_on or timezone.localdate()
    if protocol.pk is None or protocol.onboarding_started_on != start:
        protocol.onboarding_started_on = start
        if protocol.pk is not None:
            bump_version(protocol)
        protocol.save()
    OnboardingItem.objects.filter(client=client, done_at__isnull=True).delete()
    items = [
        OnboardingItem.objects.create(
            workspace=actor.workspace, client=client, kind=kind, title=title, due_on=start + timedelta(days=offset)
        )
        for offset, kind, title in onboarding_plan(actor.workspace)
    ]
    if emit:
        events.emit(actor, "onboarding.applied", client, data={"started_on": start, "items": len(items)})
    return items


@transaction.atomic
def onboarding_item_done(*, actor: Actor, item: OnboardingItem) -> OnboardingItem:
    access.require(actor, "protocol", "update", item.client)
    if item.done_at is None:
        item.done_at = timezone.now()
        item.save(update_fields=["done_at", "updated_at"])
        events.emit(actor, "onboarding_item.completed", item, data={"title": item.title}, client_id=item.client_id)
    return item


# --- Touchpoints ------------------------------------------------------------------------------------------------


def _ids_in(model: Any, workspace: Workspace, ids: list[int], field: str, errors: dict[str, str], **extra: Any) -> None:
    if ids and model.objects.filter(workspace=workspace, pk__in=ids, **extra).count() != len(set(ids)):
        errors[field] = "Some of these do not exist for this client in this workspace."


def _next_step_errors(actor: Actor, steps: list[dict[str, Any]], errors: dict[str, str]) -> None:
    for i, step in enumerate(steps):
        if not str(step.get("description") or "").strip():
            errors[f"next_steps[{i}].description"] = "Say what happens next."
        owner = step.get("owner_id")
        person_of_workspace(actor.workspace, owner, f"next_steps[{i}].owner_id", errors)
        if owner is None and step.get("owner_contact_id") is None:
            errors[f"next_steps[{i}].owner_id"] = "Every next step needs an owner (a person or a client contact)."
        if not step.get("due_on"):
            errors[f"next_steps[{i}].due_on"] = "Every next step needs a due date."


@transaction.atomic
def touchpoint_log(
    *,
    actor: Actor,
    client: Client,
    kind: str,
    summary: str,
    occurred_at: datetime | None = None,
    person_id: int | None = None,
    contact_ids: list[int] | None = None,
    attendees: list[str] | None = None,
    discussed: str = "",
    decision_ids: list[int] | None = None,
    next_steps: list[dict[str, Any]] | None = None,
    agenda_prepared: bool = False,
    goal_report: bool = False,
    sentiment: str = "",
    response_minutes: int | None = None,
    project_id: int | None = None,
    milestone_id: int | None = None,
) -> Touchpoint:
    """Log a call, e-mail, meeting, status update or strategic review with its structured summary. It satisfies the
    matching cadence item (reported in the event: cadence_met, cadence_on_time) and the first open onboarding item
    of its kind."""
    touchpoint = Touchpoint(
        workspace=actor.workspace,
        client=client,
        kind=kind,
        summary=(summary or "").strip(),
        occurred_at=occurred_at or timezone.now(),
        person_id=person_id if person_id is not None else actor.person_id,
        attendees=[str(a).strip() for a in attendees or [] if str(a).strip()],
        discussed=discussed,
        agenda_prepared=agenda_prepared,
        goal_report=goal_report,
        sentiment=sentiment or "",
        response_minutes=response_minutes,
        project_id=project_id,
        milestone_id=milestone_id,
    )
    access.require(actor, "touchpoint", "create", touchpoint)
    errors: dict[str, str] = {}
    if person_id is not None and person_of_workspace(actor.workspace, person_id, "person_id", errors) is None:
        touchpoint.person_id = None
    _ids_in(Contact, actor.workspace, contact_ids or [], "contact_ids", errors, client=client)
    _ids_in(Decision, actor.workspace, decision_ids or [], "decision_ids", errors, client=client)
    if (
        project_id is not None
        and not Project.objects.filter(workspace=actor.workspace, client=client, pk=project_id).exists()
    ):
        errors["project_id"] = "No such project of this client."
        touchpoint.project_id = None
    if milestone_id is not None:
        ms = Milestone.objects.filter(workspace=actor.workspace, project__client=client, pk=milestone_id).first()
        if ms is None:
            errors["milestone_id"] = "No such milestone of this client."
            touchpoint.milestone_id = None
        elif touchpoint.project_id is None:
            touchpoint.project_id = ms.project_id
    _next_step_errors(actor, next_steps or [], errors)
    validate(touchpoint, errors)
    # What the cadence asked for before this touchpoint, as of its day.

    on = timezone.localtime(touchpoint.occurred_at).date()
    before = client_cadence_items(client, on)
    matched = cad.matched_item(before, kind, on, milestone_id=touchpoint.milestone_id)
    touchpoint.save()
    if contact_ids:
        touchpoint.contacts.set(contact_ids)
    if decision_ids:
        touchpoint.decisions.set(decision_ids)
        Decision.objects.filter(pk__in=decision_ids, touchpoint_id__isnull=True).update(touchpoint_id=touchpoint.pk)
    for step in next_steps or []:
        NextStep.objects.create(
            workspace=actor.workspace,
            touchpoint=touchpoint,
            client=client,
            description=str(step["description"]).strip(),
            owner_id=step.get("owner_id"),
            owner_contact_id=step.get("owner_contact_id"),
            due_on=step.get("due_on"),
        )
    pending = OnboardingItem.objects.filter(client=client, kind=kind, done_at__isnull=True).order_by("due_on").first()
    if pending is not None:
        pending.done_at = touchpoint.occurred_at
        pending.touchpoint = touchpoint
        pending.save(update_fields=["done_at", "touchpoint", "updated_at"])
    events.emit(
        actor,
        "touchpoint.logged",
        touchpoint,
        data={
            "kind": kind,
            "person_id": touchpoint.person_id,
            "agenda_prepared": agenda_prepared,
            "goal_report": goal_report,
            "cadence_met": matched is not None,
            "cadence_on_time": (matched.days_overdue == 0) if matched is not None else None,
            "cadence_item": matched.item if matched is not None else None,
            "sentiment": touchpoint.sentiment,
            "next_steps": len(next_steps or []),
        },
    )
    return touchpoint


TOUCHPOINT_FIELDS = (
    "summary",
    "discussed",
    "attendees",
    "agenda_prepared",
    "goal_report",
    "sentiment",
    "response_minutes",
    "occurred_at",
    "kind",
)


@transaction.atomic
def touchpoint_update(*, actor: Actor, touchpoint: Touchpoint, version: int | None, **changes: Any) -> Touchpoint:
    access.require(actor, "touchpoint", "update", touchpoint)
    touchpoint = Touchpoint.objects.select_for_update().select_related("client").get(pk=touchpoint.pk)
    check_version(touchpoint, version)
    decision_ids = changes.pop("decision_ids", None)
    contact_ids = changes.pop("contact_ids", None)
    unknown = set(changes) - set(TOUCHPOINT_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    errors: dict[str, str] = {}

    _ids_in(Decision, actor.workspace, decision_ids or [], "decision_ids", errors, client=touchpoint.client)
    _ids_in(Contact, actor.workspace, contact_ids or [], "contact_ids", errors, client=touchpoint.client)
    changed = events.diff(touchpoint, changes)
    if decision_ids is not None:
        changed["decision_ids"] = [sorted(touchpoint.decisions.values_list("pk", flat=True)), sorted(decision_ids)]
    if contact_ids is not None:
        changed["contact_ids"] = [sorted(touchpoint.contacts.values_list("pk", flat=True)), sorted(contact_ids)]
    validate(touchpoint, errors)
    if not changed:
        return touchpoint
    bump_version(touchpoint)
    touchpoint.save()
    if decision_ids is not None:
        touchpoint.decisions.set(decision_ids)
    if contact_ids is not None:
        touchpoint.contacts.set(contact_ids)
    events.emit(actor, "touchpoint.updated", touchpoint, data={"changes": changed})
    return touchpoint


@transaction.atomic
def next_step_complete(*, actor: Actor, step: NextStep) -> NextStep:
    access.require(actor, "touchpoint", "update", step)
    step = NextStep.objects.select_for_update().get(pk=step.pk)
    if step.done_at is not None:
        raise Conflict("This next step is already done.", field="done")
    step.done_at = timezone.now()
    bump_version(step)
    step.save()
    events.emit(actor, "next_step.completed", step, data={"description": step.description})
    return step


# --- Status updates -------------------------------------------------------------------------------------------


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _render_status(client: Client, week_start: date, facts: dict[str, Any]) -> tuple[str, str]:
    end = week_start + timedelta(days=6)
    lines = [
        f"Hello {client.name} team,",
        "",
        f"Here is where we are for the week of {week_start:%d %b} - {end:%d %b %Y}.",
        "",
    ]

    def section(title: str, rows: list[str], empty: str) -> None:
        lines.append(title)
        lines.extend(f"- {r}" for r in rows) if rows else lines.append(f"- {empty}")
        lines.append("")

    section("Milestones reached", [m["name"] for m in facts["milestones_reached"]], "None this week.")
    section(
        "Work completed",
        [f"{t['title']} ({t['project']})" for t in facts["tasks_done"]],
        "No tasks closed this week.",
    )
    section(
        "Hours against budget",
        [
            f"{b['project']}: {b['hours_week']} h this week, {b['hours_total']} of {b['budget_hours']} h budgeted"
            for b in facts["budgets"]
        ],
        "No time logged.",
    )
    section("Decisions", [d["title"] for d in facts["decisions"]], "No new decisions.")
    section(
        "Next steps",
        [f"{s['description']} — {s['owner']} by {s['due_on']}" for s in facts["next_steps"]],
        "None open.",
    )
    section("Risks and watch-outs", facts["risks"], "Nothing to flag.")
    lines += ["Best regards,"]
    return f"{client.name}: status update, week of {week_start:%d %b %Y}", "\n".join(lines)


@transaction.atomic
def status_update_draft(*, actor: Actor, client: Client, week_start: date | None = None) -> StatusUpdate:
    """Draft (or re-draft, while still a draft) the client's status update for a week from that week's events:
    milestones reached, tasks done, hours against budget, decisions, open next steps and risks."""
    week_start = week_start_of(week_start or timezone.localdate())
    probe = StatusUpdate(workspace=actor.workspace, client=client)
    access.require(actor, "status_update", "create", probe)
    facts = week_facts(client, week_start)
    subject, body = _render_status(client, week_start, facts)
    draft = (
        StatusUpdate.objects.select_for_update()
        .filter(client=client, week_start=week_start, status=StatusUpdateStatus.DRAFT)
        .first()
    )
    recipients = list(
        client.contacts.exclude(email="").order_by("-is_primary", "name").values_list("email", flat=True)[:3]
    )
    if draft is None:
        draft = StatusUpdate.objects.create(
            workspace=actor.workspace,
            client=client,
            week_start=week_start,
            subject=subject,
            body=body,
            compiled=events.jsonable(facts),
            recipients=recipients,
        )
    else:
        draft.subject, draft.body, draft.compiled = subject, body, events.jsonable(facts)
        bump_version(draft)
        draft.save()
    events.emit(actor, "status_update.drafted", draft, data={"week_start": week_start})
    return draft


@transaction.atomic
def status_update_edit(*, actor: Actor, update: StatusUpdate, version: int | None, **changes: Any) -> StatusUpdate:
    access.require(actor, "status_update", "update", update)
    update = StatusUpdate.objects.select_for_update().select_related("client").get(pk=update.pk)
    check_version(update, version)
    if update.status != StatusUpdateStatus.DRAFT:
        raise Conflict("This status update was sent; it cannot be edited.", field="status")
    unknown = set(changes) - {"subject", "body", "recipients"}
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    errors = _recipient_errors(changes.get("recipients"))
    changed = events.diff(update, changes)
    validate(update, errors)
    if changed:
        bump_version(update)
        update.save()
        events.emit(actor, "status_update.updated", update, data={"changes": sorted(changed)})
    return update


def _recipient_errors(recipients: list[str] | None) -> dict[str, str]:
    for r in recipients or []:
        try:
            validate_email(r)
        except ValidationError:
            return {"recipients": f"Not an e-mail address: {r}"}
    return {}


@transaction.atomic
def status_update_send(*, actor: Actor, update: StatusUpdate, recipients: list[str] | None = None) -> StatusUpdate:
    """E-mail the status update to the client and log it as a `status_update` touchpoint (which keeps the
    cadence)."""
    access.require(actor, "status_update", "send", update)
    update = StatusUpdate.objects.select_for_update().select_related("client").get(pk=update.pk)
    if update.status != StatusUpdateStatus.DRAFT:
        raise Conflict("This status update was already sent.", field="status")
    to = recipients if recipients is not None else update.recipients
    errors = _recipient_errors(to)
    if not to:
        errors["recipients"] = "Name at least one recipient (the client has no contact with an e-mail)."
    if errors:
        raise ValidationError(errors)
    touchpoint = touchpoint_log(
        actor=actor,
        client=update.client,
        kind=TouchpointKind.STATUS_UPDATE,
        summary=update.subject,
        discussed=update.body,
        attendees=list(to),
    )
    update.status = StatusUpdateStatus.SENT
    update.recipients = list(to)
    update.sent_at = timezone.now()
    update.sent_by_id = actor.person_id
    update.touchpoint = touchpoint
    bump_version(update)
    update.save()
    events.emit(actor, "status_update.sent", update, data={"person_id": actor.person_id, "recipients": len(to)})
    body, subject = update.body, update.subject
    transaction.on_commit(
        lambda: send_mail(subject, body, django_settings.DEFAULT_FROM_EMAIL, list(to), fail_silently=True)
    )
    return update


# --- Goals ----------------------------------------------------------------------------------------------------

GOAL_FIELDS = ("title", "metric", "unit", "baseline", "target", "target_date", "description")


@transaction.atomic
def goal_create(*, actor: Actor, client: Client, title: str, metric: str, target: Any, **fields: Any) -> ClientGoal:
    goal = ClientGoal(
        workspace=actor.workspace, client=client, title=(title or "").strip(), metric=metric, target=target
    )
    access.require(actor, "client_goal", "create", goal)
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise ValidationError({f: "Unknown field." for f in unknown})
    for k, v in fields.items():
        if v is not None:
            setattr(goal, k, v)
    errors: dict[str, str] = {}
    if goal.target is not None and Decimal(str(goal.target)) == Decimal(str(goal.baseline)):
        errors["target"] = "The target must differ from the baseline."
    validate(goal, errors)
    goal.save()
    events.emit(actor, "client_goal.created", goal, data={"title": goal.title, "metric": goal.metric})
    return goal


@transaction.atomic
def goal_update(*, actor: Actor, goal: ClientGoal, version: int | None, **changes: Any) -> ClientGoal:
    access.require(actor, "client_goal", "update", goal)
    goal = ClientGoal.objects.select_for_update().select_related("client").get(pk=goal.pk)
    check_version(goal, version)
    unknown = set(changes) - set(GOAL_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    changed = events.diff(goal, changes)
    errors: dict[str, str] = {}
    if Decimal(str(goal.target)) == Decimal(str(goal.baseline)):
        errors["target"] = "The target must differ from the baseline."
    validate(goal, errors)
    if changed:
        bump_version(goal)
        goal.save()
        events.emit(actor, "client_goal.updated", goal, data={"changes": changed})
    return goal


@transaction.atomic
def goal_value_record(
    *, actor: Actor, goal: ClientGoal, value: Any, recorded_on: date | None = None, note: str = ""
) -> GoalValue:
    access.require(actor, "client_goal", "update", goal)
    row = GoalValue(
        workspace=actor.workspace, goal=goal, value=value, recorded_on=recorded_on or timezone.localdate(), note=note
    )
    validate(row, exclude=["goal"])
    row.save()
    ClientGoal.objects.filter(pk=goal.pk).update(updated_at=timezone.now())
    events.emit(
        actor,
        "client_goal.value_recorded",
        goal,
        data={"value": row.value, "recorded_on": row.recorded_on, "goal_value_id": row.pk},
    )
    return row


# --- Escalations ----------------------------------------------------------------------------------------------


def default_assignee(client: Client) -> Person | None:
    """Whom an escalation goes to: the AM's lead (Person.lead), else the first active owner, else an admin."""
    am = client.account_manager
    lead_id = getattr(am, "lead_id", None) if am else None
    if lead_id:
        return Person.objects.filter(pk=lead_id).first()
    for role in ("owner", "admin"):
        found = (
            Person.objects.filter(workspace_id=client.workspace_id, membership__role=role, active=True)
            .order_by("id")
            .first()
        )
        if found:
            return found
    return None


@transaction.atomic
def escalation_open(
    *,
    actor: Actor,
    client: Client,
    title: str,
    detail: str = "",
    rule: str = "manual",
    assignee_id: int | None = None,
    source_key: str = "",
    client_complained: bool = False,
) -> Escalation:
    """Open an escalation, assigned to `assignee_id` or by default to the AM's lead. A rule raises one at most once
    while open (same `source_key`): the second call returns the open one."""
    escalation = Escalation(
        workspace=actor.workspace,
        client=client,
        title=(title or "").strip(),
        detail=detail,
        rule=rule,
        source_key=source_key,
        raised_by_id=actor.person_id,
        before_client_complaint=not client_complained,
    )
    access.require(actor, "escalation", "create", escalation)
    errors: dict[str, str] = {}
    if assignee_id is not None:
        if (
            not Person.objects.filter(workspace=actor.workspace, pk=assignee_id, active=True)
            .exclude(membership__role="client")
            .exists()
        ):
            errors["assignee_id"] = "No such active staff member in this workspace."
        escalation.assignee_id = assignee_id if not errors else None
    else:
        found = default_assignee(client)
        escalation.assignee_id = found.pk if found else None
    if source_key:
        existing = Escalation.objects.filter(client=client, rule=rule, source_key=source_key, status="open").first()
        if existing is not None:
            return existing
    validate(escalation, errors, validate_constraints=False)
    try:
        with transaction.atomic():
            escalation.save()
    except IntegrityError as exc:
        raise Conflict("This escalation is already open.", field="source_key") from exc
    events.emit(
        actor,
        "escalation.opened",
        escalation,
        data={
            "rule": rule,
            "assignee_id": escalation.assignee_id,
            "raised_by_person_id": actor.person_id,
            "before_client_complaint": escalation.before_client_complaint,
            "title": escalation.title,
        },
    )
    return escalation


@transaction.atomic
def escalation_assign(*, actor: Actor, escalation: Escalation, assignee_id: int) -> Escalation:
    access.require(actor, "escalation", "update", escalation)
    escalation = Escalation.objects.select_for_update().select_related("client").get(pk=escalation.pk)
    if escalation.status != EscalationStatus.OPEN:
        raise Conflict("This escalation is resolved.", field="status")
    if (
        not Person.objects.filter(workspace=actor.workspace, pk=assignee_id, active=True)
        .exclude(membership__role="client")
        .exists()
    ):
        raise ValidationError({"assignee_id": "No such active staff member in this workspace."})
    old = escalation.assignee_id
    escalation.assignee_id = assignee_id
    bump_version(escalation)
    escalation.save()
    events.emit(actor, "escalation.assigned", escalation, data={"from": old, "to": assignee_id})
    return escalation


@transaction.atomic
def escalation_resolve(*, actor: Actor, escalation: Escalation, note: str) -> Escalation:
    access.require(actor, "escalation", "update", escalation)
    escalation = Escalation.objects.select_for_update().select_related("client").get(pk=escalation.pk)
    if escalation.status != EscalationStatus.OPEN:
        raise Conflict("This escalation is already resolved.", field="status")
    if not (note or "").strip():
        raise ValidationError({"note": "Say how it was resolved."})
    escalation.status = EscalationStatus.RESOLVED
    escalation.resolved_at = timezone.now()
    escalation.resolved_by_id = actor.person_id
    escalation.resolution_note = note.strip()
    bump_version(escalation)
    escalation.save()
    events.emit(
        actor,
        "escalation.resolved",
        escalation,
        data={"resolved_by_person_id": actor.person_id, "assignee_id": escalation.assignee_id, "rule": escalation.rule},
    )
    return escalation


def escalation_rules_check(workspace: Workspace, today: date) -> list[Escalation]:
    """Apply the escalation rules to every live client: health at risk, a cadence item overdue by N days, a live
    project over 100 % of its budget, an unconfirmed critical handoff. Each raises one open escalation per cause."""
    actor = Actor.system(workspace)
    conf = settings_for(workspace)
    opened: list[Escalation] = []
    clients = list(
        Client.objects.filter(
            workspace=workspace, archived_at__isnull=True, status__in=["active", "paused"]
        ).select_related("account_manager")
    )
    for client in clients:
        causes: list[tuple[str, str, str, str]] = []
        if conf.escalate_on_health_at_risk:
            health = selectors.client_health(client, today)
            if health["band"] == "at_risk":
                worst = sorted(health["signals"], key=lambda s: s["contribution"] - s["weight"])[:2]
                causes.append(
                    (
                        "health_at_risk",
                        "at_risk",
                        f"{client.name}: account health at risk ({health['score']})",
                        " ".join(s["explanation"] for s in worst),
                    )
                )
        for item in cad.due_items(selectors.client_cadence_items(client, today)):
            if item.days_overdue >= conf.escalate_cadence_after_days:
                causes.append(
                    (
                        "cadence_overdue",
                        f"{item.item}:{item.due_on.isoformat()}",
                        f"{client.name}: {item.kind.replace('_', ' ')} overdue by {item.days_overdue} days",
                        item.reason,
                    )
                )
        if conf.escalate_on_budget_over:
            for project, pct in selectors.budget_overruns(client, today):
                causes.append(
                    (
                        "budget_over",
                        f"project:{project.pk}",
                        f"{client.name}: {project.name} at {pct} % of budget",
                        "Budget burn passed 100 %: agree a change order or a plan with the client.",
                    )
                )
        if conf.escalate_on_unconfirmed_handoff:
            for handoff in selectors.unconfirmed_critical_handoffs(workspace, client.pk):
                causes.append(
                    (
                        "handoff_unconfirmed",
                        f"handoff:{handoff.pk}",
                        f"{client.name}: critical handoff “{handoff}” unconfirmed",
                        "A critical handoff is past due without the receiver's confirmation.",
                    )
                )
        for rule, key, title, detail in causes:
            if Escalation.objects.filter(client=client, rule=rule, source_key=key, status="open").exists():
                continue
            with transaction.atomic():
                opened.append(
                    escalation_open(actor=actor, client=client, title=title, detail=detail, rule=rule, source_key=key)
                )
    return opened


# --- Health snapshots -------------------------------------------------------------------------------------------


def health_snapshot_take(workspace: Workspace, today: date) -> list[tuple[HealthSnapshot, int | None]]:
    """Today's health of every live client, kept once a day (re-running updates today's row). Returns (snapshot,
    the previous day's score)."""
    made = []
    for client in Client.objects.filter(workspace=workspace, archived_at__isnull=True).exclude(status="churned"):
        health = client_health(client, today)
        previous = (
            HealthSnapshot.objects.filter(client=client, taken_on__lt=today)
            .order_by("-taken_on")
            .values_list("score", flat=True)
            .first()
        )
        snap, _ = HealthSnapshot.objects.update_or_create(
            client=client,
            taken_on=today,
            defaults={
                "workspace": workspace,
                "score": health["score"],
                "band": health["band"],
                "signals": events.jsonable(health["signals"]),
            },
        )
        made.append((snap, previous))
    return made


# --- Growth opportunities ---------------------------------------------------------------------------------------

OPPORTUNITY_FIELDS = ("title", "kind", "value", "status", "owner_id", "notes")


@transaction.atomic
def opportunity_create(*, actor: Actor, client: Client, title: str, **fields: Any) -> GrowthOpportunity:
    opp = GrowthOpportunity(workspace=actor.workspace, client=client, title=(title or "").strip())
    opp.owner_id = actor.person_id
    access.require(actor, "growth_opportunity", "create", opp)
    unknown = set(fields) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise ValidationError({f: "Unknown field." for f in unknown})
    for k, v in fields.items():
        if v is not None:
            setattr(opp, k, v)
    errors: dict[str, str] = {}
    if opp.owner_id and person_of_workspace(actor.workspace, opp.owner_id, "owner_id", errors) is None:
        opp.owner_id = None
    validate(opp, errors)
    opp.save()
    events.emit(
        actor,
        "growth_opportunity.logged",
        opp,
        data={"person_id": actor.person_id, "value": opp.value, "kind": opp.kind, "title": opp.title},
    )
    return opp


@transaction.atomic
def opportunity_update(
    *, actor: Actor, opportunity: GrowthOpportunity, version: int | None, **changes: Any
) -> GrowthOpportunity:
    access.require(actor, "growth_opportunity", "update", opportunity)
    opp = GrowthOpportunity.objects.select_for_update().select_related("client").get(pk=opportunity.pk)
    check_version(opp, version)
    unknown = set(changes) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise ValidationError({f: "This field cannot be changed." for f in unknown})
    errors: dict[str, str] = {}
    if (
        changes.get("owner_id")
        and person_of_workspace(actor.workspace, changes["owner_id"], "owner_id", errors) is None
    ):
        changes.pop("owner_id")
    changed = events.diff(opp, changes)
    validate(opp, errors)
    if changed:
        bump_version(opp)
        opp.save()
        events.emit(actor, "growth_opportunity.updated", opp, data={"changes": changed})
    return opp


# --- The client's decisions in the portal -----------------------------------------------------------------------


@transaction.atomic
def portal_change_order_decide(*, actor: Actor, order: Any, approve: bool, reason: str = "") -> Any:
    """A client-role user approves or rejects a submitted change order of its own client's project, through
    finance's services (acting for the client: the decision and its event name the client's portal user)."""
    access.require(actor, "portal", "decide_change_order", order)
    if order.status != "submitted":
        raise Conflict("Only a submitted change order waits for your decision.", field="status")
    on_behalf = replace(actor, role=access.OWNER)  # finance's decide right, for this one order the client owns
    note = (reason or "").strip() or f"Decided in the client portal by {actor.person_name}."
    if approve:
        return change_order_approve(actor=on_behalf, order=order, reason=note)
    return change_order_reject(actor=on_behalf, order=order, reason=note)
