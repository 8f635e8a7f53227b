"""Weekly status updates: drafted from the week's facts, edited while a draft, sent by e-mail."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from baton.core import access, client_view, events, formats
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import bump_version, check_version, validate
from baton.crm.models import Client
from baton.relationships.models import StatusUpdate, StatusUpdateStatus, TouchpointKind
from baton.relationships.selectors import week_facts
from baton.relationships.services.touchpoints import touchpoint_log

# --- Status updates -------------------------------------------------------------------------------------------


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _render_status(client: Client, week_start: date, facts: dict[str, Any]) -> tuple[str, str]:
    end = week_start + timedelta(days=6)
    lines = [
        f"Hello {client.name} team,",
        "",
        f"Here is where we are for the week of {formats.day_short(week_start)} - {formats.day(end)}.",
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
    if facts.get("budgets_shared"):  # the client's protocol shares budgets (core.client_view)
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
        [f"{s['description']} — {s['owner']} by {formats.day(s['due_on'])}" for s in facts["next_steps"]],
        "None open.",
    )
    section("Risks and watch-outs", facts["risks"], "Nothing to flag.")
    lines += ["Best regards,"]
    return f"{client.name}: status update, week of {formats.day(week_start)}", "\n".join(lines)


@transaction.atomic
def status_update_draft(*, actor: Actor, client: Client, week_start: date | None = None) -> StatusUpdate:
    """Draft (or re-draft, while still a draft) the client's status update for a week from that week's events:
    milestones reached, tasks done, hours against budget, decisions, open next steps and risks."""
    week_start = week_start_of(week_start or timezone.localdate())
    probe = StatusUpdate(workspace=actor.workspace, client=client)
    access.require(actor, "status_update", "create", probe)
    facts = week_facts(client, week_start, client_view.audience_for(client))  # only what the client may see
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
    """E-mail the status update to the client (through `core.client_view.client_mail`: a subject or body naming
    internal information, such as an open escalation pasted in or left from an older draft, is refused with 422) and
    log it as a `status_update` touchpoint (which keeps the cadence)."""
    access.require(actor, "status_update", "send", update)
    update = StatusUpdate.objects.select_for_update().select_related("client").get(pk=update.pk)
    if update.status != StatusUpdateStatus.DRAFT:
        raise Conflict("This status update was already sent.", field="status")
    to = recipients if recipients is not None else update.recipients
    errors = _recipient_errors(to)
    if not to:
        errors["recipients"] = "Name at least one recipient (the client has no contact with an e-mail)."
    errors |= client_view.shareable_errors(update.client, subject=update.subject, body=update.body)
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
    client_view.client_mail(update.client, subject=update.subject, body=update.body, to=to)
    return update
