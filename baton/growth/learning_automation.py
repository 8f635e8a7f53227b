"""Learning's in-app notifications (core's notifier registry; automation delivers them): an overdue onboarding item
to whoever's job it is (the hire, their buddy, their lead; the hire when that person is missing), a new plan to its
hire and buddy, a scenario answer to review to the person's lead."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from baton.core.models import Event
from baton.core.registry import NotificationSpec, register_event_url, register_notifier

register_event_url("onboarding_plan", "growth:onboarding_plan", "plan_id")
register_event_url("lesson", "growth:lesson", "lesson_id")


def _plan_url(plan_id: Any) -> str:
    try:
        return reverse("growth:onboarding_plan", kwargs={"plan_id": int(plan_id)})
    except Exception:
        return ""


def _spec(recipient: Any, title: str, url: str, event: Event, body: str = "") -> list[NotificationSpec]:
    if not recipient or recipient == event.actor_id:
        return []
    return [NotificationSpec(recipient_id=int(recipient), title=title[:300], body=body, url=url, source="learning")]


def notify_item_overdue(event: Event) -> list[NotificationSpec]:
    data = event.data or {}
    whose = {"hire": data.get("person_id"), "buddy": data.get("buddy_id"), "lead": data.get("lead_id")}
    recipient = whose.get(data.get("owner") or "hire") or data.get("person_id")
    days = data.get("days_overdue") or 0
    return _spec(
        recipient,
        f"An onboarding item is {days} day{'s' if days != 1 else ''} overdue",
        _plan_url(data.get("plan_id")),
        event,
        "Tick it when it is done.",
    )


def notify_plan_created(event: Event) -> list[NotificationSpec]:
    data = event.data or {}
    url = _plan_url(event.target_id)
    return [
        *_spec(data.get("person_id"), "Welcome! Your onboarding plan is ready", url, event),
        *_spec(data.get("buddy_id"), "You are a new hire's onboarding buddy", url, event),
    ]


def notify_answer_to_review(event: Event) -> list[NotificationSpec]:
    data = event.data or {}
    if data.get("kind") != "scenario":
        return []
    try:
        url = reverse("growth:training_person", kwargs={"person_id": int(data["person_id"])})
    except Exception:
        url = ""
    return _spec(data.get("lead_id"), "A practice scenario answer to review", url, event)


register_notifier("onboarding_item.overdue", notify_item_overdue)
register_notifier("onboarding_plan.created", notify_plan_created)
register_notifier("lesson_attempt.submitted", notify_answer_to_review)
