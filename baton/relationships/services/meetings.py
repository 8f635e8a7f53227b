"""Meeting preparation writes: scheduling a client meeting, and the recap e-mail of a touchpoint (drafted from its
summary and next steps, edited, sent to its attendees only on confirmation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from baton.core import access, client_view, events, formats
from baton.core.access import Actor
from baton.core.errors import Conflict
from baton.core.services import bump_version, validate
from baton.crm.models import Client, Contact
from baton.people.validators import person_of_workspace
from baton.relationships.models import Meeting, MeetingKind, RecapStatus, Touchpoint, TouchpointRecap

# --- Scheduling -----------------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    actor: Actor,
    client: Client,
    title: str,
    starts_at: datetime,
    kind: str = MeetingKind.MEETING,
    duration_minutes: int = 60,
    person_id: int | None = None,
    contact_ids: list[int] | None = None,
    agenda: str = "",
) -> Meeting:
    """Plan a client meeting (a call, meeting or strategic review) at `starts_at`; its brief is read from it."""
    meeting = Meeting(
        workspace=actor.workspace,
        client=client,
        kind=kind,
        title=(title or "").strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        person_id=person_id if person_id is not None else actor.person_id,
        agenda=agenda or "",
    )
    access.require(actor, "meeting", "create", meeting)
    errors: dict[str, str] = {}
    if person_id is not None and person_of_workspace(actor.workspace, person_id, "person_id", errors) is None:
        meeting.person_id = None
    ids = set(contact_ids or [])
    if ids and Contact.objects.filter(workspace=actor.workspace, client=client, pk__in=ids).count() != len(ids):
        errors["contact_ids"] = "Some of these are not contacts of this client."
    validate(meeting, errors)
    meeting.save()
    if ids:
        meeting.contacts.set(ids)
    events.emit(
        actor,
        "meeting.scheduled",
        meeting,
        data={"client_id": client.pk, "kind": kind, "starts_at": starts_at, "contacts": len(ids)},
    )
    return meeting


# --- The recap e-mail ----------------------------------------------------------------------------------------------


def _default_recipients(touchpoint: Touchpoint) -> list[str]:
    """The attendees with an e-mail: the touchpoint's contacts, then attendee entries that are addresses."""
    found = [c.email for c in touchpoint.contacts.all() if c.email]
    for entry in touchpoint.attendees or []:
        try:
            validate_email(entry)
        except ValidationError:
            continue
        if entry not in found:
            found.append(entry)
    return found


def _recap_text(touchpoint: Touchpoint) -> tuple[str, str]:
    """Subject and body from the summary, the decisions the client may see and the next steps. A line that names
    internal information of the client (`client_view.internal_fragments`) is left out of the draft."""
    client = touchpoint.client
    subject = f"Recap: our {touchpoint.get_kind_display().lower()} of {formats.day(touchpoint.occurred_at)}"
    lines = ["Hello,", "", "Thank you for your time. A short recap:", "", touchpoint.summary.strip()]
    decisions = [d for d in touchpoint.decisions.all() if not d.internal]
    if decisions:
        lines += ["", "Decided:"] + [f"- {d.title}" for d in decisions]
    steps = list(touchpoint.next_steps.select_related("owner", "owner_contact").order_by("due_on", "id"))
    if steps:
        lines += ["", "Next steps:"]
        for s in steps:
            owner = s.owner.name if s.owner else (s.owner_contact.name if s.owner_contact else "")
            due = f", by {formats.day(s.due_on)}" if s.due_on else ""
            lines.append(f"- {s.description}" + (f" ({owner}{due})" if owner or due else ""))
    signer = touchpoint.person.name if touchpoint.person else client.workspace.name
    lines += ["", "Best regards,", signer]
    kept = [line for line in lines if not client_view.internal_fragments(client, line)]
    return subject, "\n".join(kept)


def _recipient_errors(recipients: list[str] | None) -> dict[str, str]:
    for r in recipients or []:
        try:
            validate_email(r)
        except ValidationError:
            return {"recipients": f"Not an e-mail address: {r}"}
    return {}


@transaction.atomic
def recap_draft(
    *,
    actor: Actor,
    touchpoint: Touchpoint,
    subject: str | None = None,
    body: str | None = None,
    recipients: list[str] | None = None,
) -> TouchpointRecap:
    """Draft (or redraft) the recap of a touchpoint: from its records, or the edited subject, body and recipients
    given. Nothing is sent; a sent recap cannot be drafted again (409)."""
    access.require(actor, "touchpoint", "recap", touchpoint)
    touchpoint = (
        Touchpoint.objects.select_for_update(of=("self",)).select_related("client", "person").get(pk=touchpoint.pk)
    )
    recap = TouchpointRecap.objects.filter(touchpoint=touchpoint).first()
    if recap is not None and recap.status == RecapStatus.SENT:
        raise Conflict("This recap was already sent.", field="status")
    made_subject, made_body = _recap_text(touchpoint)
    changes: dict[str, Any] = {
        "subject": made_subject if subject is None else subject.strip(),
        "body": made_body if body is None else body,
        "recipients": _default_recipients(touchpoint) if recipients is None else list(recipients),
    }
    errors = _recipient_errors(changes["recipients"])
    if not changes["subject"]:
        errors["subject"] = "A recap needs a subject."
    if not changes["body"].strip():
        errors["body"] = "A recap needs a body."
    if errors:
        raise ValidationError(errors)
    if recap is None:
        recap = TouchpointRecap(workspace=actor.workspace, touchpoint=touchpoint, client=touchpoint.client, **changes)
    else:
        for field, value in changes.items():
            setattr(recap, field, value)
        bump_version(recap)
    recap.save()
    events.emit(
        actor,
        "touchpoint_recap.drafted",
        recap,
        data={"touchpoint_id": touchpoint.pk, "client_id": touchpoint.client_id, "recipients": len(recap.recipients)},
    )
    return recap


@transaction.atomic
def recap_send(*, actor: Actor, touchpoint: Touchpoint, recipients: list[str] | None = None) -> TouchpointRecap:
    """Send the drafted recap, as it stands, to its recipients (or those given): the confirmation. Through
    `client_view.client_mail`; a subject or body naming internal information is refused with 422 and nothing is
    sent. Records `sent_at`, `sent_by` and to whom; 409 without a draft or when sent already."""
    access.require(actor, "touchpoint", "recap", touchpoint)
    recap = (
        TouchpointRecap.objects.select_for_update(of=("self",))
        .filter(touchpoint=touchpoint)
        .select_related("client")
        .first()
    )
    if recap is None:
        raise Conflict("Draft the recap first, then confirm it.", field="status")
    if recap.status == RecapStatus.SENT:
        raise Conflict("This recap was already sent.", field="status")
    to = list(recipients) if recipients is not None else list(recap.recipients)
    errors = _recipient_errors(to)
    if not to:
        errors["recipients"] = "Name at least one recipient (no attendee has an e-mail)."
    errors |= client_view.shareable_errors(recap.client, subject=recap.subject, body=recap.body)
    if errors:
        raise ValidationError(errors)
    recap.status = RecapStatus.SENT
    recap.recipients = to
    recap.sent_at = timezone.now()
    recap.sent_by_id = actor.person_id
    bump_version(recap)
    recap.save()
    events.emit(
        actor,
        "touchpoint_recap.sent",
        recap,
        data={"touchpoint_id": touchpoint.pk, "client_id": recap.client_id, "recipients": to},
    )
    client_view.client_mail(recap.client, subject=recap.subject, body=recap.body, to=to)
    return recap
