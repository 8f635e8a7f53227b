"""Automation records for shared tests (the access matrix): a rule with one run, a webhook with one delivery, and a
notification for every person of the workspace."""

from __future__ import annotations

from baton.automation.models import Notification
from baton.automation.services import delivery_for_event, notify, rule_create, rule_run_for_event, webhook_create
from baton.core.access import Actor
from baton.core.models import Event, Workspace
from baton.people.models import Person

# Nothing listens on port 9 of the loopback: a "send test" fails fast with connection refused.
UNREACHABLE_URL = "https://unreachable.invalid/baton-matrix"  # .invalid never resolves (RFC 2606)


def make_automation_records(*, workspace: Workspace, recipient: Person) -> dict[str, int]:
    """Returns ids by path-parameter name: `rule_id`, `webhook_id` and `notification_id` (the one of `recipient`).
    Needs at least one event in the workspace (any service call leaves one)."""
    actor = Actor.system(workspace)
    event = Event.objects.filter(workspace=workspace).order_by("-id").first()
    assert event is not None, "make_automation_records needs an event in the workspace"
    rule = rule_create(
        actor=actor,
        name="Matrix rule",
        trigger=event.verb,
        actions=[{"type": "notify", "params": {"to": "actor"}}],
    )
    rule_run_for_event(rule_id=rule.pk, event=event)
    webhook = webhook_create(actor=actor, url=UNREACHABLE_URL, events=["*"], description="Matrix webhook")
    delivery_for_event(webhook, event)
    for person in Person.objects.filter(workspace=workspace, active=True):
        notify(
            workspace=workspace,
            recipients=[person],
            verb=event.verb,
            title=f"Matrix notification for {person.name}",
            event=event,
            source="matrix",
        )
    notification = Notification.objects.get(recipient=recipient, source="matrix")
    return {"rule_id": rule.pk, "webhook_id": webhook.pk, "notification_id": notification.pk}
