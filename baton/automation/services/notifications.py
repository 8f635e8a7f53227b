"""In-app notifications: raising them (once per recipient, event and source), reading them, e-mail right away or as
a daily digest by each person's preference, and the @mention notifier.

Raising a notification appends no event of its own: it is derived from the event that caused it (which is in the
log already), and rules never trigger on notification verbs. Reading them and changing the preference are a person's
own changes and are logged (`notification.read`, `notification.read_all`, `notification_preference.updated`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from baton.automation.models import EmailMode, Notification, NotificationPreference
from baton.core import access, events
from baton.core.access import Actor
from baton.core.models import Event, Workspace
from baton.core.registry import EVENT_URLS, NotificationSpec, register_event_url, register_notifier
from baton.core.services import bump_version
from baton.people.models import Person

logger = logging.getLogger(__name__)

DIGEST_HOUR = 7  # local time of the workspace: the daily digest goes out from this hour on
TITLE_MAX = 300

# Where a notification about one of these targets links to (other apps register theirs with `register_event_url`).
BUILT_IN_EVENT_URLS: dict[str, tuple[str, str]] = {
    "client": ("crm:client_detail", "client_id"),
    "project": ("delivery:project_detail", "project_id"),
    "task": ("delivery:task_detail", "task_id"),
    "person": ("people:detail", "person_id"),
    "decision": ("knowledge:decision_detail", "decision_id"),
    "brief": ("knowledge:brief_detail", "brief_id"),
    "comment": ("knowledge:comment_redirect", "comment_id"),
    "automation_rule": ("automation:rule_detail", "rule_id"),
    "webhook": ("automation:webhook_detail", "webhook_id"),
}
for _target_type, (_url_name, _kwarg) in BUILT_IN_EVENT_URLS.items():
    register_event_url(_target_type, _url_name, _kwarg)


def url_for_event(event: Event) -> str:
    """The page of the event's record, or "" when it has none."""
    known = EVENT_URLS.get(event.target_type)
    if known is None:
        return ""
    try:
        return reverse(known[0], kwargs={known[1]: event.target_id})
    except NoReverseMatch:
        return ""


def email_mode(person_id: int) -> str:
    pref = NotificationPreference.objects.filter(person_id=person_id).values_list("email", flat=True).first()
    return pref or EmailMode.DAILY


def _send_one(notification: Notification, email: str) -> None:
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
    try:
        send_mail(
            subject=f"[Baton] {notification.title}"[:200],
            message=f"{notification.body}{link}".strip() or notification.title,
            from_email=None,
            recipient_list=[email],
        )
    except Exception:
        logger.exception("Could not e-mail notification %s to %s.", notification.pk, email)


def notify(
    *,
    workspace: Workspace,
    recipients: Iterable[Person | int],
    verb: str,
    title: str,
    body: str = "",
    url: str = "",
    event: Event | None = None,
    source: str,
) -> list[Notification]:
    """In-app notifications for active people of the workspace, at most one per (recipient, event, source); those
    who want e-mail right away get it once the transaction commits. Returns the notifications created now."""
    ids = list(dict.fromkeys(r.pk if isinstance(r, Person) else int(r) for r in recipients))
    people = Person.objects.filter(workspace=workspace, pk__in=ids, active=True).only("id", "email")
    created: list[Notification] = []
    for person in people:
        values = {
            "workspace": workspace,
            "verb": verb[:80],
            "title": (title or verb)[:TITLE_MAX],
            "body": body or "",
            "url": (url or "")[:500],
        }
        if event is not None:
            try:
                with transaction.atomic():
                    notification, is_new = Notification.objects.get_or_create(
                        recipient=person, event=event, source=source[:60], defaults=values
                    )
            except IntegrityError:  # a concurrent job raised it first
                continue
            if not is_new:
                continue
        else:
            notification = Notification.objects.create(recipient=person, source=source[:60], **values)
        created.append(notification)
        if email_mode(person.pk) == EmailMode.IMMEDIATE and person.email:
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            transaction.on_commit(lambda n=notification, e=person.email: _send_one(n, e), robust=True)  # type: ignore[misc]
    return created


def notify_specs(event: Event, specs: Iterable[NotificationSpec]) -> list[Notification]:
    """Raise what a registered notifier asked for, grouped by source."""
    created: list[Notification] = []
    for spec in specs:
        created += notify(
            workspace=event.workspace,
            recipients=[spec.recipient_id],
            verb=event.verb,
            title=spec.title,
            body=spec.body,
            url=spec.url or url_for_event(event),
            event=event,
            source=spec.source,
        )
    return created


# --- A person's own notifications -----------------------------------------------------------------------------


def _own(actor: Actor, notification: Notification) -> None:
    access.require(actor, "notification", "update")
    if actor.person_id is None or notification.recipient_id != actor.person_id:
        raise Http404("No such notification.")


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark one of your notifications read (again is harmless)."""
    _own(actor, notification)
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        events.emit(actor, "notification.read", notification, data={"verb": notification.verb}, client_id=None)
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of yours read; returns how many."""
    access.require(actor, "notification", "update")
    if actor.person_id is None:
        return 0
    unread = Notification.objects.filter(recipient_id=actor.person_id, read_at__isnull=True)
    newest = unread.order_by("-created_at", "-id").first()
    count = unread.update(read_at=timezone.now())
    if newest is not None and count:
        events.emit(actor, "notification.read_all", newest, data={"count": count}, client_id=None)
    return count


def preference_get(*, actor: Actor) -> NotificationPreference:
    """Your e-mail preference (the default, daily, when you never chose)."""
    access.require(actor, "notification_preference", "view")
    if actor.person_id is None:
        raise ValidationError({"email": "Only a person of the workspace has notification preferences."})
    found = NotificationPreference.objects.filter(person_id=actor.person_id).first()
    return found or NotificationPreference(workspace=actor.workspace, person_id=actor.person_id)


@transaction.atomic
def preference_update(*, actor: Actor, email: str) -> NotificationPreference:
    access.require(actor, "notification_preference", "update")
    if actor.person_id is None:
        raise ValidationError({"email": "Only a person of the workspace has notification preferences."})
    if email not in EmailMode.values:
        raise ValidationError({"email": f"Choose one of: {', '.join(EmailMode.values)}."})
    pref, created = NotificationPreference.objects.select_for_update().get_or_create(
        person_id=actor.person_id, defaults={"workspace": actor.workspace, "email": email}
    )
    if not created and pref.email == email:
        return pref
    old = None if created else pref.email
    if not created:
        pref.email = email
        bump_version(pref)
        pref.save()
    events.emit(actor, "notification_preference.updated", pref, data={"email": [old, email]}, client_id=None)
    return pref


# --- The daily digest -----------------------------------------------------------------------------------------


def _local_now(workspace: Workspace, now: datetime) -> datetime:
    try:
        return now.astimezone(ZoneInfo(workspace.timezone or "UTC"))
    except (ValueError, KeyError):
        return now.astimezone(ZoneInfo("UTC"))


def digest_send(workspace: Workspace, now: datetime) -> int:
    """Once a day per person (from DIGEST_HOUR, workspace time): one e-mail listing the unread notifications not
    yet e-mailed, for everyone whose preference is the daily digest. Returns how many e-mails went out."""
    local = _local_now(workspace, now)
    if local.hour < DIGEST_HOUR:
        return 0
    today = local.date()
    pending = (
        Notification.objects.filter(workspace=workspace, read_at__isnull=True, emailed_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for person in Person.objects.filter(workspace=workspace, pk__in=list(pending), active=True):
        with transaction.atomic():
            pref, _ = NotificationPreference.objects.select_for_update().get_or_create(
                person=person, defaults={"workspace": workspace}
            )
            if pref.email != EmailMode.DAILY or pref.last_digest_on == today or not person.email:
                continue
            items = list(
                Notification.objects.select_for_update()
                .filter(recipient=person, read_at__isnull=True, emailed_at__isnull=True)
                .order_by("created_at", "id")[:50]
            )
            if not items:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
            pref.last_digest_on = today
            pref.save(update_fields=["last_digest_on", "updated_at"])
            base = settings.SITE_URL.rstrip("/")
            lines = [f"- {n.title}" + (f"\n  {base}{n.url}" if n.url else "") for n in items]
            body = f"Your unread notifications in {workspace.name}:\n\n" + "\n".join(lines)
            address = person.email
            subject = f"[Baton] {len(items)} unread notification{'s' if len(items) != 1 else ''}"
            transaction.on_commit(lambda s=subject, b=body, a=address: _mail(s, b, a), robust=True)  # type: ignore[misc]
            sent += 1
    return sent


def _mail(subject: str, body: str, address: str) -> None:
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[address])
    except Exception:
        logger.exception("Could not send the digest to %s.", address)


# --- @mentions ------------------------------------------------------------------------------------------------


def mention_notifications(event: Event) -> list[NotificationSpec]:
    """`comment.created` lists the people it mentions (`mentions`, or knowledge's `mentioned_ids`): each hears of
    it, except the author; a client-role person never hears of an internal comment."""
    data = event.data or {}
    raw = data.get("mentions", data.get("mentioned_ids")) or []
    ids = [int(i) for i in raw if isinstance(i, int) or (isinstance(i, str) and i.isdigit())]
    ids = [i for i in ids if i != event.actor_id]
    if not ids:
        return []
    people = Person.objects.filter(workspace_id=event.workspace_id, pk__in=ids).select_related("membership")
    if data.get("internal"):
        people = people.exclude(membership__role=access.CLIENT)
    where = data.get("target_label") or data.get("target_type") or "a comment"
    who = event.actor_name or "Someone"
    return [
        NotificationSpec(
            recipient_id=p.pk,
            title=f"{who} mentioned you on {where}"[:TITLE_MAX],
            body=str(data.get("excerpt") or "")[:1000],
            url=url_for_event(event),
            source="mention",
        )
        for p in people
    ]


register_notifier("comment.created", mention_notifications)
