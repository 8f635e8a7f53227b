"""Escalations: opened by hand or by the rules, assigned, resolved."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from baton.core import access, events
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.models import Workspace
from baton.core.services import bump_version, validate
from baton.crm.models import Client
from baton.people.models import Person
from baton.relationships import cadence as cad
from baton.relationships import selectors
from baton.relationships.models import Escalation, EscalationStatus
from baton.relationships.selectors import settings_for

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
